// Utf8SequenceLength (common/base/utf8.h) at the edges of RFC 3629's table; each byte sequence is
// the code point next to it encoded by hand.
#include "common/base/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace talentflow {
namespace {

size_t Len(const std::string& s) { return Utf8SequenceLength(s); }

TEST(Utf8SequenceLength, AsciiIsOneByte) {
  EXPECT_EQ(Len("a"), 1u);
  EXPECT_EQ(Len("ab"), 1u);  // only the first sequence counts
  EXPECT_EQ(Len(std::string(1, '\0')), 1u);
  EXPECT_EQ(Len("\x7F"), 1u);
  EXPECT_EQ(Len(""), 0u);
}

TEST(Utf8SequenceLength, TwoBytes) {
  EXPECT_EQ(Len("\xC3\xA9x"), 2u);   // U+00E9
  EXPECT_EQ(Len("\xC2\x80"), 2u);    // U+0080, the first two-byte code point
  EXPECT_EQ(Len("\xDF\xBF"), 2u);    // U+07FF, the last
  EXPECT_EQ(Len("\xC0\x80"), 0u);    // overlong U+0000
  EXPECT_EQ(Len("\xC1\xBF"), 0u);    // overlong U+007F
  EXPECT_EQ(Len("\xC3"), 0u);        // cut short
  EXPECT_EQ(Len("\xC3("), 0u);       // not a continuation byte
  EXPECT_EQ(Len("\xC3\xC3\xA9"), 0u);
}

TEST(Utf8SequenceLength, ThreeBytes) {
  EXPECT_EQ(Len("\xE4\xB8\xAD"), 3u);  // U+4E2D
  EXPECT_EQ(Len("\xE0\xA0\x80"), 3u);  // U+0800, the first three-byte code point
  EXPECT_EQ(Len("\xE0\x9F\xBF"), 0u);  // overlong U+07FF
  EXPECT_EQ(Len("\xED\x9F\xBF"), 3u);  // U+D7FF, below the surrogates
  EXPECT_EQ(Len("\xED\xA0\x80"), 0u);  // U+D800, a surrogate
  EXPECT_EQ(Len("\xED\xBF\xBF"), 0u);  // U+DFFF, a surrogate
  EXPECT_EQ(Len("\xEE\x80\x80"), 3u);  // U+E000, above them
  EXPECT_EQ(Len("\xEF\xBF\xBF"), 3u);  // U+FFFF
  EXPECT_EQ(Len("\xE4\xB8"), 0u);      // cut short
  EXPECT_EQ(Len("\xE4(\xAD"), 0u);     // not a continuation byte
  EXPECT_EQ(Len("\xE4\xB8("), 0u);
}

TEST(Utf8SequenceLength, FourBytes) {
  EXPECT_EQ(Len("\xF0\x9F\x98\x80"), 4u);  // U+1F600
  EXPECT_EQ(Len("\xF0\x90\x80\x80"), 4u);  // U+10000, the first four-byte code point
  EXPECT_EQ(Len("\xF0\x8F\xBF\xBF"), 0u);  // overlong U+FFFF
  EXPECT_EQ(Len("\xF4\x8F\xBF\xBF"), 4u);  // U+10FFFF, the last code point
  EXPECT_EQ(Len("\xF4\x90\x80\x80"), 0u);  // U+110000, past it
  EXPECT_EQ(Len("\xF5\x80\x80\x80"), 0u);  // a lead byte RFC 3629 no longer allows
  EXPECT_EQ(Len("\xF0\x9F\x98"), 0u);      // cut short
  EXPECT_EQ(Len("\xF0\x9F\x98("), 0u);     // not a continuation byte
}

TEST(Utf8SequenceLength, BytesThatNeverStartASequence) {
  EXPECT_EQ(Len("\x80"), 0u);  // a continuation byte
  EXPECT_EQ(Len("\xBF\x80"), 0u);
  EXPECT_EQ(Len("\xF8\x88\x80\x80\x80"), 0u);  // the old five-byte form
  EXPECT_EQ(Len("\xFE"), 0u);
  EXPECT_EQ(Len("\xFF"), 0u);
}

}  // namespace
}  // namespace talentflow
