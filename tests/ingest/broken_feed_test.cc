// The corpus of broken feed lines (tests/data/broken_feed.jsonl plus lines made here that are
// too big or too binary to keep in a file), run through feed mode itself (RunFeed: FeedReader, the
// parser, Publisher::Prepare, a PublishSession): every broken line is rejected with its line number
// and reason in the rejects file, and nothing of it reaches the sink. Also against a broker nobody
// runs: what a PublishSession does when the producer's queue is full (FullProducerQueue).
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

  // Runs feed mode over `text` with `options` (its path and rejects file set here); the rejects file's
  // lines go to `*rejects`.
  FeedSummary Run(const std::string& text, std::vector<std::string>* rejects, FeedOptions options = {}) {
    const std::string dir = ::testing::TempDir();
    const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
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
  // Worked out from the corpus, line by line: the field each line fails on (its JSON name) and the
  // reason, in ingest's words (json_event_check.h, validator.h).
  const std::string one_object =
      "; expected one JSON object per line (e.g. {\"org\":\"openai\",\"team\":\"sora\",\"effectiveTime\":"
      "\"2025-03-20T00:00:00Z\",\"hire\":{}})\t";
  const std::vector<std::string> expected = {
      "line 1: line: empty line\t",
      "line 2: line: empty line\t   ",
      "line 3: line: not valid JSON (Unexpected end of string. Expected a value)" + one_object,
      "line 4: line: not valid JSON (Parsing terminated before end of input)" + one_object,
      "line 5: org: the number 42; expected a string (in quotes)\t",
      "line 6: team: a list; expected a string (in quotes)\t",
      "line 7: effectiveTime: the string \"yesterday\" is not a time; expected a time as \"YYYY-MM-DDTHH:MM:SSZ\" "
      "(e.g. \"2025-03-20T00:00:00Z\"; an offset such as +02:00 instead of Z also works) or a bare date (e.g. "
      "\"2025-03-20\", read as midnight UTC)\t",
      "line 8: effectiveTime: more than 1 day in the future\t",
      "line 9: effectiveTime: before 1990-01-01\t",
      "line 10: departure.destinationKind: \"DESTINATION_KIND_MARS\" is not a DestinationKind; expected one of "
      "DESTINATION_KIND_COMPETITOR, DESTINATION_KIND_NEW_VENTURE, DESTINATION_KIND_ACADEMIA, DESTINATION_KIND_OTHER, "
      "DESTINATION_KIND_UNKNOWN\t",
      "line 11: person.seniority: \"SENIORITY_GOD\" is not a Seniority; expected one of SENIORITY_JUNIOR, "
      "SENIORITY_MID, SENIORITY_SENIOR, SENIORITY_STAFF, SENIORITY_PRINCIPAL, SENIORITY_LEADERSHIP\t",
      "line 12: departure: a second payload after `hire`; expected exactly one payload per event, one of hire, "
      "departure, transferOut, transferIn, reprioritisation, budgetChange, computeReallocation, retentionAction, "
      "teamChange, headcountReport, retraction\t",
      "line 13: payload: required: exactly one of ",
      "line 14: org: ",  // "Acme Labs!" is no slug
      "line 15: org: required\t",
      "line 16: colour: unknown field\t",
      "line 17: retraction.targetEventId: required\t",
      "line 18: transferOut.toTeam: must differ from team\t",
      "line 19: headcountReport.headcount: must be >= 0\t",
      "line 20: computeReallocation.share: must be in (0, 1]\t",
      "line 21: eventId: must be 1-64 characters of [A-Za-z0-9._:-]\t",
      "line 22: line: a list; expected one JSON object per line (e.g. {\"org\":\"openai\",\"team\":\"sora\",…})\t",
      "line 23: line: the string \"just a string\"; expected one JSON object per line (e.g. {\"org\":\"openai\","
      "\"team\":\"sora\",…})\t",
      "line 24: line: null; expected one JSON object per line (e.g. {\"org\":\"openai\",\"team\":\"sora\",…})\t",
      "line 25: line: empty line\t\xEF\xBB\xBF",              // a byte-order mark and nothing else
      "line 26: departure.regretted: the string \"yes\"; expected true or false (a JSON boolean, without quotes)\t",
      "line 27: departure.destination: unknown field; did you mean `destinationOrg`?\t",
      "line 28: person.seniority: \"LEADERSHIP\" is not a Seniority; expected one of SENIORITY_JUNIOR, SENIORITY_MID, "
      "SENIORITY_SENIOR, SENIORITY_STAFF, SENIORITY_PRINCIPAL, SENIORITY_LEADERSHIP (did you mean "
      "SENIORITY_LEADERSHIP?)\t",
      "line 29: effectiveTime: the string \"2025-03-20 10:00\" is not a time; expected a time as "
      "\"YYYY-MM-DDTHH:MM:SSZ\" (e.g. \"2025-03-20T00:00:00Z\"; an offset such as +02:00 instead of Z also works) or "
      "a bare date (e.g. \"2025-03-20\", read as midnight UTC)\t",
  };
  ASSERT_EQ(rejects.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_THAT(rejects[i], StartsWith(expected[i]));
  EXPECT_EQ(summary.rejected, 29);
  EXPECT_EQ(summary.accepted, 0);
  EXPECT_EQ(summary.repeats, 0);
  EXPECT_EQ(summary.not_delivered, 0);
  EXPECT_EQ(summary.ToString(), "accepted 0, rejected 29");
  EXPECT_EQ(summary.ExitCode(), 3);
  EXPECT_EQ(counters_.rejected.load(), 29);
  EXPECT_EQ(sink_->in_flight(), 0);  // nothing was written
}

// Line 3 fails validation and line 8 parsing; the rejects file lists them in line order. Line 1 has no
// evidence: counted in the summary, and rejected under --require-evidence.
TEST_F(BrokenFeed, RejectionsInLineOrderAndLinesWithoutEvidence) {
  std::string feed;
  const std::string evidence = R"("evidence":[{"outlet":"Reuters","url":"https://example.com/a"}],)";
  for (int line = 1; line <= 9; ++line) {
    const std::string person = absl::StrCat(R"("person":{"id":"p-)", line, R"("},)");
    if (line == 3) {
      absl::StrAppend(&feed, R"({"team":"sora","effectiveTime":"2026-02-10",)", person, evidence, R"("hire":{}})", "\n");
    } else if (line == 8) {
      absl::StrAppend(&feed, R"({"org":"openai","team":"sora","effectiveTime":"2026-02-10",)", person, evidence,
                      R"("departure":{"regretted":"yes"}})", "\n");
    } else {
      absl::StrAppend(&feed, R"({"org":"openai","team":"sora","effectiveTime":"2026-02-10",)", person,
                      line == 1 ? "" : evidence, R"("hire":{}})", "\n");
    }
  }
  FeedOptions options;
  options.dry_run = true;
  std::vector<std::string> rejects;
  FeedSummary summary = Run(feed, &rejects, options);
  ASSERT_EQ(rejects.size(), 2u);
  EXPECT_THAT(rejects[0], StartsWith("line 3: org: required\t"));
  EXPECT_THAT(rejects[1],
              StartsWith("line 8: departure.regretted: the string \"yes\"; expected true or false (a JSON boolean, "
                         "without quotes)\t"));
  EXPECT_EQ(summary.ToString(), "dry run, nothing written: valid 7, rejected 2, 1 line without evidence");

  options.require_evidence = true;
  rejects.clear();
  summary = Run(feed, &rejects, options);
  ASSERT_EQ(rejects.size(), 3u);
  EXPECT_THAT(rejects[0],
              StartsWith("line 1: evidence: required by --require-evidence; add at least one {\"outlet\":…,\"url\":…}\t"));
  EXPECT_THAT(rejects[1], StartsWith("line 3: org: required\t"));
  EXPECT_THAT(rejects[2], StartsWith("line 8: departure.regretted: "));
  EXPECT_EQ(summary.ToString(), "dry run, nothing written: valid 6, rejected 3");
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
            "accepted 0, rejected 5, not delivered 1 (first not acknowledged: line 6; rerun from "
            "there: tail -n +6)");
  EXPECT_EQ(summary.ExitCode(), 1);
}

