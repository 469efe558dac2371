// Evidence filters over the sample feed's views (examples/feeds/EXPECTED.md, "Under evidence
// filters": every number worked out by hand from the feed's lines). The feed's four repeated reports
// (evt-0041, evt-0045, evt-0051, evt-0061) are published and kept as DUPLICATE reports of their
// stories (issue 19 item 1), so each of those four stories has two outlets.
#include <filesystem>
#include <sstream>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <google/protobuf/util/message_differencer.h>

#include "ctl/commands.h"
#include "query/query_service.h"
#include "tests/common/pipeline.h"
#include "tests/integration/served_query.h"

namespace talentflow::query {
namespace {

using ::talentflow::testing::Day;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kSource = TALENTFLOW_SOURCE_DIR;

google::protobuf::Timestamp At(int y, int m, int d) { return ToTimestamp(Day(y, m, d)); }

v1::EvidenceFilter Corroborated() {
  v1::EvidenceFilter f;
  f.set_corroborated_only(true);
  return f;
}

v1::EvidenceFilter Reported() {
  v1::EvidenceFilter f;
  f.set_min_confidence(v1::CONFIDENCE_REPORTED);
  return f;
}

class EvidenceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    views_ = new SampleViews;
    ASSERT_NO_FATAL_FAILURE(views_->Start(kSource, "evidence"));
    source_ = views_->source.get();
  }
  static void TearDownTestSuite() { delete views_; }

  static v1::GetOrgSnapshotResponse Snapshot(Served& s, const google::protobuf::Timestamp& as_of,
                                             const v1::EvidenceFilter& filter) {
    v1::GetOrgSnapshotRequest req;
    req.set_org("openai");
    *req.mutable_as_of() = as_of;
    if (filter.ByteSizeLong() > 0) *req.mutable_evidence() = filter;  // the default: no filter sent
    return CallOk(*s.stub, &v1::QueryService::Stub::GetOrgSnapshot, req);
  }

  static SampleViews* views_;
  static ViewSource* source_;
};
SampleViews* EvidenceTest::views_ = nullptr;
ViewSource* EvidenceTest::source_ = nullptr;

// The feed's one rumour (evt-0052) is retracted anyway: under `reported` every team's health is the
// default one, byte for byte, at both dates of EXPECTED.md (the filtered fold of the team's events
// equals the projector's).
TEST_F(EvidenceTest, ReportedOrBetterChangesNothingInTheSample) {
  Served s(source_);
  for (const auto& as_of : {At(2026, 3, 1), At(2026, 3, 31)}) {
    const v1::GetOrgSnapshotResponse all = Snapshot(s, as_of, v1::EvidenceFilter());
    const v1::GetOrgSnapshotResponse reported = Snapshot(s, as_of, Reported());
    ASSERT_EQ(reported.teams_size(), 4);
    for (int i = 0; i < 4; ++i) {
      EXPECT_EQ(reported.teams(i).SerializeAsString(), all.teams(i).SerializeAsString()) << all.teams(i).team();
    }
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(reported.totals(), all.totals()))
        << reported.totals().DebugString() << all.totals().DebugString();
    EXPECT_EQ(reported.evidence().min_confidence(), v1::CONFIDENCE_REPORTED) << "the answer echoes its filter";
    EXPECT_FALSE(all.has_evidence());
  }
  // The default figures themselves (EXPECTED.md "Key numbers").
  const v1::GetOrgSnapshotResponse reported = Snapshot(s, At(2026, 3, 1), Reported());
  EXPECT_EQ(reported.teams(3).team(), "sora");
  EXPECT_EQ(reported.teams(3).score(), 2);
  EXPECT_EQ(reported.teams(3).headcount(), 50);
}

