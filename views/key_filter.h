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

  // Adds many keys from one thread: a key's block is prefetched when the key is given and its bits
  // are set kLag keys later (or by Flush, or on destruction), so that the cache misses of a filter
  // far larger than the CPU caches overlap instead of each Add waiting for its own.
  class Adder {
   public:
    explicit Adder(KeyFilter& filter) : filter_(filter) {}
    ~Adder() { Flush(); }
    void Add(std::string_view key);
    // Sets the bits of every key given so far.
    void Flush();

   private:
    static constexpr size_t kLag = 8;
    KeyFilter& filter_;
    struct Pending {
      size_t block;
      uint64_t bits;
    } pending_[kLag];
    size_t count_ = 0;  // keys given; the last min(count_, kLag) are pending
  };

 private:
  void Set(size_t block, uint64_t bits);
  struct alignas(64) Block {
    std::atomic<uint64_t> words[8];
  };
  size_t blocks_;
  std::unique_ptr<Block[]> table_;
};

}  // namespace talentflow::views
