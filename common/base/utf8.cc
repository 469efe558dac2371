#include "common/base/utf8.h"

namespace talentflow {

size_t Utf8SequenceLength(absl::string_view s) {
  if (s.empty()) return 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char c = p[0];
  if (c < 0x80) return 1;
  size_t n;  // continuation bytes
  if (c >= 0xC2 && c <= 0xDF) {
    n = 1;
  } else if ((c & 0xF0) == 0xE0) {
    n = 2;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 3;
  } else {
    return 0;
  }
  if (n >= s.size()) return 0;
  for (size_t k = 1; k <= n; ++k) {
    if ((p[k] & 0xC0) != 0x80) return 0;
  }
  if (n == 2 && ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F))) return 0;  // overlong, surrogate
  if (n == 3 && ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] > 0x8F))) return 0;  // overlong, > U+10FFFF
  return n + 1;
}

}  // namespace talentflow
