#include "projector/consumer.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log/logging.h"
#include "common/base/status.h"
#include "projector/replayer.h"

namespace talentflow::projector {

// Seeks newly assigned partitions to their stored offsets; on revocation commits what was applied
// so far (one RocksDB write) and forgets the partitions. Runs on the consuming thread.
class Projector::Rebalancer : public RdKafka::RebalanceCb {
 public:
  explicit Rebalancer(Projector* p) : p_(p) {}
  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    const bool cooperative = consumer->rebalance_protocol() == "COOPERATIVE";
    std::vector<int32_t> moved;
    for (RdKafka::TopicPartition* tp : partitions) moved.push_back(tp->partition());
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      // A standby copy stops first: from here on the owner's consumer applies the partition, from
      // the offset the copy stored.
      p_->UnfollowStandby(moved);
      for (RdKafka::TopicPartition* tp : partitions) {
        const int64_t next = p_->StoredNext(tp->partition());
        tp->set_offset(next == 0 ? RdKafka::Topic::OFFSET_BEGINNING : next);
        std::lock_guard<std::mutex> lock(p_->mu_);
        p_->next_offset_[tp->partition()] = next;
        p_->catch_up_target_[tp->partition()] = -1;
      }
      if (cooperative) {
        consumer->incremental_assign(partitions);
      } else {
        consumer->assign(partitions);
      }
      spdlog::info("assigned {} partition(s)", partitions.size());
      // Far behind: rebuilt through the replay fast path while the live consumer holds it paused.
      for (RdKafka::TopicPartition* tp : partitions) {
        if (p_->options_.rebuild_threshold <= 0) break;
        int64_t lo = 0, hi = 0;
        if (consumer->query_watermark_offsets(p_->options_.kafka.topic, tp->partition(), &lo, &hi, 5000) !=
            RdKafka::ERR_NO_ERROR) {
          continue;  // the live consumer applies it
        }
        const int64_t next = p_->StoredNext(tp->partition());
        if (hi - std::max(next, lo) < p_->options_.rebuild_threshold) continue;
        std::vector<RdKafka::TopicPartition*> one = {tp};
        consumer->pause(one);
        p_->StartRebuild(tp->partition(), hi);
      }
    } else {
      // Nothing is pending here: every poll batch is applied and committed before the next poll.
      for (int32_t p : moved) p_->StopRebuild(p);
      p_->CommitLagSignal();  // every applied offset, the leaving partitions' included, before they are forgotten
      {
        std::lock_guard<std::mutex> lock(p_->mu_);
        for (RdKafka::TopicPartition* tp : partitions) {
          p_->next_offset_.erase(tp->partition());
          p_->catch_up_target_.erase(tp->partition());
        }
      }
      if (p_->options_.drop_revoked_state) {
        for (RdKafka::TopicPartition* tp : partitions) {
          if (auto s = p_->store_->DropPartition(tp->partition()); !s.ok()) spdlog::error("{}", s.message());
        }
      }
      if (cooperative) {
        consumer->incremental_unassign(partitions);
      } else {
        consumer->unassign();
      }
      if (!p_->options_.drop_revoked_state) p_->FollowStandby(moved);
      spdlog::info("revoked {} partition(s)", partitions.size());
    }
  }

 private:
  Projector* p_;
};

std::string InstanceId(const ProjectorOptions& options) {
  return options.instance_id.empty() ? options.group + "-1" : options.instance_id;
}

absl::StatusOr<std::unique_ptr<Projector>> Projector::Create(const ProjectorOptions& options, views::ViewStore* store) {
  RETURN_IF_ERROR(options.kafka.Validate());
  std::unique_ptr<Projector> p(new Projector());
  p->options_ = options;
  p->store_ = store;
  p->rebalancer_ = std::make_unique<Rebalancer>(p.get());
  std::map<std::string, std::string> props = {
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", "earliest"},
      {"enable.partition.eof", "false"},
      {"queued.min.messages", "20000"},
      // How long the broker holds a fetch that finds no new record. A record that arrives meanwhile
      // is answered at once (fetch.min.bytes is 1), so this costs no freshness; it sets how often an
      // idle projector asks, and so the broker's idle CPU (docs/PERFORMANCE.md, session 6).
      {"fetch.wait.max.ms", "100"},
      {"group.id", options.group},
      {"group.instance.id", InstanceId(options)},
      {"partition.assignment.strategy", "cooperative-sticky"},
      {"session.timeout.ms", "10000"},
  };
  ASSIGN_OR_RETURN(auto conf, MakeKafkaConf(options.kafka, props));
  std::string err;
  if (conf->set("rebalance_cb", p->rebalancer_.get(), err) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(err);
  }
  p->consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!p->consumer_) return absl::InvalidArgumentError(absl::StrCat("kafka consumer: ", err));
  ASSIGN_OR_RETURN(p->applier_, RecordApplier::Create(options.kafka, options.dead_letter, &p->counters_));
  if (options.standby) {
    std::map<std::string, std::string> standby_props = props;
    standby_props.erase("group.instance.id");
    standby_props.erase("partition.assignment.strategy");
    standby_props.erase("session.timeout.ms");
    standby_props["group.id"] = options.group + "-standby-unused";  // required; never joined
    ASSIGN_OR_RETURN(auto standby_conf, MakeKafkaConf(options.kafka, standby_props));
    p->standby_.reset(RdKafka::KafkaConsumer::create(standby_conf.get(), err));
    if (!p->standby_) return absl::InvalidArgumentError(absl::StrCat("kafka standby consumer: ", err));
  }
  return p;
}

