// ParseEventJsonFast against protobuf's JSON parser, the reference: whenever the fast parser accepts
// a line, protobuf accepts it too and yields an equal message (MessageDifferencer::Equals and the
// same serialized bytes). Lines come from the synthetic generator (several seeds), the example
// feed, the broken-feed corpus, hand-written edge cases and systematic mutations of some of these.
#include "ingest/json_event.h"

#include <fstream>
#include <set>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <google/protobuf/util/message_differencer.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/base/utf8.h"
#include "ctl/synthetic_source.h"
#include "ingest/feed_source.h"
#include "ingest/validator.h"
#include "tests/common/deterministic_bytes.h"

namespace talentflow::ingest {
namespace {

absl::StatusOr<v1::Event> Reference(absl::string_view line) {
  v1::Event event;
  if (absl::Status st = ParseEventJsonReference(line, &event); !st.ok()) return st;
  return event;
}

using talentflow::testing::DeterministicBytes;

// Checks the property for one line; returns whether the fast parser accepted it.
bool Agrees(absl::string_view line) {
  v1::Event fast;
  if (!ParseEventJsonFast(line, &fast)) return false;
  auto ref = Reference(line);
  EXPECT_TRUE(ref.ok()) << "fast parser accepted a line protobuf rejects (" << ref.status() << "): " << line;
  if (!ref.ok()) return true;
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(fast, *ref))
      << line << "\nfast: " << fast.ShortDebugString() << "\nreference: " << ref->ShortDebugString();
  EXPECT_EQ(DeterministicBytes(fast), DeterministicBytes(*ref)) << line;
  return true;
}

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> GeneratorLines(uint64_t seed, int events) {
  ctl::SyntheticOptions options;
  options.events = events;
  options.seed = seed;
  std::ostringstream out;
  EXPECT_EQ(ctl::RunGen(options, /*keyed=*/false, out), 0);
  std::vector<std::string> lines;
  std::istringstream in(out.str());
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  EXPECT_EQ(lines.size(), static_cast<size_t>(events));
  return lines;
}

TEST(ParseEventJsonFast, AcceptsEveryGeneratorLineAsProtobufDoes) {
  for (uint64_t seed : {1, 7, 42, 1234, 99999}) {
    for (const std::string& line : GeneratorLines(seed, 2000)) {
      EXPECT_TRUE(Agrees(line)) << "fast parser does not take a generator line (seed " << seed << "): " << line;
    }
  }
}

TEST(ParseEventJsonFast, AcceptsEveryExampleFeedLineAsProtobufDoes) {
  auto lines = ReadLines(std::string(TALENTFLOW_SOURCE_DIR) + "/examples/feeds/openai-2026.jsonl");
  ASSERT_EQ(lines.size(), 73u);  // examples/feeds/EXPECTED.md
  for (const std::string& line : lines) EXPECT_TRUE(Agrees(line)) << line;
}

TEST(ParseEventJsonFast, AgreesOnTheBrokenFeed) {
  auto lines = ReadLines(std::string(TALENTFLOW_SOURCE_DIR) + "/tests/data/broken_feed.jsonl");
  ASSERT_GT(lines.size(), 20u);
  for (const std::string& line : lines) Agrees(line);
}

constexpr char kBase[] = R"({"org":"openai","team":"sora","effectiveTime":"2026-02-10T00:00:00Z",)";

struct Case {
  std::string rest;   // appended to kBase
  bool fast;          // whether the fast parser takes it (else protobuf decides)
};

// Hand-written edge cases: each must agree with protobuf; `fast` documents the accepted subset.
const std::vector<Case>& EdgeCases() {
  static const auto* cases = new std::vector<Case>{
      // Escapes and Unicode.
      {R"("hire":{"fromOrg":"a\"b\\c\/d\b\f\n\r\t"}})", true},
      {R"("person":{"name":"Jos\u00e9 \u4e2d \ud83d\ude00 \u00E9"},"hire":{}})", true},
      {"\"person\":{\"name\":\"Jos\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x98\x80\"},\"hire\":{}}", true},
      {R"("person":{"name":"lone \ud83d"},"hire":{}})", false},
      {R"("person":{"name":"lone \ude00 low"},"hire":{}})", false},
      {R"("person":{"name":"nul \u0000"},"hire":{}})", false},
      {R"("person":{"name":"bad \x41"},"hire":{}})", false},
      {R"("person":{"name":"bad \u12"},"hire":{}})", false},
      {"\"person\":{\"name\":\"tab\tinside\"},\"hire\":{}}", false},
      {R"("person":{"na\u006de":"escaped key"},"hire":{}})", false},
      // Field names: lowerCamel and original.
      {R"("event_id":"e-1","date_precision":"DATE_PRECISION_MONTH","hire":{"from_org":"x"}})", true},
      {R"("EventId":"e-1","hire":{}})", false},
      // Enums by name and by number.
      {R"("confidence":2,"datePrecision":3,"person":{"seniority":6},"hire":{}})", true},
      {R"("confidence":0,"hire":{}})", true},
      {R"("confidence":99,"hire":{}})", false},
      {R"("confidence":"2","hire":{}})", false},
      {R"("confidence":"confidence_reported","hire":{}})", false},
      {R"("confidence":-1,"hire":{}})", false},
      {R"("confidence":2.0,"hire":{}})", false},
      // Integers.
      {R"("schemaVersion":1,"corroboration":4294967295,"hire":{}})", true},
      {R"("corroboration":4294967296,"hire":{}})", false},
      {R"("corroboration":"3","hire":{}})", false},
      {R"("corroboration":-1,"hire":{}})", false},
      {R"("corroboration":3.0,"hire":{}})", false},
      {R"("corroboration":3e0,"hire":{}})", false},
      {R"("corroboration":03,"hire":{}})", false},
      {R"("headcountReport":{"headcount":-2147483648}})", true},
      {R"("headcountReport":{"headcount":2147483647}})", true},
      {R"("headcountReport":{"headcount":2147483648}})", false},
      {R"("headcountReport":{"headcount":-0}})", true},
      {R"("headcountReport":{"headcount":123456789012345678901234567890}})", false},
      {R"("headcountReport":{"headcount":"12"}})", false},
      // Doubles.
      {R"("computeReallocation":{"toTeam":"x","share":0.25}})", true},
      {R"("computeReallocation":{"share":1}})", true},
      {R"("computeReallocation":{"share":-0}})", true},
      {R"("computeReallocation":{"share":-0.0}})", true},
      {R"("computeReallocation":{"share":2.5e-1}})", true},
      {R"("computeReallocation":{"share":1E2}})", true},
      {R"("computeReallocation":{"share":0.1000000000000000055511151231257827}})", true},
      {R"("computeReallocation":{"share":4.9e-324}})", true},
      {R"("computeReallocation":{"share":123456789012345}})", true},
      {R"("computeReallocation":{"share":2.2250738585072011e-308}})", true},
      {R"("computeReallocation":{"share":1.7976931348623157e308}})", true},
      {R"("computeReallocation":{"share":9007199254740993}})", false},
      {R"("computeReallocation":{"share":1e400}})", false},
      {R"("computeReallocation":{"share":1e-400}})", false},
      {R"("computeReallocation":{"share":-1e-400}})", false},
      {R"("computeReallocation":{"share":"0.5"}})", false},
      {R"("computeReallocation":{"share":"NaN"}})", false},
      {R"("computeReallocation":{"share":.5}})", false},
      {R"("computeReallocation":{"share":1.}})", false},
      // Bools.
      {R"("departure":{"regretted":true}})", true},
      {R"("departure":{"regretted":false,"reason":"r"}})", true},
      {R"("departure":{"regretted":"true"}})", false},
      {R"("departure":{"regretted":1}})", false},
      // Timestamps.
      {R"("announcedTime":"2026-02-10T05:30:00+05:30","hire":{}})", true},
      {R"("announcedTime":"2026-02-09T19:00:00-05:00","hire":{}})", true},
      {R"("announcedTime":"2026-02-10T00:00:00+00:00","hire":{}})", true},
      {R"("announcedTime":"2026-02-10T00:00:00.5Z","hire":{}})", true},
      {R"("announcedTime":"2026-02-10T00:00:00.123Z","hire":{}})", true},
      {R"("announcedTime":"2026-02-10T00:00:00.123456Z","hire":{}})", true},
      {R"("announcedTime":"2026-02-10T00:00:00.123456789Z","hire":{}})", true},
      {R"("announcedTime":"2026-02-10T00:00:00.000000001+01:00","hire":{}})", true},
      {R"("announcedTime":"2026-02-10T00:00:00.1234567891Z","hire":{}})", false},
      {R"("announcedTime":"2024-02-29T23:59:59Z","hire":{}})", true},
      {R"("announcedTime":"2000-02-29T12:00:00Z","hire":{}})", true},
      {R"("announcedTime":"1900-01-01T00:00:00Z","hire":{}})", true},
      {R"("announcedTime":"1969-12-31T23:59:59.999Z","hire":{}})", true},
      {R"("announcedTime":"2025-02-29T00:00:00Z","hire":{}})", false},
      {R"("announcedTime":"2026-02-10T24:00:00Z","hire":{}})", false},
      {R"("announcedTime":"2026-02-10T23:59:60Z","hire":{}})", false},
      {R"("announcedTime":"2026-02-10t00:00:00z","hire":{}})", false},
      {R"("announcedTime":"2026-02-10T00:00:00","hire":{}})", false},
      {R"("announcedTime":"2026-02-10T00:00:00.Z","hire":{}})", false},
      {R"("announcedTime":"2026-02-10","hire":{}})", false},
      {R"("announcedTime":"0001-01-01T00:00:00Z","hire":{}})", false},
      {R"("announcedTime":1770681600,"hire":{}})", false},
      {R"("announcedTime":{"seconds":1},"hire":{}})", false},
      // Nulls.
      {R"("person":null,"hire":{}})", false},
      {R"("announcedTime":null,"hire":{}})", false},
      {R"("confidence":null,"hire":{}})", false},
      {R"("evidence":null,"hire":{}})", false},
      {R"("evidence":[null],"hire":{}})", false},
      {R"("hire":null})", false},
      // Messages and arrays.
      {R"("person":{},"hire":{}})", true},
      {R"("evidence":[],"hire":{}})", true},
      {R"("evidence":[{},{"url":"u"}],"hire":{}})", true},
      {R"("evidence":{"url":"u"},"hire":{}})", false},
      {R"("retraction":{"targetEventId":"e-0","reason":"wrong"}})", true},
      {R"("teamChange":{"kind":"TEAM_CHANGE_KIND_MERGED","intoTeam":"x","newName":"X"}})", true},
      {R"("retentionAction":{"kind":1,"population":"p","note":"n"}})", true},
      {R"("budgetChange":{"status":"BUDGET_STATUS_CUT"}})", true},
      {R"("reprioritisation":{"priority":"PRIORITY_SUNSET","rationale":"r"}})", true},
      {R"("transferIn":{"fromTeam":"x"}})", true},
      {R"("transferOut":{"toTeam":"x"}})", true},
      // Duplicates: keys, names of one field, oneof members.
      {R"("team":"other","hire":{}})", false},
      {R"("effective_time":"2026-02-11T00:00:00Z","hire":{}})", false},
      {R"("hire":{},"hire":{}})", false},
      {R"("hire":{},"departure":{}})", false},
      {R"("hire":{"fromOrg":"a","from_org":"b"}})", false},
      // Unknown fields, syntax.
      {R"("hire":{},"colour":"red"})", false},
      {R"("hire":{"colour":"red"}})", false},
      {R"("hire":{}} )", true},
      {" \"hire\" : { } } \r", true},
      {R"("hire":{}}})", false},
      {R"("hire":{},})", false},
      {R"("hire":{}})" "\v", false},
      {R"("hire":{})", false},
      {R"('hire':{}})", false},
      {R"(hire:{}})", false},
  };
  return *cases;
}

