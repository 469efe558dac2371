// Golden tests of talentflowctl's renderers: messages built by hand, the exact text expected.
#include "ctl/tables.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/base/time_util.h"

namespace talentflow::ctl {
namespace {

using ::testing::HasSubstr;

// The widest line of `text`, in terminal columns (UTF-8 code points).
size_t MaxLineWidth(const std::string& text) {
  size_t widest = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    size_t n = 0;
    for (unsigned char c : line) n += (c & 0xC0) != 0x80;
    widest = std::max(widest, n);
  }
  return widest;
}

std::string StripAnsi(const std::string& s) { return std::regex_replace(s, std::regex("\x1b\\[[0-9;]*m"), ""); }

void SetWindow(v1::WindowStats* w, int days, int64_t hires, int64_t deps, int64_t senior, int64_t leadership,
               int64_t regretted, int64_t in, int64_t out) {
  w->set_days(days);
  w->set_hires(hires);
  w->set_departures(deps);
  w->set_senior_departures(senior);
  w->set_leadership_departures(leadership);
  w->set_regretted_departures(regretted);
  w->set_transfers_in(in);
  w->set_transfers_out(out);
  w->set_net_flow(hires - deps);
}

void SetAttrition(v1::WindowStats* w, double average_headcount, double attrition, double annualised) {
  w->set_attrition_known(true);
  w->set_average_headcount(average_headcount);
  w->set_attrition(attrition);
  w->set_annualised_attrition(annualised);
}

// A team as the list tables see it: only the 90-day window matters.
v1::TeamHealth ListedTeam(const std::string& team, std::optional<int64_t> headcount, int64_t deps90, int64_t senior90,
                          std::optional<double> annualised, v1::Priority priority, v1::BudgetStatus budget, int score,
                          v1::HealthStatus status) {
  v1::TeamHealth h;
  h.set_org("openai");
  h.set_team(team);
  h.set_as_of("2026-02-10");
  h.set_active(true);
  if (headcount) {
    h.set_headcount_known(true);
    h.set_headcount(*headcount);
  }
  SetWindow(h.add_windows(), 30, 0, 0, 0, 0, 0, 0, 0);
  v1::WindowStats* w90 = h.add_windows();
  SetWindow(w90, 90, 1, deps90, senior90, 0, 0, 0, 0);
  if (annualised) SetAttrition(w90, 12.0, *annualised * 90 / 365, *annualised);
  SetWindow(h.add_windows(), 365, 0, 0, 0, 0, 0, 0, 0);
  h.set_priority(priority);
  h.set_budget(budget);
  h.set_score(score);
  h.set_score_version(1);
  h.set_status(status);
  return h;
}

v1::TeamHealth Alignment() {
  return ListedTeam("alignment", 40, 2, 1, 0.203, v1::PRIORITY_HIGH, v1::BUDGET_STATUS_GROWING, 81,
                    v1::HEALTH_STATUS_HEALTHY);
}

v1::TeamHealth Superalignment() {
  return ListedTeam("superalignment", 12, 5, 3, 1.6667, v1::PRIORITY_LOWERED, v1::BUDGET_STATUS_FROZEN, 22,
                    v1::HEALTH_STATUS_CRITICAL);
}

v1::TeamHealth Interpretability() {
  return ListedTeam("interpretability", std::nullopt, 0, 0, std::nullopt, v1::PRIORITY_UNSPECIFIED,
                    v1::BUDGET_STATUS_UNSPECIFIED, 60, v1::HEALTH_STATUS_WATCH);
}

v1::GetOrgSnapshotResponse Snapshot() {
  v1::GetOrgSnapshotResponse s;
  s.set_org("openai");
  s.set_as_of("2026-02-10");
  *s.add_teams() = Alignment();
  v1::TeamHealth legacy = ListedTeam("legacy-team", std::nullopt, 0, 0, std::nullopt, v1::PRIORITY_UNSPECIFIED,
                                     v1::BUDGET_STATUS_UNSPECIFIED, 0, v1::HEALTH_STATUS_CRITICAL);
  legacy.set_active(false);
  legacy.set_successor("alignment");
  legacy.set_inactive_since("2026-01-20");
  *s.add_teams() = legacy;
  *s.add_teams() = Superalignment();
  v1::OrgTotals* t = s.mutable_totals();
  t->set_teams(2);
  t->set_inactive_teams(1);
  t->set_headcount(52);
  t->set_hires_90d(3);
  t->set_departures_90d(7);
  t->set_senior_departures_90d(4);
  t->set_leadership_departures_90d(1);
  (*t->mutable_status_counts())["healthy"] = 1;
  (*t->mutable_status_counts())["critical"] = 1;
  v1::PartitionWatermark* p = s.mutable_watermark()->add_partitions();
  p->set_partition(0);
  p->set_applied_offset(1234);
  p->set_end_offset(-1);
  p->set_lag(-1);
  *s.mutable_watermark()->mutable_last_applied_time() = ToTimestamp(absl::FromUnixSeconds(1770724803));
  return s;
}

v1::TeamHealth DetailedTeam() {
  v1::TeamHealth h;
  h.set_org("openai");
  h.set_team("superalignment");
  h.set_display_name("Superalignment");
  h.set_as_of("2026-02-10");
  h.set_headcount_known(true);
  h.set_headcount(12);
  h.set_headcount_reported_on("2025-11-01");
  h.set_priority(v1::PRIORITY_LOWERED);
  h.set_priority_since("2025-12-01");
  h.set_budget(v1::BUDGET_STATUS_FROZEN);
  h.set_budget_since("2026-01-05");
  h.set_compute_share_moved_out(0.35);
  h.set_retention_actions(2);
  h.set_active(true);
  v1::WindowStats* w30 = h.add_windows();
  SetWindow(w30, 30, 1, 2, 1, 0, 1, 0, 1);
  SetAttrition(w30, 12.5, 0.16, 0.16 * 365 / 30);
  v1::WindowStats* w90 = h.add_windows();
  SetWindow(w90, 90, 2, 5, 3, 1, 2, 1, 1);
  SetAttrition(w90, 13.0, 0.411, 1.6667);
  SetWindow(h.add_windows(), 365, 8, 9, 4, 1, 3, 2, 3);
  h.set_score(22);
  h.set_score_version(1);
  h.set_status(v1::HEALTH_STATUS_CRITICAL);
  h.add_reasons("priority lowered since 2025-12-01");
  h.add_reasons(
      "headcount estimate is 4 months old and fewer than 10 people were reported, so the score is low-confidence");
  auto* d = h.add_top_destinations();
  d->set_org("anthropic");
  d->set_people(3);
  d = h.add_top_destinations();
  d->set_org("deepmind");
  d->set_people(1);
  h.set_events(42);
  h.set_duplicates(2);
  h.set_retracted(1);
  h.set_last_event_day("2026-02-09");
  return h;
}

TEST(RenderTeamList, AlignsColumnsAndMarksUnknowns) {
  google::protobuf::RepeatedPtrField<v1::TeamHealth> teams;
  *teams.Add() = Alignment();
  *teams.Add() = Superalignment();
  *teams.Add() = Interpretability();
  const std::string expected =
      "team              heads dep90 sen90 attr%  priority  budget  score  status\n"
      "alignment            40     2     1  20.3  high      growing    81  healthy\n"
      "superalignment       12     5     3 166.7  lowered   frozen     22  critical\n"
      "interpretability      -     0     0     -  -         -          60  watch\n";
  const std::string rendered = RenderTeamList(teams, /*color=*/false);
  EXPECT_EQ(rendered, expected);
  EXPECT_LE(MaxLineWidth(rendered), 80u);
}

TEST(RenderTeamList, ATeamWithNothingToScoreShowsNoScoreAndUnknown) {
  google::protobuf::RepeatedPtrField<v1::TeamHealth> teams;
  v1::TeamHealth h;
  h.set_team("codex-legacy");
  h.set_active(true);
  h.add_windows()->set_days(30);
  h.add_windows()->set_days(90);
  h.set_status(v1::HEALTH_STATUS_UNKNOWN);
  *teams.Add() = h;
  const std::string expected =
      // budget is as wide as its header when every value is "-"; score shows "-" like a missing headcount.
      "team          heads dep90 sen90 attr%  priority  budget score  status\n"
      "codex-legacy      -     0     0     -  -         -          -  unknown\n";
  EXPECT_EQ(RenderTeamList(teams, false), expected);
}

TEST(RenderTeamList, CutsALongTeamNameToFitEightyColumns) {
  google::protobuf::RepeatedPtrField<v1::TeamHealth> teams;
  *teams.Add() = ListedTeam("reinforcement-learning-from-human-feedback", 40, 2, 1, 0.203, v1::PRIORITY_MAINTENANCE,
                            v1::BUDGET_STATUS_GROWING, 81, v1::HEALTH_STATUS_HEALTHY);
  const std::string expected =
      "team                heads dep90 sen90 attr%  priority     budget  score  status\n"
      "reinforcement-lea…     40     2     1  20.3  maintenance  growing    81  healthy\n";
  const std::string rendered = RenderTeamList(teams, false);
  EXPECT_EQ(rendered, expected);
  EXPECT_LE(MaxLineWidth(rendered), 80u);
}

TEST(RenderTeamList, ColourWrapsOnlyTheStatusAndKeepsTheAlignment) {
  google::protobuf::RepeatedPtrField<v1::TeamHealth> teams;
  *teams.Add() = Alignment();
  *teams.Add() = Superalignment();
  const std::string coloured = RenderTeamList(teams, /*color=*/true);
  EXPECT_THAT(coloured, HasSubstr("\x1b[32mhealthy\x1b[0m"));
  EXPECT_THAT(coloured, HasSubstr("\x1b[1;31mcritical\x1b[0m"));
  EXPECT_EQ(StripAnsi(coloured), RenderTeamList(teams, false));
  EXPECT_EQ(RenderTeamList(teams, false).find('\x1b'), std::string::npos);
}

TEST(RenderTeamList, SaysSoWhenThereAreNoTeams) {
  EXPECT_EQ(RenderTeamList({}, false), "no teams\n");
}

TEST(RenderOrgSnapshot, TableWithTotalsRowThenOrgTotals) {
  const std::string expected =
      "openai as of 2026-02-10\n"
      "team            heads dep90 sen90 attr%  priority  budget  score  status\n"
      "alignment          40     2     1  20.3  high      growing    81  healthy\n"
      "legacy-team         -     0     0     -  -         -           0  inactive\n"
      "superalignment     12     5     3 166.7  lowered   frozen     22  critical\n"
      "total              52     7     4\n"
      "teams: 2 active, 1 inactive, 0 without headcount\n"
      "90d: 3 hires, 7 departures (4 senior, 1 leadership)\n"
      "status: 1 healthy, 0 watch, 0 at_risk, 1 critical, 0 unknown\n";
  const std::string rendered = RenderOrgSnapshot(Snapshot(), false);
  EXPECT_EQ(rendered, expected);
  EXPECT_LE(MaxLineWidth(rendered), 80u);
  EXPECT_EQ(StripAnsi(RenderOrgSnapshot(Snapshot(), true)), expected);
}

TEST(RenderOrgSnapshot, ReportsTeamsWithoutHeadcount) {
  v1::GetOrgSnapshotResponse s = Snapshot();
  s.mutable_totals()->set_teams_without_headcount(17);
  s.mutable_totals()->set_hires_90d(1);
  s.mutable_teams(0)->mutable_windows(1)->set_hires(0);  // the rows add up to the 1 hire (no repeat)
  const std::string rendered = RenderOrgSnapshot(s, false);
  EXPECT_THAT(rendered, HasSubstr("\nteams: 2 active, 1 inactive, 17 without headcount\n"
                                  "90d: 1 hire, 7 departures (4 senior, 1 leadership)\n"));
  EXPECT_LE(MaxLineWidth(rendered), 80u);
}

TEST(RenderOrgSnapshot, SaysWhenAPersonFiledUnderSeveralTeamsCountsOnce) {
  // The active rows add up to 2 hires (1 + 1) and 7 departures (2 + 5): 9 filings; the totals count
  // 2 hires and 6 departures (one person's departure filed under both teams): 1 filing left out.
  v1::GetOrgSnapshotResponse s = Snapshot();
  s.mutable_totals()->set_hires_90d(2);
  s.mutable_totals()->set_departures_90d(6);
  const std::string rendered = RenderOrgSnapshot(s, false);
  EXPECT_THAT(rendered, HasSubstr("\n90d: 2 hires, 6 departures (4 senior, 1 leadership); one person filed under\n"
                                  "  several teams counts once (1 filing left out)\n"));
  EXPECT_LE(MaxLineWidth(rendered), 80u);
}

TEST(RenderTeamHealth, ShowsEveryFieldAndTheWindowsSideBySide) {
  const std::string expected =
      "openai/superalignment \"Superalignment\" as of 2026-02-10\n"
      "status    critical, score 22 (v1)\n"
      "headcount 12 (reported 2025-11-01)\n"
      "priority  lowered since 2025-12-01\n"
      "budget    frozen since 2026-01-05\n"
      "compute   35% moved out\n"
      "retention 2 actions\n"
      "active    yes\n"
      "events    42 (2 duplicates, 1 retracted), last on 2026-02-09\n"
      "\n"
      "                 30d    90d  365d\n"
      "hires              1      2     8\n"
      "departures         2      5     9\n"
      "  senior           1      3     4\n"
      "  leadership       0      1     1\n"
      "  regretted        1      2     3\n"
      "transfers in       0      1     2\n"
      "transfers out      1      1     3\n"
      "net flow          -1     -3    -1\n"
      "avg headcount   12.5   13.0     -\n"
      "attrition %     16.0   41.1     -\n"
      "annualised %   194.7  166.7     -\n"
      "\n"
      "reasons\n"
      "  - priority lowered since 2025-12-01\n"
      "  - headcount estimate is 4 months old and fewer than 10 people were reported,\n"
      "    so the score is low-confidence\n"
      "\n"
      "top destinations (365d): anthropic 3, deepmind 1\n";
  const std::string rendered = RenderTeamHealth(DetailedTeam(), false);
  EXPECT_EQ(rendered, expected);
  EXPECT_LE(MaxLineWidth(rendered), 80u);
  EXPECT_THAT(RenderTeamHealth(DetailedTeam(), true), HasSubstr("status    \x1b[1;31mcritical\x1b[0m, score 22"));
}

TEST(RenderTeamHealth, InactiveTeamWithNothingKnown) {
  v1::TeamHealth h;
  h.set_org("openai");
  h.set_team("legacy-team");
  h.set_display_name("legacy-team");
  h.set_as_of("2026-02-10");
  h.set_active(false);
  h.set_successor("alignment");
  h.set_inactive_since("2026-01-20");
  h.set_score_version(1);
  h.set_status(v1::HEALTH_STATUS_CRITICAL);
  h.set_low_confidence(true);
  h.set_events(3);
  const std::string expected =
      "openai/legacy-team as of 2026-02-10\n"
      "status    inactive, score 0 (v1), low confidence\n"
      "headcount unknown\n"
      "priority  not reported\n"
      "budget    not reported\n"
      "compute   none moved out\n"
      "retention no actions\n"
      "active    no: merged into alignment since 2026-01-20\n"
      "events    3 (0 duplicates, 0 retracted)\n";
  EXPECT_EQ(RenderTeamHealth(h, true), expected);  // an inactive team's status is not coloured
}

TEST(RenderTeamHealth, ControlCharactersFromScrapedDataDoNotReachTheTerminal) {
  v1::TeamHealth h = DetailedTeam();
  h.set_display_name("Super\x1b[2Jalignment\nteam");
  h.set_reasons(0, "line\rbreak");
  const std::string rendered = RenderTeamHealth(h, false);
  EXPECT_EQ(rendered.find('\x1b'), std::string::npos);
  EXPECT_EQ(rendered.find('\r'), std::string::npos);
  EXPECT_THAT(rendered, HasSubstr("\"Super [2Jalignment team\""));
}

TEST(RenderWatermark, PartitionsWithUnknownEndsAndTheNewestRecord) {
  v1::Watermark wm;
  auto add = [&](int32_t p, int64_t applied, int64_t end, int64_t lag) {
    v1::PartitionWatermark* pw = wm.add_partitions();
    pw->set_partition(p);
    pw->set_applied_offset(applied);
    pw->set_end_offset(end);
    pw->set_lag(lag);
  };
  add(0, 1234, 1240, 6);
  add(1, 555, -1, -1);
  *wm.mutable_last_applied_time() = ToTimestamp(absl::FromUnixSeconds(1770724803));  // 2026-02-10T12:00:03Z
  const std::string expected =
      "partition  applied   end  lag\n"
      "        0     1234  1240    6\n"
      "        1      555     -    -\n"
      "    total                   -\n"
      "last applied record: 2026-02-10T12:00:03Z\n";
  EXPECT_EQ(RenderWatermark(wm), expected);

  wm.mutable_partitions(1)->set_end_offset(560);
  wm.mutable_partitions(1)->set_lag(5);
  EXPECT_THAT(RenderWatermark(wm), HasSubstr("    total                  11\n"));
  EXPECT_EQ(RenderWatermark(v1::Watermark()), "no partition applied yet\n");
}

TEST(RenderTrend, OneRowPerPoint) {
  v1::GetTeamTrendResponse trend;
  v1::TrendPoint* p = trend.add_points();
  p->set_date("2026-01-31");
  p->set_headcount_known(true);
  p->set_headcount(24);
  p->set_hires(1);
  p->set_score(61);
  p->set_status(v1::HEALTH_STATUS_WATCH);
  p = trend.add_points();
  p->set_date("2026-02-28");
  p->set_departures(2);
  p->set_score(48);
  p->set_status(v1::HEALTH_STATUS_AT_RISK);
  EXPECT_EQ(RenderTrend(trend, false),
            "date        heads  hires  departures  score  status\n"
            "2026-01-31     24      1           0     61  watch\n"
            "2026-02-28      -      0           2     48  at_risk\n");
}

// Four events of openai/superalignment, offsets 17 to 20 (ids evt-0017 to evt-0020).
google::protobuf::RepeatedPtrField<v1::EventRecord> FourEvents() {
  google::protobuf::RepeatedPtrField<v1::EventRecord> events;
  auto add = [&](int64_t offset, absl::Time when, v1::DatePrecision precision, v1::EventStatus status) {
    v1::EventRecord* e = events.Add();
    e->set_offset(offset);
    e->set_partition(3);
    e->mutable_event()->set_event_id(absl::StrCat("evt-00", offset));
    e->mutable_event()->set_org("openai");
    e->mutable_event()->set_team("superalignment");
    e->set_status(status);
    *e->mutable_event()->mutable_effective_time() = ToTimestamp(when);
    e->mutable_event()->set_date_precision(precision);
    return e;
  };
  auto utc = [](int y, int m, int d) { return absl::FromCivil(absl::CivilDay(y, m, d), absl::UTCTimeZone()); };
  v1::EventRecord* e = add(17, utc(2025, 11, 3), v1::DATE_PRECISION_DAY, v1::EVENT_STATUS_APPLIED);
  e->mutable_event()->mutable_person()->set_name("Ada Lovelace");
  e->mutable_event()->mutable_hire()->set_from_org("google-deepmind");
  e = add(18, utc(2026, 1, 15), v1::DATE_PRECISION_MONTH, v1::EVENT_STATUS_RETRACTED);
  e->mutable_event()->mutable_person()->set_id("alan");
  e->mutable_event()->mutable_person()->set_name("Alan Turing");
  e->mutable_event()->mutable_departure()->set_destination_org("anthropic");
  e->mutable_event()->mutable_departure()->set_destination_kind(v1::DESTINATION_KIND_COMPETITOR);
  e->mutable_event()->mutable_departure()->set_regretted(true);
  e->set_note("retracted by evt-0099: wrong person");
  e = add(19, utc(2026, 1, 20), v1::DATE_PRECISION_DAY, v1::EVENT_STATUS_RETRACTION_APPLIED);
  e->mutable_event()->mutable_retraction()->set_target_event_id("evt-0018");
  e = add(20, utc(2026, 2, 1), v1::DATE_PRECISION_QUARTER, v1::EVENT_STATUS_DUPLICATE);
  e->mutable_event()->mutable_reprioritisation()->set_priority(v1::PRIORITY_LOWERED);
  return events;
}

TEST(RenderEvents, WrapsTheNoteToFitAndShowsIdsAndDatesAtTheirPrecision) {
  const std::string expected =
      "id        date        type        person        status     note\n"
      "evt-0017  2025-11-03  hire        Ada Lovelace  applied    from google-deepmind\n"
      "evt-0018  2026-01     departure   Alan Turing   retracted  to anthropic,\n"
      "                                                           regretted; retracted\n"
      "                                                           by evt-0099: wrong\n"
      "                                                           person\n"
      "evt-0019  2026-01-20  retraction  -             applied    retracts evt-0018\n"
      "evt-0020  2026-Q1     priority    -             duplicate  priority lowered\n";
  const std::string rendered = RenderEvents(FourEvents());
  EXPECT_EQ(rendered, expected);
  EXPECT_LE(MaxLineWidth(rendered), 80u);
}

TEST(RenderEvents, UnlimitedWidthKeepsEachEventOnOneLine) {
  // What grep sees when stdout is not a terminal: the destination on the row of its id.
  const std::string expected =
      "id        date        type        person        status     note\n"
      "evt-0017  2025-11-03  hire        Ada Lovelace  applied    from google-deepmind\n"
      "evt-0018  2026-01     departure   Alan Turing   retracted  to anthropic, regretted; retracted by evt-0099: wrong person\n"
      "evt-0019  2026-01-20  retraction  -             applied    retracts evt-0018\n"
      "evt-0020  2026-Q1     priority    -             duplicate  priority lowered\n";
  EXPECT_EQ(RenderEvents(FourEvents(), kUnlimited), expected);
}

TEST(RenderEvents, AStoryToldByTwoOutletsNamesThemAndItsDuplicateTheStoryItJoined) {
  google::protobuf::RepeatedPtrField<v1::EventRecord> events;
  v1::EventRecord* applied = events.Add();
  applied->mutable_event()->set_event_id("evt-1");
  *applied->mutable_event()->mutable_effective_time() = ToTimestamp(absl::FromUnixSeconds(1771372800));  // 2026-02-18
  applied->mutable_event()->mutable_person()->set_name("Jane Doe");
  applied->mutable_event()->mutable_departure()->set_destination_org("periodic-labs");
  applied->set_status(v1::EVENT_STATUS_APPLIED);
  applied->add_outlets("The Information");
  applied->add_outlets("Bloomberg");
  v1::EventRecord* dup = events.Add();
  *dup = *applied;
  dup->mutable_event()->set_event_id("evt-2");
  dup->mutable_event()->mutable_person()->set_id("jane-doe");
  dup->set_status(v1::EVENT_STATUS_DUPLICATE);
  dup->set_duplicate_of("evt-1");
  dup->set_note("duplicate of evt-1: same departure of jane-doe on 2026-02-18");
  const std::string expected =
      "id     date        type       person    status     note\n"
      "evt-1  2026-02-18  departure  Jane Doe  applied    to periodic-labs; outlets: The Information, Bloomberg\n"
      "evt-2  2026-02-18  departure  Jane Doe  duplicate  to periodic-labs; duplicate of evt-1: same departure of "
      "jane-doe on 2026-02-18; outlets: The Information, Bloomberg\n";
  EXPECT_EQ(RenderEvents(events, kUnlimited), expected);
}

TEST(RenderEvents, ALongIdIsNeverCut) {
  google::protobuf::RepeatedPtrField<v1::EventRecord> events = FourEvents();
  events.Mutable(1)->mutable_event()->set_event_id("0b6f2f0e-4c59-4f7e-9a51-3c1d2b8e7a10");
  const std::string rendered = RenderEvents(events, 60);
  EXPECT_THAT(rendered, HasSubstr("\n0b6f2f0e-4c59-4f7e-9a51-3c1d2b8e7a10  2026-01     departure"));
}

// Two edges of openai's flows, one with a mover twice.
v1::GetTalentFlowsResponse TwoEdges() {
  v1::GetTalentFlowsResponse flows;
  v1::FlowEdge* e = flows.add_edges();
  e->set_from_org("openai");
  e->set_to_org("anthropic");
  e->set_people(3);
  auto mover = [](v1::FlowEdge* edge, const std::string& id, const std::string& name, const std::string& month) {
    auto* m = edge->add_movers();
    m->set_id(id);
    m->set_name(name);
    m->set_month(month);
  };
  mover(e, "jan", "Jan Leike", "2024-05");
  mover(e, "jan", "Jan Leike", "2024-06");  // the same person twice: shown once
  mover(e, "john", "John Schulman", "2024-08");
  mover(e, "ilya", "Ilya Example", "2024-09");
  e = flows.add_edges();
  e->set_from_org("google-deepmind");
  e->set_to_org("openai");
  e->set_people(1);
  mover(e, "ada", "Ada Lovelace", "2025-11");
  return flows;
}

TEST(RenderFlows, ListsEachMoverOnceAndCutsToFit) {
  const v1::GetTalentFlowsResponse flows = TwoEdges();
  const std::string expected =
      "from             to         people  movers\n"
      "openai           anthropic       3  Jan Leike (2024-05), John Schulman (2024-08…\n"
      "google-deepmind  openai          1  Ada Lovelace (2025-11)\n";
  const std::string rendered = RenderFlows(flows);
  EXPECT_EQ(rendered, expected);
  EXPECT_LE(MaxLineWidth(rendered), 80u);
}

TEST(RenderFlows, ColumnsSixtyCutsTheMoversToFit) {
  const std::string expected =
      "from             to         people  movers\n"
      "openai           anthropic       3  Jan Leike (2024-05), Jo…\n"
      "google-deepmind  openai          1  Ada Lovelace (2025-11)\n";
  EXPECT_EQ(RenderFlows(TwoEdges(), TableWidth(/*tty=*/true, /*wide=*/false, "60", 120)), expected);
}

TEST(RenderFlows, UnlimitedWidthListsEveryMover) {
  const std::string expected =
      "from             to         people  movers\n"
      "openai           anthropic       3  Jan Leike (2024-05), John Schulman (2024-08), Ilya Example (2024-09)\n"
      "google-deepmind  openai          1  Ada Lovelace (2025-11)\n";
  EXPECT_EQ(RenderFlows(TwoEdges(), kUnlimited), expected);
}

TEST(RenderTeamList, UnlimitedWidthShowsALongTeamNameInFull) {
  google::protobuf::RepeatedPtrField<v1::TeamHealth> teams;
  *teams.Add() = ListedTeam("reinforcement-learning-from-human-feedback", 40, 2, 1, 0.203, v1::PRIORITY_MAINTENANCE,
                            v1::BUDGET_STATUS_GROWING, 81, v1::HEALTH_STATUS_HEALTHY);
  const std::string expected =
      "team                                        heads dep90 sen90 attr%  priority     budget  score  status\n"
      "reinforcement-learning-from-human-feedback     40     2     1  20.3  maintenance  growing    81  healthy\n";
  EXPECT_EQ(RenderTeamList(teams, false, kUnlimited), expected);
}

TEST(TableWidth, FullValuesOffATerminalElseColumnsElseTheTerminalElseEighty) {
  EXPECT_EQ(TableWidth(/*tty=*/false, /*wide=*/false, "60", 120), kUnlimited);
  EXPECT_EQ(TableWidth(true, /*wide=*/true, "60", 120), kUnlimited);
  EXPECT_EQ(TableWidth(true, false, "60", 120), 60);
  EXPECT_EQ(TableWidth(true, false, nullptr, 120), 120);
  EXPECT_EQ(TableWidth(true, false, "wide", 120), 120);  // not a number: ignored
  EXPECT_EQ(TableWidth(true, false, "0", 0), 80);
}

TEST(RenderOrgs, OneRowPerOrgOrSaysThereAreNone) {
  v1::ListOrgsResponse orgs;
  auto* o = orgs.add_orgs();
  o->set_org("anthropic");
  o->set_teams(2);
  o = orgs.add_orgs();
  o->set_org("openai");
  o->set_teams(12);
  EXPECT_EQ(RenderOrgs(orgs),
            "org        teams\n"
            "anthropic      2\n"
            "openai        12\n");
  EXPECT_EQ(RenderOrgs(v1::ListOrgsResponse()), "no orgs: the views hold no events yet\n");
}

TEST(RenderWatch, TitleThenTheLatestHealthByTeam) {
  std::map<std::string, v1::TeamHealth> latest;
  latest["superalignment"] = Superalignment();
  latest["alignment"] = Alignment();
  v1::Watermark wm;
  *wm.mutable_last_applied_time() = ToTimestamp(absl::FromUnixSeconds(1770724803));
  EXPECT_EQ(RenderWatch("openai", latest, wm, false),
            "openai as of 2026-02-10, views at 2026-02-10T12:00:03Z\n"
            "team            heads dep90 sen90 attr%  priority  budget  score  status\n"
            "alignment          40     2     1  20.3  high      growing    81  healthy\n"
            "superalignment     12     5     3 166.7  lowered   frozen     22  critical\n");
}

TEST(RenderJson, OneLineOfCamelCaseJsonThatParsesBackToTheSameMessage) {
  const v1::GetOrgSnapshotResponse snapshot = Snapshot();
  absl::StatusOr<std::string> json = RenderJson(snapshot);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(json->find('\n'), json->size() - 1);
  EXPECT_THAT(*json, HasSubstr("\"asOf\":\"2026-02-10\""));
  EXPECT_THAT(*json, HasSubstr("\"teamsWithoutHeadcount\":\"0\""));  // defaults are printed
  EXPECT_THAT(*json, HasSubstr("\"status\":\"HEALTH_STATUS_CRITICAL\""));

  v1::GetOrgSnapshotResponse parsed;
  auto status = google::protobuf::util::JsonStringToMessage(*json, &parsed);
  ASSERT_TRUE(status.ok()) << status.message().as_string();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(parsed, snapshot))
      << parsed.DebugString() << "\nvs\n"
      << snapshot.DebugString();
}

TEST(RenderJson, RoundTripsTeamHealthAndWatermark) {
  v1::GetTeamHealthResponse resp;
  *resp.mutable_health() = DetailedTeam();
  *resp.mutable_watermark() = Snapshot().watermark();
  absl::StatusOr<std::string> json = RenderJson(resp);
  ASSERT_TRUE(json.ok()) << json.status();
  v1::GetTeamHealthResponse parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(*json, &parsed).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(parsed, resp));
}

}  // namespace
}  // namespace talentflow::ctl
