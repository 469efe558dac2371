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
#include "common/base/record_key.h"
#include "common/base/status.h"

namespace talentflow::projector {

// Seeks newly assigned partitions to their stored offsets; on revocation commits what was applied
// so far (one RocksDB write) and forgets the partitions. Runs on the consuming thread.
class Projector::Rebalancer : public RdKafka::RebalanceCb {
 public:
  explicit Rebalancer(Projector* p) : p_(p) {}
  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    const bool cooperative = consumer->rebalance_protocol() == "COOPERATIVE";
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      for (RdKafka::TopicPartition* tp : partitions) {
        auto stored = p_->store_->StoredOffset(tp->partition());
        int64_t next = stored.ok() && stored->has_value() ? (*stored)->next_offset() : 0;
        tp->set_offset(next == 0 ? RdKafka::Topic::OFFSET_BEGINNING : next);
        std::lock_guard<std::mutex> lock(p_->mu_);
        p_->next_offset_[tp->partition()] = next;
      }
      if (cooperative) {
        consumer->incremental_assign(partitions);
      } else {
        consumer->assign(partitions);
      }
      spdlog::info("assigned {} partition(s)", partitions.size());
    } else {
      // Nothing is pending here: every poll batch is applied and committed before the next poll.
      p_->CommitLagSignal();  // every applied offset, the leaving partitions' included, before they are forgotten
      {
        std::lock_guard<std::mutex> lock(p_->mu_);
        for (RdKafka::TopicPartition* tp : partitions) p_->next_offset_.erase(tp->partition());
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
      spdlog::info("revoked {} partition(s)", partitions.size());
    }
  }

 private:
  Projector* p_;
};

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
  };
  if (options.replay) {
    props["group.id"] = "talentflow-replay-unused";  // required by the consumer; never joined
    // A replay worker reads one partition at a time. librdkafka 2.0 stops fetching a partition
    // for a whole second once its local queue holds queued.min.messages: 20,000 records last a
    // worker about 0.3 s, 100,000 (about 35 MB) keep it busy across the pause.
    props["queued.min.messages"] = "100000";
    // A worker moving on to its next partition need not wait long for the last fetch of the one
    // before to come back empty.
    props["fetch.wait.max.ms"] = "10";
  } else {
    // How long the broker holds a fetch that finds no new record. A record that arrives meanwhile
    // is answered at once (fetch.min.bytes is 1), so this costs no freshness; what it sets is how
    // often an idle projector asks: every 10 ms kept the broker 26-36 % of a core busy answering
    // empty fetches, every 100 ms about 5 % (its idle baseline).
    props["fetch.wait.max.ms"] = "100";
    props["group.id"] = options.group;
    props["group.instance.id"] = options.instance_id.empty() ? options.group + "-1" : options.instance_id;
    props["partition.assignment.strategy"] = "cooperative-sticky";
    props["session.timeout.ms"] = "10000";
  }
  ASSIGN_OR_RETURN(auto conf, MakeKafkaConf(options.kafka, props));
  std::string err;
  if (!options.replay && conf->set("rebalance_cb", p->rebalancer_.get(), err) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(err);
  }
  p->consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!p->consumer_) return absl::InvalidArgumentError(absl::StrCat("kafka consumer: ", err));
  p->consumer_conf_ = std::move(conf);
  if (options.dead_letter) {
    ASSIGN_OR_RETURN(auto pconf, MakeKafkaConf(options.kafka, {{"acks", "all"}, {"enable.idempotence", "true"}}));
    p->dlq_.reset(RdKafka::Producer::create(pconf.get(), err));
    if (!p->dlq_) return absl::InvalidArgumentError(absl::StrCat("dlq producer: ", err));
  }
  return p;
}

Projector::~Projector() {
  if (consumer_) consumer_->close();
}

absl::StatusOr<int32_t> Projector::RecordPartitionCount() {
  ASSIGN_OR_RETURN(const int32_t count,
                   AwaitTopicPartitions(*consumer_, options_.kafka.topic, absl::Now() + kTopicWait));
  RETURN_IF_ERROR(store_->SetPartitionCount(count));
  return count;
}