TEST(ParseEventJsonFast, EdgeCasesAgreeWithProtobuf) {
  for (const Case& c : EdgeCases()) {
    const std::string line = kBase + c.rest;
    EXPECT_EQ(Agrees(line), c.fast) << line;
  }
  EXPECT_TRUE(Agrees("{}"));
  EXPECT_FALSE(Agrees(""));
  EXPECT_FALSE(Agrees("[]"));
  EXPECT_FALSE(Agrees("null"));
}

// Feed mode parses into recycled events: one event reused across very different lines (and across
// lines the fast parser declines halfway) must end up as protobuf's fresh parse each time.
TEST(ParseFeedLineInto, ReusedEventEqualsAFreshReferenceParse) {
  std::vector<std::string> lines = GeneratorLines(11, 300);
  for (const char* rest : {R"("person":{"name":"x","seniority":2},"evidence":[{"url":"u"},{}],"hire":{}})",
                           R"("hire":{},"colour":"red"})", R"("computeReallocation":{"share":"0.5"}})",
                           R"("evidence":[{"url":"a","publishedAt":null}],"hire":{}})"}) {
    lines.insert(lines.begin() + static_cast<long>(lines.size() / 2), std::string(kBase) + rest);
    lines.push_back(std::string(kBase) + rest);
  }
  v1::Event reused;
  for (const std::string& line : lines) {
    const absl::Status parsed = ParseFeedLineInto(line, &reused);
    auto ref = Reference(line);
    ASSERT_EQ(parsed.ok(), ref.ok()) << line << ": " << parsed;
    if (!ref.ok()) continue;
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(reused, *ref)) << line;
    EXPECT_EQ(DeterministicBytes(reused), DeterministicBytes(*ref)) << line;
  }
}

