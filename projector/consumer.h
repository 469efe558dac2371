// Projector: reads talentflow.events and applies every record to the ViewStore exactly once.
// Offsets live in the view store, written in the same batch as the changes they produced; Kafka
// commits are only a lag signal for tooling. Undecodable or inapplicable records go to the DLQ.
#pragma once

#include <atomic>
#include <chrono>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <librdkafka/rdkafkacpp.h>

#include "absl/status/statusor.h"
#include "common/kafka/kafka.h"
#include "views/view_store.h"

namespace talentflow::projector {

struct ProjectorOptions {
  KafkaOptions kafka;
  // Consumer group. Default: "talentflow-projector" (env TALENTFLOW_GROUP).
  std::string group = "talentflow-projector";
  // Static group membership id, so a restarted projector takes its partitions back at once.
  // Default: "<group>-1".
  std::string instance_id;
  // Replay mode: no group; read every partition from the stored offset (0 in a fresh DB) up to
  // the end offsets seen at start (or `until_offsets`), then return. Default: false.
  bool replay = false;
  // Replay only: stop partition p at offset until_offsets[p] (exclusive). Default: the end.
  std::map<int32_t, int64_t> until_offsets;
  // Write undecodable/invalid records to "<topic>.dlq". Replays only count them. Default: true.
  bool dead_letter = true;
  // On revocation, delete the partition's views and offset (when partitions move between projector
  // instances, each with its own DB; the new owner rebuilds them from the log). Default: false.
  bool drop_revoked_state = false;
  // Most records in one RocksDB batch. Default: 5,000.
  int max_batch_records = 5000;
  // Longest a batch waits, after its first record, for records not fetched yet; records already
  // fetched join it at once. Default: 0: a batch is what has arrived (up to max_batch_records when
  // the projector is behind, a few records at a trickle), and no record waits for later ones.
  int max_batch_ms = 0;
  // Threads that fold a batch (each takes whole partitions; batches under 512 records use one);
  // in replay mode, partitions rebuilt at once. Default: 2.
  int fold_threads = 2;
  // Replay only: a partition's changes are stored whenever they hold about this many bytes (and
  // at its end). Default: 128 MiB.
  size_t replay_part_bytes = size_t{128} << 20;
};

// Monotonic counters, readable from any thread.
struct ProjectorCounters {
  std::atomic<int64_t> applied{0};
  std::atomic<int64_t> duplicates{0};
  std::atomic<int64_t> retractions{0};
  std::atomic<int64_t> dead_lettered{0};
  std::atomic<int64_t> batches{0};
  std::atomic<int64_t> commit_micros_total{0};
  std::atomic<int64_t> commit_failures{0};
};

class Projector {
 public:
  // Does not own `store`. InvalidArgument for bad options or Kafka configuration.
  static absl::StatusOr<std::unique_ptr<Projector>> Create(const ProjectorOptions& options, views::ViewStore* store);
  ~Projector();

  // Consumes and applies until `stop` is set (or, in replay mode, until the end offsets are
  // reached). Never returns an error for bad data; returns one only when Kafka cannot be set up.
  absl::Status Run(const std::atomic<bool>& stop);

  // Prometheus text: counters, applied offset and lag per partition, commit latency.
  std::string Metrics();
  // OK while batches commit; the last commit error otherwise.
  absl::Status Health();
  const ProjectorCounters& counters() const { return counters_; }
  // Replay mode: the total number of records between the start and end offsets (for progress).
  int64_t replay_total() const { return replay_total_; }
  int64_t records_seen() const { return records_seen_.load(); }

 private:
  class Rebalancer;
  Projector() = default;
  // Where a partition stands during ApplyAndCommit: the next offset to apply, and (replay) where to stop.
  struct PartitionCursor {
    int64_t next = 0;
    int64_t end = std::numeric_limits<int64_t>::max();
  };
  absl::Status ApplyRecord(const RdKafka::Message& msg, views::Batch::Part& part, PartitionCursor& cursor);
  // Applies a poll batch's records and commits them; partitions are folded and committed on
  // options_.fold_threads threads when there are at least kParallelFoldRecords records. Returns
  // the first storage error: some partitions may be committed and others not, and the caller
  // rewinds every partition to its stored offset.
  absl::Status ApplyAndCommit(const std::vector<std::unique_ptr<RdKafka::Message>>& messages);
  static constexpr size_t kParallelFoldRecords = 512;
  void DeadLetter(const RdKafka::Message& msg, const std::string& reason);
  // Stores `parts` (after flushing dead letters): one RocksDB write.
  absl::Status CommitParts(const std::vector<views::Batch::Part*>& parts);
  void Rewind();
  // Commits the applied offsets to the consumer group (a lag signal for Kafka's tools only: the
  // authoritative offsets are in the view store). At most once per kLagCommitInterval while
  // batches are applied: committing after every batch made the broker write __consumer_offsets up
  // to a few hundred times a second at low rates.
  void CommitLagSignal();
  static constexpr std::chrono::milliseconds kLagCommitInterval{1000};
  // Reads the topic's partition count from the broker and stores it in the view store. A topic
  // the broker does not know yet, or a broker not answering yet, is asked again for kTopicWait
  // (AwaitTopicPartitions); after that it is an error, NotFound for the unknown topic.
  absl::StatusOr<int32_t> RecordPartitionCount();
  static constexpr absl::Duration kTopicWait = absl::Seconds(10);
  // Replay: finds where each partition starts and ends (next_offset_, end_offset_, replay_total_).
  absl::Status PlanReplay();
  // Replay: rebuilds the partitions one after another on options_.fold_threads workers, each with
  // its own consumer; a partition's changes stay in one batch part until it holds
  // options_.replay_part_bytes, then go into the store (a fresh store takes them as one sorted
  // table file, ViewStore::Ingest; another commits them).
  absl::Status RunReplay(const std::atomic<bool>& stop);
  // One replay worker: takes partitions from `queue` until it is empty, `stop` is set, or `halt`
  // is (another worker failed).
  absl::Status ReplayPartitions(const std::vector<int32_t>& queue, std::atomic<size_t>& taken,
                                const std::atomic<bool>& stop, const std::atomic<bool>& halt);

  ProjectorOptions options_;
  views::ViewStore* store_ = nullptr;
  std::unique_ptr<Rebalancer> rebalancer_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::unique_ptr<RdKafka::Conf> consumer_conf_;  // for the replay workers' consumers
  std::unique_ptr<RdKafka::Producer> dlq_;
  ProjectorCounters counters_;
  std::atomic<int64_t> records_seen_{0};
  int64_t replay_total_ = 0;

  std::mutex mu_;  // guards the maps below and health_
  std::map<int32_t, int64_t> next_offset_;  // assigned partitions -> next offset to apply
  std::map<int32_t, int64_t> end_offset_;   // replay: where each partition stops
  absl::Status health_;
};

}  // namespace talentflow::projector
