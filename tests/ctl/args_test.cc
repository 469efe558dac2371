#include "ctl/args.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/time/time.h"
#include "common/base/time_util.h"

namespace talentflow::ctl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

absl::Time Utc(int y, int m, int d, int hh = 0, int mm = 0, int ss = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), absl::UTCTimeZone());
}

TEST(ParseTeamRef, SplitsOrgAndTeam) {
  absl::StatusOr<TeamRef> ref = ParseTeamRef("openai/superalignment");
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->org, "openai");
  EXPECT_EQ(ref->team, "superalignment");
}

TEST(ParseTeamRef, RejectsAnythingButTwoNames) {
  EXPECT_THAT(ParseTeamRef("openai").status().message(), HasSubstr("expected ORG/TEAM"));
  EXPECT_THAT(ParseTeamRef("openai/a/b").status().message(), HasSubstr("expected ORG/TEAM"));
  EXPECT_EQ(ParseTeamRef("openai/").status().message(), "team: empty name");
  EXPECT_EQ(ParseTeamRef(" /sora").status().message(), "org: empty name");
}

TEST(ParseTeamRef, TakesNamesTheServerResolves) {
  absl::StatusOr<TeamRef> ref = ParseTeamRef("OpenAI/Sora");
  ASSERT_TRUE(ref.ok()) << ref.status();
  EXPECT_EQ(ref->org, "OpenAI");
  EXPECT_EQ(ref->team, "Sora");
  ref = ParseTeamRef(" Open AI / Core LLM ");
  ASSERT_TRUE(ref.ok()) << ref.status();
  EXPECT_EQ(ref->org, "Open AI");
  EXPECT_EQ(ref->team, "Core LLM");
}

TEST(ParseOrg, TakesSlugsAndNames) {
  EXPECT_EQ(ParseOrg("google-deepmind").value(), "google-deepmind");
  EXPECT_EQ(ParseOrg(" Google DeepMind ").value(), "Google DeepMind");
  EXPECT_EQ(ParseOrg("openai/sora").status().message(), "\"openai/sora\": expected an org, e.g. openai (no \"/\")");
  EXPECT_EQ(ParseOrg("").status().message(), "org: empty name");
}

TEST(ParseDate, BareDateIsTheStartOrTheEndOfTheUtcDay) {
  absl::StatusOr<google::protobuf::Timestamp> start = ParseDate("2026-02-10");
  ASSERT_TRUE(start.ok());
  EXPECT_EQ(ToAbslTime(*start), Utc(2026, 2, 10));
  absl::StatusOr<google::protobuf::Timestamp> end = ParseDate("2026-02-10", DayBound::kEnd);
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(ToAbslTime(*end), Utc(2026, 2, 11) - absl::Nanoseconds(1));
  EXPECT_EQ(DayOf(*end), DayOf(*start));
}

TEST(ParseDate, Rfc3339IsTakenAsGiven) {
  absl::StatusOr<google::protobuf::Timestamp> t = ParseDate("2026-02-10T12:30:00Z", DayBound::kEnd);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(ToAbslTime(*t), Utc(2026, 2, 10, 12, 30));
}

TEST(ParseDate, NamesTheAcceptedForms) {
  EXPECT_THAT(ParseDate("10/02/2026").status().message(), HasSubstr("expected YYYY-MM-DD or RFC 3339"));
  EXPECT_FALSE(ParseDate("2026-02-30").ok());
}

TEST(ParseOffsets, ReadsWhatFormatOffsetsWrites) {
  absl::StatusOr<std::map<int32_t, int64_t>> offsets = ParseOffsets("0:41, 3:7");
  ASSERT_TRUE(offsets.ok());
  EXPECT_THAT(*offsets, ElementsAre(Pair(0, 41), Pair(3, 7)));
  EXPECT_EQ(FormatOffsets(*offsets), "0:41,3:7");
  EXPECT_EQ(FormatOffsets({}), "");
}