// Values worked out by hand, independent of both parsers.
TEST(ParseEventJsonFast, ComputesTimestampsAndStringsAsWorkedOut) {
  v1::Event e;
  ASSERT_TRUE(ParseEventJsonFast(
      R"({"effectiveTime":"2026-02-10T05:30:00.25+05:30","announcedTime":"1969-12-31T23:59:59Z",)"
      R"("person":{"name":"a\u00e9\ud83d\ude00\n"},"computeReallocation":{"share":-0}})",
      &e));
  EXPECT_EQ(e.effective_time().seconds(), 1770681600);  // 2026-02-10T00:00:00Z: 20494 days × 86400
  EXPECT_EQ(e.effective_time().nanos(), 250000000);
  EXPECT_EQ(e.announced_time().seconds(), -1);
  EXPECT_EQ(e.person().name(), "a\xC3\xA9\xF0\x9F\x98\x80\n");
  EXPECT_FALSE(std::signbit(e.compute_reallocation().share()));  // an integer token: +0.0
  EXPECT_TRUE(e.has_compute_reallocation());
}

// Characters that matter to JSON, for the single-byte replacements below.
constexpr char kReplacements[] = "\"\\{}[],:0-.eE9 ntfuZT+\x01\xC3";

// Every truncation, every single-byte deletion and every replacement of one byte by another of
// kReplacements, of `s`: near misses of a line.
std::vector<std::string> Mutations(const std::string& s) {
  const std::string replacements = kReplacements;
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size(); ++i) {
    out.push_back(s.substr(0, i));
    out.push_back(s.substr(0, i) + s.substr(i + 1));
    for (char r : replacements) {
      if (r == s[i]) continue;
      std::string m = s;
      m[i] = r;
      out.push_back(std::move(m));
    }
  }
  return out;
}

