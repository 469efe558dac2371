#include "common/base/record_key.h"

#include <cstdint>

#include "absl/strings/str_cat.h"

namespace talentflow {
namespace {

// Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), seed 0x9747b28c.
uint32_t Murmur2(absl::string_view data) {
  const uint32_t m = 0x5bd1e995;
  const int r = 24;
  const size_t len = data.size();
  uint32_t h = 0x9747b28c ^ static_cast<uint32_t>(len);
  const auto* p = reinterpret_cast<const uint8_t*>(data.data());
  size_t i = 0;
  for (; i + 4 <= len; i += 4) {
    uint32_t k = p[i] | (p[i + 1] << 8) | (p[i + 2] << 16) | (static_cast<uint32_t>(p[i + 3]) << 24);
    k *= m;
    k ^= k >> r;
    k *= m;
    h *= m;
    h ^= k;
  }
  switch (len - i) {
    case 3: h ^= static_cast<uint32_t>(p[i + 2]) << 16; [[fallthrough]];
    case 2: h ^= static_cast<uint32_t>(p[i + 1]) << 8; [[fallthrough]];
    case 1: h ^= p[i]; h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return h;
}

}  // namespace

int32_t KafkaPartitionFor(absl::string_view key, int32_t partitions) {
  return static_cast<int32_t>((Murmur2(key) & 0x7fffffff) % static_cast<uint32_t>(partitions));
}

std::string RecordKey(absl::string_view org, absl::string_view team) { return absl::StrCat(org, "/", team); }

}  // namespace talentflow
