// The pure parts of GetTeamMovement and GetTalentFlows' monthly series (query/movement.h), on moves
// and flow edges built by hand. Every expected value is worked out in the comments.
#include "query/movement.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/base/time_util.h"
#include "tests/common/event_builders.h"

namespace talentflow::query {
namespace {

using ::talentflow::testing::Day;

int64_t DayNumber(int y, int m, int d) { return DayOf(Day(y, m, d)); }

// A move of `team` (org openai) on `when`, at (partition 0, `offset`).
v1::PersonMove Move(const std::string& id, v1::MoveKind kind, absl::Time when, v1::Seniority seniority, int64_t offset,
                    v1::EventStatus status = v1::EVENT_STATUS_APPLIED, const std::string& team = "sora") {
  v1::PersonMove m;
  m.set_event_id(id);
  m.set_org("openai");
  m.set_team(team);
  m.set_kind(kind);
  *m.mutable_effective_time() = ToTimestamp(when);
  m.set_date_precision(v1::DATE_PRECISION_DAY);
  m.mutable_person()->set_id("p-" + id);
  m.mutable_person()->set_seniority(seniority);
  m.set_status(status);
  m.set_partition(0);
  m.set_offset(offset);
  return m;
}

constexpr auto kHire = v1::MOVE_KIND_HIRE;
constexpr auto kDeparture = v1::MOVE_KIND_DEPARTURE;
constexpr auto kTransferIn = v1::MOVE_KIND_TRANSFER_IN;
constexpr auto kTransferOut = v1::MOVE_KIND_TRANSFER_OUT;

// as_of 2026-03-01: W30 = 2026-01-31 … 03-01, W90 = 2025-12-02 … 03-01, W365 = 2025-03-02 … 03-01.
TEST(TeamMovementOf, CountsEachWindowBySeniorityFromItsFirstDayToAsOf) {
  const std::vector<v1::PersonMove> moves = {
      Move("d-sen", kDeparture, Day(2026, 1, 31), v1::SENIORITY_SENIOR, 1),        // W30's first day
      Move("d-mid", kDeparture, Day(2026, 1, 30), v1::SENIORITY_MID, 2),           // the day before W30
      Move("h-jun", kHire, Day(2025, 12, 2), v1::SENIORITY_JUNIOR, 3),             // W90's first day
      Move("h-staff", kHire, Day(2025, 12, 1), v1::SENIORITY_STAFF, 4),            // the day before W90
      Move("d-lead", kDeparture, Day(2025, 3, 2), v1::SENIORITY_LEADERSHIP, 5),    // W365's first day
      Move("d-prin", kDeparture, Day(2025, 3, 1), v1::SENIORITY_PRINCIPAL, 6),     // before every window
      Move("t-in", kTransferIn, Day(2026, 3, 1), v1::SENIORITY_UNSPECIFIED, 7),    // as_of itself
      Move("t-out", kTransferOut, Day(2026, 2, 10), v1::SENIORITY_SENIOR, 8),
      Move("h-late", kHire, Day(2026, 3, 2), v1::SENIORITY_MID, 9),                // after as_of
      Move("d-retracted", kDeparture, Day(2026, 2, 1), v1::SENIORITY_MID, 10, v1::EVENT_STATUS_RETRACTED),
      Move("h-dup", kHire, Day(2026, 2, 1), v1::SENIORITY_MID, 11, v1::EVENT_STATUS_DUPLICATE),
      Move("h-chatgpt", kHire, Day(2026, 2, 1), v1::SENIORITY_MID, 12, v1::EVENT_STATUS_APPLIED, "chatgpt"),
  };
  const v1::TeamMovement t = TeamMovementOf("sora", moves, DayNumber(2026, 3, 1));
  EXPECT_EQ(t.team(), "sora");
  ASSERT_EQ(t.windows_size(), 3);
  const v1::MovementWindow& w30 = t.windows(0);
  EXPECT_EQ(w30.days(), 30);
  EXPECT_EQ(w30.from(), "2026-01-31");
  EXPECT_EQ(w30.hires().total(), 0);
  EXPECT_EQ(w30.departures().senior(), 1);
  EXPECT_EQ(w30.departures().total(), 1);
  EXPECT_EQ(w30.transfers_in().unspecified(), 1);
  EXPECT_EQ(w30.transfers_in().total(), 1);
  EXPECT_EQ(w30.transfers_out().senior(), 1);
  EXPECT_EQ(w30.senior_departures(), 1);

  const v1::MovementWindow& w90 = t.windows(1);
  EXPECT_EQ(w90.from(), "2025-12-02");
  EXPECT_EQ(w90.hires().junior(), 1);
  EXPECT_EQ(w90.hires().staff(), 0);
  EXPECT_EQ(w90.hires().total(), 1);
  EXPECT_EQ(w90.departures().senior(), 1);
  EXPECT_EQ(w90.departures().mid(), 1);
  EXPECT_EQ(w90.departures().total(), 2);
  EXPECT_EQ(w90.senior_departures(), 1);

  const v1::MovementWindow& w365 = t.windows(2);
  EXPECT_EQ(w365.from(), "2025-03-02");
  EXPECT_EQ(w365.hires().junior(), 1);
  EXPECT_EQ(w365.hires().staff(), 1);
  EXPECT_EQ(w365.hires().total(), 2);
  EXPECT_EQ(w365.departures().senior(), 1);
  EXPECT_EQ(w365.departures().mid(), 1);
  EXPECT_EQ(w365.departures().leadership(), 1);
  EXPECT_EQ(w365.departures().principal(), 0);
  EXPECT_EQ(w365.departures().total(), 3);
  EXPECT_EQ(w365.transfers_out().total(), 1);
  // The senior departures of W365: leadership 2025-03-02 and senior 2026-01-31 (the principal of
  // 2025-03-01 is outside). No hire of their seniority or above came after them: both open.
  EXPECT_EQ(w365.senior_departures(), 2);
  EXPECT_EQ(w365.open(), 2);
  EXPECT_EQ(w365.backfilled(), 0);
  ASSERT_EQ(t.backfills_size(), 2);
  EXPECT_EQ(t.backfills(0).departure_event_id(), "d-lead");
  EXPECT_TRUE(t.backfills(0).open());
  EXPECT_EQ(t.backfills(0).days(), 364);  // 2025-03-02 -> 2026-03-01
  EXPECT_EQ(t.backfills(1).departure_event_id(), "d-sen");
  EXPECT_TRUE(t.backfills(1).open());
  EXPECT_EQ(t.backfills(1).days(), 29);  // 2026-01-31 -> 03-01 (February 2026 has 28 days)
}

// as_of 2026-03-31. Departures: STAFF d1 and SENIOR d2 on 01-10 (d1 first in the log), LEADERSHIP
// d3 on 02-20, LEADERSHIP d4 on 02-21. Hires: SENIOR 01-05 (before every departure), MID 01-12 (too
// junior for all), PRINCIPAL 02-01, SENIOR 02-15, LEADERSHIP transfer in 03-05.
std::vector<v1::PersonMove> BackfillStory(int64_t d1_offset, int64_t d2_offset) {
  return {
      Move("d1", kDeparture, Day(2026, 1, 10), v1::SENIORITY_STAFF, d1_offset),
      Move("d2", kDeparture, Day(2026, 1, 10), v1::SENIORITY_SENIOR, d2_offset),
      Move("d3", kDeparture, Day(2026, 2, 20), v1::SENIORITY_LEADERSHIP, 5),
      Move("d4", kDeparture, Day(2026, 2, 21), v1::SENIORITY_LEADERSHIP, 6),
      Move("h-early", kHire, Day(2026, 1, 5), v1::SENIORITY_SENIOR, 1),
      Move("h-mid", kHire, Day(2026, 1, 12), v1::SENIORITY_MID, 4),
      Move("h-prin", kHire, Day(2026, 2, 1), v1::SENIORITY_PRINCIPAL, 7),
      Move("h-sen", kHire, Day(2026, 2, 15), v1::SENIORITY_SENIOR, 8),
      Move("t-lead", kTransferIn, Day(2026, 3, 5), v1::SENIORITY_LEADERSHIP, 9),
  };
}

TEST(TeamMovementOf, EachSeniorDepartureTakesTheFirstFreeHireOfItsSeniorityOrAboveOnOrAfterItsDay) {
  const v1::TeamMovement t = TeamMovementOf("sora", BackfillStory(2, 3), DayNumber(2026, 3, 31));
  ASSERT_EQ(t.backfills_size(), 4);
  // d1 (STAFF): MID 01-12 is too junior; PRINCIPAL 02-01 is the first that qualifies: 22 days.
  EXPECT_EQ(t.backfills(0).departure_event_id(), "d1");
  EXPECT_FALSE(t.backfills(0).open());
  EXPECT_EQ(t.backfills(0).hire_event_id(), "h-prin");
  EXPECT_EQ(t.backfills(0).hire_day(), "2026-02-01");
  EXPECT_EQ(t.backfills(0).hire_kind(), v1::MOVE_KIND_HIRE);
  EXPECT_EQ(t.backfills(0).hire_person().id(), "p-h-prin");
  EXPECT_EQ(t.backfills(0).days(), 22);
  // d2 (SENIOR): SENIOR 01-05 came before it, PRINCIPAL is taken: SENIOR 02-15, 36 days.
  EXPECT_EQ(t.backfills(1).departure_event_id(), "d2");
  EXPECT_EQ(t.backfills(1).hire_event_id(), "h-sen");
  EXPECT_EQ(t.backfills(1).days(), 36);
  // One hire for two departures: the transfer in of 03-05 backfills d3 (13 days); d4 stays open,
  // 38 days at as_of (02-21 -> 03-31).
  EXPECT_EQ(t.backfills(2).departure_event_id(), "d3");
  EXPECT_EQ(t.backfills(2).hire_event_id(), "t-lead");
  EXPECT_EQ(t.backfills(2).hire_kind(), v1::MOVE_KIND_TRANSFER_IN);
  EXPECT_EQ(t.backfills(2).days(), 13);
  EXPECT_EQ(t.backfills(3).departure_event_id(), "d4");
  EXPECT_TRUE(t.backfills(3).open());
  EXPECT_EQ(t.backfills(3).hire_event_id(), "");
  EXPECT_EQ(t.backfills(3).days(), 38);
  EXPECT_EQ(t.backfills(3).departure_day(), "2026-02-21");
  // W90 (2026-01-01 …): all four, three backfilled; W30 (03-02 …): none.
  EXPECT_EQ(t.windows(1).senior_departures(), 4);
  EXPECT_EQ(t.windows(1).backfilled(), 3);
  EXPECT_EQ(t.windows(1).open(), 1);
  EXPECT_EQ(t.windows(0).senior_departures(), 0);
}

TEST(TeamMovementOf, SameDayDeparturesAreMatchedInLogOrder) {
  // d2 (SENIOR) first in the log now: it takes PRINCIPAL 02-01 (22 days); d1 (STAFF) then finds
  // SENIOR 02-15 too junior and takes the LEADERSHIP transfer in of 03-05 (01-10 -> 03-05: 54
  // days), which leaves d3 and d4 open.
  const v1::TeamMovement t = TeamMovementOf("sora", BackfillStory(3, 2), DayNumber(2026, 3, 31));
  ASSERT_EQ(t.backfills_size(), 4);
  EXPECT_EQ(t.backfills(0).departure_event_id(), "d2");
  EXPECT_EQ(t.backfills(0).hire_event_id(), "h-prin");
  EXPECT_EQ(t.backfills(0).days(), 22);
  EXPECT_EQ(t.backfills(1).departure_event_id(), "d1");
  EXPECT_EQ(t.backfills(1).hire_event_id(), "t-lead");
  EXPECT_EQ(t.backfills(1).days(), 54);
  EXPECT_TRUE(t.backfills(2).open());
  EXPECT_TRUE(t.backfills(3).open());
  EXPECT_EQ(t.windows(1).backfilled(), 2);
  EXPECT_EQ(t.windows(1).open(), 2);
}

TEST(TeamMovementOf, AHireAfterAsOfDoesNotBackfillYet) {
  // At 2026-03-04 the transfer in of 03-05 has not happened: d3 and d4 are both open.
  const v1::TeamMovement t = TeamMovementOf("sora", BackfillStory(2, 3), DayNumber(2026, 3, 4));
  ASSERT_EQ(t.backfills_size(), 4);
  EXPECT_TRUE(t.backfills(2).open());
  EXPECT_EQ(t.backfills(2).days(), 12);  // 02-20 -> 03-04
  EXPECT_TRUE(t.backfills(3).open());
}

TEST(TeamMovementOf, AMonthPrecisionReportCountsOnTheDayItsEffectiveTimeNames) {
  // "February 2026" stored as 2026-02-01: backfilled by the SENIOR hire of 02-20 in 19 days, and
  // in the 30-day window ending 03-02 (from 02-01) but not in the one ending 03-03 (from 02-02).
  v1::PersonMove left = Move("d-feb", kDeparture, Day(2026, 2, 1), v1::SENIORITY_SENIOR, 1);
  left.set_date_precision(v1::DATE_PRECISION_MONTH);
  const std::vector<v1::PersonMove> moves = {left, Move("h", kHire, Day(2026, 2, 20), v1::SENIORITY_SENIOR, 2)};
  const v1::TeamMovement at_0302 = TeamMovementOf("sora", moves, DayNumber(2026, 3, 2));
  ASSERT_EQ(at_0302.backfills_size(), 1);
  EXPECT_EQ(at_0302.backfills(0).departure_day(), "2026-02-01");
  EXPECT_EQ(at_0302.backfills(0).days(), 19);
  EXPECT_EQ(at_0302.windows(0).departures().senior(), 1);
  EXPECT_EQ(at_0302.windows(0).backfilled(), 1);
  const v1::TeamMovement at_0303 = TeamMovementOf("sora", moves, DayNumber(2026, 3, 3));
  EXPECT_EQ(at_0303.windows(0).departures().total(), 0);
  EXPECT_EQ(at_0303.windows(1).departures().senior(), 1);
}

TEST(SumMovement, AddsTheWindowsAndListsEveryTeamsBackfillsByDayThenTeam) {
  const int64_t as_of = DayNumber(2026, 3, 31);
  const v1::TeamMovement sora = TeamMovementOf(
      "sora",
      {Move("s1", kDeparture, Day(2026, 2, 10), v1::SENIORITY_SENIOR, 1),
       Move("s2", kHire, Day(2026, 3, 20), v1::SENIORITY_JUNIOR, 2)},
      as_of);
  const v1::TeamMovement chatgpt = TeamMovementOf(
      "chatgpt",
      {Move("c1", kDeparture, Day(2026, 2, 10), v1::SENIORITY_STAFF, 1, v1::EVENT_STATUS_APPLIED, "chatgpt"),
       Move("c2", kDeparture, Day(2026, 1, 2), v1::SENIORITY_MID, 2, v1::EVENT_STATUS_APPLIED, "chatgpt"),
       Move("c3", kHire, Day(2026, 3, 1), v1::SENIORITY_STAFF, 3, v1::EVENT_STATUS_APPLIED, "chatgpt")},
      as_of);
  const v1::TeamMovement sum = SumMovement({sora, chatgpt});
  EXPECT_EQ(sum.team(), "");
  ASSERT_EQ(sum.windows_size(), 3);
  // W30 (03-02 …): sora's junior hire. W90 (01-01 …): every move.
  EXPECT_EQ(sum.windows(0).hires().junior(), 1);
  EXPECT_EQ(sum.windows(0).hires().total(), 1);
  EXPECT_EQ(sum.windows(1).from(), "2026-01-01");
  EXPECT_EQ(sum.windows(1).hires().junior(), 1);
  EXPECT_EQ(sum.windows(1).hires().staff(), 1);
  EXPECT_EQ(sum.windows(1).departures().senior(), 1);
  EXPECT_EQ(sum.windows(1).departures().staff(), 1);
  EXPECT_EQ(sum.windows(1).departures().mid(), 1);
  EXPECT_EQ(sum.windows(1).departures().total(), 3);
  EXPECT_EQ(sum.windows(1).senior_departures(), 2);
  EXPECT_EQ(sum.windows(1).backfilled(), 1);  // chatgpt's STAFF by its STAFF hire of 03-01
  EXPECT_EQ(sum.windows(1).open(), 1);        // sora's: its junior hire does not backfill a senior
  ASSERT_EQ(sum.backfills_size(), 2);
  EXPECT_EQ(sum.backfills(0).team(), "chatgpt");  // same day: chatgpt before sora
  EXPECT_EQ(sum.backfills(0).days(), 19);          // 02-10 -> 03-01
  EXPECT_EQ(sum.backfills(1).team(), "sora");
  EXPECT_EQ(sum.backfills(1).days(), 49);  // open: 02-10 -> 03-31
}

v1::FlowEdge Edge(const std::string& from, const std::string& to,
                  std::vector<std::pair<std::string, std::string>> movers /* id, month */) {
  v1::FlowEdge e;
  e.set_from_org(from);
  e.set_to_org(to);
  for (const auto& [id, month] : movers) {
    auto* p = e.add_movers();
    p->set_id(id);
    p->set_month(month);
  }
  return e;
}

TEST(FlowMonths, EachPersonCountsOnceAnEdgeInItsFirstMonthOfTheRange) {
  google::protobuf::RepeatedPtrField<v1::FlowEdge> edges;
  // p1 left in January and their hire at anthropic was filed in February: January only. Two movers
  // without an id count each. p9 in December is outside the range.
  *edges.Add() = Edge("openai", "anthropic",
                      {{"p1", "2026-02"}, {"p1", "2026-01"}, {"p2", "2026-03"}, {"", "2026-02"}, {"", "2026-02"},
                       {"p9", "2025-12"}});
  *edges.Add() = Edge("anthropic", "openai", {{"p3", "2026-02"}});
  *edges.Add() = Edge("meta", "anthropic", {{"p4", "2026-02"}});  // not a flow of openai
  const auto months = FlowMonths("openai", edges, DayNumber(2026, 1, 15), DayNumber(2026, 3, 31));
  ASSERT_TRUE(months.ok()) << months.status();
  ASSERT_EQ(months->size(), 3u);
  EXPECT_EQ((*months)[0].month(), "2026-01");
  EXPECT_EQ((*months)[0].outbound(), 1);
  EXPECT_EQ((*months)[0].inbound(), 0);
  EXPECT_EQ((*months)[0].net(), -1);
  EXPECT_EQ((*months)[1].month(), "2026-02");
  EXPECT_EQ((*months)[1].outbound(), 2);
  EXPECT_EQ((*months)[1].inbound(), 1);
  EXPECT_EQ((*months)[1].net(), -1);
  EXPECT_EQ((*months)[2].month(), "2026-03");
  EXPECT_EQ((*months)[2].outbound(), 1);
  EXPECT_EQ((*months)[2].net(), -1);
}

TEST(FlowMonths, EveryMonthOfTheRangeEvenWithoutMovesAndAtMostAThousand) {
  google::protobuf::RepeatedPtrField<v1::FlowEdge> none;
  const auto months = FlowMonths("openai", none, DayNumber(2025, 11, 30), DayNumber(2026, 2, 1));
  ASSERT_TRUE(months.ok());
  ASSERT_EQ(months->size(), 4u);  // 2025-11, 12, 2026-01, 02
  EXPECT_EQ((*months)[0].month(), "2025-11");
  EXPECT_EQ((*months)[3].month(), "2026-02");
  EXPECT_EQ((*months)[3].net(), 0);
  // 1990-01 … 2073-04 is 1,000 months; one more is refused.
  EXPECT_TRUE(FlowMonths("openai", none, DayNumber(1990, 1, 1), DayNumber(2073, 4, 30)).ok());
  const auto too_many = FlowMonths("openai", none, DayNumber(1990, 1, 1), DayNumber(2073, 5, 1));
  EXPECT_EQ(too_many.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(too_many.status().message()), ::testing::HasSubstr("more than 1,000 months"));
}

}  // namespace
}  // namespace talentflow::query