// A full producer queue (SinkOptions::max_queued_records; no broker takes the records) against
// sessions that wait for room and sessions that must not (gRPC's callback Publish, whose threads
// serve every callback method, health included).
class FullProducerQueue : public ::testing::Test {
 protected:
  // A sink with room for 3 records and nobody to deliver them to; they are reported not delivered
  // once `delivery_timeout` passed (librdkafka looks for timed-out records about once a second).
  void MakeSink(absl::Duration delivery_timeout) {
    KafkaOptions kafka;
    kafka.brokers = "127.0.0.1:1";  // nothing listens there
    kafka.topic = "full-queue";
    SinkOptions sink_options;
    sink_options.delivery_timeout = delivery_timeout;
    sink_options.max_queued_records = 3;
    auto sink = KafkaSink::Create(kafka, sink_options);
    ASSERT_TRUE(sink.ok()) << sink.status();
    sink_ = *std::move(sink);
    publisher_ = std::make_unique<Publisher>(sink_.get(), &aliases_, &counters_);
  }
  // Submits `n` hires (one record each, persons p-1 … p-n); returns how long submitting took.
  absl::Duration SubmitHires(PublishSession& session, int n) {
    const absl::Time start = absl::Now();
    for (int i = 1; i <= n; ++i) {
      absl::StatusOr<v1::Event> event = ParseFeedLine(absl::StrCat(
          R"({"org":"openai","team":"sora","effectiveTime":"2026-02-10T00:00:00Z","person":{"id":"p-)", i,
          R"("},"hire":{}})"));
      EXPECT_TRUE(event.ok()) << event.status();
      EXPECT_EQ(session.Submit(i, publisher_->Prepare(*std::move(event), "test")),
                v1::EventResult::STATUS_UNSPECIFIED);
    }
    return absl::Now() - start;
  }

  Aliases aliases_;
  IngestCounters counters_;
  std::unique_ptr<KafkaSink> sink_;
  std::unique_ptr<Publisher> publisher_;
};

