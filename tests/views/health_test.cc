#include "views/health.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/base/time_util.h"
#include "tests/common/event_builders.h"

namespace talentflow::views {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

// Every expectation below is worked out by hand in the comment next to it.
//
// as_of D = 2026-03-01 (day 20513). Trailing windows, inclusive of D:
//   W30  = 2026-01-31 … 2026-03-01 (2026-01-30 = D−30 is outside, 2026-01-31 = D−29 inside)
//   W90  = 2025-12-02 … 2026-03-01 (2025-12-01 = D−90 is outside, 2025-12-02 = D−89 inside)
//   W365 = 2025-03-02 … 2026-03-01 (2025-03-01 = D−365 is outside)

int64_t D(int y, int m, int d) { return DayOf(testing::Day(y, m, d)); }
const int64_t kAsOf = D(2026, 3, 1);

constexpr int kW30 = 0, kW90 = 1, kW365 = 2;  // index into TeamHealth.windows

// The bucket of `day` in `in` (created, in ascending day order, when absent).
v1::DayBucket& BucketOn(TeamInputs& in, int64_t day) {
  auto it = in.buckets.begin();
  while (it != in.buckets.end() && it->first < day) ++it;
  if (it == in.buckets.end() || it->first != day) {
    v1::DayBucket b;
    for (int i = 0; i < 7; ++i) b.add_departures_by_seniority(0);
    for (int i = 0; i < 6; ++i) b.add_departures_by_destination_kind(0);
    it = in.buckets.emplace(it, day, b);
  }
  return it->second;
}

void AddHires(TeamInputs& in, int64_t day, int n) {
  v1::DayBucket& b = BucketOn(in, day);
  b.set_hires(b.hires() + n);
  b.set_events(b.events() + n);
}

void AddDepartures(TeamInputs& in, int64_t day, int n, v1::Seniority s = v1::SENIORITY_SENIOR,
                   v1::DestinationKind k = v1::DESTINATION_KIND_COMPETITOR, bool regretted = false) {
  v1::DayBucket& b = BucketOn(in, day);
  b.set_departures(b.departures() + n);
  b.set_departures_by_seniority(s, b.departures_by_seniority(s) + n);
  b.set_departures_by_destination_kind(k, b.departures_by_destination_kind(k) + n);
  if (regretted) b.set_regretted_departures(b.regretted_departures() + n);
  b.set_events(b.events() + n);
}

void AddTransfers(TeamInputs& in, int64_t day, int in_n, int out_n) {
  v1::DayBucket& b = BucketOn(in, day);
  b.set_transfers_in(b.transfers_in() + in_n);
  b.set_transfers_out(b.transfers_out() + out_n);
  b.set_events(b.events() + in_n + out_n);
}

// Timeline entries: callers add them in log order within ascending day.
v1::TimelineEntry& AddEntry(TeamInputs& in, int64_t day) {
  v1::TimelineEntry& t = *in.timeline.emplace(in.timeline.end());
  t.set_event_id("evt-" + std::to_string(in.timeline.size()));
  t.set_effective_day(day);
  return t;
}
void AddReport(TeamInputs& in, int64_t day, int headcount) {
  AddEntry(in, day).mutable_headcount_report()->set_headcount(headcount);
}
void AddPriority(TeamInputs& in, int64_t day, v1::Priority p) {
  AddEntry(in, day).mutable_reprioritisation()->set_priority(p);
}
void AddBudget(TeamInputs& in, int64_t day, v1::BudgetStatus s) {
  AddEntry(in, day).mutable_budget_change()->set_status(s);
}
void AddTeamChange(TeamInputs& in, int64_t day, v1::TeamChangeKind kind, const std::string& into = "",
                   const std::string& new_name = "") {
  auto* c = AddEntry(in, day).mutable_team_change();
  c->set_kind(kind);
  c->set_into_team(into);
  c->set_new_name(new_name);
}

v1::TeamHealth Compute(const TeamInputs& in, int64_t as_of = kAsOf) {
  return ComputeHealth("openai", "sora", in, as_of);
}

// --- Status bands and names ----------------------------------------------------------------------

TEST(StatusForScore, BandsAtExactBoundaries) {
  EXPECT_EQ(StatusForScore(100), v1::HEALTH_STATUS_HEALTHY);
  EXPECT_EQ(StatusForScore(75), v1::HEALTH_STATUS_HEALTHY);
  EXPECT_EQ(StatusForScore(74), v1::HEALTH_STATUS_WATCH);
  EXPECT_EQ(StatusForScore(55), v1::HEALTH_STATUS_WATCH);
  EXPECT_EQ(StatusForScore(54), v1::HEALTH_STATUS_AT_RISK);
  EXPECT_EQ(StatusForScore(35), v1::HEALTH_STATUS_AT_RISK);
  EXPECT_EQ(StatusForScore(34), v1::HEALTH_STATUS_CRITICAL);
  EXPECT_EQ(StatusForScore(0), v1::HEALTH_STATUS_CRITICAL);
}

TEST(ShortName, StripsPrefixAndLowerCases) {
  EXPECT_EQ(ShortName(v1::PRIORITY_LOWERED), "lowered");
  EXPECT_EQ(ShortName(v1::PRIORITY_SUNSET), "sunset");
  EXPECT_EQ(ShortName(v1::BUDGET_STATUS_FROZEN), "frozen");
  EXPECT_EQ(ShortName(v1::BUDGET_STATUS_CUT), "cut");
  EXPECT_EQ(ShortName(v1::HEALTH_STATUS_AT_RISK), "at_risk");
}

// proto3 keeps enum values this build has no name for (a newer or hostile writer); found by
// fold_fuzzer, where ComputeHealth threw std::out_of_range on budgetChange.status 58.
TEST(ShortName, ValueWithoutANameIsUnknown) {
  EXPECT_EQ(ShortName(static_cast<v1::BudgetStatus>(58)), "unknown");
  EXPECT_EQ(ShortName(static_cast<v1::Priority>(-3)), "unknown");
}

// --- Identity and counters -----------------------------------------------------------------------

TEST(ComputeHealth, CopiesIdentityAndTeamCounters) {
  TeamInputs in;
  in.state.set_events(12);
  in.state.set_applied(9);
  in.state.set_duplicates(2);
  in.state.set_retracted(1);
  in.state.set_first_effective_day(D(2025, 7, 15));
  in.state.set_last_effective_day(D(2026, 2, 20));
  v1::TeamHealth h = Compute(in);
  EXPECT_EQ(h.org(), "openai");
  EXPECT_EQ(h.team(), "sora");
  EXPECT_EQ(h.display_name(), "sora");  // no CREATED/RENAMED: the slug
  EXPECT_EQ(h.as_of(), "2026-03-01");
  EXPECT_EQ(h.score_version(), 1);
  EXPECT_TRUE(h.active());
  EXPECT_EQ(h.events(), 12);
  EXPECT_EQ(h.duplicates(), 2);
  EXPECT_EQ(h.retracted(), 1);
  EXPECT_EQ(h.last_event_day(), "2026-02-20");
  ASSERT_EQ(h.windows_size(), 3);
  EXPECT_EQ(h.windows(kW30).days(), 30);
  EXPECT_EQ(h.windows(kW90).days(), 90);
  EXPECT_EQ(h.windows(kW365).days(), 365);
  EXPECT_THAT(h.windows(kW90).departures_by_destination_kind(), ElementsAre(0, 0, 0, 0, 0, 0));
}

// --- Windows -------------------------------------------------------------------------------------

TEST(ComputeHealth, HireWindowBoundaries) {
  TeamInputs in;
  // One hire on each of: 2025-03-01 (D−365), 2025-03-02 (D−364), 2025-12-01 (D−90),
  // 2025-12-02 (D−89), 2026-01-30 (D−30), 2026-01-31 (D−29), 2026-03-01 (D).
  for (int64_t day : {D(2025, 3, 1), D(2025, 3, 2), D(2025, 12, 1), D(2025, 12, 2), D(2026, 1, 30), D(2026, 1, 31),
                      kAsOf}) {
    AddHires(in, day, 1);
  }
  v1::TeamHealth h = Compute(in);
  // W30: 01-31, 03-01 = 2. W90: 12-02, 01-30, 01-31, 03-01 = 4. W365: all but 2025-03-01 = 6.
  EXPECT_EQ(h.windows(kW30).hires(), 2);
  EXPECT_EQ(h.windows(kW90).hires(), 4);
  EXPECT_EQ(h.windows(kW365).hires(), 6);
  EXPECT_EQ(h.windows(kW30).net_flow(), 2);
  // Score: 100 + min(10, 2×4) = 108 → clamped to 100.
  EXPECT_EQ(h.score(), 100);
  EXPECT_THAT(h.reasons(), Contains("4 hires in 90 days (+8)"));
}

TEST(ComputeHealth, DepartureWindowBoundaries) {
  TeamInputs in;
  AddDepartures(in, D(2025, 12, 1), 1, v1::SENIORITY_JUNIOR);  // D−90: outside W90
  AddDepartures(in, D(2025, 12, 2), 1, v1::SENIORITY_JUNIOR);  // D−89: inside W90
  AddDepartures(in, D(2026, 1, 30), 1);                        // D−30: SENIOR, outside W30
  AddDepartures(in, D(2026, 1, 31), 1);                        // D−29: SENIOR, inside W30
  v1::TeamHealth h = Compute(in);
  EXPECT_EQ(h.windows(kW30).departures(), 1);
  EXPECT_EQ(h.windows(kW30).senior_departures(), 1);
  EXPECT_EQ(h.windows(kW90).departures(), 3);  // 12-02, 01-30, 01-31
  EXPECT_EQ(h.windows(kW90).senior_departures(), 2);
  EXPECT_EQ(h.windows(kW365).departures(), 4);
  EXPECT_EQ(h.windows(kW90).net_flow(), -3);
  // Score: 100 − 10×2 (senior) − 4×1 (other: 3 − 2) = 76.
  EXPECT_EQ(h.score(), 76);
  EXPECT_EQ(h.status(), v1::HEALTH_STATUS_HEALTHY);
  EXPECT_THAT(h.reasons(), Contains("2 senior departures in 90 days (-20)"));
  EXPECT_THAT(h.reasons(), Contains("1 other departure in 90 days (-4)"));
}

TEST(ComputeHealth, WindowStatsBreakDownDepartures) {
  TeamInputs in;
  AddDepartures(in, D(2025, 12, 10), 1, v1::SENIORITY_PRINCIPAL, v1::DESTINATION_KIND_OTHER);  // W90, not W30
  const int64_t feb20 = D(2026, 2, 20);
  AddDepartures(in, feb20, 1, v1::SENIORITY_SENIOR, v1::DESTINATION_KIND_COMPETITOR, /*regretted=*/true);
  AddDepartures(in, feb20, 1, v1::SENIORITY_LEADERSHIP, v1::DESTINATION_KIND_NEW_VENTURE);
  AddDepartures(in, feb20, 1, v1::SENIORITY_JUNIOR, v1::DESTINATION_KIND_ACADEMIA);
  AddHires(in, feb20, 1);
  AddTransfers(in, feb20, 2, 1);
  v1::TeamHealth h = Compute(in);

  const v1::WindowStats& w30 = h.windows(kW30);
  EXPECT_EQ(w30.hires(), 1);
  EXPECT_EQ(w30.departures(), 3);
  EXPECT_EQ(w30.senior_departures(), 2);  // SENIOR + LEADERSHIP
  EXPECT_EQ(w30.leadership_departures(), 1);
  EXPECT_EQ(w30.regretted_departures(), 1);
  EXPECT_EQ(w30.transfers_in(), 2);
  EXPECT_EQ(w30.transfers_out(), 1);
  EXPECT_EQ(w30.net_flow(), -2);  // 1 − 3: transfers are not in net flow
  EXPECT_THAT(w30.departures_by_destination_kind(), ElementsAre(0, 1, 1, 1, 0, 0));

  const v1::WindowStats& w90 = h.windows(kW90);
  EXPECT_EQ(w90.departures(), 4);
  EXPECT_EQ(w90.senior_departures(), 3);  // + PRINCIPAL
  EXPECT_EQ(w90.leadership_departures(), 1);
  EXPECT_EQ(w90.net_flow(), -3);
  EXPECT_THAT(w90.departures_by_destination_kind(), ElementsAre(0, 1, 1, 1, 1, 0));
  // Score: 100 − min(40, 10×3) − 4×1 + 2×1 = 68.
  EXPECT_EQ(h.score(), 68);
  EXPECT_EQ(h.status(), v1::HEALTH_STATUS_WATCH);
}

// --- Headcount -----------------------------------------------------------------------------------

TEST(ComputeHealth, HeadcountIsLastReportPlusLaterMoves) {
  TeamInputs in;
  AddHires(in, D(2026, 1, 5), 5);  // before the report: already in it
  AddReport(in, D(2026, 1, 10), 100);
  AddHires(in, D(2026, 1, 10), 2);  // on the report day: already in it
  AddDepartures(in, D(2026, 1, 10), 1, v1::SENIORITY_JUNIOR);
  AddHires(in, D(2026, 1, 20), 3);
  AddTransfers(in, D(2026, 1, 20), 1, 0);
  AddDepartures(in, D(2026, 2, 1), 2, v1::SENIORITY_JUNIOR);
  AddTransfers(in, D(2026, 2, 1), 0, 1);
  v1::TeamHealth h = Compute(in);

  // 100 + (3 + 1) − (2 + 1) = 101.
  EXPECT_TRUE(h.headcount_known());
  EXPECT_EQ(h.headcount(), 101);
  EXPECT_EQ(h.headcount_reported_on(), "2026-01-10");
  EXPECT_FALSE(h.low_confidence());

  // Daily headcount: 01-10…01-19 = 100 (10 days), 01-20…01-31 = 104 (12 days), 02-01…03-01 = 101 (29 days).
  // W30 (01-31…03-01): 104 + 29×101 = 3033 over 30 days → 101.1.
  EXPECT_TRUE(h.windows(kW30).attrition_known());
  EXPECT_NEAR(h.windows(kW30).average_headcount(), 101.1, 1e-9);
  // W90: 12-02…01-09 unknown (39 days); known 51 days: 1000 + 1248 + 2929 = 5177 → 5177/51 = 101.50980…
  EXPECT_NEAR(h.windows(kW90).average_headcount(), 5177.0 / 51.0, 1e-9);
  // W90 departures 1 + 2 = 3: attrition 3×51/5177 = 0.0295538…; annualised × 365/90 = 0.1198566…
  EXPECT_EQ(h.windows(kW90).departures(), 3);
  EXPECT_NEAR(h.windows(kW90).attrition(), 153.0 / 5177.0, 1e-12);
  EXPECT_NEAR(h.windows(kW90).annualised_attrition(), 153.0 / 5177.0 * 365.0 / 90.0, 1e-12);
  EXPECT_NEAR(h.windows(kW90).annualised_attrition(), 0.11986, 1e-5);
  // Score: 100 − 4×3 (other) + min(10, 2×10 hires in W90: 5 + 2 + 3) = 98; attrition 12 % ≤ 20 %: no term.
  EXPECT_EQ(h.score(), 98);
  EXPECT_THAT(h.reasons(), ElementsAre("3 other departures in 90 days (-12)", "10 hires in 90 days (+10)"));
}

TEST(ComputeHealth, LatestReportRestartsEstimate) {
  TeamInputs in;
  AddReport(in, D(2026, 1, 10), 100);
  AddHires(in, D(2026, 1, 20), 4);
  AddReport(in, D(2026, 2, 1), 85);
  AddReport(in, D(2026, 2, 1), 80);  // later in the log, same day: wins
  AddHires(in, D(2026, 2, 1), 1);    // on the report day: in the report
  AddDepartures(in, D(2026, 2, 15), 1, v1::SENIORITY_JUNIOR);
  v1::TeamHealth h = Compute(in);
  // 80 − 1 = 79.
  EXPECT_EQ(h.headcount(), 79);
  EXPECT_EQ(h.headcount_reported_on(), "2026-02-01");
}

TEST(ComputeHealth, HeadcountUnknownWithoutReport) {
  TeamInputs in;
  AddDepartures(in, D(2026, 2, 20), 1);  // SENIOR
  AddHires(in, D(2026, 2, 21), 1);
  v1::TeamHealth h = Compute(in);
  EXPECT_FALSE(h.headcount_known());
  EXPECT_EQ(h.headcount(), 0);
  EXPECT_EQ(h.headcount_reported_on(), "");
  for (const v1::WindowStats& w : h.windows()) {
    EXPECT_FALSE(w.attrition_known()) << w.days();
    EXPECT_EQ(w.average_headcount(), 0.0) << w.days();
    EXPECT_EQ(w.annualised_attrition(), 0.0) << w.days();
  }
  EXPECT_TRUE(h.low_confidence());
  // Score: 100 − 10 + 2 = 92; no attrition term without a headcount.
  EXPECT_EQ(h.score(), 92);
  ASSERT_EQ(h.reasons_size(), 3);
  EXPECT_EQ(h.reasons(0), "1 senior departure in 90 days (-10)");
  EXPECT_EQ(h.reasons(1), "1 hire in 90 days (+2)");
  EXPECT_THAT(h.reasons(2), StartsWith("low confidence"));
}

TEST(ComputeHealth, AverageHeadcountOverKnownDaysOnly) {
  TeamInputs in;
  AddReport(in, D(2026, 2, 20), 50);
  AddDepartures(in, D(2026, 2, 25), 1);  // SENIOR
  v1::TeamHealth h = Compute(in);
  EXPECT_EQ(h.headcount(), 49);
  // Known days in every window: 02-20…02-24 at 50 (5 days), 02-25…03-01 at 49 (5 days):
  // (250 + 245) / 10 = 49.5.
  for (const v1::WindowStats& w : h.windows()) {
    EXPECT_TRUE(w.attrition_known()) << w.days();
    EXPECT_DOUBLE_EQ(w.average_headcount(), 49.5) << w.days();
    EXPECT_NEAR(w.attrition(), 1.0 / 49.5, 1e-12) << w.days();  // 0.020202…
  }
  // Annualised: 1/49.5 × 365/30 = 0.245791…; × 365/90 = 0.081930…; × 365/365 = 0.020202…
  EXPECT_NEAR(h.windows(kW30).annualised_attrition(), 365.0 / (49.5 * 30.0), 1e-12);
  EXPECT_NEAR(h.windows(kW30).annualised_attrition(), 0.245791, 1e-6);
  EXPECT_NEAR(h.windows(kW90).annualised_attrition(), 0.081930, 1e-6);
  EXPECT_NEAR(h.windows(kW365).annualised_attrition(), 0.020202, 1e-6);
  // Score: 100 − 10 = 90 (the W90 attrition, 8.2 %, fires nothing; W30's 24.6 % is not scored).
  EXPECT_EQ(h.score(), 90);
  EXPECT_THAT(h.reasons(), ElementsAre("1 senior departure in 90 days (-10)"));
}

// Team of 100 from the first day of W90 (2025-12-02) with `n` JUNIOR departures that day (in the
// report, so the headcount is exactly 100 on all 90 days).
TeamInputs ConstantHundredWithDepartures(int n) {
  TeamInputs in;
  AddReport(in, D(2025, 12, 2), 100);
  AddDepartures(in, D(2025, 12, 2), n, v1::SENIORITY_JUNIOR);
  return in;
}

TEST(ComputeHealth, AttritionBelowTwentyPercentCostsNothing) {
  // 4/100 × 365/90 = 0.162… → no term. Score: 100 − min(20, 16) = 84.
  v1::TeamHealth h = Compute(ConstantHundredWithDepartures(4));
  EXPECT_DOUBLE_EQ(h.windows(kW90).average_headcount(), 100.0);
  EXPECT_NEAR(h.windows(kW90).attrition(), 0.04, 1e-12);
  EXPECT_NEAR(h.windows(kW90).annualised_attrition(), 0.162222, 1e-6);
  EXPECT_EQ(h.score(), 84);
  EXPECT_THAT(h.reasons(), ElementsAre("4 other departures in 90 days (-16)"));
}

TEST(ComputeHealth, AttritionAboveTwentyPercentCostsTen) {
  // 5/100 × 365/90 = 0.202777… > 0.20 → −10. Score: 100 − 20 (5 other) − 10 = 70.
  v1::TeamHealth h = Compute(ConstantHundredWithDepartures(5));
  EXPECT_NEAR(h.windows(kW90).annualised_attrition(), 0.202778, 1e-6);
  EXPECT_EQ(h.score(), 70);
  EXPECT_EQ(h.status(), v1::HEALTH_STATUS_WATCH);
  EXPECT_THAT(h.reasons(), ElementsAre("5 other departures in 90 days (-20)",
                                       "annualised 90-day attrition 20.3% > 20% (-10)"));
  // W30 saw no departures: known headcount, zero attrition.
  EXPECT_TRUE(h.windows(kW30).attrition_known());
  EXPECT_EQ(h.windows(kW30).attrition(), 0.0);
}

TEST(ComputeHealth, AttritionAboveFortyPercentCostsTwenty) {
  // 9/100 × 365/90 = 0.365 → −10 (score 100 − 20 − 10 = 70);
  // 10/100 × 365/90 = 0.405555… > 0.40 → −20 (score 100 − 20 − 20 = 60).
  EXPECT_EQ(Compute(ConstantHundredWithDepartures(9)).score(), 70);
  v1::TeamHealth h = Compute(ConstantHundredWithDepartures(10));
  EXPECT_NEAR(h.windows(kW90).annualised_attrition(), 0.405556, 1e-6);
  EXPECT_EQ(h.score(), 60);
  EXPECT_THAT(h.reasons(), Contains("annualised 90-day attrition 40.6% > 40% (-20)"));
}

TEST(ComputeHealth, FewerThanTenPeopleIsLowConfidence) {
  TeamInputs in;
  AddReport(in, D(2026, 2, 1), 9);
  v1::TeamHealth h = Compute(in);
  EXPECT_TRUE(h.headcount_known());
  EXPECT_TRUE(h.low_confidence());
  EXPECT_THAT(h.reasons(), ElementsAre("low confidence: fewer than 10 people (9)"));
  EXPECT_EQ(h.score(), 100);

  TeamInputs ten;
  AddReport(ten, D(2026, 2, 1), 10);
  h = Compute(ten);
  EXPECT_FALSE(h.low_confidence());
  EXPECT_THAT(h.reasons(), IsEmpty());
}

// --- Score terms ---------------------------------------------------------------------------------
// Without a headcount report there is no attrition term, so each test isolates its own terms.

TEST(ComputeHealth, SeniorDeparturesCostTenEachCappedAtForty) {
  TeamInputs in;
  AddDepartures(in, D(2026, 2, 16), 3);  // SENIOR
  v1::TeamHealth h = Compute(in);
  EXPECT_EQ(h.score(), 70);  // 100 − 30
  EXPECT_THAT(h.reasons(), Contains("3 senior departures in 90 days (-30)"));

  TeamInputs many;
  AddDepartures(many, D(2026, 2, 16), 5);
  h = Compute(many);
  EXPECT_EQ(h.score(), 60);  // 100 − min(40, 50)
  EXPECT_THAT(h.reasons(), Contains("5 senior departures in 90 days (-40)"));
}

TEST(ComputeHealth, StaffPrincipalAndLeadershipAreSenior) {
  TeamInputs in;
  for (v1::Seniority s : {v1::SENIORITY_STAFF, v1::SENIORITY_PRINCIPAL, v1::SENIORITY_LEADERSHIP}) {
    AddDepartures(in, D(2026, 2, 16), 1, s);
  }
  v1::TeamHealth h = Compute(in);
  EXPECT_EQ(h.windows(kW90).senior_departures(), 3);
  EXPECT_EQ(h.windows(kW90).leadership_departures(), 1);
  EXPECT_EQ(h.score(), 70);  // 100 − 30, no "other" term
  EXPECT_THAT(h.reasons(), Not(Contains(HasSubstr("other"))));
}

TEST(ComputeHealth, OtherDeparturesCostFourEachCappedAtTwenty) {
  TeamInputs in;
  AddDepartures(in, D(2026, 2, 16), 1, v1::SENIORITY_UNSPECIFIED);
  AddDepartures(in, D(2026, 2, 16), 1, v1::SENIORITY_JUNIOR);
  AddDepartures(in, D(2026, 2, 16), 1, v1::SENIORITY_MID);
  v1::TeamHealth h = Compute(in);
  EXPECT_EQ(h.windows(kW90).senior_departures(), 0);
  EXPECT_EQ(h.score(), 88);  // 100 − 12
  EXPECT_THAT(h.reasons(), Contains("3 other departures in 90 days (-12)"));

  AddDepartures(in, D(2026, 2, 17), 3, v1::SENIORITY_MID);
  h = Compute(in);
  EXPECT_EQ(h.score(), 80);  // 100 − min(20, 24)
  EXPECT_THAT(h.reasons(), Contains("6 other departures in 90 days (-20)"));
}

TEST(ComputeHealth, PriorityPenalties) {
  struct Case {
    v1::Priority priority;
    int penalty;
  };
  for (const Case& c : {Case{v1::PRIORITY_LOWERED, 15}, Case{v1::PRIORITY_MAINTENANCE, 20},
                        Case{v1::PRIORITY_SUNSET, 40}, Case{v1::PRIORITY_VARIABLE, 5}, Case{v1::PRIORITY_HIGH, 0},
                        Case{v1::PRIORITY_NORMAL, 0}}) {
    SCOPED_TRACE(v1::Priority_Name(c.priority));
    TeamInputs in;
    AddPriority(in, D(2026, 2, 4), c.priority);
    v1::TeamHealth h = Compute(in);
    EXPECT_EQ(h.priority(), c.priority);
    EXPECT_EQ(h.priority_since(), "2026-02-04");
    EXPECT_EQ(h.score(), 100 - c.penalty);
    if (c.penalty > 0) {
      EXPECT_THAT(h.reasons(), Contains(absl::StrCat("priority ", ShortName(c.priority), " since 2026-02-04 (-",
                                                     c.penalty, ")")));
    } else {
      EXPECT_THAT(h.reasons(), Not(Contains(HasSubstr("priority"))));
    }
  }
}

TEST(ComputeHealth, BudgetPenalties) {
  struct Case {
    v1::BudgetStatus budget;
    int penalty;
  };
  for (const Case& c : {Case{v1::BUDGET_STATUS_FROZEN, 15}, Case{v1::BUDGET_STATUS_CUT, 25},
                        Case{v1::BUDGET_STATUS_GROWING, 0}, Case{v1::BUDGET_STATUS_STEADY, 0}}) {
    SCOPED_TRACE(v1::BudgetStatus_Name(c.budget));
    TeamInputs in;
    AddBudget(in, D(2026, 2, 10), c.budget);
    v1::TeamHealth h = Compute(in);
    EXPECT_EQ(h.budget(), c.budget);
    EXPECT_EQ(h.budget_since(), "2026-02-10");
    EXPECT_EQ(h.score(), 100 - c.penalty);
    if (c.penalty == 0) {
      EXPECT_THAT(h.reasons(), Not(Contains(HasSubstr("budget"))));
    }
  }
  TeamInputs frozen;
  AddBudget(frozen, D(2026, 2, 10), v1::BUDGET_STATUS_FROZEN);
  EXPECT_THAT(Compute(frozen).reasons(), Contains(AllOf(HasSubstr("budget frozen since 2026-02-10"), HasSubstr("(-15)"))));
}

TEST(ComputeHealth, LatestPriorityAndBudgetWin) {
  TeamInputs in;
  AddPriority(in, D(2025, 10, 1), v1::PRIORITY_LOWERED);
  AddBudget(in, D(2025, 11, 1), v1::BUDGET_STATUS_CUT);
  AddPriority(in, D(2026, 2, 1), v1::PRIORITY_HIGH);
  AddBudget(in, D(2026, 2, 10), v1::BUDGET_STATUS_FROZEN);
  v1::TeamHealth h = Compute(in);
  EXPECT_EQ(h.priority(), v1::PRIORITY_HIGH);
  EXPECT_EQ(h.priority_since(), "2026-02-01");
  EXPECT_EQ(h.budget(), v1::BUDGET_STATUS_FROZEN);
  EXPECT_EQ(h.budget_since(), "2026-02-10");
  // 100 − 0 (HIGH) − 15 (FROZEN) = 85.
  EXPECT_EQ(h.score(), 85);
  // As of 2026-01-15 only the earlier entries count: LOWERED and CUT → 100 − 15 − 25 = 60.
  TeamInputs earlier;
  AddPriority(earlier, D(2025, 10, 1), v1::PRIORITY_LOWERED);
  AddBudget(earlier, D(2025, 11, 1), v1::BUDGET_STATUS_CUT);
  h = Compute(earlier, D(2026, 1, 15));
  EXPECT_EQ(h.score(), 60);
  EXPECT_THAT(h.reasons(), ElementsAre("priority lowered since 2025-10-01 (-15)", "budget cut since 2025-11-01 (-25)",
                                       "low confidence: no headcount report yet"));
}

TEST(ComputeHealth, HiresAddTwoEachCappedAtTen) {
  TeamInputs in;
  AddPriority(in, D(2026, 2, 4), v1::PRIORITY_SUNSET);
  AddHires(in, D(2026, 2, 5), 1);
  v1::TeamHealth h = Compute(in);
  EXPECT_EQ(h.score(), 62);  // 100 − 40 + 2
  EXPECT_THAT(h.reasons(), Contains("1 hire in 90 days (+2)"));

  AddHires(in, D(2026, 2, 6), 2);
  h = Compute(in);
  EXPECT_EQ(h.score(), 66);  // 100 − 40 + 6
  EXPECT_THAT(h.reasons(), Contains("3 hires in 90 days (+6)"));

  AddHires(in, D(2026, 2, 7), 4);
  h = Compute(in);
  EXPECT_EQ(h.score(), 70);  // 100 − 40 + min(10, 14)
  EXPECT_THAT(h.reasons(), Contains("7 hires in 90 days (+10)"));
}

TEST(ComputeHealth, ScoreClampsAtZero) {
  TeamInputs in;
  AddPriority(in, D(2026, 2, 4), v1::PRIORITY_SUNSET);
  AddBudget(in, D(2026, 2, 10), v1::BUDGET_STATUS_CUT);
  AddDepartures(in, D(2026, 2, 16), 5);                          // senior: −40
  AddDepartures(in, D(2026, 2, 16), 5, v1::SENIORITY_JUNIOR);    // other: −20
  v1::TeamHealth h = Compute(in);
  // 100 − 40 − 20 − 40 − 25 = −25 → 0.
  EXPECT_EQ(h.score(), 0);
  EXPECT_EQ(h.status(), v1::HEALTH_STATUS_CRITICAL);
  EXPECT_THAT(h.reasons(), Contains("5 senior departures in 90 days (-40)"));
  EXPECT_THAT(h.reasons(), Contains("5 other departures in 90 days (-20)"));
  EXPECT_THAT(h.reasons(), Contains("priority sunset since 2026-02-04 (-40)"));
  EXPECT_THAT(h.reasons(), Contains("budget cut since 2026-02-10 (-25)"));
}

TEST(ComputeHealth, ScoreClampsAtHundred) {
  TeamInputs in;
  AddHires(in, D(2026, 2, 16), 10);
  v1::TeamHealth h = Compute(in);
  EXPECT_EQ(h.score(), 100);  // 100 + 10 → 100
  EXPECT_EQ(h.status(), v1::HEALTH_STATUS_HEALTHY);
  EXPECT_THAT(h.reasons(), Contains("10 hires in 90 days (+10)"));
}

TEST(ComputeHealth, StatusAtExactBandScores) {
  // CUT: 100 − 25 = 75 HEALTHY; MAINTENANCE + CUT: 100 − 20 − 25 = 55 WATCH;
  // SUNSET + CUT: 100 − 40 − 25 = 35 AT_RISK; plus one JUNIOR departure: 35 − 4 = 31 CRITICAL.
  TeamInputs cut;
  AddBudget(cut, D(2026, 2, 10), v1::BUDGET_STATUS_CUT);
  v1::TeamHealth h = Compute(cut);
  EXPECT_EQ(h.score(), 75);
  EXPECT_EQ(h.status(), v1::HEALTH_STATUS_HEALTHY);

  TeamInputs watch;
  AddPriority(watch, D(2026, 2, 4), v1::PRIORITY_MAINTENANCE);
  AddBudget(watch, D(2026, 2, 10), v1::BUDGET_STATUS_CUT);
  h = Compute(watch);
  EXPECT_EQ(h.score(), 55);
  EXPECT_EQ(h.status(), v1::HEALTH_STATUS_WATCH);

  TeamInputs at_risk;
  AddPriority(at_risk, D(2026, 2, 4), v1::PRIORITY_SUNSET);
  AddBudget(at_risk, D(2026, 2, 10), v1::BUDGET_STATUS_CUT);
  h = Compute(at_risk);
  EXPECT_EQ(h.score(), 35);
  EXPECT_EQ(h.status(), v1::HEALTH_STATUS_AT_RISK);

  AddDepartures(at_risk, D(2026, 2, 16), 1, v1::SENIORITY_JUNIOR);
  h = Compute(at_risk);
  EXPECT_EQ(h.score(), 31);  // 35 − 4
  EXPECT_EQ(h.status(), v1::HEALTH_STATUS_CRITICAL);
}

// --- No data: UNKNOWN, not a perfect score ----------------------------------------------------------

TEST(ComputeHealth, NothingAtAllIsUnknownWithoutAScore) {
  v1::TeamHealth h = Compute(TeamInputs{});
  EXPECT_EQ(h.status(), v1::HEALTH_STATUS_UNKNOWN);
  EXPECT_EQ(h.score(), 0);
  EXPECT_TRUE(h.low_confidence());
  EXPECT_THAT(h.reasons(), ElementsAre("no data: no headcount report and no event in the 365 days up to 2026-03-01"));
}

TEST(ComputeHealth, AnEventOnTheYearsFirstDayIsDataTheDayBeforeIsNot) {
  // W365 = 2025-03-02 … 2026-03-01: a junior departure on 2025-03-01 is outside, so nothing is known.
  TeamInputs before;
  AddDepartures(before, D(2025, 3, 1), 1, v1::SENIORITY_JUNIOR);
  EXPECT_EQ(Compute(before).status(), v1::HEALTH_STATUS_UNKNOWN);

  // On 2025-03-02 it is inside W365 (not W90): scored 100, healthy, low confidence for the headcount.
  TeamInputs first_day;
  AddDepartures(first_day, D(2025, 3, 2), 1, v1::SENIORITY_JUNIOR);
  v1::TeamHealth h = Compute(first_day);
  EXPECT_EQ(h.status(), v1::HEALTH_STATUS_HEALTHY);
  EXPECT_EQ(h.score(), 100);
  EXPECT_THAT(h.reasons(), ElementsAre("low confidence: no headcount report yet"));

  // A timeline entry counts too: priority MAINTENANCE on 2025-03-02 → 100 − 20 = 80, healthy.
  TeamInputs priority;
  AddPriority(priority, D(2025, 3, 2), v1::PRIORITY_MAINTENANCE);
  h = Compute(priority);
  EXPECT_EQ(h.status(), v1::HEALTH_STATUS_HEALTHY);
  EXPECT_EQ(h.score(), 80);
  // The same entry a day earlier is outside the year: unknown, although priority is still set.
  TeamInputs old_priority;
  AddPriority(old_priority, D(2025, 3, 1), v1::PRIORITY_MAINTENANCE);
  h = Compute(old_priority);
  EXPECT_EQ(h.status(), v1::HEALTH_STATUS_UNKNOWN);
  EXPECT_EQ(h.priority(), v1::PRIORITY_MAINTENANCE);
}

TEST(ComputeHealth, AnOldHeadcountReportIsEnoughToScore) {
  // A report of 50 on 2024-01-01 and nothing since: the estimate is 50 at D, so the team is scored
  // (100, healthy) although no event fell in the year.
  TeamInputs in;
  AddReport(in, D(2024, 1, 1), 50);
  v1::TeamHealth h = Compute(in);
  EXPECT_TRUE(h.headcount_known());
  EXPECT_EQ(h.headcount(), 50);
  EXPECT_EQ(h.status(), v1::HEALTH_STATUS_HEALTHY);
  EXPECT_EQ(h.score(), 100);
}

TEST(ComputeHealth, ATeamMergedLongAgoIsUnknownAndSaysWhereItWent) {
  TeamInputs in;
  AddTeamChange(in, D(2024, 6, 1), v1::TEAM_CHANGE_KIND_MERGED, "chatgpt");
  v1::TeamHealth h = Compute(in);
  EXPECT_EQ(h.status(), v1::HEALTH_STATUS_UNKNOWN);
  EXPECT_FALSE(h.active());
  EXPECT_THAT(h.reasons(), ElementsAre("no data: no headcount report and no event in the 365 days up to 2026-03-01",
                                       "merged into chatgpt on 2024-06-01 (inactive)"));
}

// --- Team changes, timeline sums, destinations -----------------------------------------------------

TEST(ComputeHealth, MergedTeamIsInactiveWithSuccessor) {
  TeamInputs in;
  AddTeamChange(in, D(2026, 1, 1), v1::TEAM_CHANGE_KIND_RENAMED, "", "Image Generation");
  AddTeamChange(in, D(2026, 2, 15), v1::TEAM_CHANGE_KIND_MERGED, "chatgpt");
  AddDepartures(in, D(2026, 2, 20), 1, v1::SENIORITY_JUNIOR);  // numbers are still reported
  v1::TeamHealth h = ComputeHealth("openai", "dall-e", in, kAsOf);
  EXPECT_FALSE(h.active());
  EXPECT_EQ(h.successor(), "chatgpt");
  EXPECT_EQ(h.inactive_since(), "2026-02-15");
  EXPECT_EQ(h.display_name(), "Image Generation");
  EXPECT_EQ(h.windows(kW30).departures(), 1);
  EXPECT_EQ(h.score(), 96);  // 100 − 4
  EXPECT_THAT(h.reasons(), Contains("merged into chatgpt on 2026-02-15 (inactive)"));

  // As of the day before the merge (entries after as_of are not loaded): still active.
  TeamInputs before;
  AddTeamChange(before, D(2026, 1, 1), v1::TEAM_CHANGE_KIND_RENAMED, "", "Image Generation");
  h = ComputeHealth("openai", "dall-e", before, D(2026, 2, 14));
  EXPECT_TRUE(h.active());
  EXPECT_EQ(h.successor(), "");
  EXPECT_THAT(h.reasons(), Not(Contains(HasSubstr("inactive"))));
}

TEST(ComputeHealth, DissolvedTeamIsInactiveWithoutSuccessor) {
  TeamInputs in;
  AddTeamChange(in, D(2026, 2, 15), v1::TEAM_CHANGE_KIND_DISSOLVED);
  v1::TeamHealth h = Compute(in);
  EXPECT_FALSE(h.active());
  EXPECT_EQ(h.successor(), "");
  EXPECT_EQ(h.inactive_since(), "2026-02-15");
  EXPECT_THAT(h.reasons(), Contains("dissolved on 2026-02-15 (inactive)"));
}

TEST(ComputeHealth, SumsComputeSharesAndRetentionActions) {
  TeamInputs in;
  AddEntry(in, D(2026, 2, 11)).mutable_compute_reallocation()->set_share(0.4);
  AddEntry(in, D(2026, 2, 12)).mutable_retention_action()->set_kind(v1::RETENTION_KIND_EQUITY);
  AddEntry(in, D(2026, 2, 20)).mutable_compute_reallocation()->set_share(0.25);
  v1::TeamHealth h = Compute(in);
  EXPECT_NEAR(h.compute_share_moved_out(), 0.65, 1e-12);  // 0.4 + 0.25
  EXPECT_EQ(h.retention_actions(), 1);
  EXPECT_EQ(h.score(), 100);  // neither is a score term in v1
}

v1::FlowBucket Movers(std::initializer_list<const char*> person_ids) {
  v1::FlowBucket f;
  int n = 0;
  for (const char* id : person_ids) {
    auto* m = f.add_movers();
    m->set_person_id(id);
    m->set_event_id("evt-" + std::to_string(++n));
  }
  return f;
}

TEST(ComputeHealth, TopDestinationsCountDistinctPeople) {
  TeamInputs in;
  // anthropic: p1, p2, p1 in January; p2, p3 in February → {p1, p2, p3} = 3 people.
  in.outbound_flows.emplace_back("anthropic", Movers({"p1", "p2", "p1"}));
  in.outbound_flows.emplace_back("anthropic", Movers({"p2", "p3"}));
  // xai: two movers without a person id: each counts → 2.
  in.outbound_flows.emplace_back("xai", Movers({"", ""}));
  // One person each: apple, google-deepmind, meta, mistral (ties: by name; only 5 are listed).
  in.outbound_flows.emplace_back("mistral", Movers({"p7"}));
  in.outbound_flows.emplace_back("meta", Movers({"p4", "p4"}));
  in.outbound_flows.emplace_back("google-deepmind", Movers({"p5"}));
  in.outbound_flows.emplace_back("apple", Movers({"p6"}));
  v1::TeamHealth h = Compute(in);
  ASSERT_EQ(h.top_destinations_size(), 5);
  std::vector<std::pair<std::string, int64_t>> got;
  for (const auto& d : h.top_destinations()) got.emplace_back(d.org(), d.people());
  EXPECT_THAT(got, ElementsAre(std::pair<std::string, int64_t>("anthropic", 3), std::pair<std::string, int64_t>("xai", 2),
                               std::pair<std::string, int64_t>("apple", 1),
                               std::pair<std::string, int64_t>("google-deepmind", 1),
                               std::pair<std::string, int64_t>("meta", 1)));
}

// --- Inputs in any order, and the compact form the Reader builds ---------------------------------

// TeamInputs::buckets out of day order, with two entries for one day and one after as_of: the
// metrics see one bucket a day, the last given for that day, and nothing after as_of.
TEST(ComputeHealth, BucketsInAnyOrderLastOfADayWins) {
  TeamInputs in;
  auto bucket = [](int hires) {
    v1::DayBucket b;
    b.set_hires(hires);
    return b;
  };
  in.buckets.emplace_back(D(2026, 2, 20), bucket(3));
  in.buckets.emplace_back(D(2026, 1, 10), bucket(1));  // W90 only (D−50)
  in.buckets.emplace_back(D(2026, 2, 20), bucket(2));  // replaces the 3 of the same day
  in.buckets.emplace_back(D(2026, 3, 2), bucket(7));   // after as_of: not counted
  v1::TeamHealth h = Compute(in);
  EXPECT_EQ(h.windows(kW30).hires(), 2);
  EXPECT_EQ(h.windows(kW90).hires(), 2 + 1);
  EXPECT_EQ(h.windows(kW365).hires(), 2 + 1);
}

// Two headcount reports on one day: the later in the timeline counts. Reports out of day order
// (not what the views yield, but ComputeHealth takes any TeamInputs): by day, not by position.
TEST(ComputeHealth, ReportsByDayTheLastOfADayWins) {
  TeamInputs in;
  AddReport(in, D(2026, 2, 1), 40);
  AddReport(in, D(2026, 2, 1), 42);  // same day, later: 42
  AddReport(in, D(2026, 1, 1), 10);  // an earlier day, given last: the estimate before 2026-02-01
  AddHires(in, D(2026, 2, 10), 3);
  v1::TeamHealth h = Compute(in);
  EXPECT_EQ(h.headcount(), 42 + 3);
  EXPECT_EQ(h.headcount_reported_on(), "2026-02-01");
  // W30 = 2026-01-31 … 2026-03-01: 2026-01-31 is 10 (the January report), 2026-02-01 … 02-09 are
  // 42 (9 days), 2026-02-10 … 03-01 are 45 (20 days): (10 + 9 × 42 + 20 × 45) / 30 = 1288 / 30.
  EXPECT_DOUBLE_EQ(h.windows(kW30).average_headcount(), 1288.0 / 30);
}

TEST(TotalsOf, SumsSeniorAndLeadershipAndKeepsSixKinds) {
  v1::DayBucket b;
  b.set_hires(1);
  b.set_departures(9);
  b.set_transfers_in(2);
  b.set_transfers_out(3);
  b.set_regretted_departures(4);
  // JUNIOR 1, MID 1, SENIOR 2, STAFF 1, PRINCIPAL 1, LEADERSHIP 3 → senior and above 2+1+1+3 = 7.
  for (int n : {0, 1, 1, 2, 1, 1, 3}) b.add_departures_by_seniority(n);
  // Seven kinds stored (a newer writer): the seventh is not counted.
  for (int n : {0, 5, 2, 1, 0, 1, 8}) b.add_departures_by_destination_kind(n);
  const DayTotals t = TotalsOf(b);
  EXPECT_EQ(t.hires, 1);
  EXPECT_EQ(t.departures, 9);
  EXPECT_EQ(t.transfers_in, 2);
  EXPECT_EQ(t.transfers_out, 3);
  EXPECT_EQ(t.regretted_departures, 4);
  EXPECT_EQ(t.senior_departures, 7);
  EXPECT_EQ(t.leadership_departures, 3);
  EXPECT_THAT(t.departures_by_destination_kind, ElementsAre(0, 5, 2, 1, 0, 1));
}

TEST(TotalsOf, ShortSeniorityListHasNoLeadership) {
  v1::DayBucket b;
  for (int n : {0, 0, 0, 4}) b.add_departures_by_seniority(n);  // up to SENIOR only
  const DayTotals t = TotalsOf(b);
  EXPECT_EQ(t.senior_departures, 4);
  EXPECT_EQ(t.leadership_departures, 0);
  EXPECT_THAT(t.departures_by_destination_kind, ElementsAre(0, 0, 0, 0, 0, 0));
}

TEST(NormalizeDays, SortsKeepsTheLastOfADayAndDropsLaterDays) {
  auto hires = [](int n) {
    DayTotals t;
    t.hires = n;
    return t;
  };
  std::vector<std::pair<int64_t, DayTotals>> days = {{5, hires(1)}, {3, hires(2)}, {5, hires(3)},
                                                     {9, hires(4)}, {3, hires(5)}, {4, hires(6)}};
  NormalizeDays(days, 8);
  std::vector<std::pair<int64_t, int64_t>> got;
  for (const auto& [day, t] : days) got.emplace_back(day, t.hires);
  EXPECT_THAT(got, ElementsAre(std::pair<int64_t, int64_t>(3, 5), std::pair<int64_t, int64_t>(4, 6),
                               std::pair<int64_t, int64_t>(5, 3)));
}

TEST(NormalizeDays, LeavesAscendingDaysAlone) {
  std::vector<std::pair<int64_t, DayTotals>> days = {{1, {}}, {2, {}}, {8, {}}};
  NormalizeDays(days, 8);
  ASSERT_EQ(days.size(), 3u);
  EXPECT_EQ(days[2].first, 8);
}

// The TeamInputs overload reduces each bucket with TotalsOf and calls the HealthSource one: both
// give the same bytes for the same views.
TEST(ComputeHealth, HealthSourceGivesTheSameAnswer) {
  TeamInputs in;
  in.state.set_applied(4);
  in.state.set_last_effective_day(D(2026, 2, 20));
  AddReport(in, D(2025, 6, 1), 30);
  AddDepartures(in, D(2026, 2, 20), 2, v1::SENIORITY_LEADERSHIP, v1::DESTINATION_KIND_NEW_VENTURE);
  AddHires(in, D(2025, 12, 24), 1);
  AddPriority(in, D(2026, 1, 5), v1::PRIORITY_LOWERED);
  in.outbound_flows.emplace_back("anthropic", v1::FlowBucket());
  std::vector<std::pair<int64_t, DayTotals>> days;
  for (const auto& [day, b] : in.buckets) days.emplace_back(day, TotalsOf(b));
  HealthSource source;
  source.state = &in.state;
  source.days = days;
  source.timeline = in.timeline;
  DestinationTally destinations;
  for (const auto& [dest, flow] : in.outbound_flows) destinations.Add(dest, flow);
  source.destinations = &destinations;
  EXPECT_EQ(ComputeHealth("openai", "sora", source, kAsOf).SerializeAsString(), Compute(in).SerializeAsString());
}

// anthropic: p1 twice and one mover without an id → 2; xai: p2, p3 → 2 (tie: by name); meta: p4 → 1.
// The same whichever order the buckets come in.
TEST(DestinationTally, DistinctPeoplePlusAnonymousRankedThenByName) {
  const std::vector<std::pair<std::string, v1::FlowBucket>> buckets = {
      {"xai", Movers({"p2"})}, {"anthropic", Movers({"p1", ""})}, {"meta", Movers({"p4"})},
      {"anthropic", Movers({"p1"})}, {"xai", Movers({"p3"})}};
  using Ranked = std::vector<std::pair<int64_t, std::string>>;
  const Ranked want = {{2, "anthropic"}, {2, "xai"}, {1, "meta"}};
  DestinationTally forward, backward;
  for (const auto& [dest, b] : buckets) forward.Add(dest, b);
  for (auto it = buckets.rbegin(); it != buckets.rend(); ++it) backward.Add(it->first, it->second);
  EXPECT_EQ(forward.Top(5), want);
  EXPECT_EQ(backward.Top(5), want);
  EXPECT_EQ(forward.Top(2), Ranked(want.begin(), want.begin() + 2));
}

// as_of 2026-03-01: the window starts 2025-03-02. Reports on 2024-11-01, 2025-01-10 and
// 2025-04-01: the last on or before the window's start is 2025-01-10.
TEST(FirstBucketDay, LastReportOnOrBeforeTheWindowElseTheWindowStart) {
  TeamInputs in;
  EXPECT_EQ(FirstBucketDay(in.timeline, kAsOf), D(2025, 3, 2));
  AddReport(in, D(2025, 4, 1), 30);  // inside the window: the window's start
  EXPECT_EQ(FirstBucketDay(in.timeline, kAsOf), D(2025, 3, 2));
  AddReport(in, D(2024, 11, 1), 10);
  AddPriority(in, D(2025, 2, 1), v1::PRIORITY_LOWERED);  // not a report
  AddReport(in, D(2025, 1, 10), 20);
  EXPECT_EQ(FirstBucketDay(in.timeline, kAsOf), D(2025, 1, 10));
  AddReport(in, D(2025, 3, 2), 25);  // on the window's first day
  EXPECT_EQ(FirstBucketDay(in.timeline, kAsOf), D(2025, 3, 2));
}

// Moves before the last report on or before the window cannot change the answer: the report
// restarts the estimate. 2024-12-01 report 10, +5 hires on 2024-12-15, 2025-01-10 report 20, +2
// hires on 2025-02-01, −1 departure on 2025-06-01: headcount 20 + 2 − 1 = 21 whether or not the
// buckets before 2025-01-10 are given.
TEST(ComputeHealth, BucketsBeforeFirstBucketDayDoNotCount) {
  TeamInputs in;
  AddReport(in, D(2024, 12, 1), 10);
  AddReport(in, D(2025, 1, 10), 20);
  AddHires(in, D(2024, 12, 15), 5);
  AddHires(in, D(2025, 2, 1), 2);
  AddDepartures(in, D(2025, 6, 1), 1);
  const v1::TeamHealth all = Compute(in);
  EXPECT_EQ(all.headcount(), 21);
  EXPECT_EQ(all.headcount_reported_on(), "2025-01-10");
  // W365 (2025-03-02 …): 22 until 2025-05-31 (91 days), 21 from 2025-06-01 (274 days).
  EXPECT_DOUBLE_EQ(all.windows(kW365).average_headcount(), (22.0 * 91 + 21.0 * 274) / 365);
  TeamInputs later = in;
  later.buckets.erase(later.buckets.begin());  // the 2024-12-15 bucket
  ASSERT_EQ(FirstBucketDay(in.timeline, kAsOf), D(2025, 1, 10));
  EXPECT_EQ(Compute(later).SerializeAsString(), all.SerializeAsString());
}

}  // namespace
}  // namespace talentflow::views
