// Org totals count a person once per window (query/org_totals.h), on moves built by hand. The
// "sums" each test starts from are the teams' plain sums as AddTotals / SumMovement make them,
// worked out in the comments; the expected values are worked out by hand too.
#include "query/org_totals.h"

#include <gtest/gtest.h>

#include "common/base/time_util.h"
#include "query/movement.h"
#include "tests/common/event_builders.h"

namespace talentflow::query {
namespace {

using ::talentflow::testing::Day;

int64_t DayNumber(int y, int m, int d) { return DayOf(Day(y, m, d)); }

// An applied move of openai/`team` on `when` by a person with `id` (may be empty) and `name`.
v1::PersonMove Move(const std::string& event_id, const std::string& team, v1::MoveKind kind, absl::Time when,
                    const std::string& id, const std::string& name, v1::Seniority seniority, int64_t offset) {
  v1::PersonMove m;
  m.set_event_id(event_id);
  m.set_org("openai");
  m.set_team(team);
  m.set_kind(kind);
  *m.mutable_effective_time() = ToTimestamp(when);
  m.set_date_precision(v1::DATE_PRECISION_DAY);
  m.mutable_person()->set_id(id);
  m.mutable_person()->set_name(name);
  m.mutable_person()->set_seniority(seniority);
  m.set_status(v1::EVENT_STATUS_APPLIED);
  m.set_partition(0);
  m.set_offset(offset);
  return m;
}

constexpr auto kHire = v1::MOVE_KIND_HIRE;
constexpr auto kDeparture = v1::MOVE_KIND_DEPARTURE;
constexpr auto kStaff = v1::SENIORITY_STAFF;
constexpr auto kSenior = v1::SENIORITY_SENIOR;
constexpr auto kMid = v1::SENIORITY_MID;
constexpr auto kLead = v1::SENIORITY_LEADERSHIP;

// as_of 2026-03-01: the 90-day window is 2025-12-02 … 2026-03-01.
const int64_t kAsOf = DayNumber(2026, 3, 1);

// OrgTotals with the 90-day figures given (the plain sums over the teams).
v1::OrgTotals Sums(int64_t hires, int64_t departures, int64_t senior, int64_t leadership) {
  v1::OrgTotals t;
  t.set_hires_90d(hires);
  t.set_departures_90d(departures);
  t.set_senior_departures_90d(senior);
  t.set_leadership_departures_90d(leadership);
  return t;
}

TEST(OrgTotals, SameIdInTwoTeamsCountsOnceAtItsHighestSeniority) {
  // jane-doe's departure filed under sora (STAFF) and dall-e (SENIOR); bob (MID) left sora.
  // Sums: departures 3, senior 2 (STAFF + SENIOR), leadership 0. Org: jane once (STAFF: senior),
  // bob once: departures 2, senior 1.
  const auto movers = WindowMoversOf({Move("e1", "sora", kDeparture, Day(2026, 2, 18), "jane-doe", "Jane Doe", kStaff, 1),
                                      Move("e2", "dall-e", kDeparture, Day(2026, 2, 18), "jane-doe", "Jane Doe", kSenior, 2),
                                      Move("e3", "sora", kDeparture, Day(2026, 2, 1), "bob", "Bob", kMid, 3)},
                                     kAsOf, 90);
  ASSERT_EQ(movers.size(), 3u);
  v1::OrgTotals t = Sums(0, 3, 2, 0);
  CountPeopleOnce(movers, {"sora", "dall-e"}, kAsOf, t);
  EXPECT_EQ(t.departures_90d(), 2);
  EXPECT_EQ(t.senior_departures_90d(), 1);
  EXPECT_EQ(t.leadership_departures_90d(), 0);
  EXPECT_EQ(t.hires_90d(), 0);
}

TEST(OrgTotals, SameNameWithoutIdInTwoTeamsCountsOnce) {
  // "Jane  DOE" and "jane doe" (no ids, LEADERSHIP) normalise to one name. Sums 2 / 2 / 2.
  const auto movers = WindowMoversOf({Move("e1", "sora", kDeparture, Day(2026, 2, 18), "", "Jane  DOE", kLead, 1),
                                      Move("e2", "dall-e", kDeparture, Day(2026, 2, 18), "", "jane doe", kLead, 2)},
                                     kAsOf, 90);
  v1::OrgTotals t = Sums(0, 2, 2, 2);
  CountPeopleOnce(movers, {"sora", "dall-e"}, kAsOf, t);
  EXPECT_EQ(t.departures_90d(), 1);
  EXPECT_EQ(t.senior_departures_90d(), 1);
  EXPECT_EQ(t.leadership_departures_90d(), 1);
}

TEST(OrgTotals, NameWithoutIdIsThePersonWithThatNameAndAnId) {
  // The sora report had no id, the dall-e report id jane-doe: one person. Sums 2 departures.
  const auto movers = WindowMoversOf({Move("e1", "sora", kDeparture, Day(2026, 2, 18), "", "Jane Doe", kMid, 1),
                                      Move("e2", "dall-e", kDeparture, Day(2026, 2, 18), "jane-doe", "Jane Doe", kMid, 2)},
                                     kAsOf, 90);
  EXPECT_EQ(PersonKeysOf(movers), (std::vector<std::string>{"id:jane-doe", "id:jane-doe"}));
  v1::OrgTotals t = Sums(0, 2, 0, 0);
  CountPeopleOnce(movers, {"sora", "dall-e"}, kAsOf, t);
  EXPECT_EQ(t.departures_90d(), 1);
}

TEST(OrgTotals, TwoPeopleCountTwice) {
  // Two ids with the same name are two people (ids never match each other); a third report of
  // that name without an id is the smaller id's (alex-1). Sums: 3 departures, all SENIOR.
  // Org: alex-1 (two filings) once, alex-2 once: 2.
  const auto movers = WindowMoversOf({Move("e1", "sora", kDeparture, Day(2026, 2, 18), "alex-2", "Alex Kim", kSenior, 1),
                                      Move("e2", "dall-e", kDeparture, Day(2026, 2, 18), "alex-1", "Alex Kim", kSenior, 2),
                                      Move("e3", "codex", kDeparture, Day(2026, 2, 18), "", "alex kim", kSenior, 3)},
                                     kAsOf, 90);
  EXPECT_EQ(PersonKeysOf(movers), (std::vector<std::string>{"id:alex-2", "id:alex-1", "id:alex-1"}));
  v1::OrgTotals t = Sums(0, 3, 3, 0);
  CountPeopleOnce(movers, {"sora", "dall-e", "codex"}, kAsOf, t);
  EXPECT_EQ(t.departures_90d(), 2);
  EXPECT_EQ(t.senior_departures_90d(), 2);
}

TEST(OrgTotals, MoveWithoutIdentityCountsEachTime) {
  // Two departures without id or name in two teams: no movers, the sums (2) stand.
  const auto movers = WindowMoversOf({Move("e1", "sora", kDeparture, Day(2026, 2, 18), "", "", kMid, 1),
                                      Move("e2", "dall-e", kDeparture, Day(2026, 2, 18), "", "  ", kMid, 2)},
                                     kAsOf, 90);
  EXPECT_TRUE(movers.empty());
  v1::OrgTotals t = Sums(0, 2, 0, 0);
  CountPeopleOnce(movers, {"sora", "dall-e"}, kAsOf, t);
  EXPECT_EQ(t.departures_90d(), 2);
}

TEST(OrgTotals, HireAndDepartureOfOnePersonAreTwoKinds) {
  // jane joined sora and left dall-e in the window: hires 1, departures 1 (nothing to remove).
  const auto movers = WindowMoversOf({Move("e1", "sora", kHire, Day(2026, 1, 5), "jane-doe", "", kMid, 1),
                                      Move("e2", "dall-e", kDeparture, Day(2026, 2, 18), "jane-doe", "", kMid, 2)},
                                     kAsOf, 90);
  v1::OrgTotals t = Sums(1, 1, 0, 0);
  CountPeopleOnce(movers, {"sora", "dall-e"}, kAsOf, t);
  EXPECT_EQ(t.hires_90d(), 1);
  EXPECT_EQ(t.departures_90d(), 1);
}

TEST(OrgTotals, SamePersonInAndOutOfTheWindowCountsPerWindow) {
  // jane left sora on 2025-11-01 (before the 90-day window of 2026-03-01, which starts 2025-12-02)
  // and dall-e on 2026-02-18: the 90-day window holds one departure (the sum, 1, stands).
  const std::vector<v1::PersonMove> moves = {
      Move("e1", "sora", kDeparture, Day(2025, 11, 1), "jane-doe", "", kMid, 1),
      Move("e2", "dall-e", kDeparture, Day(2026, 2, 18), "jane-doe", "", kMid, 2)};
  const auto movers = WindowMoversOf(moves, kAsOf, 90);
  ASSERT_EQ(movers.size(), 1u);
  EXPECT_EQ(movers[0].team(), "dall-e");
  v1::OrgTotals t = Sums(0, 1, 0, 0);
  CountPeopleOnce(movers, {"sora", "dall-e"}, kAsOf, t);
  EXPECT_EQ(t.departures_90d(), 1);
  // As of 2026-02-20 (window 2025-11-23 … 2026-02-20), still only the February one; as of
  // 2026-01-15 (window 2025-10-18 … 2026-01-15) only the November one.
  EXPECT_EQ(WindowMoversOf(moves, DayNumber(2026, 2, 20), 90).size(), 1u);
  const auto january = WindowMoversOf(moves, DayNumber(2026, 1, 15), 90);
  ASSERT_EQ(january.size(), 1u);
  EXPECT_EQ(january[0].team(), "sora");
}

TEST(OrgTotals, InactiveTeamsMoversAreNotRemoved) {
  // AddTotals skips inactive teams: dall-e is inactive, so the sum (1, sora's) has jane once.
  const auto movers = WindowMoversOf({Move("e1", "sora", kDeparture, Day(2026, 2, 18), "jane-doe", "", kMid, 1),
                                      Move("e2", "dall-e", kDeparture, Day(2026, 2, 18), "jane-doe", "", kMid, 2)},
                                     kAsOf, 90);
  v1::OrgTotals t = Sums(0, 1, 0, 0);
  CountPeopleOnce(movers, {"sora"}, kAsOf, t);
  EXPECT_EQ(t.departures_90d(), 1);
}

TEST(OrgTotals, MovementCountsOncePerWindowAtTheHighestSeniority) {
  // as_of 2026-03-01. sora: jane-doe (STAFF) left 2026-02-18, backfilled by a STAFF hire on
  // 2026-02-20; dall-e: jane-doe (SENIOR) left 2026-02-18, open. jane also left codex (MID) on
  // 2025-11-01: inside the 365-day window only.
  const std::vector<v1::PersonMove> sora = {
      Move("s1", "sora", kDeparture, Day(2026, 2, 18), "jane-doe", "Jane Doe", kStaff, 1),
      Move("s2", "sora", kHire, Day(2026, 2, 20), "max", "Max", kStaff, 2)};
  const std::vector<v1::PersonMove> dalle = {
      Move("d1", "dall-e", kDeparture, Day(2026, 2, 18), "jane-doe", "Jane Doe", kSenior, 3)};
  const std::vector<v1::PersonMove> codex = {
      Move("c1", "codex", kDeparture, Day(2025, 11, 1), "jane-doe", "Jane Doe", kMid, 4)};
  v1::TeamMovement totals = SumMovement(
      {TeamMovementOf("sora", sora, kAsOf), TeamMovementOf("dall-e", dalle, kAsOf), TeamMovementOf("codex", codex, kAsOf)});
  // The plain sums, W30 and W365: departures staff 1 + senior 1 (W365: + mid 1); senior
  // departures 2, backfilled 1, open 1.
  ASSERT_EQ(totals.windows_size(), 3);
  ASSERT_EQ(totals.windows(0).departures().total(), 2);
  ASSERT_EQ(totals.windows(2).departures().total(), 3);
  std::vector<v1::WindowMover> movers = WindowMoversOf(sora, kAsOf, 365, {"s1"});
  for (auto& m : WindowMoversOf(dalle, kAsOf, 365)) movers.push_back(m);
  for (auto& m : WindowMoversOf(codex, kAsOf, 365)) movers.push_back(m);
  CountPeopleOnce(movers, kAsOf, totals);
  for (int i : {0, 1, 2}) {  // jane once, at STAFF, backfilled (in sora), in every window
    const v1::MovementWindow& w = totals.windows(i);
    SCOPED_TRACE(w.days());
    EXPECT_EQ(w.departures().total(), 1);
    EXPECT_EQ(w.departures().staff(), 1);
    EXPECT_EQ(w.departures().senior(), 0);
    EXPECT_EQ(w.departures().mid(), 0);
    EXPECT_EQ(w.senior_departures(), 1);
    EXPECT_EQ(w.backfilled(), 1);
    EXPECT_EQ(w.open(), 0);
    EXPECT_EQ(w.hires().total(), 1);  // max, once
    EXPECT_EQ(w.hires().staff(), 1);
  }
  EXPECT_EQ(totals.backfills_size(), 2);  // the rows stay per team
}

TEST(OrgTotals, MovementOpenWhenNoFilingWasBackfilled) {
  // jane-doe (LEADERSHIP) filed under sora and dall-e on 2026-02-18, neither backfilled. Sums W30:
  // departures leadership 2, senior departures 2, open 2. Org: 1, 1, open 1.
  const std::vector<v1::PersonMove> sora = {
      Move("s1", "sora", kDeparture, Day(2026, 2, 18), "jane-doe", "", kLead, 1)};
  const std::vector<v1::PersonMove> dalle = {
      Move("d1", "dall-e", kDeparture, Day(2026, 2, 18), "jane-doe", "", kLead, 2)};
  v1::TeamMovement totals = SumMovement({TeamMovementOf("sora", sora, kAsOf), TeamMovementOf("dall-e", dalle, kAsOf)});
  std::vector<v1::WindowMover> movers = WindowMoversOf(sora, kAsOf, 365);
  for (auto& m : WindowMoversOf(dalle, kAsOf, 365)) movers.push_back(m);
  CountPeopleOnce(movers, kAsOf, totals);
  const v1::MovementWindow& w30 = totals.windows(0);
  EXPECT_EQ(w30.departures().leadership(), 1);
  EXPECT_EQ(w30.departures().total(), 1);
  EXPECT_EQ(w30.senior_departures(), 1);
  EXPECT_EQ(w30.open(), 1);
  EXPECT_EQ(w30.backfilled(), 0);
}

}  // namespace
}  // namespace talentflow::query