Projector::~Projector() {
  if (consumer_) consumer_->close();
  if (standby_) standby_->close();
}

int64_t Projector::StoredNext(int32_t p) {
  auto stored = store_->StoredOffset(p);
  return stored.ok() && stored->has_value() ? (*stored)->next_offset() : 0;
}

void Projector::FollowStandby(const std::vector<int32_t>& partitions) {
  if (!standby_ || partitions.empty()) return;
  std::vector<RdKafka::TopicPartition*> tps;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int32_t p : partitions) {
      if (next_offset_.contains(p) || standby_next_.contains(p)) continue;
      const int64_t next = StoredNext(p);
      standby_next_[p] = next;
      tps.push_back(RdKafka::TopicPartition::create(options_.kafka.topic, p,
                                                    next == 0 ? RdKafka::Topic::OFFSET_BEGINNING : next));
    }
  }
  if (!tps.empty()) {
    if (RdKafka::Error* e = standby_->incremental_assign(tps)) {
      spdlog::error("standby: assign: {}", e->str());
      delete e;
    }
  }
  RdKafka::TopicPartition::destroy(tps);
}

void Projector::UnfollowStandby(const std::vector<int32_t>& partitions) {
  if (!standby_ || partitions.empty()) return;
  std::vector<RdKafka::TopicPartition*> tps;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int32_t p : partitions) {
      if (standby_next_.erase(p) > 0) tps.push_back(RdKafka::TopicPartition::create(options_.kafka.topic, p));
    }
  }
  if (!tps.empty()) {
    if (RdKafka::Error* e = standby_->incremental_unassign(tps)) {
      spdlog::error("standby: unassign: {}", e->str());
      delete e;
    }
  }
  RdKafka::TopicPartition::destroy(tps);
}

absl::Status Projector::ApplyAndCommit(const std::vector<std::unique_ptr<RdKafka::Message>>& messages) {
  // Partitions share no state, so their records can be folded on several threads; within a
  // partition, records are applied in log order. Each thread gets whole partitions, each partition
  // going to the thread with the fewest records so far, and commits its partitions itself (each
  // partition's changes with its offset), so one thread's commit overlaps the other's fold. Where
  // each partition stands is read once and written back once, so the threads take no lock per
  // record (revocations and rewinds run on this thread, never during ApplyAndCommit).
  std::map<int32_t, std::vector<const RdKafka::Message*>> by_partition;
  for (const auto& m : messages) by_partition[m->partition()].push_back(m.get());
  std::map<int32_t, PartitionCursor> cursors;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [p, records] : by_partition) {
      if (rebuilds_.contains(p)) continue;  // paused: only its rebuild writes it
      auto next = next_offset_.find(p);
      if (next != next_offset_.end()) {
        cursors[p].next = next->second;
      } else if (auto copy = standby_next_.find(p); copy != standby_next_.end()) {
        cursors[p].next = copy->second;
      }  // else revoked, and not followed as a copy
    }
  }
  struct Item {
    views::Batch::Part* part;
    PartitionCursor* cursor;
    const std::vector<const RdKafka::Message*>* records;
  };
  using Work = std::vector<Item>;
  const size_t threads = messages.size() < kParallelFoldRecords ? 1 : std::max(1, options_.fold_threads);
  std::vector<Work> work(threads);
  std::vector<size_t> load(threads, 0);
  std::unique_ptr<views::Batch> batch = store_->NewBatch();
  for (const auto& [p, records] : by_partition) {
    auto cursor = cursors.find(p);
    if (cursor == cursors.end()) continue;
    const size_t t = std::min_element(load.begin(), load.end()) - load.begin();
    work[t].push_back({&batch->Partition(p), &cursor->second, &records});  // parts are created here, on one thread
    load[t] += records.size();
  }
  auto apply = [this](const Work& items) -> absl::Status {
    std::vector<views::Batch::Part*> parts;
    for (const Item& item : items) {
      const int64_t start = item.cursor->next;
      for (const RdKafka::Message* m : *item.records) RETURN_IF_ERROR(applier_->Apply(*m, *item.part, *item.cursor));
      if (item.cursor->next != start) parts.push_back(item.part);
    }
    if (parts.empty()) return absl::OkStatus();
    return CommitParts(parts);
  };
  std::vector<std::future<absl::Status>> others;
  for (size_t t = 1; t < threads; ++t) {
    if (!work[t].empty()) others.push_back(std::async(std::launch::async, [&apply, &work, t] { return apply(work[t]); }));
  }
  absl::Status status = apply(work[0]);
  for (auto& other : others) {
    absl::Status s = other.get();
    if (status.ok()) status = s;
  }
  if (!status.ok()) return status;  // the caller rewinds to the stored offsets
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [p, c] : cursors) {
    if (auto it = next_offset_.find(p); it != next_offset_.end()) {
      it->second = c.next;
    } else if (auto copy = standby_next_.find(p); copy != standby_next_.end()) {
      copy->second = c.next;
    }
  }
  return status;
}

