#include "ingest/feed_source.h"

#include <cstdio>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <google/protobuf/util/json_util.h>

#include "ingest/validator.h"

namespace talentflow::ingest {
namespace {

using ::testing::HasSubstr;

constexpr char kLine[] =
    R"({"eventId":"evt-1","org":"openai","team":"sora","effectiveTime":"2026-02-10T00:00:00Z",)"
    R"("datePrecision":"DATE_PRECISION_DAY","confidence":"CONFIDENCE_REPORTED",)"
    R"("person":{"id":"p-ada","name":"Ada","title":"Research lead","seniority":"SENIORITY_LEADERSHIP"},)"
    R"("evidence":[{"url":"https://example.com/a","outlet":"Example","sourceType":"SOURCE_TYPE_NEWS",)"
    R"("publishedAt":"2026-02-11T08:00:00Z"}],)"
    R"("departure":{"destinationOrg":"google-deepmind","destinationKind":"DESTINATION_KIND_COMPETITOR"}})";

TEST(ParseFeedLine, ParsesTheProto3JsonMapping) {
  auto e = ParseFeedLine(kLine);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->event_id(), "evt-1");
  EXPECT_EQ(e->team(), "sora");
  EXPECT_EQ(e->effective_time().seconds(), 1770681600);  // 2026-02-10T00:00:00Z
  EXPECT_EQ(e->person().seniority(), v1::SENIORITY_LEADERSHIP);
  EXPECT_EQ(e->departure().destination_kind(), v1::DESTINATION_KIND_COMPETITOR);
  EXPECT_EQ(e->evidence(0).published_at().seconds(), 1770796800);  // 2026-02-11T08:00:00Z
}

TEST(ParseFeedLine, RoundTripsThroughJson) {
  auto e = ParseFeedLine(kLine);
  ASSERT_TRUE(e.ok());
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(*e, &json).ok());
  auto again = ParseFeedLine(json);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->SerializeAsString(), e->SerializeAsString());
  EXPECT_THAT(json, HasSubstr("\"destinationKind\":\"DESTINATION_KIND_COMPETITOR\""));
}

TEST(ParseFeedLine, SkipsUtf8Bom) {
  EXPECT_TRUE(ParseFeedLine(std::string("\xEF\xBB\xBF") + kLine).ok());
}

TEST(ParseFeedLine, RejectsTruncatedJson) {
  auto e = ParseFeedLine(std::string(kLine).substr(0, 40));
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(RejectedField(e.status()), "line");
}

TEST(ParseFeedLine, RejectsEmptyLine) {
  auto e = ParseFeedLine("   ");
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(std::string(e.status().message()), HasSubstr("empty line"));
}

TEST(ParseFeedLine, RejectsUnknownEnumNameNamingTheField) {
  std::string line(kLine);
  line.replace(line.find("SENIORITY_LEADERSHIP"), 20, "SENIORITY_BOSS");
  auto e = ParseFeedLine(line);
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(std::string(e.status().message()), HasSubstr("seniority"));
}

TEST(ParseFeedLine, RejectsUnknownField) {
  auto e = ParseFeedLine(R"({"org":"openai","colour":"red"})");
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(std::string(e.status().message()), HasSubstr("colour"));
}

TEST(ParseFeedLine, RejectsWrongType) {
  auto e = ParseFeedLine(R"({"org":42})");
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(std::string(e.status().message()), HasSubstr("org"));
}

TEST(ParseFeedLine, RejectsNulByte) {
  std::string line(kLine);
  line.push_back('\0');
  line += "junk";
  EXPECT_FALSE(ParseFeedLine(line).ok());
}

class LineReaderTest : public ::testing::Test {
 protected:
  FILE* Open(const std::string& content) {
    file_ = fmemopen(const_cast<char*>(content.data()), content.size(), "rb");
    content_ = content;
    return file_;
  }
  ~LineReaderTest() override {
    if (file_) std::fclose(file_);
  }
  FILE* file_ = nullptr;
  std::string content_;
};

