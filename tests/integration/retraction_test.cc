// Retractions that land, against the real stack: a live projector on a real broker, the query
// service on a secondary instance of its DB, ingest's IngestService, and talentflowctl's commands
// (publish with the retraction check, retract, event, audit pending) and feed mode calling them.
// Numbers worked out by hand from the events each test publishes.
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/str_join.h"
#include "common/base/record_key.h"
#include "ctl/args.h"
#include "ctl/commands.h"
#include "ctl/retractions.h"
#include "ingest/feed.h"
#include "ingest/retraction_check.h"
#include "query/pending_retractions.h"
#include "tests/integration/live_pipeline.h"

namespace talentflow {
namespace {

using ::talentflow::testing::Day;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

class RetractionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(stack_.Start("it-retract").ok());
    // sora: a headcount, two senior departures in February; dall-e: one departure.
    std::map<int32_t, int64_t> last;
    for (const v1::Event& e : {testing::HeadcountReport("evt-hc", "sora", Day(2026, 1, 1), 50),
                               testing::Departure("evt-d1", "sora", Day(2026, 2, 10), "p1"),
                               testing::Departure("evt-d2", "sora", Day(2026, 2, 12), "p2"),
                               testing::Departure("evt-dalle", "dall-e", Day(2026, 2, 11), "p3")}) {
      v1::PublishRequest req;
      *req.add_events() = e;
      v1::EventResult r = stack_.pipeline.publisher->Publish(req, "test").results(0);
      ASSERT_EQ(r.status(), v1::EventResult::STATUS_ACCEPTED) << e.event_id() << ": " << r.reason();
      last[r.records(0).partition()] = r.records(0).offset();
    }
    read_.min_offsets = last;
    read_.timeout = absl::Seconds(30);
    // The views hold the seed before any check asks them.
    v1::GetEventResponse seen;
    ASSERT_TRUE(GetEvent("evt-dalle", &seen).ok());
  }

  grpc::Status GetEvent(const std::string& id, v1::GetEventResponse* resp) {
    v1::GetEventRequest req;
    req.set_event_id(id);
    for (const auto& [p, o] : read_.min_offsets) (*req.mutable_min_offsets()->mutable_offsets())[p] = o;
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return stack_.query->GetEvent(&c, req, resp);
  }

  // Writes `lines` to a feed file and publishes it as `talentflowctl publish` does.
  int Publish(const std::vector<std::string>& lines, bool allow_pending, bool dry_run, std::string* out,
              std::string* err) {
    const std::string path = testing::FreshTempPath("feed") + ".jsonl";
    std::ofstream(path) << absl::StrJoin(lines, "\n") << "\n";
    ingest::RetractionCheck check(stack_.query.get(), nullptr, {.allow_pending = allow_pending});
    ctl::PublishOptions options;
    options.path = path;
    options.dry_run = dry_run;
    options.retraction_check = &check;
    std::ostringstream o, e;
    const int code = ctl::RunPublish(options, *stack_.ingest, o, e);
    *out = o.str();
    *err = e.str();
    return code;
  }

  // The offsets of a publish's or retract's "offsets: P:O,…" line.
  static std::map<int32_t, int64_t> OffsetsOf(const std::string& out) {
    const size_t at = out.find("offsets: ");
    if (at == std::string::npos) return {};
    std::string text = out.substr(at + 9);
    text = text.substr(0, text.find('\n'));
    return ctl::ParseOffsets(text).value_or(std::map<int32_t, int64_t>{});
  }

  v1::TeamHealth Health(const std::string& team, const std::map<int32_t, int64_t>& min) {
    v1::GetTeamHealthRequest req;
    req.set_org("openai");
    req.set_team(team);
    *req.mutable_as_of() = ToTimestamp(Day(2026, 2, 28));
    for (const auto& [p, o] : min) (*req.mutable_min_offsets()->mutable_offsets())[p] = o;
    v1::GetTeamHealthResponse resp;
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    EXPECT_TRUE(stack_.query->GetTeamHealth(&c, req, &resp).ok());
    return resp.health();
  }

  testing::LiveStack stack_;
  ctl::ReadOptions read_;
};

const char kWrongTeam[] =
    R"({"org": "openai", "team": "sora", "effectiveTime": "2026-03-01T00:00:00Z", "retraction": )"
    R"({"targetEventId": "evt-dalle", "reason": "not true"}})";
const char kTypo[] =
    R"({"org": "openai", "team": "sora", "effectiveTime": "2026-03-01T00:00:00Z", "retraction": )"
    R"({"targetEventId": "evt-dl", "reason": "not true"}})";

