#include "ingest/feed_source.h"

#include <cstdio>

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

}  // namespace
}  // namespace talentflow::ingest
