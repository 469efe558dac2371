// Replayer: rebuilds the views of talentflow.events from the log — every partition from its stored
// offset (0 in a fresh store) up to the end offsets seen at start, then returns. It joins no consumer
// group. `talentflowctl replay` and the audits use it; the live Projector is in consumer.h.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <librdkafka/rdkafkacpp.h>

#include "absl/status/statusor.h"
#include "common/kafka/kafka.h"
#include "projector/record_applier.h"
#include "views/view_store.h"

namespace talentflow::projector {

struct ReplayerOptions {
  KafkaOptions kafka;
  // Stop partition p at offset until_offsets[p] (exclusive). Default: the end offsets at start.
  std::map<int32_t, int64_t> until_offsets;
  // Rebuild only these partitions. Default: empty, every partition.
  std::vector<int32_t> partitions;
  // Store the changes as table files (ViewStore::Ingest) even in a store that is not fresh; the
  // caller guarantees nothing else writes the partitions meanwhile. Default: false (a fresh store
  // takes table files, another commits).
  bool table_files = false;
  // Write undecodable/invalid records to "<topic>.dlq" as the live projector does. Default: false
  // (a rebuild only counts them: the live projector has dead-lettered them already).
  bool dead_letter = false;
  // Partitions rebuilt at once, each on its own thread with its own consumer. Default: 2.
  int threads = 2;
  // A partition's changes are stored whenever they hold about this many bytes (and at its end).
  // Default: 128 MiB.
  size_t part_bytes = size_t{128} << 20;
};

class Replayer {
 public:
  // Does not own `store`. InvalidArgument for bad options or Kafka configuration.
  static absl::StatusOr<std::unique_ptr<Replayer>> Create(const ReplayerOptions& options, views::ViewStore* store);
  ~Replayer();

  // Rebuilds every partition up to its end offset, or until `stop` is set. Never returns an error
  // for bad data; returns one when Kafka or the store fails.
  absl::Status Run(const std::atomic<bool>& stop);

  const ProjectorCounters& counters() const { return counters_; }
  // The number of records between the start and end offsets (known once Run has planned them).
  int64_t total() const { return total_.load(); }
  int64_t records_seen() const { return applier_->records_seen(); }

 private:
  Replayer() = default;
  // Records the topic's partition count in the store and finds where each partition starts and
  // ends (next_offset_, end_offset_, total_).
  absl::Status Plan();
  // One worker: takes partitions from `queue` until it is empty, `stop` is set, or `halt` is
  // (another worker failed). A partition's changes stay in one batch part until it holds
  // options_.part_bytes, then go into the store (a fresh store takes them as one sorted table file,
  // ViewStore::Ingest; another commits them).
  absl::Status ReplayPartitions(const std::vector<int32_t>& queue, std::atomic<size_t>& taken,
                                const std::atomic<bool>& stop, const std::atomic<bool>& halt);

  ReplayerOptions options_;
  views::ViewStore* store_ = nullptr;
  std::unique_ptr<RdKafka::Conf> consumer_conf_;  // each worker makes its consumer from it
  std::unique_ptr<RdKafka::KafkaConsumer> planner_;  // asks for metadata and watermarks
  ProjectorCounters counters_;
  std::unique_ptr<RecordApplier> applier_;
  std::atomic<int64_t> total_{0};

  std::mutex mu_;  // guards the maps below
  std::map<int32_t, int64_t> next_offset_;  // partition -> next offset to apply
  std::map<int32_t, int64_t> end_offset_;   // partition -> where it stops
};

}  // namespace talentflow::projector