TEST_F(RetractionTest, GetEventFindsEventsInEveryPartition) {
  const int32_t sora = KafkaPartitionFor(RecordKey("openai", "sora"), 12);
  const int32_t dalle = KafkaPartitionFor(RecordKey("openai", "dall-e"), 12);
  ASSERT_NE(sora, dalle);  // else this test would not cross partitions
  v1::GetEventResponse d1, dl;
  ASSERT_TRUE(GetEvent("evt-d1", &d1).ok());
  EXPECT_EQ(d1.record().event().team(), "sora");
  EXPECT_EQ(d1.record().partition(), sora);
  EXPECT_EQ(d1.record().offset(), 1);  // after evt-hc
  EXPECT_EQ(d1.record().status(), v1::EVENT_STATUS_APPLIED);
  ASSERT_TRUE(GetEvent("evt-dalle", &dl).ok());
  EXPECT_EQ(dl.record().event().team(), "dall-e");
  EXPECT_EQ(dl.record().partition(), dalle);
  EXPECT_EQ(dl.record().offset(), 0);
  v1::GetEventResponse none;
  grpc::Status s = GetEvent("evt-nope", &none);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(s.error_message(), "event evt-nope not found in any team");

  std::ostringstream out, err;
  ASSERT_EQ(ctl::RunEvent({"evt-d1"}, read_, *stack_.query, out, err), ctl::kExitOk) << err.str();
  EXPECT_THAT(out.str(), HasSubstr("team       openai/sora\n"));
  EXPECT_THAT(out.str(), HasSubstr("type       departure\n"));
  EXPECT_THAT(out.str(), HasSubstr("effective  2026-02-10\n"));
  EXPECT_THAT(out.str(), HasSubstr("status     applied\n"));
  EXPECT_THAT(out.str(), HasSubstr(absl::StrCat("log        partition ", sora, ", offset 1\n")));
}

TEST_F(RetractionTest, PublishRejectsARetractionUnderTheWrongTeamNamingTheRightOne) {
  std::string out, err;
  EXPECT_EQ(Publish({kWrongTeam}, /*allow_pending=*/true, /*dry_run=*/false, &out, &err), ctl::kExitRejected);
  EXPECT_EQ(err,
            "line 1: retraction.targetEventId: retraction of evt-dalle: its target is in openai/dall-e, not "
            "openai/sora; file the retraction under openai/dall-e\n");
  EXPECT_EQ(out, "accepted 0, rejected 1\noffsets:\n");
  // The dry run says the same.
  EXPECT_EQ(Publish({kWrongTeam}, false, /*dry_run=*/true, &out, &err), ctl::kExitRejected);
  EXPECT_EQ(out, "dry run, nothing written: valid 0, rejected 1\noffsets:\n");
}

TEST_F(RetractionTest, PublishRejectsAnUnknownTargetUnlessPendingIsAllowed) {
  std::string out, err;
  EXPECT_EQ(Publish({kTypo}, false, false, &out, &err), ctl::kExitRejected);
  EXPECT_EQ(err,
            "line 1: retraction.targetEventId: retraction of evt-dl: its target is unknown (not in the views, not "
            "earlier in this feed); check targetEventId, or pass --allow-pending to publish it pending until the "
            "target arrives\n");
  EXPECT_EQ(out, "accepted 0, rejected 1\noffsets:\n");

  EXPECT_EQ(Publish({kTypo}, /*allow_pending=*/true, false, &out, &err), ctl::kExitOk) << err;
  EXPECT_THAT(out, HasSubstr("accepted 1, rejected 0\n"));
  // It is in the log, pending; audit pending lists it once it is older than the threshold.
  read_.min_offsets = OffsetsOf(out);
  ASSERT_EQ(read_.min_offsets.size(), 1u) << out;
  std::ostringstream listed, none, lerr;
  ASSERT_EQ(ctl::RunAuditPending({.older_than = absl::ZeroDuration()}, read_, *stack_.query, absl::Now(), listed, lerr),
            ctl::kExitOk)
      << lerr.str();
  EXPECT_THAT(listed.str(), MatchesRegex("RETRACTION +TEAM +TARGET +AGE +REASON\n"
                                         "[0-9a-f-]+ +openai/sora +evt-dl +0d +not true\n"));
  ASSERT_EQ(ctl::RunAuditPending({}, read_, *stack_.query, absl::Now(), none, lerr), ctl::kExitOk);
  EXPECT_EQ(none.str(), "No retractions pending for more than 7 days\n");
  // /metrics counts it as stale only after 7 days.
  EXPECT_EQ(query::CountStalePending(stack_.source(), std::nullopt, absl::Now()).value(), 0);
  EXPECT_EQ(query::CountStalePending(stack_.source(), std::nullopt, absl::Now() + absl::Hours(7 * 24 + 1)).value(), 1);
}

TEST_F(RetractionTest, TargetEarlierInTheSameFeedPasses) {
  std::string out, err;
  const char kNew[] = R"({"eventId": "evt-new", "org": "OpenAI", "team": "sora", "effectiveTime": )"
                      R"("2026-02-20T00:00:00Z", "headcountReport": {"headcount": 48}})";
  const char kRetractNew[] = R"({"org": "openai", "team": "sora", "effectiveTime": "2026-03-01T00:00:00Z", )"
                             R"("retraction": {"targetEventId": "evt-new", "reason": "wrong count"}})";
  EXPECT_EQ(Publish({kNew, kRetractNew}, false, false, &out, &err), ctl::kExitOk) << err;
  // The headcount report has no evidence; the retraction needs none.
  EXPECT_THAT(out, HasSubstr("accepted 2, rejected 0, 1 line without evidence\n"));
}

