// Helpers for integration tests against the real broker that deploy/test.sh starts
// (TALENTFLOW_KAFKA_BROKERS). Each test creates its own topics so tests can run in parallel.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace talentflow::testing {

// The broker under test: $TALENTFLOW_KAFKA_BROKERS. Aborts the test binary when unset, so an
// integration test never passes without a broker.
std::string Brokers();

// A topic name unique to this process and call: "<prefix>-<pid>-<n>".
std::string UniqueTopic(const std::string& prefix);

// Creates `topic` (and, when `with_dlq`, "<topic>.dlq" with one partition), retention.ms=-1,
// and, when `await_metadata`, waits until the broker's metadata shows every partition with a
// leader (about 0.1 s after CreateTopics returns on a local broker).
absl::Status CreateTopic(const std::string& topic, int partitions, bool with_dlq = true, bool await_metadata = true);

struct ConsumedRecord {
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp_ms = 0;
  std::string key;
  std::string value;
  std::map<std::string, std::string> headers;
};

// Reads `topic` from the beginning of every partition up to the high watermark seen at the call.
std::vector<ConsumedRecord> ConsumeAll(const std::string& topic);

// The end (high watermark) offset of every partition of `topic`.
std::map<int32_t, int64_t> EndOffsets(const std::string& topic);

// Produces raw records (key, value) to `topic` with the default partitioner and waits for them.
absl::Status ProduceRaw(const std::string& topic, const std::vector<std::pair<std::string, std::string>>& records);

}  // namespace talentflow::testing
