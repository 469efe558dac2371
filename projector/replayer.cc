#include "projector/replayer.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <thread>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "common/base/status.h"
#include "common/log/logging.h"

namespace talentflow::projector {

absl::StatusOr<std::unique_ptr<Replayer>> Replayer::Create(const ReplayerOptions& options, views::ViewStore* store) {
  RETURN_IF_ERROR(options.kafka.Validate());
  std::unique_ptr<Replayer> r(new Replayer());
  r->options_ = options;
  r->store_ = store;
  ASSIGN_OR_RETURN(r->consumer_conf_,
                   MakeKafkaConf(options.kafka, {
                                                    {"group.id", "talentflow-replay-unused"},  // required; never joined
                                                    {"enable.auto.commit", "false"},
                                                    {"enable.auto.offset.store", "false"},
                                                    {"auto.offset.reset", "earliest"},
                                                    {"enable.partition.eof", "false"},
                                                    // A worker reads one partition at a time, and
                                                    // librdkafka pauses a partition's fetches for a
                                                    // second once its queue holds queued.min.messages:
                                                    // a deep queue keeps the worker busy across the
                                                    // pause (docs/PERFORMANCE.md, session 4).
                                                    {"queued.min.messages", "100000"},
                                                    // A worker moving on to its next partition need
                                                    // not wait long for the last fetch of the one
                                                    // before to come back empty.
                                                    {"fetch.wait.max.ms", "10"},
                                                }));
  std::string err;
  r->planner_.reset(RdKafka::KafkaConsumer::create(r->consumer_conf_.get(), err));
  if (!r->planner_) return absl::InvalidArgumentError(absl::StrCat("kafka consumer: ", err));
  ASSIGN_OR_RETURN(r->applier_, RecordApplier::Create(options.kafka, options.dead_letter, &r->counters_));
  return r;
}

Replayer::~Replayer() {
  if (planner_) planner_->close();
}

absl::Status Replayer::Plan() {
  ASSIGN_OR_RETURN(const int32_t partitions, RecordPartitionCount(*planner_, options_.kafka.topic, *store_));
  int64_t total = 0;
  std::vector<int32_t> planned = options_.partitions;
  if (planned.empty()) {
    for (int32_t p = 0; p < partitions; ++p) planned.push_back(p);
  }
  for (int32_t p : planned) {
    int64_t lo = 0, hi = 0;
    // Right after a topic is created its partitions' leaders may not be known yet: retry those
    // errors for a few seconds before giving up.
    RdKafka::ErrorCode err = RdKafka::ERR_NO_ERROR;
    for (int attempt = 0; attempt < 50; ++attempt) {
      err = planner_->query_watermark_offsets(options_.kafka.topic, p, &lo, &hi, 10000);
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
    if (next < hi) total += hi - std::max(next, lo);
  }
  total_ = total;
  // A replay writes at most about 6 keys per record (history, event index, dedupe key, team,
  // day bucket, timeline or flow).
  store_->ExpectKeys(total * 6);
  return absl::OkStatus();
}

absl::Status Replayer::Run(const std::atomic<bool>& stop) {
  RETURN_IF_ERROR(Plan());
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
  for (int t = 1; t < std::min<int>(options_.threads, static_cast<int>(queue.size())); ++t) {
    others.push_back(std::async(std::launch::async, work));
  }
  absl::Status status = work();
  for (auto& other : others) {
    absl::Status s = other.get();
    if (status.ok()) status = s;
  }
  return status;
}

absl::Status Replayer::ReplayPartitions(const std::vector<int32_t>& queue, std::atomic<size_t>& taken,
                                        const std::atomic<bool>& stop, const std::atomic<bool>& halt) {
  auto stopping = [&] { return stop.load() || halt.load(); };
  std::string err;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(consumer_conf_.get(), err));
  if (!consumer) return absl::InvalidArgumentError(absl::StrCat("kafka consumer: ", err));
  absl::Cleanup close = [&] { consumer->close(); };
  // Stores what the part holds: dead letters first (before the offsets that skip them), then the
  // changes with the offset, as a table file when the store is fresh.
  auto store = [&](views::Batch::Part& part) -> absl::Status {
    RETURN_IF_ERROR(applier_->FlushDeadLetters());
    return store_->fresh() || options_.table_files ? store_->Ingest(part)
                                                   : store_->Commit(std::vector<views::Batch::Part*>{&part});
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
    // The part's map is sized up front for the partition's records still to come (about 6 distinct
    // keys each, estimated, and no more than part_bytes holds at ~256 bytes per change): growing it
    // rehashed every key at each doubling, 7.7 % of a 1M replay's CPU (docs/PERFORMANCE.md).
    auto reserve = [&] {
      part.Reserve(static_cast<size_t>(std::min<int64_t>((cursor.end - cursor.next) * 6, options_.part_bytes / 256)));
    };
    reserve();
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
      RETURN_IF_ERROR(applier_->Apply(*msg, part, cursor));
      if (part.bytes() >= options_.part_bytes) {
        RETURN_IF_ERROR(stored());
        reserve();
      }
    }
    RETURN_IF_ERROR(stored());
    RETURN_IF_ERROR(FromKafka(consumer->unassign(), "unassign"));
  }
  return absl::OkStatus();
}

}  // namespace talentflow::projector
