// GetTeamMovement and GetTalentFlows' monthly series over the sample feed's views
// (examples/feeds/openai-2026.jsonl through the real broker, ingest's publisher and a replay),
// every figure worked out by hand from the feed's lines and examples/feeds/EXPECTED.md.
#include <filesystem>
#include <sstream>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

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

// "<departure event> <open|hire event> <days>" for each backfill.
std::vector<std::string> Backfills(const v1::TeamMovement& t) {
  std::vector<std::string> out;
  for (const auto& b : t.backfills()) {
    out.push_back(absl::StrCat(b.departure_event_id(), " ", b.open() ? "open" : b.hire_event_id(), " ", b.days()));
  }
  return out;
}

class MovementTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    views_ = new SampleViews;
    ASSERT_NO_FATAL_FAILURE(views_->Start(kSource, "movement"));
    source_ = views_->source.get();
  }
  static void TearDownTestSuite() { delete views_; }
  static v1::GetTeamMovementResponse Movement(const std::string& org, const std::string& team,
                                              const google::protobuf::Timestamp& as_of) {
    Served s(source_);
    v1::GetTeamMovementRequest req;
    req.set_org(org);
    req.set_team(team);
    *req.mutable_as_of() = as_of;
    return CallOk(*s.stub, &v1::QueryService::Stub::GetTeamMovement, req);
  }
  static SampleViews* views_;
  static ViewSource* source_;
};
SampleViews* MovementTest::views_ = nullptr;
ViewSource* MovementTest::source_ = nullptr;

// openai/sora at 2026-03-01 (EXPECTED.md, "sora"): W30 = 01-31 … 03-01 holds Samira Okafor L 02-13,
// Marcus Feld S 02-19, Hana Kowalski M 02-24, Ezra Lindgren St 02-27, Jamie Cho J 03-01 (Theo
// Brandt's S 02-16 is retracted; Priyanka Sethuraman's 02-18 is a transfer out). W90 adds Lena
// Ortiz L 01-09 and Viktor Hale P 01-22; W365 adds Arjun Batra S 2025-09-24, Clara Whitfield St
// 11-12, Diego Salazar M 12-01, and the hires Bianca Moretti M 2025-08-04, Jonas Eklund S 09-02.
TEST_F(MovementTest, SorasSeniorityMixAt20260301) {
  const v1::GetTeamMovementResponse r = Movement("openai", "sora", At(2026, 3, 1));
  EXPECT_EQ(r.org(), "openai");
  EXPECT_EQ(r.as_of(), "2026-03-01");
  ASSERT_EQ(r.teams_size(), 1);
  const v1::TeamMovement& t = r.teams(0);
  EXPECT_EQ(t.team(), "sora");
  ASSERT_EQ(t.windows_size(), 3);
  const v1::MovementWindow& w30 = t.windows(0);
  EXPECT_EQ(w30.from(), "2026-01-31");
  EXPECT_EQ(w30.hires().total(), 0);
  EXPECT_EQ(w30.departures().leadership(), 1);
  EXPECT_EQ(w30.departures().staff(), 1);
  EXPECT_EQ(w30.departures().senior(), 1);
  EXPECT_EQ(w30.departures().mid(), 1);
  EXPECT_EQ(w30.departures().junior(), 1);
  EXPECT_EQ(w30.departures().total(), 5);  // = EXPECTED.md's deps 30
  EXPECT_EQ(w30.transfers_out().senior(), 1);
  EXPECT_EQ(w30.senior_departures(), 3);   // = EXPECTED.md's senior deps 30
  const v1::MovementWindow& w90 = t.windows(1);
  EXPECT_EQ(w90.departures().leadership(), 2);
  EXPECT_EQ(w90.departures().principal(), 1);
  EXPECT_EQ(w90.departures().total(), 7);
  EXPECT_EQ(w90.senior_departures(), 5);
  const v1::MovementWindow& w365 = t.windows(2);
  EXPECT_EQ(w365.from(), "2025-03-02");
  EXPECT_EQ(w365.hires().mid(), 1);
  EXPECT_EQ(w365.hires().senior(), 1);
  EXPECT_EQ(w365.hires().total(), 2);
  EXPECT_EQ(w365.departures().senior(), 2);
  EXPECT_EQ(w365.departures().staff(), 2);
  EXPECT_EQ(w365.departures().mid(), 2);
  EXPECT_EQ(w365.departures().leadership(), 2);
  EXPECT_EQ(w365.departures().principal(), 1);
  EXPECT_EQ(w365.departures().junior(), 1);
  EXPECT_EQ(w365.departures().unspecified(), 0);
  EXPECT_EQ(w365.departures().total(), 10);
  EXPECT_EQ(w365.transfers_in().total(), 0);
  EXPECT_EQ(w365.senior_departures(), 7);
  EXPECT_EQ(w365.backfilled(), 0);
  EXPECT_EQ(w365.open(), 7);
}