// Systematic mutations of accepted lines: thousands of near-miss lines, each of which the fast
// parser must decline or parse as protobuf does.
TEST(ParseEventJsonFast, MutationsAgreeWithProtobuf) {
  std::vector<std::string> seeds = GeneratorLines(3, 12);
  seeds.push_back(kBase + std::string(R"("announcedTime":"2026-02-10T05:30:00.5+05:30",)"
                                      R"("person":{"name":"\u00e9\"","seniority":3},)"
                                      R"("computeReallocation":{"toTeam":"x","share":0.5e0}})"));
  for (const std::string& s : seeds) {
    // The mutations are near misses of the fast path only if the seed itself takes it.
    ASSERT_TRUE(Agrees(s)) << s;
    for (const std::string& m : Mutations(s)) Agrees(m);
  }
}

// Of the mutations of one short line, the fast parser takes exactly those still in its subset,
// worked out by hand position by position:
//  - no truncation (each is an object without its closing brace);
//  - deleting "a" or "b" leaves the team "b" or "a"; any other deletion breaks the syntax or a key;
//  - "a" replaced by any of the 24 characters but '"' (ends the string early), \x01 (a raw control
//    character) and \xC3 (a lead byte followed by "b", not a continuation byte): 21 lines, among
//    them "\b", a backspace escape;
//  - "b" replaced likewise, and not by '\\' either ("a\"" escapes the closing quote): 20 lines;
//  - replacing any other byte breaks the syntax or names an unknown field (no field of Event is one
//    letter away from "team" or "hire").
// 2 + 21 + 20 = 43 lines, out of 23 positions × (1 truncation + 1 deletion + 24 replacements)
// − 16 replacements skipped (the 16 bytes of the line that are in kReplacements: 2 '{', 6 '"',
// 2 ':', 1 ',', 2 '}', the 't' and the two 'e') = 582.
TEST(ParseEventJsonFast, TakesExactlyTheMutationsStillInItsSubset) {
  const std::string line = R"({"team":"ab","hire":{}})";
  const std::vector<std::string> mutations = Mutations(line);
  ASSERT_EQ(mutations.size(), 582u);
  std::vector<std::string> taken;
  for (const std::string& m : mutations) {
    if (Agrees(m)) taken.push_back(m);
  }
  std::vector<std::string> expected = {R"({"team":"b","hire":{}})", R"({"team":"a","hire":{}})"};
  for (char r : std::string(kReplacements)) {
    if (r == '"' || r == '\x01' || r == '\xC3') continue;
    expected.push_back(absl::StrCat(R"({"team":")", std::string(1, r), R"(b","hire":{}})"));
    if (r != '\\') expected.push_back(absl::StrCat(R"({"team":"a)", std::string(1, r), R"(","hire":{}})"));
  }
  ASSERT_EQ(expected.size(), 43u);
  EXPECT_THAT(taken, ::testing::UnorderedElementsAreArray(expected));
}

