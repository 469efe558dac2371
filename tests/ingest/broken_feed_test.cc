// The corpus of broken feed lines (tests/data/broken_feed.jsonl plus lines made here that are
// too big or too binary to keep in a file): every line is rejected with a reason, none is accepted.
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ingest/feed_source.h"
#include "ingest/validator.h"
#include "tests/common/event_builders.h"

namespace talentflow::ingest {
namespace {

using ::testing::HasSubstr;

// Reads, parses and validates `text` as a feed; returns one "line N: reason" per rejected line and
// the number of lines accepted.
std::pair<std::vector<std::string>, int> Check(const std::string& text) {
  FILE* f = fmemopen(const_cast<char*>(text.data()), text.size(), "rb");
  LineReader reader(f);
  std::vector<std::string> rejects;
  int accepted = 0;
  std::string line;
  Aliases aliases;
  Stamp stamp{testing::Day(2026, 11, 27), "test", "gen-1"};
  for (auto r = reader.Next(&line); r != LineReader::Result::kEof; r = reader.Next(&line)) {
    const std::string where = "line " + std::to_string(reader.line_number()) + ": ";
    if (r == LineReader::Result::kOversize) {
      rejects.push_back(where + "longer than the line limit");
      continue;
    }
    auto event = ParseFeedLine(line);
    if (!event.ok()) {
      rejects.push_back(where + std::string(event.status().message()));
      continue;
    }
    auto records = Normalise(*event, aliases, stamp);
    if (!records.ok()) {
      rejects.push_back(where + std::string(records.status().message()));
      continue;
    }
    ++accepted;
  }
  std::fclose(f);
  return {rejects, accepted};
}

TEST(BrokenFeed, EveryLineOfTheCorpusIsRejectedWithItsLineNumber) {
  std::ifstream in(std::string(TALENTFLOW_SOURCE_DIR) + "/tests/data/broken_feed.jsonl", std::ios::binary);
  std::string corpus((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(corpus.empty());
  const int lines = static_cast<int>(std::count(corpus.begin(), corpus.end(), '\n'));
  auto [rejects, accepted] = Check(corpus);
  EXPECT_EQ(accepted, 0);
  ASSERT_EQ(static_cast<int>(rejects.size()), lines);
  for (int i = 0; i < lines; ++i) {
    EXPECT_THAT(rejects[i], ::testing::StartsWith("line " + std::to_string(i + 1) + ": ")) << rejects[i];
  }
  EXPECT_THAT(rejects[0], HasSubstr("empty line"));
}

TEST(BrokenFeed, BinaryAndHugeLines) {
  const std::string good =
      R"({"org":"openai","team":"sora","effectiveTime":"2026-02-10T00:00:00Z","hire":{}})";
  std::string text;
  text += "{\"org\":\"open\xff\xfe" "ai\",\"team\":\"sora\",\"effectiveTime\":\"2026-02-10T00:00:00Z\",\"hire\":{}}\n";
  const char with_nul[] = "{\"org\":\"open\0ai\",\"team\":\"sora\",\"effectiveTime\":\"2026-02-10T00:00:00Z\",\"hire\":{}}\n";
  text += std::string(with_nul, sizeof with_nul - 1);
  text += "{\"org\":\"openai\",\"team\":\"sora\",\"effectiveTime\":\"2026-02-10T00:00:00Z\",\"hire\":{\"fromOrg\":\"" +
          std::string(10 * 1024 * 1024, 'x') + "\"}}\n";  // a 10 MB line
  text += "{\"org\":\"openai\",\"team\":\"sora\",\"effectiveTime\":\"2026-02-10T00:00:00Z\",\"hire\":{},\"person\":"
          "{\"name\":\"" + std::string(100 * 1024, 'n') + "\"}}\n";  // 100 KiB: a line, but an event > 64 KiB
  std::string deep = "{\"org\":";
  for (int i = 0; i < 10000; ++i) deep += "[";
  text += deep + "\n";
  text += good + "\n";  // the one good line, last
  auto [rejects, accepted] = Check(text);
  EXPECT_EQ(accepted, 1);
  ASSERT_EQ(rejects.size(), 5u);
  EXPECT_THAT(rejects[0], HasSubstr("line 1: line: invalid UTF-8 at byte 13"));
  EXPECT_THAT(rejects[1], HasSubstr("line 2: line: contains a NUL byte"));
  EXPECT_THAT(rejects[2], HasSubstr("line 3: longer than the line limit"));
  EXPECT_THAT(rejects[3], HasSubstr("line 4: event: larger than 65536 bytes"));
  EXPECT_THAT(rejects[4], HasSubstr("line 5: "));
}

}  // namespace
}  // namespace talentflow::ingest