// Sora's only hires (2025-08-04, 09-02) came before its first senior departure (2025-09-24): all
// seven are open, for the days from each to 2026-03-01 (September 24 -> March 1: 6 + 31 + 30 + 31
// + 31 + 28 + 1 = 158; November 12: 18 + 31 + 31 + 28 + 1 = 109; January 9: 22 + 28 + 1 = 51;
// January 22: 38; February 13: 16; February 19: 10; February 27: 2).
TEST_F(MovementTest, SorasSeniorDeparturesAreAllOpenAt20260301) {
  const v1::GetTeamMovementResponse r = Movement("openai", "sora", At(2026, 3, 1));
  ASSERT_EQ(r.teams_size(), 1);
  EXPECT_THAT(Backfills(r.teams(0)), ElementsAre("evt-0017 open 158", "evt-0024 open 109", "evt-0033 open 51",
                                                 "evt-0037 open 38", "evt-0050 open 16", "evt-0054 open 10",
                                                 "evt-0060 open 2"));
  EXPECT_EQ(r.teams(0).backfills(2).person().name(), "Lena Ortiz");
  EXPECT_EQ(r.teams(0).backfills(2).person().seniority(), v1::SENIORITY_LEADERSHIP);
  EXPECT_EQ(r.teams(0).backfills(2).departure_day(), "2026-01-09");
}

// openai at 2026-03-01: chatgpt's Hector Alvarado (SENIOR, 2026-01-15) is backfilled by Inês
// Carvalho's SENIOR hire of 01-20 (5 days). Senior departures of W365 (2025-03-02 …): chatgpt 1,
// sora 7, dall-e 3 (Julien Marchand 2025-10-28, Aya Tanabe 01-12, Rafael Duarte 02-06), safety-
// alignment 6 (Elena Voss, MONTH precision, 2025-08-01; Noah Kessler 10-21; Ingrid Solberg 11-18,
// back-dated; David Achterberg 12-16; Leila Mansour 01-27; Caspar Whitmore 02-26) = 17, 1
// backfilled. The 90-day sums are EXPECTED.md's columns added up: hires 7 + 0 + 0 + 1 = 8,
// departures 2 + 7 + 3 + 3 = 15, senior departures 1 + 5 + 2 + 3 = 11; Priyanka Sethuraman's
// transfer counts out of sora and into chatgpt.
TEST_F(MovementTest, OpenaisTotalsAndItsOneBackfillAt20260301) {
  const v1::GetTeamMovementResponse r = Movement("openai", "", At(2026, 3, 1));
  std::vector<std::string> teams;
  for (const auto& t : r.teams()) teams.push_back(t.team());
  EXPECT_THAT(teams, ElementsAre("chatgpt", "dall-e", "safety-alignment", "sora"));
  const v1::TeamMovement& totals = r.totals();
  EXPECT_EQ(totals.team(), "");
  ASSERT_EQ(totals.windows_size(), 3);
  EXPECT_EQ(totals.windows(1).hires().total(), 8);
  EXPECT_EQ(totals.windows(1).departures().total(), 15);
  EXPECT_EQ(totals.windows(1).senior_departures(), 11);
  EXPECT_EQ(totals.windows(1).transfers_in().total(), 1);
  EXPECT_EQ(totals.windows(1).transfers_out().total(), 1);
  EXPECT_EQ(totals.windows(2).senior_departures(), 17);
  EXPECT_EQ(totals.windows(2).backfilled(), 1);
  EXPECT_EQ(totals.windows(2).open(), 16);
  ASSERT_EQ(totals.backfills_size(), 17);
  EXPECT_EQ(totals.backfills(0).departure_event_id(), "evt-0010");  // Elena Voss, 2025-08-01, the first
  EXPECT_EQ(totals.backfills(0).departure_day(), "2025-08-01");
  std::vector<std::string> backfilled;
  for (const auto& b : totals.backfills()) {
    if (!b.open()) backfilled.push_back(absl::StrCat(b.team(), " ", b.departure_event_id(), " ", b.hire_event_id(),
                                                     " ", b.hire_day(), " ", b.days()));
  }
  EXPECT_THAT(backfilled, ElementsAre("chatgpt evt-0035 evt-0036 2026-01-20 5"));
}

