// Membership follows "<topic>.instances" (written by every projector's Announcer,
// proto/talentflow/v1/cluster.proto) and says which live instance serves which partition, at
// which address and applied offset. Kafka is the only source: no coordinator, no host list.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <librdkafka/rdkafkacpp.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/kafka/kafka.h"
#include "talentflow/v1/cluster.pb.h"

namespace talentflow::query {

struct Owner {
  std::string instance_id;
  std::string address;  // its query service
  int64_t applied_offset = 0;
};

// A copy of a partition that is not its owner's serving one: a standby copy, or an owner's that
// is still being rebuilt.
struct Replica {
  std::string instance_id;
  std::string address;
  int64_t applied_offset = 0;
  int64_t lag = -1;  // records behind the log's end as the instance last saw it; -1 unknown
};

// Who serves what, at one moment.
struct Ownership {
  // The topic's partition count (0 while no instance has said).
  int32_t partition_count = 0;
  // Partition -> the live instance serving it (of several, the one furthest ahead; ties go to the
  // smaller instance id).
  std::map<int32_t, Owner> serving;
  // Partition -> a live instance rebuilding it, for partitions nobody serves.
  std::map<int32_t, std::string> rebuilding;
  // Partition -> its live copies other than the serving one, least lag first.
  std::map<int32_t, std::vector<Replica>> replicas;
};

class Membership {
 public:
  // A status whose record is older than this is a dead instance's (its announcer writes every
  // second). Instances' clocks must agree to well within it (NTP).
  static constexpr absl::Duration kLease = absl::Seconds(3);

  // Creates the topic when missing (as the Announcer would) and a consumer that reads it from the
  // beginning, outside any group.
  static absl::StatusOr<std::unique_ptr<Membership>> Create(const KafkaOptions& kafka);
  ~Membership();

  // Follows the topic on a thread of its own until Stop.
  void Start();
  void Stop();

  // Ownership as of now: statuses older than kLease do not count.
  Ownership Current() const;
  // Increases whenever a status arrives that differs from the instance's previous one.
  uint64_t version() const { return version_.load(); }
  // Returns once version() != seen, or at `deadline`.
  void WaitForChange(uint64_t seen, absl::Time deadline);

 private:
  Membership() = default;
  void Follow();
  struct Entry {
    v1::InstanceStatus status;
    std::string bytes;
    absl::Time written;  // the record's timestamp
  };
  std::string topic_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  mutable std::mutex mu_;  // guards entries_; with changed_
  std::condition_variable changed_;
  std::map<std::string, Entry> entries_;  // by instance id
  std::atomic<uint64_t> version_{0};
  std::atomic<bool> stop_{false};
  std::thread follower_;
};

}  // namespace talentflow::query
