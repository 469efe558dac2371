// Projector: the live consumer. It joins the consumer group, reads talentflow.events and applies
// every record of its assigned partitions to the ViewStore exactly once. Offsets live in the view
// store, written in the same batch as the changes they produced; Kafka commits are only a lag signal
// for tooling. Undecodable or inapplicable records go to the DLQ. Rebuilds are the Replayer's
// (replayer.h).
#pragma once

#include <atomic>
#include <chrono>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <librdkafka/rdkafkacpp.h>

#include "absl/status/statusor.h"
#include "common/http/metrics.h"
#include "common/kafka/kafka.h"
#include "projector/record_applier.h"
#include "talentflow/v1/cluster.pb.h"
#include "views/view_store.h"

namespace talentflow::projector {

struct ProjectorOptions {
  KafkaOptions kafka;
  // Consumer group. Default: "talentflow-projector" (env TALENTFLOW_GROUP).
  std::string group = "talentflow-projector";
  // The instance's name: its static group membership id (a restarted projector takes its
  // partitions back at once) and its key in "<topic>.instances". Two processes with one id: the
  // broker fences the older, whose Run then fails. Default: "<group>-1".
  std::string instance_id;
  // Write undecodable/invalid records to "<topic>.dlq". Default: true.
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
  // Keep a warm copy of every partition this instance does not own: a second consumer, outside
  // the group, follows them into the same DB (each partition's offset stored with its views, as
  // for owned ones), so a partition that moves here is served at once instead of after a rebuild,
  // and reads with max_lag may be answered from the copy. Costs the whole log's folding per
  // standby instance. Default: false.
  bool standby = false;
  // A newly assigned partition at least this many records behind the log's end is rebuilt through
  // the replay fast path (a Replayer of that partition, its changes stored as sorted table files)
  // while the live consumer holds it paused, then handed to the live consumer. 0: never. Default:
  // 10,000.
  int64_t rebuild_threshold = 10000;
  // Threads that fold a batch (each takes whole partitions; batches under 512 records use one).
  // Default: 2.
  int fold_threads = 2;
};

// options.instance_id, or its default "<group>-1".
std::string InstanceId(const ProjectorOptions& options);

class Projector {
 public:
  // Does not own `store`. InvalidArgument for bad options or Kafka configuration.
  static absl::StatusOr<std::unique_ptr<Projector>> Create(const ProjectorOptions& options, views::ViewStore* store);
  ~Projector();

  // Consumes and applies until `stop` is set. Never returns an error for bad data; returns one
  // when Kafka cannot be set up, and Unavailable when the consumer failed fatally (fenced by
  // another process with the same instance id): the process must exit, not linger half-alive.
  absl::Status Run(const std::atomic<bool>& stop);

  // The assigned partitions, ascending, with their applied offsets and whether each is serving:
  // applied up to the log's end as the projector first saw it after the assignment (a partition
  // new to this DB is rebuilt first); then the standby copies. Safe from any thread.
  std::vector<v1::OwnedPartition> Owned();
  // The topic's partition count (known once Run started).
  int32_t partition_count() const { return partition_count_.load(); }

  // Registers the projector's families on `metrics`: counters, applied offset and lag per assigned
  // partition, commit time. The projector must outlive the registry's last Render.
  void RegisterMetrics(MetricsRegistry& metrics);
  // OK while batches commit; the last commit error otherwise.
  absl::Status Health();
  const ProjectorCounters& counters() const { return counters_; }
  // Records applied by rebuilds of newly assigned partitions (the replay fast path).
  int64_t rebuilt_records() const { return rebuilt_records_.load(); }

 private:
  class Rebalancer;
  Projector() = default;
  // Applies a poll batch's records and commits them; partitions are folded and committed on
  // options_.fold_threads threads when there are at least kParallelFoldRecords records. Returns
  // the first storage error: some partitions may be committed and others not, and the caller
  // rewinds every partition to its stored offset.
  absl::Status ApplyAndCommit(const std::vector<std::unique_ptr<RdKafka::Message>>& messages);
  static constexpr size_t kParallelFoldRecords = 512;
  // Stores `parts` (after flushing dead letters): one RocksDB write.
  absl::Status CommitParts(const std::vector<views::Batch::Part*>& parts);
  void Rewind();
  // A copy of next_offset_.
  std::map<int32_t, int64_t> NextOffsets();
  // The stored offset of partition p (0 when none).
  int64_t StoredNext(int32_t p);
  // Standby: follow `partitions` (from their stored offsets) or stop following them.
  // REQUIRES: mu_ not held; on the consuming thread.
  void FollowStandby(const std::vector<int32_t>& partitions);
  void UnfollowStandby(const std::vector<int32_t>& partitions);

  // A rebuild of one newly assigned partition, on a thread of its own, while the live consumer
  // holds the partition paused. Started and finished on the consuming thread.
  struct Rebuild {
    std::thread thread;
    std::atomic<bool> stop{false};
    std::atomic<bool> done{false};
    absl::Status status;  // set before done
  };
  // Starts rebuilding `p` from its stored offset up to `end` (the partition is paused).
  void StartRebuild(int32_t p, int64_t end);
  // Hands finished rebuilds to the live consumer: seek to the stored offset and resume.
  void FinishRebuilds();
  // Stops the rebuild of `p` (revoked, or shutting down), keeping what it stored.
  void StopRebuild(int32_t p);
  // Commits the applied offsets to the consumer group (a lag signal for Kafka's tools only: the
  // authoritative offsets are in the view store). At most once per kLagCommitInterval while
  // batches are applied: committing after every batch made the broker write __consumer_offsets up
  // to a few hundred times a second at low rates.
  void CommitLagSignal();
  static constexpr std::chrono::milliseconds kLagCommitInterval{1000};

  ProjectorOptions options_;
  views::ViewStore* store_ = nullptr;
  std::unique_ptr<Rebalancer> rebalancer_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  ProjectorCounters counters_;
  std::unique_ptr<RecordApplier> applier_;

  std::mutex mu_;  // guards the maps below and health_
  std::map<int32_t, int64_t> next_offset_;  // assigned partitions -> next offset to apply
  // With options_.standby: every other partition -> next offset to apply (disjoint from
  // next_offset_; both change on the consuming thread only).
  std::map<int32_t, int64_t> standby_next_;
  std::unique_ptr<RdKafka::KafkaConsumer> standby_;
  // Assigned partitions -> the log end to reach before serving (-1 until known, erased once reached).
  std::map<int32_t, int64_t> catch_up_target_;
  absl::Status health_;
  std::atomic<int32_t> partition_count_{0};
  std::map<int32_t, std::unique_ptr<Rebuild>> rebuilds_;  // consuming thread only
  std::atomic<int64_t> rebuilt_records_{0};
};

}  // namespace talentflow::projector