TEST(ParseOffsets, KeepsTheHighestOffsetOfARepeatedPartition) {
  absl::StatusOr<std::map<int32_t, int64_t>> offsets = ParseOffsets("1:5,1:9,1:2");
  ASSERT_TRUE(offsets.ok());
  EXPECT_THAT(*offsets, ElementsAre(Pair(1, 9)));
}

TEST(ParseOffsets, RejectsMalformedPairs) {
  for (const char* bad : {"", "0", "0:", ":4", "a:1", "0:-1", "0:1;1:2", "-1:3"}) {
    EXPECT_EQ(ParseOffsets(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(ParseStatuses, AcceptsAnySubsetOnce) {
  absl::StatusOr<std::vector<v1::HealthStatus>> s = ParseStatuses("critical,at-risk,AT_RISK");
  ASSERT_TRUE(s.ok());
  EXPECT_THAT(*s, ElementsAre(v1::HEALTH_STATUS_CRITICAL, v1::HEALTH_STATUS_AT_RISK));
  EXPECT_FALSE(ParseStatuses("unspecified").ok());
  EXPECT_FALSE(ParseStatuses("fine").ok());
}

TEST(ParseOrderByAndGranularity, KnowTheirWords) {
  EXPECT_EQ(*ParseOrderBy("attrition"), v1::ListTeamsRequest::ORDER_BY_ATTRITION);
  EXPECT_FALSE(ParseOrderBy("size").ok());
  EXPECT_EQ(*ParseGranularity("month"), v1::GetTeamTrendRequest::GRANULARITY_MONTH);
  EXPECT_FALSE(ParseGranularity("year").ok());
}

TEST(ParseWatchTarget, TeamsOfOneOrg) {
  absl::StatusOr<WatchTarget> t = ParseWatchTarget({"openai/alignment", "openai/superalignment", "openai/alignment"});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->org, "openai");
  EXPECT_THAT(t->teams, ElementsAre("alignment", "superalignment"));
}

TEST(ParseWatchTarget, AnOrgCoversItsTeams) {
  absl::StatusOr<WatchTarget> t = ParseWatchTarget({"openai/alignment", "openai"});
  ASSERT_TRUE(t.ok());
  EXPECT_THAT(t->teams, IsEmpty());
}

TEST(ParseWatchTarget, RejectsTwoOrgs) {
  EXPECT_THAT(ParseWatchTarget({"openai", "anthropic/alignment"}).status().message(), HasSubstr("one org at a time"));
  EXPECT_FALSE(ParseWatchTarget({}).ok());
}

TEST(ParseEventTypes, TakesBothSpellingsAndTransferForBoth) {
  auto types = ParseEventTypes("departure,transferOut,transfer,retraction");
  ASSERT_TRUE(types.ok()) << types.status();
  EXPECT_THAT(*types, ElementsAre("departure", "transfer_out", "transfer_in", "retraction"));
}

TEST(ParseEventTypes, AnUnknownKindListsTheKinds) {
  EXPECT_EQ(ParseEventTypes("departure,promotion").status().message(),
            "\"promotion\": expected a list of hire, departure, transfer_out, transfer_in, reprioritisation, "
            "budget_change, compute_reallocation, retention_action, team_change, headcount_report, retraction (or "
            "transfer for both transfers)");
}

TEST(ParseEventStatuses, PendingIsTheRetractionThatWaits) {
  auto statuses = ParseEventStatuses("applied,pending,retracted");
  ASSERT_TRUE(statuses.ok()) << statuses.status();
  EXPECT_THAT(*statuses,
              ElementsAre(v1::EVENT_STATUS_APPLIED, v1::EVENT_STATUS_RETRACTION_PENDING, v1::EVENT_STATUS_RETRACTED));
  EXPECT_EQ(ParseEventStatuses("gone").status().message(),
            "\"gone\": expected a list of applied, duplicate, retracted, retraction_applied, retraction_pending (or "
            "pending), retraction_noop");
}

}  // namespace
}  // namespace talentflow::ctl
