#include "ingest/event_ids.h"

#include "absl/strings/str_format.h"

namespace talentflow::ingest {

EventIdGenerator::EventIdGenerator() : rng_(std::random_device{}()) {}

std::string EventIdGenerator::Next(absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t ms = static_cast<uint64_t>(absl::ToUnixMillis(now));
  if (ms <= last_ms_) {
    ms = last_ms_;
    if (++counter_ > 0xfff) {  // 4096 ids in one millisecond: borrow the next millisecond
      ++ms;
      counter_ = 0;
    }
  } else {
    counter_ = 0;
  }
  last_ms_ = ms;
  const uint64_t rand = rng_();
  const uint64_t hi = (ms << 16) | 0x7000 | counter_;
  const uint64_t lo = (rand & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", hi >> 32, (hi >> 16) & 0xffff, hi & 0xffff, lo >> 48,
                         lo & 0xffffffffffffULL);
}

}  // namespace talentflow::ingest
