// Kafka client setup shared by ingest, projector, query and ctl: options and their flags, librdkafka
// configuration, and the one conversion of librdkafka errors to absl::Status.
#pragma once

#include <map>
#include <memory>
#include <string>

#include <librdkafka/rdkafkacpp.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace CLI {
class App;
}  // namespace CLI

namespace talentflow {

struct KafkaOptions {
  // Bootstrap servers. Default: "127.0.0.1:9092" (env TALENTFLOW_KAFKA_BROKERS).
  std::string brokers = "127.0.0.1:9092";
  // The event log. Default: "talentflow.events" (env TALENTFLOW_TOPIC).
  std::string topic = "talentflow.events";
  // Extra librdkafka properties (SASL/SSL, tuning), one "key=value" per line, '#' comments.
  // Default: none (env TALENTFLOW_KAFKA_CONFIG).
  std::string config_file;

  // The dead-letter topic: "<topic>.dlq".
  std::string dlq_topic() const { return topic + ".dlq"; }
  // The compacted topic where instances say what they serve (proto/talentflow/v1/cluster.proto):
  // "<topic>.instances".
  std::string instances_topic() const { return topic + ".instances"; }

  // Reads TALENTFLOW_KAFKA_BROKERS, TALENTFLOW_TOPIC and TALENTFLOW_KAFKA_CONFIG when set.
  static KafkaOptions FromEnv();
  absl::Status Validate() const;
};

// Adds --kafka-brokers, --topic and --kafka-config to `app`, writing into `options` (which the caller
// fills with KafkaOptions::FromEnv() first, so a flag overrides its environment variable). `purpose`,
// when not empty, says what the process uses Kafka for (", for lag") in each flag's help.
void AddKafkaFlags(CLI::App& app, KafkaOptions* options, const std::string& purpose = "");

// Converts a librdkafka error into a Status ("<context>: <librdkafka message>"). The one place
// where RdKafka::ErrorCode becomes absl::Status.
absl::Status FromKafka(RdKafka::ErrorCode code, absl::string_view context);

// Asks `handle`'s brokers for `topic`'s metadata until it lists the topic with partitions, or
// `deadline` passes; returns the partition count. A topic created a moment ago is unknown to the
// broker for about 0.1 s after CreateTopics returns (measured on a local KRaft broker; longer under
// load), so "unknown topic" is asked again like an unreachable broker. At the deadline, the last
// answer's error naming the topic: NotFound when the broker still did not know it.
absl::StatusOr<int32_t> AwaitTopicPartitions(RdKafka::Handle& handle, const std::string& topic, absl::Time deadline);

// Creates `topic` with `partitions` partitions, the brokers' default replication factor and
// `configs`, unless it exists; then waits (to `deadline`) until the brokers list it.
absl::Status CreateTopicIfMissing(RdKafka::Handle& handle, const std::string& topic, int partitions,
                                  const std::map<std::string, std::string>& configs, absl::Time deadline);

// The instances topic (KafkaOptions::instances_topic) as projectors and query services both
// create it when missing: 1 partition, compacted, record timestamps set by the writer (a status's
// age is its liveness).
absl::Status CreateInstancesTopicIfMissing(RdKafka::Handle& handle, const KafkaOptions& options);

// Builds a global librdkafka configuration: bootstrap servers, the config file's properties, then
// `overrides` (which win), and an event callback that sends librdkafka's logs and errors to spdlog.
// InvalidArgument naming the property on a bad one; the value is left out when it may be a secret
// (IsSecretKafkaProperty).
absl::StatusOr<std::unique_ptr<RdKafka::Conf>> MakeKafkaConf(
    const KafkaOptions& options, const std::map<std::string, std::string>& overrides);

// True for librdkafka properties whose values must not be logged: names containing "password"
// or "secret", and every "sasl.*" and "ssl.key.*" property (case-insensitive).
bool IsSecretKafkaProperty(absl::string_view key);

}  // namespace talentflow