absl::Status Projector::PlanReplay() {
  ASSIGN_OR_RETURN(const int32_t partitions, RecordPartitionCount());
  for (int32_t p = 0; p < partitions; ++p) {
    int64_t lo = 0, hi = 0;
    // Right after a topic is created its partitions' leaders may not be known yet: retry those
    // errors for a few seconds before giving up.
    RdKafka::ErrorCode err = RdKafka::ERR_NO_ERROR;
    for (int attempt = 0; attempt < 50; ++attempt) {
      err = consumer_->query_watermark_offsets(options_.kafka.topic, p, &lo, &hi, 10000);
      if (err != RdKafka::ERR_LEADER_NOT_AVAILABLE && err != RdKafka::ERR_NOT_LEADER_FOR_PARTITION &&
          err != RdKafka::ERR__UNKNOWN_PARTITION && err != RdKafka::ERR_UNKNOWN_TOPIC_OR_PART &&
          err != RdKafka::ERR__TRANSPORT) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    RETURN_IF_ERROR(FromKafka(err, "watermarks"));
    if (auto it = options_.until_offsets.find(p); it != options_.until_offsets.end()) hi = std::min(hi, it->second);
    ASSIGN_OR_RETURN(auto stored, store_->StoredOffset(p));
    const int64_t next = stored ? stored->next_offset() : 0;
    std::lock_guard<std::mutex> lock(mu_);
    end_offset_[p] = hi;
    next_offset_[p] = next;
    if (next < hi) replay_total_ += hi - std::max(next, lo);
  }
  // A replay writes at most about 6 keys per record (history, event index, dedupe key, team,
  // day bucket, timeline or flow).
  store_->ExpectKeys(replay_total_ * 6);
  return absl::OkStatus();
}

absl::Status Projector::RunReplay(const std::atomic<bool>& stop) {
  RETURN_IF_ERROR(PlanReplay());
  std::vector<int32_t> queue;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [p, end] : end_offset_) {
      if (next_offset_[p] < end) queue.push_back(p);
    }
  }
  std::atomic<size_t> taken{0};
  std::atomic<bool> halt{false};  // set by the first worker that fails: the others stop too
  auto work = [&] {
    absl::Status s = ReplayPartitions(queue, taken, stop, halt);
    if (!s.ok()) halt = true;
    return s;
  };
  std::vector<std::future<absl::Status>> others;
  for (int t = 1; t < std::min<int>(options_.fold_threads, static_cast<int>(queue.size())); ++t) {
    others.push_back(std::async(std::launch::async, work));
  }
  absl::Status status = work();
  for (auto& other : others) {
    absl::Status s = other.get();
    if (status.ok()) status = s;
  }
  return status;
}

absl::Status Projector::ReplayPartitions(const std::vector<int32_t>& queue, std::atomic<size_t>& taken,
                                         const std::atomic<bool>& stop, const std::atomic<bool>& halt) {
  auto stopping = [&] { return stop.load() || halt.load(); };
  std::string err;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(consumer_conf_.get(), err));
  if (!consumer) return absl::InvalidArgumentError(absl::StrCat("kafka consumer: ", err));
  absl::Cleanup close = [&] { consumer->close(); };
  // Stores what the part holds: dead letters first (before the offsets that skip them), then the
  // changes with the offset, as a table file when the store is fresh.
  auto store = [&](views::Batch::Part& part) -> absl::Status {
    if (dlq_ && dlq_->outq_len() > 0) RETURN_IF_ERROR(FromKafka(dlq_->flush(30000), "dlq flush"));
    return store_->fresh() ? store_->Ingest(part) : store_->Commit(std::vector<views::Batch::Part*>{&part});
  };
  for (size_t i = taken++; i < queue.size() && !stopping(); i = taken++) {
    const int32_t p = queue[i];
    PartitionCursor cursor;
    {
      std::lock_guard<std::mutex> lock(mu_);
      cursor.next = next_offset_[p];
      cursor.end = end_offset_[p];
    }
    std::vector<RdKafka::TopicPartition*> tp = {RdKafka::TopicPartition::create(
        options_.kafka.topic, p, cursor.next == 0 ? RdKafka::Topic::OFFSET_BEGINNING : cursor.next)};
    RdKafka::ErrorCode code = consumer->assign(tp);
    RdKafka::TopicPartition::destroy(tp);
    RETURN_IF_ERROR(FromKafka(code, "assign"));
    std::unique_ptr<views::Batch> batch = store_->NewBatch();
    views::Batch::Part& part = batch->Partition(p);
    auto stored = [&]() -> absl::Status {
      RETURN_IF_ERROR(store(part));
      std::lock_guard<std::mutex> lock(mu_);
      next_offset_[p] = cursor.next;
      return absl::OkStatus();
    };
    while (cursor.next < cursor.end && !stopping()) {
      std::unique_ptr<RdKafka::Message> msg(consumer->consume(100));
      if (msg->err() == RdKafka::ERR__TIMED_OUT) continue;
      if (msg->err() != RdKafka::ERR_NO_ERROR) {
        spdlog::warn("consume partition {}: {}", p, msg->errstr());
        continue;
      }
      RETURN_IF_ERROR(ApplyRecord(*msg, part, cursor));
      if (part.bytes() >= options_.replay_part_bytes) RETURN_IF_ERROR(stored());
    }
    RETURN_IF_ERROR(stored());
    RETURN_IF_ERROR(FromKafka(consumer->unassign(), "unassign"));
  }
  return absl::OkStatus();
}

