// The corpus of broken feed lines (tests/data/broken_feed.jsonl plus lines made here that are
// too big or too binary to keep in a file), run through feed mode itself (RunFeed: FeedReader, the
// parser, Publisher::Prepare, a PublishSession): every broken line is rejected with its line number
// and reason in the rejects file, and nothing of it reaches the sink.
#include <fstream>
#include <iterator>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "ingest/feed.h"

namespace talentflow::ingest {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// True when `s` starts with "line <digits>: ", as an entry of the rejects file does.
bool StartsEntry(absl::string_view s) {
  if (!absl::ConsumePrefix(&s, "line ")) return false;
  const size_t digits = s.find_first_not_of("0123456789");
  return digits != 0 && digits != absl::string_view::npos && absl::StartsWith(s.substr(digits), ": ");
}

// Feed mode against a broker nobody runs: the lines here are rejected before anything is written,
// and a valid line is written and comes back not delivered once the short delivery timeout passed.
class BrokenFeed : public ::testing::Test {
 protected:
  void SetUp() override {
    KafkaOptions kafka;
    kafka.brokers = "127.0.0.1:1";  // nothing listens there
    kafka.topic = "broken-feed";
    SinkOptions sink_options;
    sink_options.delivery_timeout = absl::Milliseconds(200);
    auto sink = KafkaSink::Create(kafka, sink_options);
    ASSERT_TRUE(sink.ok()) << sink.status();
    sink_ = *std::move(sink);
    publisher_ = std::make_unique<Publisher>(sink_.get(), &aliases_, &counters_);
  }

  // Runs feed mode over `text`; the rejects file's lines go to `*rejects`.
  FeedSummary Run(const std::string& text, std::vector<std::string>* rejects) {
    const std::string dir = ::testing::TempDir();
    const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    FeedOptions options;
    options.path = dir + "/" + name + ".jsonl";
    options.rejects_path = dir + "/" + name + ".rejects";
    options.delivery_timeout = absl::Milliseconds(200);
    std::ofstream(options.path, std::ios::binary) << text;
    std::atomic<bool> stop{false};
    absl::StatusOr<FeedSummary> summary = RunFeed(*publisher_, options, stop);
    EXPECT_TRUE(summary.ok()) << summary.status();
    // An entry is "line N: <reason>\t<the line>\n", and protobuf's reasons for JSON syntax errors span
    // lines of their own: an entry starts where a line starts with "line <digits>: ".
    std::ifstream in(options.rejects_path, std::ios::binary);
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!all.empty() && all.back() == '\n') all.pop_back();
    for (absl::string_view line : absl::StrSplit(all, '\n')) {
      if (StartsEntry(line) || rejects->empty()) {
        rejects->emplace_back(line);
      } else {
        absl::StrAppend(&rejects->back(), "\n", line);
      }
    }
    return summary.value_or(FeedSummary());
  }

  Aliases aliases_;
  IngestCounters counters_;
  std::unique_ptr<KafkaSink> sink_;
  std::unique_ptr<Publisher> publisher_;
};

TEST_F(BrokenFeed, EveryLineOfTheCorpusIsRejectedWithItsLineNumber) {
  std::ifstream in(std::string(TALENTFLOW_SOURCE_DIR) + "/tests/data/broken_feed.jsonl", std::ios::binary);
  const std::string corpus((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(corpus.empty());
  std::vector<std::string> rejects;
  const FeedSummary summary = Run(corpus, &rejects);
  // Worked out from the corpus, line by line: the field each line fails on, and the reason where
  // ingest (not protobuf's JSON parser) words it. protobuf names the fields of mapping errors by their
  // proto names ("effective_time"), and some type errors only in its message.
  const std::vector<std::string> expected = {
      "line 1: line: empty line\t",
      "line 2: line: empty line\t   ",
      "line 3: line: not a talentflow.v1.Event in JSON: ",  // truncated object
      "line 4: line: not a talentflow.v1.Event in JSON: ",  // text after the object
      "line 5: org: ",                                      // a number for a string
      "line 6: line: not a talentflow.v1.Event in JSON: team: ",  // a list for a string
      "line 7: effective_time: ",                                 // not a timestamp
      "line 8: effectiveTime: more than 1 day in the future\t",
      "line 9: effectiveTime: before 1990-01-01\t",
      "line 10: departure.destination_kind: ",  // unknown enum name
      "line 11: person.seniority: ",           // unknown enum name
      "line 12: line: ",                       // two payloads of the oneof
      "line 13: payload: required: exactly one of ",
      "line 14: org: ",  // "Acme Labs!" is no slug
      "line 15: org: required\t",
      "line 16: line: not a talentflow.v1.Event in JSON: ",  // unknown field "colour"
      "line 17: retraction.targetEventId: required\t",
      "line 18: transferOut.toTeam: must differ from team\t",
      "line 19: headcountReport.headcount: must be >= 0\t",
      "line 20: computeReallocation.share: must be in (0, 1]\t",
      "line 21: eventId: must be 1-64 characters of [A-Za-z0-9._:-]\t",
      "line 22: line: not a talentflow.v1.Event in JSON: ",  // an array
      "line 23: line: not a talentflow.v1.Event in JSON: ",  // a string
      "line 24: line: not a talentflow.v1.Event in JSON: ",  // null
      "line 25: line: empty line\t\xEF\xBB\xBF",              // a byte-order mark and nothing else
  };
  ASSERT_EQ(rejects.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_THAT(rejects[i], StartsWith(expected[i]));
  EXPECT_EQ(summary.rejected, 25);
  EXPECT_EQ(summary.accepted, 0);
  EXPECT_EQ(summary.duplicates, 0);
  EXPECT_EQ(summary.not_delivered, 0);
  EXPECT_EQ(summary.ToString(), "accepted 0, duplicates 0, rejected 25");
  EXPECT_EQ(summary.ExitCode(), 3);
  EXPECT_EQ(counters_.rejected.load(), 25);
  EXPECT_EQ(sink_->in_flight(), 0);  // nothing was written
}

TEST_F(BrokenFeed, BinaryAndHugeLines) {
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
  std::vector<std::string> rejects;
  const FeedSummary summary = Run(text, &rejects);
  ASSERT_EQ(rejects.size(), 5u);
  EXPECT_THAT(rejects[0], StartsWith("line 1: line: invalid UTF-8 at byte 13\t"));
  EXPECT_THAT(rejects[1], StartsWith("line 2: line: contains a NUL byte\t"));
  EXPECT_EQ(rejects[2], "line 3: line: longer than 256 KiB\t");  // the line itself was never kept
  EXPECT_THAT(rejects[3], StartsWith("line 4: event: larger than 65536 bytes\t"));
  EXPECT_EQ(rejects[3].size(), std::string("line 4: event: larger than 65536 bytes\t").size() + 1024);  // shown cut
  EXPECT_THAT(rejects[4], StartsWith("line 5: line: "));
  // The good line passed validation and was written: nobody acknowledged it.
  EXPECT_EQ(summary.rejected, 5);
  EXPECT_EQ(summary.accepted, 0);
  EXPECT_EQ(summary.not_delivered, 1);
  EXPECT_EQ(summary.first_not_delivered_line, 6);
  EXPECT_EQ(summary.ToString(),
            "accepted 0, duplicates 0, rejected 5, not delivered 1 (first not acknowledged: line 6; rerun from "
            "there: tail -n +6)");
  EXPECT_EQ(summary.ExitCode(), 1);
}

}  // namespace
}  // namespace talentflow::ingest
