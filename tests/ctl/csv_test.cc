// Golden tests of the one CSV implementation (--csv on every read): messages built by hand, the
// exact text expected, quoting as RFC 4180 says.
#include "ctl/csv.h"

#include <gtest/gtest.h>

#include "absl/time/time.h"
#include "common/base/time_util.h"

namespace talentflow::ctl {
namespace {

TEST(CsvField, QuotesOnlyWhatRfc4180Requires) {
  EXPECT_EQ(CsvField("openai"), "openai");
  EXPECT_EQ(CsvField("a b"), "a b");
  EXPECT_EQ(CsvField("to anthropic, regretted"), "\"to anthropic, regretted\"");
  EXPECT_EQ(CsvField("the \"Sora\" team"), "\"the \"\"Sora\"\" team\"");
  EXPECT_EQ(CsvField("line one\nline two"), "\"line one\nline two\"");
  EXPECT_EQ(CsvField("cr\r"), "\"cr\r\"");
  EXPECT_EQ(CsvField(""), "");
}

TEST(EventsCsv, IdsTeamsOriginDestinationAndKindWithANoteQuoted) {
  google::protobuf::RepeatedPtrField<v1::EventRecord> events;
  v1::EventRecord* r = events.Add();
  r->set_partition(5);
  r->set_offset(41);
  r->set_status(v1::EVENT_STATUS_RETRACTED);
  r->set_note("retracted by evt-9, \"wrong person\"\nsee the correction");
  v1::Event* e = r->mutable_event();
  e->set_event_id("evt-2");
  e->set_org("openai");
  e->set_team("sora");
  *e->mutable_effective_time() = ToTimestamp(absl::FromCivil(absl::CivilDay(2026, 2, 10), absl::UTCTimeZone()));
  e->set_date_precision(v1::DATE_PRECISION_DAY);
  *e->mutable_recorded_time() =
      ToTimestamp(absl::FromCivil(absl::CivilSecond(2026, 2, 11, 9, 30, 0), absl::UTCTimeZone()));
  e->set_confidence(v1::CONFIDENCE_REPORTED);
  e->mutable_person()->set_id("p-2");
  e->mutable_person()->set_name("Bill Peebles");
  e->mutable_person()->set_seniority(v1::SENIORITY_LEADERSHIP);
  e->mutable_departure()->set_destination_org("google-deepmind");
  e->mutable_departure()->set_destination_kind(v1::DESTINATION_KIND_COMPETITOR);
  auto* ev = e->add_evidence();
  ev->set_outlet("The Verge");
  ev->set_url("https://example.com/a");
  r = events.Add();
  r->set_partition(5);
  r->set_offset(43);
  r->set_status(v1::EVENT_STATUS_RETRACTION_APPLIED);
  e = r->mutable_event();
  e->set_event_id("evt-9");
  e->set_org("openai");
  e->set_team("sora");
  *e->mutable_effective_time() = ToTimestamp(absl::FromCivil(absl::CivilDay(2026, 2, 11), absl::UTCTimeZone()));
  e->mutable_retraction()->set_target_event_id("evt-2");
  r = events.Add();
  r->set_partition(5);
  r->set_offset(44);
  r->set_status(v1::EVENT_STATUS_APPLIED);
  e = r->mutable_event();
  e->set_event_id("evt-10");
  e->set_org("openai");
  e->set_team("sora");
  e->mutable_hire()->set_from_org("meta");
  EXPECT_EQ(EventsCsv(events),
            "event_id,org,team,kind,effective_date,date_precision,person_id,person_name,seniority,origin_org,"
            "destination_org,destination_kind,target_event_id,status,note,partition,offset,recorded_time,confidence,"
            "evidence\n"
            "evt-2,openai,sora,departure,2026-02-10,DATE_PRECISION_DAY,p-2,Bill Peebles,SENIORITY_LEADERSHIP,,"
            "google-deepmind,DESTINATION_KIND_COMPETITOR,,EVENT_STATUS_RETRACTED,"
            "\"retracted by evt-9, \"\"wrong person\"\"\nsee the correction\",5,41,2026-02-11T09:30:00Z,"
            "CONFIDENCE_REPORTED,The Verge <https://example.com/a>\n"
            "evt-9,openai,sora,retraction,2026-02-11,,,,,,,,evt-2,EVENT_STATUS_RETRACTION_APPLIED,,5,43,,,\n"
            "evt-10,openai,sora,hire,,,,,,meta,,,,EVENT_STATUS_APPLIED,,5,44,,,\n");
}

TEST(TeamsCsv, OneRowPerTeamWithUnknownsEmpty) {
  google::protobuf::RepeatedPtrField<v1::TeamHealth> teams;
  v1::TeamHealth* h = teams.Add();
  h->set_org("openai");
  h->set_team("reinforcement-learning-from-human-feedback");
  h->set_as_of("2026-03-01");
  h->set_active(true);
  h->set_status(v1::HEALTH_STATUS_AT_RISK);
  h->set_score(41);
  h->set_headcount_known(true);
  h->set_headcount(40);
  h->set_priority(v1::PRIORITY_LOWERED);
  auto* w = h->add_windows();
  w->set_days(90);
  w->set_departures(3);
  w->set_senior_departures(2);
  w->set_attrition_known(true);
  w->set_annualised_attrition(0.3042);
  h = teams.Add();
  h->set_org("openai");
  h->set_team("sora");
  h->set_as_of("2026-03-01");
  h->set_score(100);
  EXPECT_EQ(TeamsCsv(teams),
            "org,team,as_of,active,status,score,headcount,departures_90d,senior_departures_90d,"
            "annualised_attrition_90d_pct,priority,budget\n"
            "openai,reinforcement-learning-from-human-feedback,2026-03-01,true,at_risk,41,40,3,2,30.4,lowered,\n"
            "openai,sora,2026-03-01,false,,100,,,,,,\n");
}

TEST(FlowsCsv, OneRowPerMoverWithItsTeam) {
  v1::GetTalentFlowsResponse flows;
  v1::FlowEdge* e = flows.add_edges();
  e->set_from_org("openai");
  e->set_to_org("anthropic");
  auto* m = e->add_movers();
  m->set_id("jan");
  m->set_name("Leike, Jan");
  m->set_seniority(v1::SENIORITY_LEADERSHIP);
  m->set_team("superalignment");
  m->set_month("2024-05");
  EXPECT_EQ(FlowsCsv(flows),
            "from_org,to_org,team,month,person_id,person_name,seniority\n"
            "openai,anthropic,superalignment,2024-05,jan,\"Leike, Jan\",SENIORITY_LEADERSHIP\n");
}

TEST(TrendOrgsAndWatermarkCsv, HeaderThenRows) {
  v1::GetTeamTrendResponse trend;
  auto* p = trend.add_points();
  p->set_date("2026-02-01");
  p->set_headcount_known(true);
  p->set_headcount(12);
  p->set_hires(1);
  p->set_departures(2);
  p->set_score(70);
  p->set_status(v1::HEALTH_STATUS_WATCH);
  EXPECT_EQ(TrendCsv("openai", "sora", trend),
            "org,team,date,headcount,hires,departures,score,status\n"
            "openai,sora,2026-02-01,12,1,2,70,watch\n");
  v1::ListOrgsResponse orgs;
  auto* o = orgs.add_orgs();
  o->set_org("openai");
  o->set_teams(7);
  EXPECT_EQ(OrgsCsv(orgs), "org,teams\nopenai,7\n");
  v1::Watermark wm;
  auto* pw = wm.add_partitions();
  pw->set_partition(5);
  pw->set_applied_offset(44);
  pw->set_end_offset(-1);
  pw->set_lag(-1);
  pw = wm.add_partitions();
  pw->set_partition(11);
  pw->set_applied_offset(8);
  pw->set_end_offset(10);
  pw->set_lag(2);
  pw->set_instance("local-1");
  pw->set_standby(true);
  EXPECT_EQ(WatermarkCsv(wm),
            "partition,applied_offset,end_offset,lag,instance,standby\n"
            "5,44,,,,false\n"
            "11,8,10,2,local-1,true\n");
}

}  // namespace
}  // namespace talentflow::ctl