void Projector::DeadLetter(const RdKafka::Message& msg, const std::string& reason) {
  counters_.dead_lettered.fetch_add(1, std::memory_order_relaxed);
  spdlog::warn("dead-lettering partition {} offset {}: {}", msg.partition(), msg.offset(), reason);
  if (!dlq_) return;
  RdKafka::Headers* h = RdKafka::Headers::create();
  h->add("dlq.reason", reason);
  h->add("dlq.source.topic", msg.topic_name());
  h->add("dlq.source.partition", std::to_string(msg.partition()));
  h->add("dlq.source.offset", std::to_string(msg.offset()));
  const std::string* key = msg.key();
  RdKafka::ErrorCode err = dlq_->produce(options_.kafka.dlq_topic(), RdKafka::Topic::PARTITION_UA,
                                         RdKafka::Producer::RK_MSG_COPY, msg.payload(), msg.len(),
                                         key ? key->data() : nullptr, key ? key->size() : 0, 0, h, nullptr);
  if (err != RdKafka::ERR_NO_ERROR) {
    delete h;
    spdlog::error("dlq produce: {}", RdKafka::err2str(err));
  }
}

absl::Status Projector::ApplyRecord(const RdKafka::Message& msg, views::Batch::Part& part, PartitionCursor& cursor) {
  const int32_t p = msg.partition();
  const int64_t offset = msg.offset();
  if (offset < cursor.next || offset >= cursor.end) return absl::OkStatus();  // applied, or past the replay's end
  records_seen_.fetch_add(1, std::memory_order_relaxed);
  v1::Event event;
  const std::string* key = msg.key();
  if (!event.ParseFromArray(msg.payload(), static_cast<int>(msg.len()))) {
    DeadLetter(msg, "undecodable: not a talentflow.v1.Event");
  } else if (key == nullptr || *key != RecordKey(event.org(), event.team())) {
    DeadLetter(msg, absl::StrCat("record key \"", key ? *key : "", "\" is not \"", RecordKey(event.org(), event.team()), "\""));
  } else {
    absl::StatusOr<views::Outcome> outcome = views::Apply(event, views::RecordMeta{p, offset}, part);
    RETURN_IF_ERROR(part.status());
    if (!outcome.ok()) {
      DeadLetter(msg, std::string(outcome.status().message()));
    } else {
      switch (*outcome) {
        case views::Outcome::kApplied: counters_.applied.fetch_add(1, std::memory_order_relaxed); break;
        case views::Outcome::kDuplicate: counters_.duplicates.fetch_add(1, std::memory_order_relaxed); break;
        default: counters_.retractions.fetch_add(1, std::memory_order_relaxed); break;
      }
    }
  }
  part.SetOffset(offset + 1, msg.timestamp().timestamp);
  cursor.next = offset + 1;
  return absl::OkStatus();
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
      auto next = next_offset_.find(p);
      if (next == next_offset_.end()) continue;  // revoked
      cursors[p].next = next->second;
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
      for (const RdKafka::Message* m : *item.records) RETURN_IF_ERROR(ApplyRecord(*m, *item.part, *item.cursor));
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
  for (const auto& [p, c] : cursors) next_offset_[p] = c.next;
  return status;
}