// EXPECTED.md "Under --corroborated": per team (score, 30/90-day hires, departures, senior and
// leadership departures) at 2026-03-01 and 2026-03-31; no headcount report, priority or budget
// is corroborated, so no team has a headcount and none a priority or budget term.
TEST_F(EvidenceTest, CorroboratedOnlyAtBothDates) {
  Served s(source_);
  struct Row {
    const char* team;
    int score;
    int64_t hires30, hires90, deps30, deps90, senior90, leadership90;
  };
  const std::vector<std::pair<google::protobuf::Timestamp, std::vector<Row>>> cases = {
      {At(2026, 3, 1),
       {{"chatgpt", 100, 2, 2, 0, 0, 0, 0},
        {"dall-e", 86, 0, 0, 2, 2, 1, 0},
        {"safety-alignment", 92, 0, 1, 1, 1, 1, 1},
        {"sora", 86, 0, 0, 2, 2, 1, 1}}},
      {At(2026, 3, 31),
       {{"chatgpt", 100, 1, 3, 0, 0, 0, 0},
        {"dall-e", 86, 0, 0, 0, 2, 1, 0},
        {"safety-alignment", 88, 0, 1, 1, 2, 1, 1},
        {"sora", 86, 0, 0, 0, 2, 1, 1}}},
  };
  for (const auto& [as_of, rows] : cases) {
    const v1::GetOrgSnapshotResponse resp = Snapshot(s, as_of, Corroborated());
    ASSERT_EQ(resp.teams_size(), 4);
    for (size_t i = 0; i < rows.size(); ++i) {
      const v1::TeamHealth& t = resp.teams(static_cast<int>(i));
      const Row& r = rows[i];
      SCOPED_TRACE(absl::StrCat(r.team, " at ", resp.as_of()));
      EXPECT_EQ(t.team(), r.team);
      EXPECT_EQ(t.score(), r.score);
      EXPECT_EQ(t.status(), v1::HEALTH_STATUS_HEALTHY);
      EXPECT_FALSE(t.headcount_known());
      EXPECT_EQ(t.priority(), v1::PRIORITY_UNSPECIFIED);
      EXPECT_EQ(t.budget(), v1::BUDGET_STATUS_UNSPECIFIED);
      EXPECT_EQ(t.windows(0).hires(), r.hires30);
      EXPECT_EQ(t.windows(1).hires(), r.hires90);
      EXPECT_EQ(t.windows(0).departures(), r.deps30);
      EXPECT_EQ(t.windows(1).departures(), r.deps90);
      EXPECT_EQ(t.windows(1).senior_departures(), r.senior90);
      EXPECT_EQ(t.windows(1).leadership_departures(), r.leadership90);
    }
  }
  // The transfer evt-0053 is corroborated by its counterpart (the transfer in on chatgpt).
  const v1::GetOrgSnapshotResponse march = Snapshot(s, At(2026, 3, 1), Corroborated());
  EXPECT_EQ(march.teams(0).windows(1).transfers_in(), 1);
  EXPECT_EQ(march.teams(3).windows(1).transfers_out(), 1);
  // The merge evt-0069 is CONFIRMED: dall-e is inactive at 2026-03-31 under the filter too.
  EXPECT_FALSE(Snapshot(s, At(2026, 3, 31), Corroborated()).teams(1).active());
  // Org totals at 2026-03-01.
  const auto& t = march.totals();
  EXPECT_EQ(t.teams(), 4);
  EXPECT_EQ(t.headcount(), 0);
  EXPECT_EQ(t.teams_without_headcount(), 4);
  EXPECT_EQ(t.hires_90d(), 2 + 0 + 1 + 0);
  EXPECT_EQ(t.departures_90d(), 0 + 2 + 1 + 2);
  EXPECT_EQ(t.senior_departures_90d(), 0 + 1 + 1 + 1);
  EXPECT_EQ(t.leadership_departures_90d(), 0 + 0 + 1 + 1);
  EXPECT_EQ(t.status_counts().at("healthy"), 4);
}

