// Golden tests of `person` and `people` output (tables, CSV, the empty answer), on responses built
// by hand.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_split.h"
#include "common/base/time_util.h"
#include "ctl/csv.h"
#include "ctl/explain.h"
#include "ctl/tables.h"
#include "tests/common/event_builders.h"

namespace talentflow::ctl {
namespace {

using ::talentflow::testing::Day;

// Lena Ortiz left openai/sora for google-deepmind on 2026-01-09 and joined its gemini team in
// February 2026 (month precision), confirmed by two outlets.
v1::GetPersonResponse Lena() {
  v1::GetPersonResponse r;
  r.set_person_id("p-lena-ortiz");
  r.mutable_person()->set_id("p-lena-ortiz");
  r.mutable_person()->set_name("Lena Ortiz");
  r.mutable_person()->set_title("Head of Video Research");
  r.mutable_person()->set_seniority(v1::SENIORITY_LEADERSHIP);
  v1::PersonMove* out = r.add_moves();
  out->set_event_id("evt-0033");
  out->set_org("openai");
  out->set_team("sora");
  out->set_kind(v1::MOVE_KIND_DEPARTURE);
  *out->mutable_effective_time() = ToTimestamp(Day(2026, 1, 9));
  out->set_date_precision(v1::DATE_PRECISION_DAY);
  out->set_from_org("openai");
  out->set_from_team("sora");
  out->set_to_org("google-deepmind");
  *out->mutable_person() = r.person();
  out->set_confidence(v1::CONFIDENCE_REPORTED);
  out->add_outlets("Bloomberg");
  out->set_status(v1::EVENT_STATUS_APPLIED);
  out->set_counterpart_event_id("evt-9");
  out->add_counterpart_outlets("DeepMind blog");
  out->add_counterpart_outlets("LinkedIn");
  out->set_corroborated(true);
  out->add_corroborated_by("counterpart evt-9");
  v1::PersonMove* in = r.add_moves();
  in->set_event_id("evt-9");
  in->set_org("google-deepmind");
  in->set_team("gemini");
  in->set_kind(v1::MOVE_KIND_HIRE);
  *in->mutable_effective_time() = ToTimestamp(Day(2026, 2, 2));
  in->set_date_precision(v1::DATE_PRECISION_MONTH);
  in->set_from_org("openai");
  in->set_to_org("google-deepmind");
  in->set_to_team("gemini");
  *in->mutable_person() = r.person();
  in->set_confidence(v1::CONFIDENCE_CONFIRMED);
  in->add_outlets("DeepMind blog");
  in->add_outlets("LinkedIn");
  in->set_status(v1::EVENT_STATUS_APPLIED);
  in->set_counterpart_event_id("evt-0033");
  in->add_counterpart_outlets("Bloomberg");
  in->set_corroborated(true);
  in->add_corroborated_by("2 outlets");
  in->add_corroborated_by("confirmed");
  in->add_corroborated_by("counterpart evt-0033");
  v1::MoveCounterpart* c = r.add_counterparts();
  c->set_out_event_id("evt-0033");
  c->set_in_event_id("evt-9");
  c->set_days_apart(24);
  return r;
}

TEST(RenderPerson, OneRowPerMoveThenTheCounterparts) {
  const std::string expected =
      "Lena Ortiz (p-lena-ortiz), Head of Video Research, leadership\n"
      "date        org/team                move                          evidence                            status"
      "                                                              id\n"
      "2026-01-09  openai/sora             departure to google-deepmind  reported: Bloomberg                 applied, "
      "corroborated (counterpart evt-9)                           evt-0033\n"
      "2026-02     google-deepmind/gemini  hire from openai              confirmed: DeepMind blog, LinkedIn  applied, "
      "corroborated (2 outlets, confirmed, counterpart evt-0033)  evt-9\n"
      "counterpart: evt-0033 -> evt-9 (24 days apart)\n";
  EXPECT_EQ(RenderPerson(Lena(), kUnlimited), expected);
  const std::string fitted = RenderPerson(Lena(), 80);
  for (absl::string_view line : absl::StrSplit(fitted, '\n')) {
    size_t columns = 0;  // one per UTF-8 code point ("…" marks a cut)
    for (unsigned char c : line) columns += (c & 0xC0) != 0x80;
    EXPECT_LE(columns, 80u) << line;
  }
  EXPECT_THAT(fitted, ::testing::HasSubstr("evt-0033"));
}

TEST(RenderPeople, APersonIsNamedOnTheirFirstRowOnly) {
  v1::ListPeopleResponse people;
  v1::PersonRow* lena = people.add_people();
  lena->set_person_id("p-lena-ortiz");
  lena->set_name("Lena Ortiz");
  *lena->add_moves() = Lena().moves(0);
  v1::PersonRow* jamie = people.add_people();  // reported without an id: keyed by the name
  jamie->set_name("Jamie Cho");
  for (int i = 0; i < 2; ++i) {
    v1::PersonMove* m = jamie->add_moves();
    m->set_event_id(i == 0 ? "evt-0062" : "evt-0099");
    m->set_org("openai");
    m->set_team("sora");
    m->set_kind(v1::MOVE_KIND_DEPARTURE);
    *m->mutable_effective_time() = ToTimestamp(Day(2026, 3, 1 + i));
    m->set_status(i == 0 ? v1::EVENT_STATUS_APPLIED : v1::EVENT_STATUS_DUPLICATE);
    m->set_corroborated(i == 0);
    if (i == 0) m->add_corroborated_by("confirmed");
  }
  const std::string expected =
      "person                     date        team  move                          status                          "
      "           id\n"
      "Lena Ortiz (p-lena-ortiz)  2026-01-09  sora  departure to google-deepmind  applied, corroborated (counterpart "
      "evt-9)  evt-0033\n"
      "Jamie Cho                  2026-03-01  sora  departure                     applied, corroborated (confirmed)   "
      "       evt-0062\n"
      "                           2026-03-02  sora  departure                     duplicate                           "
      "       evt-0099\n";
  EXPECT_EQ(RenderPeople(people, kUnlimited), expected);
  for (absl::string_view line : absl::StrSplit(RenderPeople(people, 80), '\n')) {
    size_t columns = 0;  // one per UTF-8 code point ("…" marks a cut)
    for (unsigned char c : line) columns += (c & 0xC0) != 0x80;
    EXPECT_LE(columns, 80u) << line;
  }
}

TEST(MovesCsv, OneRowPerMoveWithTheStoryAndCounterpartOutlets) {
  const v1::GetPersonResponse lena = Lena();
  EXPECT_EQ(MovesCsv({&lena.moves(1)}),
            "person_id,person_name,org,team,kind,effective_date,date_precision,from_org,from_team,to_org,to_team,"
            "confidence,outlets,status,corroborated,corroborated_by,counterpart_event_id,counterpart_outlets,event_id,"
            "note\n"
            "p-lena-ortiz,Lena Ortiz,google-deepmind,gemini,hire,2026-02-02,DATE_PRECISION_MONTH,openai,,"
            "google-deepmind,gemini,CONFIDENCE_CONFIRMED,DeepMind blog | LinkedIn,EVENT_STATUS_APPLIED,true,"
            "2 outlets; confirmed; counterpart evt-0033,evt-0033,Bloomberg,evt-9,\n");
}

TEST(WhyNoPeople, NamesTheRangeAndTheLatestMoveOrThatThereIsNone) {
  v1::ListPeopleRequest req;
  req.set_org("openai");
  *req.mutable_from() = ToTimestamp(Day(2025, 1, 1));
  *req.mutable_to() = ToTimestamp(Day(2025, 3, 31));
  EXPECT_EQ(WhyNoPeople(req, "2026-03-27"),
            "No one moved into or out of openai from 2025-01-01 to 2025-03-31; the latest move is effective 2026-03-27 "
            "(try --from 2026-03-27)\n");
  req.set_org("opnai");
  EXPECT_EQ(WhyNoPeople(req, ""),
            "No one moved into or out of opnai from 2025-01-01 to 2025-03-31; no move is filed under it\n");
}

}  // namespace
}  // namespace talentflow::ctl