TEST_F(FullProducerQueue, RefusingSessionAnswersTheRecordsWithoutRoomAtOnce) {
  MakeSink(absl::Seconds(3));
  v1::PublishResponse response;
  PublishSession session(*publisher_, {.response = &response, .refuse_when_queue_full = true});
  // Waiting for room would take until the first record timed out (3 s or more).
  EXPECT_LT(SubmitHires(session, 5), absl::Seconds(1));
  const FeedSummary summary = session.Drain(absl::InfiniteFuture());
  EXPECT_EQ(summary.accepted, 0);
  EXPECT_EQ(summary.not_delivered, 5);
  EXPECT_EQ(summary.first_not_delivered_line, 1);
  ASSERT_EQ(response.results_size(), 5);
  for (int i = 0; i < 5; ++i) {
    const v1::EventResult& r = response.results(i);
    EXPECT_EQ(r.status(), v1::EventResult::STATUS_NOT_DELIVERED) << i;
    EXPECT_EQ(r.records_size(), 0) << i;
    if (i < 3) {  // queued, then timed out
      EXPECT_EQ(r.reason(), "delivery: Local: Message timed out") << i;
    } else {
      EXPECT_EQ(r.reason(), "producer queue full (3 records wait for the broker): not written; publish again later")
          << i;
    }
  }
  EXPECT_EQ(response.not_delivered(), 5);
  EXPECT_EQ(counters_.not_delivered.load(), 5);
}

TEST_F(FullProducerQueue, WaitingSessionQueuesEachRecordOnceThereIsRoom) {
  MakeSink(absl::Milliseconds(300));
  v1::PublishResponse response;
  PublishSession session(*publisher_, {.response = &response});
  // The 4th record waits until one of the first three timed out and left the queue.
  EXPECT_GE(SubmitHires(session, 4), absl::Milliseconds(300));
  const FeedSummary summary = session.Drain(absl::InfiniteFuture());
  EXPECT_EQ(summary.not_delivered, 4);
  ASSERT_EQ(response.results_size(), 4);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(response.results(i).reason(), "delivery: Local: Message timed out") << i;
}

}  // namespace
}  // namespace talentflow::ingest