// GetTeamHealth and GetOrgSnapshot agree under a filter; ListTeams orders by the filtered score.
TEST_F(EvidenceTest, TeamAndListReadsUnderTheFilter) {
  Served s(source_);
  v1::GetTeamHealthRequest req;
  req.set_org("openai");
  req.set_team("sora");
  *req.mutable_as_of() = At(2026, 3, 1);
  *req.mutable_evidence() = Corroborated();
  v1::GetTeamHealthResponse one;
  grpc::ClientContext c1;
  ASSERT_TRUE(s.stub->GetTeamHealth(&c1, req, &one).ok());
  EXPECT_EQ(one.health().SerializeAsString(), Snapshot(s, At(2026, 3, 1), Corroborated()).teams(3).SerializeAsString());
  EXPECT_TRUE(one.evidence().corroborated_only());

  v1::ListTeamsRequest list;
  list.set_org("openai");
  *list.mutable_as_of() = At(2026, 3, 1);
  *list.mutable_evidence() = Corroborated();
  v1::ListTeamsResponse teams;
  grpc::ClientContext c2;
  ASSERT_TRUE(s.stub->ListTeams(&c2, list, &teams).ok());
  std::vector<std::string> order;
  for (const auto& t : teams.teams()) order.push_back(absl::StrCat(t.team(), " ", t.score()));
  // Lowest score first, ties by name.
  EXPECT_THAT(order, ElementsAre("dall-e 86", "sora 86", "safety-alignment 92", "chatgpt 100"));
}

// sora by month under --corroborated: evt-0050 (2026-02-13, two outlets) and evt-0062 (2026-03-01,
// CONFIRMED) are its only departures.
TEST_F(EvidenceTest, TrendUnderTheFilter) {
  Served s(source_);
  v1::GetTeamTrendRequest req;
  req.set_org("openai");
  req.set_team("sora");
  *req.mutable_from() = At(2026, 1, 1);
  *req.mutable_to() = At(2026, 3, 31);
  req.set_granularity(v1::GetTeamTrendRequest::GRANULARITY_MONTH);
  *req.mutable_evidence() = Corroborated();
  v1::GetTeamTrendResponse resp;
  grpc::ClientContext c;
  ASSERT_TRUE(s.stub->GetTeamTrend(&c, req, &resp).ok());
  ASSERT_EQ(resp.points_size(), 3);
  std::vector<std::string> points;
  for (const auto& p : resp.points()) absl::StrAppend(&points.emplace_back(), p.date(), " ", p.departures(), " ", p.score());
  // 01-31: nothing in 90 days → 100; 02-28: evt-0050 (leadership) → 100 − 10 = 90; 03-31: and
  // evt-0062 (junior) → 90 − 4 = 86.
  EXPECT_THAT(points, ElementsAre("2026-01-31 0 100", "2026-02-28 1 90", "2026-03-31 1 86"));
}

// GetTalentFlows from 2025-07 to 2026-03 counts only the corroborated movers.
TEST_F(EvidenceTest, FlowsUnderTheFilter) {
  Served s(source_);
  v1::GetTalentFlowsRequest req;
  req.set_org("openai");
  *req.mutable_from() = At(2025, 7, 1);
  *req.mutable_to() = At(2026, 3, 31);
  *req.mutable_evidence() = Corroborated();
  v1::GetTalentFlowsResponse resp;
  grpc::ClientContext c;
  ASSERT_TRUE(s.stub->GetTalentFlows(&c, req, &resp).ok());
  std::vector<std::string> edges;
  for (const auto& e : resp.edges()) edges.push_back(absl::StrCat(e.from_org(), ">", e.to_org(), " ", e.people()));
  EXPECT_THAT(edges, ElementsAre("google-deepmind>openai 3", "openai>anthropic 2", "meta>openai 1",
                                 "microsoft>openai 1", "openai>inkwell-studio 1", "openai>palette-labs 1",
                                 "xai>openai 1"));
}

// ListEvents of sora under --corroborated: the applied events that count, in log order.
TEST_F(EvidenceTest, EventsUnderTheFilter) {
  Served s(source_);
  v1::ListEventsRequest req;
  req.set_org("openai");
  req.set_team("sora");
  *req.mutable_evidence() = Corroborated();
  v1::ListEventsResponse resp;
  grpc::ClientContext c;
  ASSERT_TRUE(s.stub->ListEvents(&c, req, &resp).ok());
  std::vector<std::string> ids;
  for (const auto& e : resp.events()) ids.push_back(e.event().event_id());
  EXPECT_THAT(ids, ElementsAre("evt-0005", "evt-0050", "evt-0053", "evt-0062"));
}

