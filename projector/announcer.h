// Announcer: tells every query instance what this instance serves, through the compacted topic
// "<topic>.instances" (proto/talentflow/v1/cluster.proto). Kafka is the one source of who owns
// what: there is no coordinator and no list of hosts. Query instances treat a status older than
// their lease (query/membership.h) as a dead instance's, so the announcer writes at least once
// a second, and within kPollInterval of any change of the partitions or their offsets.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <librdkafka/rdkafkacpp.h>

#include "absl/status/statusor.h"
#include "common/kafka/kafka.h"
#include "talentflow/v1/cluster.pb.h"

namespace talentflow::projector {

class Announcer {
 public:
  // Creates "<topic>.instances" when missing (1 partition, compacted) and a producer for it.
  static absl::StatusOr<std::unique_ptr<Announcer>> Create(const KafkaOptions& kafka);
  ~Announcer();

  // Until `stop` is set: every kPollInterval asks `current()` and writes it when it differs from
  // the last status written, and at least every kHeartbeat. A failed write is logged; the next
  // one replaces it.
  void Run(const std::function<v1::InstanceStatus()>& current, const std::atomic<bool>& stop);
  // Writes a tombstone for `instance_id` (it serves nothing any more) and waits up to 5 s for the
  // broker's acknowledgement. For a clean stop only: after a fence, another process owns the id.
  absl::Status Withdraw(const std::string& instance_id);

  static constexpr std::chrono::milliseconds kPollInterval{100};
  static constexpr std::chrono::milliseconds kHeartbeat{1000};

 private:
  Announcer() = default;
  void Write(const std::string& key, const std::string& value);
  std::string topic_;
  std::unique_ptr<RdKafka::Producer> producer_;
};

}  // namespace talentflow::projector