absl::Status Projector::CommitParts(const std::vector<views::Batch::Part*>& parts) {
  if (dlq_ && dlq_->outq_len() > 0) {
    // Dead letters must be in the DLQ before the offsets that skip them are stored.
    RETURN_IF_ERROR(FromKafka(dlq_->flush(30000), "dlq flush"));
  }
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
  for (auto& [p, next] : next_offset_) {
    auto stored = store_->StoredOffset(p);
    next = stored.ok() && stored->has_value() ? (*stored)->next_offset() : 0;
    std::unique_ptr<RdKafka::TopicPartition> tp(RdKafka::TopicPartition::create(
        options_.kafka.topic, p, next == 0 ? RdKafka::Topic::OFFSET_BEGINNING : next));
    consumer_->seek(*tp, 5000);
  }
}

absl::Status Projector::Run(const std::atomic<bool>& stop) {
  if (options_.replay) return RunReplay(stop);
  RETURN_IF_ERROR(RecordPartitionCount().status());
  RETURN_IF_ERROR(FromKafka(consumer_->subscribe({options_.kafka.topic}), "subscribe"));

  bool lag_pending = false;  // batches applied since the last CommitLagSignal
  auto lag_committed = std::chrono::steady_clock::now() - kLagCommitInterval;
  while (!stop.load()) {
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
      const int wait_ms = first ? 100
                                : std::max(0, static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                                   deadline - std::chrono::steady_clock::now())
                                                                   .count()));
      std::unique_ptr<RdKafka::Message> msg(consumer_->consume(wait_ms));
      if (msg->err() == RdKafka::ERR__TIMED_OUT) break;  // an empty batch goes round the outer loop
      if (msg->err() != RdKafka::ERR_NO_ERROR) {
        spdlog::warn("consume: {}", msg->errstr());
        break;
      }
      if (first) deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.max_batch_ms);
      messages.push_back(std::move(msg));
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

std::string Projector::Metrics() {
  std::string out = absl::StrCat(
      "# TYPE talentflow_projector_events_total counter\n",
      "talentflow_projector_events_total{outcome=\"applied\"} ", counters_.applied.load(), "\n",
      "talentflow_projector_events_total{outcome=\"duplicate\"} ", counters_.duplicates.load(), "\n",
      "talentflow_projector_events_total{outcome=\"retraction\"} ", counters_.retractions.load(), "\n",
      "talentflow_projector_events_total{outcome=\"dead_lettered\"} ", counters_.dead_lettered.load(), "\n",
      "# TYPE talentflow_projector_batches_total counter\n",
      "talentflow_projector_batches_total ", counters_.batches.load(), "\n",
      "# TYPE talentflow_projector_commit_seconds_total counter\n",
      "talentflow_projector_commit_seconds_total ", counters_.commit_micros_total.load() / 1e6, "\n",
      "# TYPE talentflow_projector_commit_failures_total counter\n",
      "talentflow_projector_commit_failures_total ", counters_.commit_failures.load(), "\n",
      "# TYPE talentflow_projector_applied_offset gauge\n# TYPE talentflow_projector_lag gauge\n");
  std::map<int32_t, int64_t> next;
  {
    std::lock_guard<std::mutex> lock(mu_);
    next = next_offset_;
  }
  for (const auto& [p, n] : next) {
    int64_t lo = 0, hi = 0;
    consumer_->get_watermark_offsets(options_.kafka.topic, p, &lo, &hi);
    absl::StrAppend(&out, "talentflow_projector_applied_offset{partition=\"", p, "\"} ", n, "\n");
    if (hi >= 0) absl::StrAppend(&out, "talentflow_projector_lag{partition=\"", p, "\"} ", std::max<int64_t>(0, hi - n), "\n");
  }
  return out;
}

}  // namespace talentflow::projector