// Samira Okafor's departure (evt-0050, Bloomberg) and its repeat (evt-0051, Axios): two reports by
// default; under --corroborated the applied one, corroborated by its two outlets.
TEST_F(EvidenceTest, PersonUnderTheFilter) {
  Served s(source_);
  v1::GetPersonRequest req;
  req.set_person_id("p-samira-okafor");
  v1::GetPersonResponse all, corroborated;
  grpc::ClientContext c1, c2;
  ASSERT_TRUE(s.stub->GetPerson(&c1, req, &all).ok());
  EXPECT_EQ(all.moves_size(), 2);
  *req.mutable_evidence() = Corroborated();
  ASSERT_TRUE(s.stub->GetPerson(&c2, req, &corroborated).ok());
  ASSERT_EQ(corroborated.moves_size(), 1);
  EXPECT_EQ(corroborated.moves(0).event_id(), "evt-0050");
  EXPECT_THAT(corroborated.moves(0).corroborated_by(), ElementsAre("2 outlets"));
}

// GetTeamMovement of sora at 2026-03-01 under --corroborated: departures in 90 days evt-0050
// (leadership) and evt-0062 (junior); in 365 days one hire (evt-0005, mid, 2025-08-04) and the
// transfer out evt-0053 (senior).
TEST_F(EvidenceTest, MovementUnderTheFilter) {
  Served s(source_);
  v1::GetTeamMovementRequest req;
  req.set_org("openai");
  req.set_team("sora");
  *req.mutable_as_of() = At(2026, 3, 1);
  *req.mutable_evidence() = Corroborated();
  v1::GetTeamMovementResponse resp;
  grpc::ClientContext c;
  ASSERT_TRUE(s.stub->GetTeamMovement(&c, req, &resp).ok());
  ASSERT_EQ(resp.teams_size(), 1);
  const auto& w90 = resp.teams(0).windows(1);
  EXPECT_EQ(w90.departures().total(), 2);
  EXPECT_EQ(w90.departures().junior(), 1);
  EXPECT_EQ(w90.departures().leadership(), 1);
  EXPECT_EQ(w90.senior_departures(), 1);
  const auto& w365 = resp.teams(0).windows(2);
  EXPECT_EQ(w365.hires().total(), 1);
  EXPECT_EQ(w365.hires().mid(), 1);
  EXPECT_EQ(w365.transfers_out().senior(), 1);
  EXPECT_TRUE(resp.evidence().corroborated_only());
}

// talentflowctl states the filter above a table, names the flag of a bad value, and an unknown
// confidence sent over the API is rejected naming the field.
TEST_F(EvidenceTest, TheTableSaysWhichEvidenceItCounts) {
  Served s(source_);
  ctl::TeamOptions options;
  options.team = {"openai", "sora"};
  options.as_of = At(2026, 3, 1);
  ctl::ReadOptions read;
  read.evidence.set_min_confidence(v1::CONFIDENCE_REPORTED);
  read.evidence.set_corroborated_only(true);
  std::ostringstream out, err;
  ASSERT_EQ(ctl::RunTeam(options, read, *s.stub, out, err), ctl::kExitOk) << err.str();
  EXPECT_EQ(out.str().substr(0, out.str().find('\n') + 1), "evidence: reported or better, corroborated only\n");

  v1::GetTeamHealthRequest bad;
  bad.set_org("openai");
  bad.set_team("sora");
  bad.mutable_evidence()->set_min_confidence(static_cast<v1::Confidence>(9));
  v1::GetTeamHealthResponse resp;
  grpc::ClientContext c;
  const grpc::Status status = s.stub->GetTeamHealth(&c, bad, &resp);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("evidence.min_confidence: 9 is not a confidence"));
}

}  // namespace
}  // namespace talentflow::query
