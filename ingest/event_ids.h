// EventIdGenerator makes time-ordered event ids (UUIDv7, RFC 9562): 48 bits of Unix milliseconds,
// then a counter and random bits, so ids sort by the time ingest assigned them.
#pragma once

#include <cstdint>
#include <mutex>
#include <random>
#include <string>

#include "absl/time/time.h"

namespace talentflow::ingest {

class EventIdGenerator {
 public:
  EventIdGenerator();
  // A new id, e.g. "0193a5f2-7c1e-7a3b-9c4d-5e6f7a8b9c0d". Thread-safe; strictly increasing
  // within this generator even when `now` repeats.
  std::string Next(absl::Time now);

 private:
  std::mutex mu_;
  std::mt19937_64 rng_;
  uint64_t last_ms_ = 0;
  uint16_t counter_ = 0;  // 12 bits used
};

}  // namespace talentflow::ingest