// Whether ParseFeedLine rejects `line` on its own before any parser sees it (feed_source.h): an
// empty line, invalid UTF-8, a NUL byte.
bool RejectedBeforeParsing(absl::string_view line) {
  if (line.find_first_not_of(" \t") == absl::string_view::npos) return true;
  if (line.find('\0') != absl::string_view::npos) return true;
  for (size_t i = 0; i < line.size();) {
    const size_t n = Utf8SequenceLength(line.substr(i));
    if (n == 0) return true;
    i += n;
  }
  return false;
}

// ParseFeedLine goes through the fast parser for ordinary lines and through the field-by-field check
// (json_event_check.h) for the rest: every line protobuf rejects is rejected, as a FieldError in our
// words (none of protobuf's phrases); a line protobuf accepts is accepted with protobuf's message,
// except the forms refused on purpose (listed here, worked out from json_event_check.h); and the only
// lines taken that protobuf refuses are bare dates.
TEST(ParseFeedLine, RejectsWhatProtobufRejectsInOurWords) {
  const std::set<std::string> refused_on_purpose = {
      R"("confidence":99,"hire":{}})",                   // no such Confidence value
      R"("confidence":-1,"hire":{}})",                   // no such Confidence value
      R"("departure":{"regretted":"true"}})",            // bools only as true/false
      R"("announcedTime":{"seconds":1},"hire":{}})",     // a Timestamp as an object
      R"("evidence":[null],"hire":{}})",                 // a null evidence entry
      R"("evidence":{"url":"u"},"hire":{}})",            // one object for a list
      R"("team":"other","hire":{}})",                    // a key twice
      R"("effective_time":"2026-02-11T00:00:00Z","hire":{}})",  // one field under both names
      R"("hire":{"fromOrg":"a","from_org":"b"}})",       // one field under both names
  };
  std::vector<std::string> lines = ReadLines(std::string(TALENTFLOW_SOURCE_DIR) + "/tests/data/broken_feed.jsonl");
  std::set<std::string> edge_lines;
  for (const Case& c : EdgeCases()) {
    lines.push_back(kBase + c.rest);
    if (refused_on_purpose.count(c.rest) > 0) edge_lines.insert(kBase + c.rest);
  }
  ASSERT_EQ(edge_lines.size(), refused_on_purpose.size());
  // broken_feed.jsonl line 26: protobuf takes "yes" for a bool (as true).
  edge_lines.insert(R"({"org":"openai","team":"sora","effectiveTime":"2026-02-10T00:00:00Z","departure":{"regretted":"yes"}})");
  for (std::string line : lines) {
    const auto parsed = ParseFeedLine(line);
    if (absl::StartsWith(line, "\xEF\xBB\xBF")) line.erase(0, 3);  // a BOM is skipped, then the line parsed
    if (RejectedBeforeParsing(line)) {
      EXPECT_FALSE(parsed.ok()) << line;
      continue;
    }
    const auto ref = Reference(line);
    if (edge_lines.count(line) > 0) {
      EXPECT_TRUE(ref.ok()) << line;
      EXPECT_FALSE(parsed.ok()) << line;
    } else if (line.find(R"(Time":"2026-02-10",)") != std::string::npos) {
      EXPECT_TRUE(parsed.ok()) << parsed.status();  // a bare date, which protobuf refuses
      continue;
    } else {
      ASSERT_EQ(parsed.ok(), ref.ok()) << line << "\n" << parsed.status() << "\n" << ref.status();
    }
    if (parsed.ok()) {
      EXPECT_EQ(DeterministicBytes(*parsed), DeterministicBytes(*ref)) << line;  // bytes: NaN equals itself
      continue;
    }
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << line;
    EXPECT_FALSE(RejectedField(parsed.status()).empty()) << line;
    for (const char* protobufs : {"type.googleapis.com", "Cannot find field", "oneof field", "TYPE_STRING",
                                  "Root element", "invalid value"}) {
      EXPECT_THAT(std::string(parsed.status().message()), ::testing::Not(::testing::HasSubstr(protobufs))) << line;
    }
  }
}