absl::Status Projector::CommitParts(const std::vector<views::Batch::Part*>& parts) {
  RETURN_IF_ERROR(applier_->FlushDeadLetters());
  const auto start = std::chrono::steady_clock::now();
  RETURN_IF_ERROR(store_->Commit(parts));
  counters_.commit_micros_total.fetch_add(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count(),
      std::memory_order_relaxed);
  counters_.batches.fetch_add(1, std::memory_order_relaxed);
  return absl::OkStatus();
}

void Projector::Rewind() {
  // The batch was not stored: forget it and read its records again from the stored offsets.
  std::lock_guard<std::mutex> lock(mu_);
  for (auto* offsets : {&next_offset_, &standby_next_}) {
    RdKafka::KafkaConsumer* consumer = offsets == &next_offset_ ? consumer_.get() : standby_.get();
    for (auto& [p, next] : *offsets) {
      next = StoredNext(p);
      std::unique_ptr<RdKafka::TopicPartition> tp(RdKafka::TopicPartition::create(
          options_.kafka.topic, p, next == 0 ? RdKafka::Topic::OFFSET_BEGINNING : next));
      consumer->seek(*tp, 5000);
    }
  }
}

absl::Status Projector::Run(const std::atomic<bool>& stop) {
  ASSIGN_OR_RETURN(const int32_t partitions, RecordPartitionCount(*consumer_, options_.kafka.topic, *store_));
  partition_count_ = partitions;
  if (standby_) {
    // Every partition until the group assigns some here (which stops their copies).
    std::vector<int32_t> all;
    for (int32_t p = 0; p < partitions; ++p) all.push_back(p);
    FollowStandby(all);
  }
  RETURN_IF_ERROR(FromKafka(consumer_->subscribe({options_.kafka.topic}), "subscribe"));

  bool lag_pending = false;  // batches applied since the last CommitLagSignal
  auto lag_committed = std::chrono::steady_clock::now() - kLagCommitInterval;
  absl::Cleanup stop_rebuilds = [this] {
    while (!rebuilds_.empty()) StopRebuild(rebuilds_.begin()->first);
  };
  while (!stop.load()) {
    FinishRebuilds();
    if (lag_pending && std::chrono::steady_clock::now() - lag_committed >= kLagCommitInterval) {
      CommitLagSignal();
      lag_pending = false;
      lag_committed = std::chrono::steady_clock::now();
    }
    std::vector<std::unique_ptr<RdKafka::Message>> messages;
    std::chrono::steady_clock::time_point deadline;  // set by the batch's first record
    while (static_cast<int>(messages.size()) < options_.max_batch_records) {
      const bool first = messages.empty();
      // consume(0) returns a record already fetched, else times out at once.
      // With standby copies the group consumer waits half as long, and so does the standby one.
      const int wait_ms = first ? (standby_ ? 50 : 100)
                                : std::max(0, static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                                   deadline - std::chrono::steady_clock::now())
                                                                   .count()));
      std::unique_ptr<RdKafka::Message> msg(consumer_->consume(wait_ms));
      if (msg->err() == RdKafka::ERR__TIMED_OUT) break;  // an empty batch goes round the outer loop
      if (msg->err() == RdKafka::ERR__FATAL) {
        // Fenced (another process joined with this instance id) or another fatal consumer error:
        // this consumer will never fetch again, so the process must not look alive.
        std::string why;
        const RdKafka::ErrorCode code = consumer_->fatal_error(why);
        absl::Status fatal = absl::UnavailableError(
            absl::StrCat("consumer failed fatally (", RdKafka::err2str(code), "): ", why,
                         code == RdKafka::ERR_FENCED_INSTANCE_ID
                             ? absl::StrCat("; another process runs with --instance-id ", InstanceId(options_))
                             : ""));
        std::lock_guard<std::mutex> lock(mu_);
        health_ = fatal;
        next_offset_.clear();
        catch_up_target_.clear();
        standby_next_.clear();
        return fatal;
      }
      if (msg->err() != RdKafka::ERR_NO_ERROR) {
        spdlog::warn("consume: {}", msg->errstr());
        break;
      }
      if (first) deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.max_batch_ms);
      messages.push_back(std::move(msg));
    }
    if (standby_) {
      // The copies' records, after the owned ones: whatever has arrived, waiting only when
      // nothing else did. A standby consumer error is logged: its partitions are owned elsewhere.
      const bool idle = messages.empty();
      while (static_cast<int>(messages.size()) < options_.max_batch_records) {
        std::unique_ptr<RdKafka::Message> msg(standby_->consume(idle && messages.empty() ? 50 : 0));
        if (msg->err() == RdKafka::ERR__TIMED_OUT) break;
        if (msg->err() != RdKafka::ERR_NO_ERROR) {
          spdlog::warn("standby consume: {}", msg->errstr());
          break;
        }
        messages.push_back(std::move(msg));
      }
    }
    if (messages.empty()) continue;
    absl::Status s = ApplyAndCommit(messages);
    {
      std::lock_guard<std::mutex> lock(mu_);
      health_ = s;
    }
    if (!s.ok()) {
      counters_.commit_failures.fetch_add(1, std::memory_order_relaxed);
      spdlog::error("batch not stored, will retry: {}", s.message());
      Rewind();
      std::this_thread::sleep_for(std::chrono::seconds(1));  // back off before retrying the write
      continue;
    }
    lag_pending = true;
  }
  if (lag_pending) CommitLagSignal();  // asynchronous: shutting down never waits for a broker
  return absl::OkStatus();
}

