#include "views/key_filter.h"

#include <xxhash.h>

#include <algorithm>

namespace talentflow::views {
namespace {

constexpr int kProbes = 6;  // about optimal for 10 bits per key in 512-bit blocks

// The block of a hash and the 6 bit positions (9 bits each) within it.
struct Probe {
  size_t block;
  uint64_t bits;  // a second hash, 6 × 9 bits used
};

Probe ProbeOf(std::string_view key, size_t blocks) {
  const XXH128_hash_t h = XXH3_128bits(key.data(), key.size());
  return {static_cast<size_t>((static_cast<unsigned __int128>(h.high64) * blocks) >> 64), h.low64};
}

}  // namespace

KeyFilter::KeyFilter(int64_t expected_keys, size_t max_bytes) {
  const size_t wanted = static_cast<size_t>(std::max<int64_t>(expected_keys, 1)) * 10 / 512 + 1;
  blocks_ = std::max<size_t>(1, std::min(wanted, max_bytes / sizeof(Block)));
  table_.reset(new Block[blocks_]);
  for (size_t i = 0; i < blocks_; ++i) {
    for (auto& w : table_[i].words) w.store(0, std::memory_order_relaxed);
  }
}

void KeyFilter::Add(std::string_view key) {
  const Probe p = ProbeOf(key, blocks_);
  Set(p.block, p.bits);
}

void KeyFilter::Set(size_t block, uint64_t bits) {
  Block& b = table_[block];
  for (int i = 0; i < kProbes; ++i) {
    const unsigned bit = (bits >> (9 * i)) & 511;
    b.words[bit >> 6].fetch_or(uint64_t{1} << (bit & 63), std::memory_order_relaxed);
  }
}

void KeyFilter::Adder::Add(std::string_view key) {
  const Probe p = ProbeOf(key, filter_.blocks_);
  Pending& slot = pending_[count_ % kLag];
  if (count_ >= kLag) filter_.Set(slot.block, slot.bits);
  __builtin_prefetch(&filter_.table_[p.block], 1);
  slot = {p.block, p.bits};
  ++count_;
}

void KeyFilter::Adder::Flush() {
  for (size_t i = count_ > kLag ? count_ - kLag : 0; i < count_; ++i) {
    filter_.Set(pending_[i % kLag].block, pending_[i % kLag].bits);
  }
  count_ = 0;
}

bool KeyFilter::MayContain(std::string_view key) const {
  const Probe p = ProbeOf(key, blocks_);
  const Block& b = table_[p.block];
  for (int i = 0; i < kProbes; ++i) {
    const unsigned bit = (p.bits >> (9 * i)) & 511;
    if (!(b.words[bit >> 6].load(std::memory_order_relaxed) & (uint64_t{1} << (bit & 63)))) return false;
  }
  return true;
}

}  // namespace talentflow::views
