// KeyFilter: a Bloom filter over keys, for a store that is filled from empty by one process (a
// replay). MayContain is false only for a key never added, so a read of such a key can skip the
// database. Blocked (every key's bits in one 64-byte cache line: one memory access per lookup);
// at 10 bits per key about 1% of the keys never added still answer true.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>

namespace talentflow::views {

class KeyFilter {
 public:
  // Room for `expected_keys` at 10 bits each, but never more than `max_bytes` (more keys than
  // that only raise the false-positive rate).
  KeyFilter(int64_t expected_keys, size_t max_bytes);
  // Thread-safe: bits are only ever set, atomically.
  void Add(std::string_view key);
  bool MayContain(std::string_view key) const;
  size_t bytes() const { return blocks_ * sizeof(Block); }

 private:
  struct alignas(64) Block {
    std::atomic<uint64_t> words[8];
  };
  size_t blocks_;
  std::unique_ptr<Block[]> table_;
};

}  // namespace talentflow::views
