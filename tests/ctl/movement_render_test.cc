// Golden tests of `movement` output (table, both CSVs) on a response built by hand.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_split.h"
#include "ctl/csv.h"
#include "ctl/tables.h"

namespace talentflow::ctl {
namespace {

// openai at 2026-03-31 with two teams: chatgpt's STAFF departure of 02-10 backfilled by a STAFF
// hire on 03-01 (19 days); sora's SENIOR departure of 02-10 open (49 days), a JUNIOR hire in March.
v1::GetTeamMovementResponse Openai() {
  v1::GetTeamMovementResponse r;
  r.set_org("openai");
  r.set_as_of("2026-03-31");
  v1::TeamMovement* chatgpt = r.add_teams();
  chatgpt->set_team("chatgpt");
  v1::TeamMovement* sora = r.add_teams();
  sora->set_team("sora");
  v1::TeamMovement& t = *r.mutable_totals();
  const std::pair<int, const char*> windows[] = {{30, "2026-03-02"}, {90, "2026-01-01"}, {365, "2025-04-01"}};
  for (const auto& [days, from] : windows) {
    v1::MovementWindow* w = t.add_windows();
    w->set_days(days);
    w->set_from(from);
    w->mutable_hires()->set_junior(1);
    w->mutable_hires()->set_total(1);
    if (days == 30) continue;
    w->mutable_hires()->set_staff(1);
    w->mutable_hires()->set_total(2);
    w->mutable_departures()->set_senior(1);
    w->mutable_departures()->set_staff(1);
    w->mutable_departures()->set_total(2);
    w->set_senior_departures(2);
    w->set_backfilled(1);
    w->set_open(1);
  }
  v1::Backfill* b = t.add_backfills();
  b->set_team("chatgpt");
  b->set_departure_event_id("c1");
  b->set_departure_day("2026-02-10");
  b->mutable_person()->set_id("p-ada");
  b->mutable_person()->set_name("Ada Quist");
  b->mutable_person()->set_seniority(v1::SENIORITY_STAFF);
  b->set_hire_event_id("c3");
  b->set_hire_day("2026-03-01");
  b->set_hire_kind(v1::MOVE_KIND_HIRE);
  b->mutable_hire_person()->set_id("p-bo");
  b->mutable_hire_person()->set_name("Bo Ree");
  b->mutable_hire_person()->set_seniority(v1::SENIORITY_STAFF);
  b->set_days(19);
  b = t.add_backfills();
  b->set_team("sora");
  b->set_departure_event_id("s1");
  b->set_departure_day("2026-02-10");
  b->mutable_person()->set_id("p-cy");
  b->mutable_person()->set_seniority(v1::SENIORITY_SENIOR);
  b->set_open(true);
  b->set_days(49);
  *chatgpt->add_backfills() = t.backfills(0);
  *sora->add_backfills() = t.backfills(1);
  return r;
}

TEST(RenderMovement, AnOrgShowsItsTotalsAndEveryTeamsBackfills) {
  EXPECT_EQ(RenderMovement(Openai(), kScreenWidth),
            "openai (2 teams) as of 2026-03-31: hires and departures by seniority\n"
            "seniority    hires30 hires90 hires365  deps30 deps90 deps365  in365 out365\n"
            "unspecified        0       0        0       0      0       0      0      0\n"
            "junior             1       1        1       0      0       0      0      0\n"
            "mid                0       0        0       0      0       0      0      0\n"
            "senior             0       0        0       0      1       1      0      0\n"
            "staff              0       1        1       0      1       1      0      0\n"
            "principal          0       0        0       0      0       0      0      0\n"
            "leadership         0       0        0       0      0       0      0      0\n"
            "total              1       2        2       0      2       2      0      0\n"
            "senior departures: 30d 0 (0 backfilled, 0 open), 90d 2 (1 backfilled, 1 open),\n"
            "  365d 2 (1 backfilled, 1 open)\n"
            "\n"
            "left        team     person     seniority  backfilled by                    days\n"
            "2026-02-10  chatgpt  Ada Quist  staff      2026-03-01 hire: Bo Ree (staff)    19\n"
            "2026-02-10  sora     p-cy       senior     open                               49\n");
}

TEST(RenderMovement, OneTeamHasNoTeamColumnAndEveryLineFitsTheScreen) {
  v1::GetTeamMovementResponse r = Openai();
  r.mutable_teams()->DeleteSubrange(1, 1);
  *r.mutable_teams(0)->mutable_windows() = r.totals().windows();
  const std::string text = RenderMovement(r, kScreenWidth);
  EXPECT_THAT(text, ::testing::StartsWith("openai/chatgpt as of 2026-03-31: hires and departures by seniority\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("\nleft        person     seniority  backfilled by"));
  EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("sora")));
  for (absl::string_view line : absl::StrSplit(text, '\n')) EXPECT_LE(line.size(), 80u) << line;
}

TEST(MovementCsv, OneRowPerTeamWindowAndKindThenTheTotals) {
  const std::string csv = MovementCsv(Openai());
  const std::vector<std::string> lines = absl::StrSplit(csv, '\n', absl::SkipEmpty());
  // The header, then 4 kinds x 3 windows for the totals (the teams here carry no windows).
  ASSERT_EQ(lines.size(), 13u);
  EXPECT_EQ(lines[0],
            "org,team,as_of,window_days,window_from,kind,unspecified,junior,mid,senior,staff,principal,leadership,total");
  EXPECT_EQ(lines[5], "openai,,2026-03-31,90,2026-01-01,hires,0,1,0,0,1,0,0,2");
  EXPECT_EQ(lines[6], "openai,,2026-03-31,90,2026-01-01,departures,0,0,0,1,1,0,0,2");
}

TEST(BackfillsCsv, OneRowPerSeniorDepartureOfEveryTeam) {
  EXPECT_EQ(BackfillsCsv(Openai()),
            "org,team,departure_event_id,departure_day,person_id,person_name,seniority,status,hire_event_id,hire_day,"
            "hire_kind,hire_person_id,hire_person_name,hire_seniority,days\n"
            "openai,chatgpt,c1,2026-02-10,p-ada,Ada Quist,SENIORITY_STAFF,backfilled,c3,2026-03-01,MOVE_KIND_HIRE,p-bo,"
            "Bo Ree,SENIORITY_STAFF,19\n"
            "openai,sora,s1,2026-02-10,p-cy,,SENIORITY_SENIOR,open,,,,,,,49\n");
}

}  // namespace
}  // namespace talentflow::ctl
