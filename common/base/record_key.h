// The Kafka record key of a team's events and the partition it lands in: every event of a team is
// keyed "<org>/<team>" (canonical slugs, which contain no '/'), so all of them go to one partition,
// in order. Ingest keys records with it; the views find a team's partition with it.
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace talentflow {

// "<org>/<team>". Example: RecordKey("openai", "sora") == "openai/sora".
std::string RecordKey(absl::string_view org, absl::string_view team);

// The partition Kafka's Java client (and librdkafka's murmur2_random) picks for a non-empty key:
// (murmur2(key) & 0x7fffffff) % partitions. REQUIRES: partitions > 0.
int32_t KafkaPartitionFor(absl::string_view key, int32_t partitions);

}  // namespace talentflow