// One golden message per kind of mistake, worked out by hand from json_event_check.h and event.proto.
TEST(ParseFeedLine, SaysWhatIsWrongAndWhatIsExpected) {
  auto message = [](absl::string_view rest) {
    auto parsed = ParseFeedLine(std::string(kBase) + std::string(rest));
    return parsed.ok() ? std::string("accepted") : std::string(parsed.status().message());
  };
  // Unknown fields: the nearest JSON name at that level, or nothing when none is near.
  EXPECT_EQ(message(R"("departure":{"destination":"google-deepmind"}})"),
            "departure.destination: unknown field; did you mean `destinationOrg`?");
  EXPECT_EQ(message(R"("hire":{},"efectiveTime":"2026-02-10T00:00:00Z"})"),
            "efectiveTime: unknown field; did you mean `effectiveTime`?");
  EXPECT_EQ(message(R"("hire":{},"colour":"red"})"), "colour: unknown field");
  // Enums: the valid names, and the one meant when only the prefix is missing.
  EXPECT_EQ(message(R"("person":{"seniority":"LEADERSHIP"},"hire":{}})"),
            "person.seniority: \"LEADERSHIP\" is not a Seniority; expected one of SENIORITY_JUNIOR, SENIORITY_MID, "
            "SENIORITY_SENIOR, SENIORITY_STAFF, SENIORITY_PRINCIPAL, SENIORITY_LEADERSHIP (did you mean "
            "SENIORITY_LEADERSHIP?)");
  EXPECT_EQ(message(R"("departure":{"destinationKind":"DESTINATION_KIND_MARS"}})"),
            "departure.destinationKind: \"DESTINATION_KIND_MARS\" is not a DestinationKind; expected one of "
            "DESTINATION_KIND_COMPETITOR, DESTINATION_KIND_NEW_VENTURE, DESTINATION_KIND_ACADEMIA, "
            "DESTINATION_KIND_OTHER, DESTINATION_KIND_UNKNOWN");
  EXPECT_EQ(message(R"("confidence":7,"hire":{}})"),
            "confidence: the number 7; expected one of CONFIDENCE_RUMOR, CONFIDENCE_REPORTED, CONFIDENCE_CONFIRMED");
  // Timestamps: the format with an example.
  EXPECT_EQ(message(R"("announcedTime":"2025-03-20 10:00","hire":{}})"),
            "announcedTime: the string \"2025-03-20 10:00\" is not a time; expected a time as "
            "\"YYYY-MM-DDTHH:MM:SSZ\" (e.g. \"2025-03-20T00:00:00Z\"; an offset such as +02:00 instead of Z also "
            "works) or a bare date (e.g. \"2025-03-20\", read as midnight UTC)");
  // Two payloads: which two, and what an event has.
  EXPECT_EQ(message(R"("hire":{},"departure":{}})"),
            "departure: a second payload after `hire`; expected exactly one payload per event, one of hire, "
            "departure, transferOut, transferIn, reprioritisation, budgetChange, computeReallocation, "
            "retentionAction, teamChange, headcountReport, retraction");
  // Bools only as JSON booleans.
  EXPECT_EQ(message(R"("departure":{"regretted":"yes"}})"),
            "departure.regretted: the string \"yes\"; expected true or false (a JSON boolean, without quotes)");
  EXPECT_EQ(message(R"("departure":{"regretted":"true"}})"),
            "departure.regretted: the string \"true\"; expected true or false (a JSON boolean, without quotes)");
  // Type errors: the JSON type found and the type expected.
  EXPECT_EQ(message(R"("hire":{"fromOrg":42}})"), "hire.fromOrg: the number 42; expected a string (in quotes)");
  EXPECT_EQ(message(R"("corroboration":1.5,"hire":{}})"),
            "corroboration: the number 1.5; expected a whole number from 0 to 4294967295 (e.g. 2)");
  // Numbers beyond any integer's range are rejected by the same rule (the fuzzer found them undefined before).
  EXPECT_EQ(message(R"("corroboration":1e300,"hire":{}})"),
            "corroboration: the number 1e+300; expected a whole number from 0 to 4294967295 (e.g. 2)");
  EXPECT_EQ(message(R"("confidence":99999999999,"hire":{}})"),
            "confidence: the number 99999999999; expected one of CONFIDENCE_RUMOR, CONFIDENCE_REPORTED, "
            "CONFIDENCE_CONFIRMED");
  EXPECT_EQ(message(R"("person":"Ada","hire":{}})"), "person: the string \"Ada\"; expected an object ({…})");
  EXPECT_EQ(message(R"("evidence":[{"url":true}],"hire":{}})"),
            "evidence[0].url: true; expected a string (in quotes)");
  // Syntax, duplicates, and a line that is no object.
  EXPECT_EQ(message(R"("hire":{})"),
            "line: not valid JSON (Unexpected end of string. Expected , or } after key:value pair); expected one JSON "
            "object per line (e.g. {\"org\":\"openai\",\"team\":\"sora\",\"effectiveTime\":\"2025-03-20T00:00:00Z\","
            "\"hire\":{}})");
  EXPECT_EQ(message(R"("team":"other","hire":{}})"), "team: given twice in one object; expected each field at most once");
  EXPECT_EQ(message(R"("hire":{"fromOrg":"a","from_org":"b"}})"),
            "hire.from_org: the same field as `fromOrg` (one is its JSON name, the other its proto name); expected it "
            "once");
  EXPECT_EQ(message(R"("hire":{},"":1})"), "\"\": unknown field");
  auto list = ParseFeedLine("[1,2,3]");
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.status().message(),
            "line: a list; expected one JSON object per line (e.g. {\"org\":\"openai\",\"team\":\"sora\",…})");
}