TEST_F(LineReaderTest, SplitsLinesAndNumbersThem) {
  std::string text = "a\r\nbb\n\nccc";
  LineReader r(Open(text));
  std::string line;
  ASSERT_EQ(r.Next(&line), LineReader::Result::kLine);
  EXPECT_EQ(line, "a");
  ASSERT_EQ(r.Next(&line), LineReader::Result::kLine);
  EXPECT_EQ(line, "bb");
  ASSERT_EQ(r.Next(&line), LineReader::Result::kLine);
  EXPECT_EQ(line, "");
  ASSERT_EQ(r.Next(&line), LineReader::Result::kLine);
  EXPECT_EQ(line, "ccc");
  EXPECT_EQ(r.line_number(), 4);
  EXPECT_EQ(r.Next(&line), LineReader::Result::kEof);
}

TEST_F(LineReaderTest, ReportsOversizeLineWithoutKeepingIt) {
  std::string text = std::string(200 * 1024, 'x') + "\nok\n";
  LineReader r(Open(text), 64 * 1024);
  std::string line;
  ASSERT_EQ(r.Next(&line), LineReader::Result::kOversize);
  EXPECT_EQ(r.line_number(), 1);
  EXPECT_LE(line.capacity(), 64u * 1024);
  ASSERT_EQ(r.Next(&line), LineReader::Result::kLine);
  EXPECT_EQ(line, "ok");
  EXPECT_EQ(r.line_number(), 2);
}

TEST_F(LineReaderTest, KeepsNulBytes) {
  std::string text("a\0b\n", 4);
  LineReader r(Open(text));
  std::string line;
  ASSERT_EQ(r.Next(&line), LineReader::Result::kLine);
  EXPECT_EQ(line, std::string("a\0b", 3));
}

TEST(ParseFeedLineInto, AnOversizeLineIsRejectedNamingTheLimit) {
  FeedLine line;
  line.number = 7;
  line.oversize = true;
  v1::Event event;
  const absl::Status s = ParseFeedLineInto(line, &event);
  EXPECT_EQ(s.message(), "line: longer than 256 KiB");
  EXPECT_EQ(RejectedField(s), "line");
}

TEST(FeedReader, NumbersLinesAndEndsAtTheEndOfTheFile) {
  const std::string path = ::testing::TempDir() + "/feed_reader_plain.jsonl";
  std::ofstream(path, std::ios::binary) << "a\r\n\nb";
  auto reader = FeedReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status();
  FeedLine line;
  ASSERT_EQ((*reader)->Next(&line), FeedReader::Result::kLine);
  EXPECT_EQ(line.number, 1);
  EXPECT_EQ(line.text, "a");
  ASSERT_EQ((*reader)->Next(&line), FeedReader::Result::kLine);
  EXPECT_EQ(line.number, 2);
  EXPECT_EQ(line.text, "");
  ASSERT_EQ((*reader)->Next(&line), FeedReader::Result::kLine);
  EXPECT_EQ(line.number, 3);
  EXPECT_EQ(line.text, "b");
  EXPECT_FALSE(line.oversize);
  EXPECT_EQ((*reader)->Next(&line), FeedReader::Result::kEnd);
}

TEST(FeedReader, FollowsAGrowingFileUntilStopped) {
  const std::string path = ::testing::TempDir() + "/feed_reader_follow.jsonl";
  std::ofstream(path, std::ios::binary) << "first\n";
  auto reader = FeedReader::Open(path, /*follow=*/true);
  ASSERT_TRUE(reader.ok()) << reader.status();
  std::atomic<bool> stop{false};
  FeedLine line;
  ASSERT_EQ((*reader)->Next(&line, &stop), FeedReader::Result::kLine);
  EXPECT_EQ(line.text, "first");
  EXPECT_EQ((*reader)->Next(&line, &stop), FeedReader::Result::kCaughtUp);
  std::ofstream(path, std::ios::binary | std::ios::app) << "second\n";
  ASSERT_EQ((*reader)->Next(&line, &stop), FeedReader::Result::kLine);
  EXPECT_EQ(line.number, 2);
  EXPECT_EQ(line.text, "second");
  EXPECT_EQ((*reader)->Next(&line, &stop), FeedReader::Result::kCaughtUp);
  stop = true;
  EXPECT_EQ((*reader)->Next(&line, &stop), FeedReader::Result::kEnd);
}

