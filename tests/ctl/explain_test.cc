// The sentences that explain an empty answer (ctl/explain.h), golden.
#include "ctl/explain.h"

#include <gtest/gtest.h>

#include "absl/time/time.h"
#include "common/base/time_util.h"

namespace talentflow::ctl {
namespace {

google::protobuf::Timestamp Day(int y, int m, int d) {
  return ToTimestamp(absl::FromCivil(absl::CivilDay(y, m, d), absl::UTCTimeZone()));
}

TEST(WhyNoTeams, PointsAtTheLatestEventWhenAsOfIsPastIt) {
  EXPECT_EQ(WhyNoTeams("openai", {v1::HEALTH_STATUS_AT_RISK, v1::HEALTH_STATUS_CRITICAL}, "2026-12-04", "2026-03-01"),
            "No at_risk or critical teams in openai as of 2026-12-04; the latest event is effective 2026-03-01 "
            "(try --as-of 2026-03-01)\n");
}

TEST(WhyNoTeams, GivesNoHintWhenEventsReachAsOf) {
  // latest_event_day is capped at as_of: equal means something happened on or after it.
  EXPECT_EQ(WhyNoTeams("openai", {v1::HEALTH_STATUS_CRITICAL}, "2026-02-05", "2026-02-05"),
            "No critical teams in openai as of 2026-02-05\n");
  EXPECT_EQ(WhyNoTeams("openai", {}, "2026-02-05", ""), "No active teams in openai as of 2026-02-05\n");
}

TEST(WhyNoEvents, NamesEveryFilter) {
  v1::ListEventsRequest req;
  req.set_org("openai");
  req.set_team("sora");
  req.add_types("departure");
  req.add_types("hire");
  req.add_statuses(v1::EVENT_STATUS_APPLIED);
  req.add_statuses(v1::EVENT_STATUS_RETRACTION_PENDING);
  *req.mutable_from() = Day(2026, 4, 1);
  EXPECT_EQ(WhyNoEvents(req, "2026-03-01"),
            "No departure or hire events of openai/sora with status applied or retraction_pending from 2026-04-01; "
            "the latest event of the team is effective 2026-03-01\n");
}

TEST(WhyNoFlows, NamesTheMonthsAndTheLatestMove) {
  v1::GetTalentFlowsRequest req;
  req.set_org("openai");
  req.set_team("sora");
  req.set_direction(v1::GetTalentFlowsRequest::DIRECTION_OUTBOUND);
  *req.mutable_from() = Day(2026, 4, 1);
  *req.mutable_to() = Day(2026, 12, 4);
  EXPECT_EQ(WhyNoFlows(req, "2026-02"),
            "No moves out of openai (team sora) from 2026-04 to 2026-12; the latest was in 2026-02 (try --to "
            "2026-02-28)\n");
  req.clear_team();
  req.set_direction(v1::GetTalentFlowsRequest::DIRECTION_BOTH);
  EXPECT_EQ(WhyNoFlows(req, ""), "No moves into or out of openai from 2026-04 to 2026-12; none in any month\n");
}

TEST(WhyTrendIsFlat, OnlyWhenNoPointHasAMove) {
  v1::GetTeamTrendResponse trend;
  trend.set_latest_event_day("2026-03-01");
  trend.add_points()->set_date("2026-10-31");
  trend.add_points()->set_date("2026-11-30");
  EXPECT_EQ(WhyTrendIsFlat("openai", "sora", trend),
            "No hires or departures of openai/sora from 2026-10-31 to 2026-11-30; the latest event of the team is "
            "effective 2026-03-01 (try --to 2026-03-01)\n");
  trend.mutable_points(1)->set_departures(1);
  EXPECT_EQ(WhyTrendIsFlat("openai", "sora", trend), "");
}

}  // namespace
}  // namespace talentflow::ctl
