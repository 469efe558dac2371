// RecordApplier: how one record of talentflow.events reaches the views, for the live Projector and
// the Replayer alike — decode it, check its key, fold it into its partition's batch part, and send
// what cannot apply to the dead-letter topic. Never fails on data; only storage errors stop it.
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>

#include <librdkafka/rdkafkacpp.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/kafka/kafka.h"
#include "views/view_store.h"

namespace talentflow::projector {

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

// Where a partition stands while its records are applied: the next offset to apply, and where to
// stop (a replay's end; the live projector never stops).
struct PartitionCursor {
  int64_t next = 0;
  int64_t end = std::numeric_limits<int64_t>::max();
};

// Asks the broker for `topic`'s partition count and records it in `store` (the Reader finds a team's
// partition with it). A topic the broker does not know yet, or a broker not answering yet, is asked
// again for kTopicWait (AwaitTopicPartitions); after that it is an error, NotFound for the unknown topic.
inline constexpr absl::Duration kTopicWait = absl::Seconds(10);
absl::StatusOr<int32_t> RecordPartitionCount(RdKafka::Handle& handle, const std::string& topic,
                                             views::ViewStore& store);

class RecordApplier {
 public:
  // With `dead_letter`, undecodable and inapplicable records are also written to
  // `kafka.dlq_topic()` (else only counted and logged). Does not own `counters`.
  // InvalidArgument when the DLQ producer cannot be made from `kafka`.
  static absl::StatusOr<std::unique_ptr<RecordApplier>> Create(const KafkaOptions& kafka, bool dead_letter,
                                                               ProjectorCounters* counters);

  // Applies `msg` to `part` (its partition's part) and advances `cursor` and the part's offset past
  // it; a record before cursor.next (applied already) or at or after cursor.end is skipped. A
  // record that cannot apply is dead-lettered and skipped. Returns only a storage error of the part.
  // Parts of different partitions may be applied concurrently from different threads.
  absl::Status Apply(const RdKafka::Message& msg, views::Batch::Part& part, PartitionCursor& cursor);

  // Waits until every dead letter so far is in the DLQ. Call before storing the offsets that skip
  // them, so that a crash can never lose a record that was neither applied nor dead-lettered.
  absl::Status FlushDeadLetters();

  // Records Apply looked at (applied, duplicate, retraction or dead-lettered), for progress.
  int64_t records_seen() const { return records_seen_.load(std::memory_order_relaxed); }

 private:
  RecordApplier(std::string dlq_topic, ProjectorCounters* counters)
      : dlq_topic_(std::move(dlq_topic)), counters_(counters) {}
  void DeadLetter(const RdKafka::Message& msg, const std::string& reason);

  std::string dlq_topic_;
  ProjectorCounters* counters_;
  std::unique_ptr<RdKafka::Producer> dlq_;  // null without dead_letter
  std::atomic<int64_t> records_seen_{0};
};

}  // namespace talentflow::projector