// A bare date is midnight UTC; the datePrecision the line gives (or none: a day) is kept.
TEST(ParseFeedLine, ReadsABareDateAsMidnightUtc) {
  auto parsed = ParseFeedLine(
      R"({"org":"openai","team":"sora","effectiveTime":"2025-03-20","evidence":[{"publishedAt":"2025-03-21"}],"hire":{}})");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->effective_time().seconds(), 1742428800);  // 2025-03-20T00:00:00Z
  EXPECT_EQ(parsed->effective_time().nanos(), 0);
  EXPECT_EQ(parsed->evidence(0).published_at().seconds(), 1742428800 + 86400);
  EXPECT_EQ(parsed->date_precision(), v1::DATE_PRECISION_UNSPECIFIED);
  auto month = ParseFeedLine(
      R"({"org":"openai","team":"sora","effectiveTime":"2025-03-01","datePrecision":"DATE_PRECISION_MONTH","hire":{}})");
  ASSERT_TRUE(month.ok()) << month.status();
  EXPECT_EQ(month->effective_time().seconds(), 1740787200);  // 2025-03-01T00:00:00Z
  EXPECT_EQ(month->date_precision(), v1::DATE_PRECISION_MONTH);
  EXPECT_FALSE(ParseFeedLine(R"({"org":"openai","team":"sora","effectiveTime":"2025-02-30","hire":{}})").ok());
}

}  // namespace
}  // namespace talentflow::ingest