void Projector::CommitLagSignal() {
  std::vector<RdKafka::TopicPartition*> offsets;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [p, next] : next_offset_) {
      offsets.push_back(RdKafka::TopicPartition::create(options_.kafka.topic, p, next));
    }
  }
  consumer_->commitAsync(offsets);
  RdKafka::TopicPartition::destroy(offsets);
}

absl::Status Projector::Health() {
  std::lock_guard<std::mutex> lock(mu_);
  return health_;
}

void Projector::RegisterMetrics(MetricsRegistry& metrics) {
  metrics.AddCounter("talentflow_projector_events_total", "records read from the log, by what became of them")
      .Add({{"outcome", "applied"}}, &counters_.applied)
      .Add({{"outcome", "duplicate"}}, &counters_.duplicates)
      .Add({{"outcome", "retraction"}}, &counters_.retractions)
      .Add({{"outcome", "dead_lettered"}}, &counters_.dead_lettered);
  metrics.AddCounter("talentflow_projector_rebuilt_records_total",
                     "records of newly assigned partitions applied through the replay fast path (table files)")
      .Add(&rebuilt_records_);
  metrics.AddCounter("talentflow_projector_batches_total", "batches committed to the view store")
      .Add(&counters_.batches);
  metrics.AddCounter("talentflow_projector_commit_seconds_total", "time spent committing batches")
      .Add([this] { return counters_.commit_micros_total.load() / 1e6; });
  metrics.AddCounter("talentflow_projector_commit_failures_total", "batch commits the view store refused")
      .Add(&counters_.commit_failures);
  metrics.AddGauge("talentflow_projector_applied_offset", "next offset to apply, per assigned partition")
      .AddCollector([this](MetricSamples& out) {
        for (const auto& [p, next] : NextOffsets()) out.Add({{"partition", absl::StrCat(p)}}, next);
      });
  metrics.AddGauge("talentflow_projector_lag", "records in the log not applied yet, per assigned partition")
      .AddCollector([this](MetricSamples& out) {
        for (const auto& [p, next] : NextOffsets()) {
          int64_t lo = 0, hi = 0;
          consumer_->get_watermark_offsets(options_.kafka.topic, p, &lo, &hi);
          if (hi >= 0) out.Add({{"partition", absl::StrCat(p)}}, std::max<int64_t>(0, hi - next));
        }
      });
}