TEST_F(RetractionTest, FeedModeChecksRetractionsWithQuery) {
  const std::string path = testing::FreshTempPath("feed") + ".jsonl";
  std::ofstream(path) << kWrongTeam << "\n" << kTypo << "\n";
  ingest::RetractionCheck check(stack_.query.get(), &stack_.pipeline.aliases);
  ingest::FeedOptions options;
  options.path = path;
  options.rejects_path = path + ".rejects";
  options.retraction_check = &check;
  std::atomic<bool> stop{false};
  absl::StatusOr<ingest::FeedSummary> summary = ingest::RunFeed(*stack_.pipeline.publisher, options, stop);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->accepted, 0);
  EXPECT_EQ(summary->rejected, 2);
  EXPECT_EQ(summary->ExitCode(), 3);
  std::ifstream rejects(options.rejects_path);
  std::string first;
  std::getline(rejects, first);
  EXPECT_EQ(first, absl::StrCat("line 1: retraction.targetEventId: retraction of evt-dalle: its target is in "
                                "openai/dall-e, not openai/sora; file the retraction under openai/dall-e\t",
                                kWrongTeam));
}

TEST_F(RetractionTest, RetractLandsAndTheFiguresDropBack) {
  // Before: 2 departures (02-10, 02-12), both senior, in the 30 days up to 2026-02-28.
  v1::TeamHealth before = Health("sora", read_.min_offsets);
  ASSERT_EQ(before.windows(0).departures(), 2);
  ASSERT_EQ(before.windows(0).senior_departures(), 2);

  std::ostringstream out, err;
  ASSERT_EQ(ctl::RunRetract({.event_id = "evt-d1", .reason = "wrong person"}, *stack_.query, *stack_.ingest, out, err),
            ctl::kExitOk)
      << err.str();
  EXPECT_THAT(out.str(), MatchesRegex("retracted evt-d1 \\(openai/sora departure 2026-02-10\\) with [0-9a-f-]+\n"
                                      "offsets: [0-9]+:3\n"));  // sora's offsets 0-2: evt-hc, evt-d1, evt-d2
  const std::map<int32_t, int64_t> offsets = OffsetsOf(out.str());

  v1::TeamHealth after = Health("sora", offsets);
  EXPECT_EQ(after.windows(0).departures(), 1);
  EXPECT_EQ(after.windows(0).senior_departures(), 1);
  v1::GetEventResponse d1;
  ASSERT_TRUE(GetEvent("evt-d1", &d1).ok());
  EXPECT_EQ(d1.record().status(), v1::EVENT_STATUS_RETRACTED);
  EXPECT_THAT(d1.record().note(), HasSubstr(": wrong person"));

  // Refused: already retracted; a retraction as target; an unknown id.
  std::ostringstream o2, e2, o3, e3, o4, e4;
  EXPECT_EQ(ctl::RunRetract({.event_id = "evt-d1", .reason = "again"}, *stack_.query, *stack_.ingest, o2, e2), ctl::kExitUsage);
  EXPECT_EQ(e2.str(), absl::StrCat("error: evt-d1 in openai/sora is already retracted (", d1.record().note(), ")\n"));
  const std::string retraction_id = out.str().substr(out.str().find(" with ") + 6,
                                                     out.str().find('\n') - out.str().find(" with ") - 6);
  EXPECT_EQ(ctl::RunRetract({.event_id = retraction_id, .reason = "x"}, *stack_.query, *stack_.ingest, o3, e3), ctl::kExitUsage);
  EXPECT_EQ(e3.str(), absl::StrCat("error: ", retraction_id,
                                   " is a retraction (of evt-d1), not an event with an effect; a retraction cannot be "
                                   "retracted\n"));
  EXPECT_EQ(ctl::RunRetract({.event_id = "evt-nope", .reason = "x"}, *stack_.query, *stack_.ingest, o4, e4), ctl::kExitFailed);
  EXPECT_EQ(e4.str(), "error: NOT_FOUND: event evt-nope not found in any team\n");
}

TEST_F(RetractionTest, RetractDryRunWritesNothing) {
  std::ostringstream out, err;
  ASSERT_EQ(ctl::RunRetract({.event_id = "evt-d2", .reason = "check", .dry_run = true}, *stack_.query, *stack_.ingest, out, err),
            ctl::kExitOk)
      << err.str();
  EXPECT_EQ(out.str(), "dry run, nothing written: would retract evt-d2 (openai/sora departure 2026-02-12)\noffsets:\n");
  v1::GetEventResponse d2;
  ASSERT_TRUE(GetEvent("evt-d2", &d2).ok());
  EXPECT_EQ(d2.record().status(), v1::EVENT_STATUS_APPLIED);
}

}  // namespace
}  // namespace talentflow