TEST_F(MovementTest, AnUnknownTeamIsNotFoundWithTheNearestName) {
  Served s(source_);
  v1::GetTeamMovementRequest req;
  req.set_org("openai");
  req.set_team("soraa");
  v1::GetTeamMovementResponse resp;
  grpc::ClientContext c;
  const grpc::Status st = s.stub->GetTeamMovement(&c, req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(st.error_message(), HasSubstr("team openai/soraa not found; did you mean openai/sora?"));
}

// openai and anthropic over Q1 2026. Out (departures to anthropic): Hector Alvarado 01-15, Leila
// Mansour 01-27, Samira Okafor 02-13, Caspar Whitmore 02-26, Olivia Brennan 03-20 (Ingrid
// Solberg's is effective 2025-11-18: outside). In (hires from anthropic): Oren Belkin 02-20 (Declan
// O'Shea 2025-10-06 and Greta Vollmer 2025-12-18 are outside).
TEST_F(MovementTest, OpenaiAnthropicMonthlyNetFlowOverQ1) {
  Served s(source_);
  v1::GetTalentFlowsRequest req;
  req.set_org("openai");
  req.set_counterparty("anthropic");
  req.set_granularity(v1::FLOW_GRANULARITY_MONTH);
  *req.mutable_from() = At(2026, 1, 1);
  *req.mutable_to() = At(2026, 3, 31);
  v1::GetTalentFlowsResponse resp;
  grpc::ClientContext c;
  ASSERT_TRUE(s.stub->GetTalentFlows(&c, req, &resp).ok());
  std::vector<std::string> months;
  for (const auto& m : resp.months()) {
    months.push_back(absl::StrCat(m.month(), " in ", m.inbound(), " out ", m.outbound(), " net ", m.net()));
  }
  EXPECT_THAT(months, ElementsAre("2026-01 in 0 out 2 net -2", "2026-02 in 1 out 2 net -1", "2026-03 in 0 out 1 net -1"));
  // Only the two edges between openai and anthropic.
  std::vector<std::string> edges;
  for (const auto& e : resp.edges()) edges.push_back(absl::StrCat(e.from_org(), ">", e.to_org(), " ", e.people()));
  EXPECT_THAT(edges, ElementsAre("openai>anthropic 5", "anthropic>openai 1"));

  // The default answer (no granularity) has no months.
  v1::GetTalentFlowsRequest plain = req;
  plain.clear_granularity();
  v1::GetTalentFlowsResponse edges_only;
  grpc::ClientContext c2;
  ASSERT_TRUE(s.stub->GetTalentFlows(&c2, plain, &edges_only).ok());
  EXPECT_TRUE(edges_only.months().empty());
  EXPECT_EQ(edges_only.edges_size(), 2);
}

TEST_F(MovementTest, TalentflowctlFlowsMonthlyPrintsTheSeries) {
  Served s(source_);
  ctl::FlowsOptions options;
  options.org = "openai";
  options.counterparty = "anthropic";
  options.monthly = true;
  options.from = At(2026, 1, 1);
  options.to = At(2026, 3, 31);
  std::ostringstream out, err;
  ASSERT_EQ(ctl::RunFlows(options, ctl::ReadOptions{}, *s.stub, out, err), 0) << err.str();
  EXPECT_EQ(out.str(),
            "openai and anthropic by month (people in: from anthropic, out: to anthropic)\n"
            "month    in  out  net\n"
            "2026-01   0    2   -2\n"
            "2026-02   1    2   -1\n"
            "2026-03   0    1   -1\n"
            "total     1    5   -4\n");
}

}  // namespace
}  // namespace talentflow::query