void Projector::StartRebuild(int32_t p, int64_t end) {
  auto rebuild = std::make_unique<Rebuild>();
  Rebuild* r = rebuild.get();
  spdlog::info("partition {}: rebuilding up to offset {} through table files before the live consumer takes it", p, end);
  r->thread = std::thread([this, p, end, r] {
    projector::ReplayerOptions options;
    options.kafka = options_.kafka;
    options.partitions = {p};
    options.until_offsets = {{p, end}};
    options.table_files = true;
    options.dead_letter = options_.dead_letter;
    options.threads = 1;
    auto replayer = Replayer::Create(options, store_);
    r->status = replayer.ok() ? (*replayer)->Run(r->stop) : replayer.status();
    if (replayer.ok()) {
      const ProjectorCounters& c = (*replayer)->counters();
      counters_.applied += c.applied.load();
      counters_.duplicates += c.duplicates.load();
      counters_.retractions += c.retractions.load();
      counters_.dead_lettered += c.dead_lettered.load();
      rebuilt_records_ += (*replayer)->records_seen();
    }
    r->done = true;
  });
  rebuilds_[p] = std::move(rebuild);
}

void Projector::FinishRebuilds() {
  for (auto it = rebuilds_.begin(); it != rebuilds_.end();) {
    if (!it->second->done.load()) {
      ++it;
      continue;
    }
    const int32_t p = it->first;
    it->second->thread.join();
    if (!it->second->status.ok()) {
      spdlog::error("partition {}: rebuild failed, the live consumer goes on from the stored offset: {}", p,
                    it->second->status.message());
    }
    const int64_t next = StoredNext(p);
    {
      std::lock_guard<std::mutex> lock(mu_);
      next_offset_[p] = next;
    }
    std::vector<RdKafka::TopicPartition*> tps = {
        RdKafka::TopicPartition::create(options_.kafka.topic, p, next == 0 ? RdKafka::Topic::OFFSET_BEGINNING : next)};
    consumer_->seek(*tps[0], 5000);
    consumer_->resume(tps);
    RdKafka::TopicPartition::destroy(tps);
    spdlog::info("partition {}: rebuilt up to offset {}; the live consumer goes on from there", p, next);
    it = rebuilds_.erase(it);
  }
}

void Projector::StopRebuild(int32_t p) {
  auto it = rebuilds_.find(p);
  if (it == rebuilds_.end()) return;
  it->second->stop = true;
  it->second->thread.join();
  rebuilds_.erase(it);
}

std::vector<v1::OwnedPartition> Projector::Owned() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<v1::OwnedPartition> out;
  for (const auto& [p, next] : next_offset_) {
    v1::OwnedPartition& o = out.emplace_back();
    o.set_partition(p);
    o.set_applied_offset(next);
    auto target = catch_up_target_.find(p);
    if (target != catch_up_target_.end() && target->second < 0) {
      // The log end from the consumer's last fetch response of the partition (no broker call).
      int64_t lo = -1, hi = -1;
      consumer_->get_watermark_offsets(options_.kafka.topic, p, &lo, &hi);
      if (hi >= 0) target->second = hi;
    }
    if (target != catch_up_target_.end() && target->second >= 0 && next >= target->second) {
      catch_up_target_.erase(target);
    }
    o.set_serving(!catch_up_target_.contains(p));
    int64_t lo = -1, hi = -1;
    consumer_->get_watermark_offsets(options_.kafka.topic, p, &lo, &hi);
    o.set_end_offset(hi);
  }
  for (const auto& [p, next] : standby_next_) {
    v1::OwnedPartition& o = out.emplace_back();
    o.set_partition(p);
    o.set_applied_offset(next);
    o.set_standby(true);
    int64_t lo = -1, hi = -1;
    standby_->get_watermark_offsets(options_.kafka.topic, p, &lo, &hi);
    o.set_end_offset(hi);
  }
  return out;
}

std::map<int32_t, int64_t> Projector::NextOffsets() {
  std::lock_guard<std::mutex> lock(mu_);
  return next_offset_;
}

}  // namespace talentflow::projector