TEST(FeedReader, AMissingFileIsNamedWithTheReason) {
  auto reader = FeedReader::Open("/nonexistent/feed.jsonl");
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(reader.status().message(), "cannot open /nonexistent/feed.jsonl: No such file or directory");
}

TEST(FeedSummary, CountsResultsAndSaysHowTheRunEnded) {
  FeedSummary s;
  s.Count(v1::EventResult::STATUS_ACCEPTED);
  s.Count(v1::EventResult::STATUS_ACCEPTED);
  EXPECT_EQ(s.ToString(), "accepted 2, rejected 0");
  EXPECT_EQ(s.ExitCode(), 0);
  s.Count(v1::EventResult::STATUS_REJECTED);
  EXPECT_EQ(s.ToString(), "accepted 2, rejected 1");
  EXPECT_EQ(s.ExitCode(), 3);
  s.Count(v1::EventResult::STATUS_NOT_DELIVERED);
  EXPECT_EQ(s.ToString(), "accepted 2, rejected 1, not delivered 1");  // no line known
  EXPECT_EQ(s.ExitCode(), 1);
  s.first_not_delivered_line = 12;
  EXPECT_EQ(s.ToString(),
            "accepted 2, rejected 1, not delivered 1 (first not acknowledged: line 12; rerun from "
            "there: tail -n +12)");
}

TEST(FeedSummary, SaysHowManyLinesRepeatAStoryOfTheRunAndThatTheyWerePublished) {
  FeedSummary s;
  s.accepted = 73;
  EXPECT_EQ(s.ToString(), "accepted 73, rejected 0");  // never "duplicates 0": the views decide that
  s.repeats = 1;
  EXPECT_EQ(s.ToString(), "accepted 73, rejected 0, 1 line repeats a story of this run (published for its evidence)");
  s.repeats = 4;
  EXPECT_EQ(s.ToString(),
            "accepted 73, rejected 0, 4 lines repeat a story of this run (published for their evidence)");
  EXPECT_EQ(s.ExitCode(), 0);
}

TEST(FeedSummary, NamesLinesWithoutEvidenceOnlyWhenThereAreSome) {
  FeedSummary s;
  s.accepted = 69;
  EXPECT_EQ(s.ToString(), "accepted 69, rejected 0");
  s.without_evidence = 1;
  EXPECT_EQ(s.ToString(), "accepted 69, rejected 0, 1 line without evidence");
  s.without_evidence = 2;
  s.not_delivered = 1;
  EXPECT_EQ(s.ToString(), "accepted 69, rejected 0, 2 lines without evidence, not delivered 1");
}

TEST(FeedSummary, ADryRunCountsValidLinesAndSaysNothingWasWritten) {
  FeedSummary s;
  s.dry_run = true;
  s.Count(v1::EventResult::STATUS_VALID);
  s.Count(v1::EventResult::STATUS_VALID);
  s.repeats = 1;
  EXPECT_EQ(s.ToString(),
            "dry run, nothing written: valid 2, rejected 0, 1 line repeats a story of this run (would be published "
            "for its evidence)");
  EXPECT_EQ(s.ExitCode(), 0);
  s.Count(v1::EventResult::STATUS_REJECTED);
  s.repeats = 0;
  EXPECT_EQ(s.ToString(), "dry run, nothing written: valid 2, rejected 1");
  EXPECT_EQ(s.ExitCode(), 3);
}

}  // namespace
}  // namespace talentflow::ingest
