// The projector against the real broker: the sample feed's views equal the numbers worked out by
// hand in examples/feeds/EXPECTED.md; poison records go to the DLQ and the projector goes on.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/base/record_key.h"
#include "common/base/time_util.h"
#include "tests/common/pipeline.h"
#include "ctl/synthetic_source.h"

namespace talentflow::projector {
namespace {

using ::talentflow::testing::Day;
using views::ViewStore;
using views::ViewStoreOptions;

const std::string kSource = TALENTFLOW_SOURCE_DIR;

// What EXPECTED.md says for one team at one as_of.
struct Expected {
  std::string team;
  int headcount;
  int hires30, hires90, deps30, deps90, senior30, senior90, lead30, lead90, tin90, tout90;
  double annualised_attrition90;  // as a fraction
  v1::Priority priority;
  v1::BudgetStatus budget;
  bool active;
  int score;
  v1::HealthStatus status;
};

void ExpectTeam(const v1::TeamHealth& h, const Expected& e) {
  SCOPED_TRACE(e.team + " at " + h.as_of());
  ASSERT_EQ(h.windows_size(), 3);
  const auto& w30 = h.windows(0);
  const auto& w90 = h.windows(1);
  EXPECT_TRUE(h.headcount_known());
  EXPECT_EQ(h.headcount(), e.headcount);
  EXPECT_EQ(w30.hires(), e.hires30);
  EXPECT_EQ(w90.hires(), e.hires90);
  EXPECT_EQ(w30.departures(), e.deps30);
  EXPECT_EQ(w90.departures(), e.deps90);
  EXPECT_EQ(w30.senior_departures(), e.senior30);
  EXPECT_EQ(w90.senior_departures(), e.senior90);
  EXPECT_EQ(w30.leadership_departures(), e.lead30);
  EXPECT_EQ(w90.leadership_departures(), e.lead90);
  EXPECT_EQ(w90.transfers_in(), e.tin90);
  EXPECT_EQ(w90.transfers_out(), e.tout90);
  EXPECT_NEAR(w90.annualised_attrition(), e.annualised_attrition90, 0.0001);
  EXPECT_EQ(h.priority(), e.priority);
  EXPECT_EQ(h.budget(), e.budget);
  EXPECT_EQ(h.active(), e.active);
  EXPECT_EQ(h.score(), e.score);
  EXPECT_EQ(h.status(), e.status);
}

class ProjectorIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    topic_ = testing::UniqueTopic("it-projector");
    ASSERT_TRUE(testing::CreateTopic(topic_, 12).ok());
  }
  std::string topic_;
};

TEST_F(ProjectorIntegrationTest, SampleFeedViewsMatchHandWorkedNumbers) {
  ingest::FeedSummary fed = testing::PublishFeed(topic_, kSource + "/examples/feeds/openai-2026.jsonl",
                                                 kSource + "/deploy/aliases.json");
  ASSERT_EQ(fed.accepted, 73);  // every line: the 4 second reports of a story are published for their evidence
  ASSERT_EQ(fed.repeats, 4);
  ProjectorCounters counters;
  auto store = testing::Replay(topic_, testing::FreshTempPath("sample"), &counters);
  ASSERT_NE(store, nullptr);
  // 74 records: 69 applied events incl. the transferIn, the 4 second reports, the retraction.
  EXPECT_EQ(counters.applied.load(), 69);
  EXPECT_EQ(counters.retractions.load(), 1);
  EXPECT_EQ(counters.duplicates.load(), 4);  // evt-0041, 0045, 0051, 0061 (EXPECTED.md): they count once
  EXPECT_EQ(counters.dead_lettered.load(), 0);

  auto reader = store->NewReader();
  const int64_t mar1 = DayOf(Day(2026, 3, 1)), mar31 = DayOf(Day(2026, 3, 31));
  // examples/feeds/EXPECTED.md, "Key numbers".
  const std::vector<std::pair<int64_t, Expected>> expected = {
      {mar1, {"chatgpt", 435, 3, 7, 1, 2, 0, 1, 0, 0, 1, 0, 2.0 / (38684.0 / 90) * 365 / 90, v1::PRIORITY_HIGH,
              v1::BUDGET_STATUS_GROWING, true, 96, v1::HEALTH_STATUS_HEALTHY}},
      {mar31, {"chatgpt", 437, 2, 7, 0, 2, 0, 1, 0, 0, 1, 0, 2.0 / (39072.0 / 90) * 365 / 90, v1::PRIORITY_HIGH,
               v1::BUDGET_STATUS_GROWING, true, 96, v1::HEALTH_STATUS_HEALTHY}},
      {mar1, {"sora", 50, 0, 0, 5, 7, 3, 5, 1, 2, 0, 1, 7.0 / (5092.0 / 90) * 365 / 90, v1::PRIORITY_LOWERED,
              v1::BUDGET_STATUS_FROZEN, true, 2, v1::HEALTH_STATUS_CRITICAL}},
      {mar31, {"sora", 47, 0, 0, 3, 10, 2, 7, 0, 2, 0, 1, 10.0 / (4799.0 / 90) * 365 / 90, v1::PRIORITY_LOWERED,
               v1::BUDGET_STATUS_FROZEN, true, 0, v1::HEALTH_STATUS_CRITICAL}},
      {mar1, {"dall-e", 32, 0, 0, 2, 3, 1, 2, 0, 0, 0, 0, 3.0 / (3070.0 / 90) * 365 / 90, v1::PRIORITY_MAINTENANCE,
              v1::BUDGET_STATUS_STEADY, true, 46, v1::HEALTH_STATUS_AT_RISK}},
      {mar31, {"dall-e", 31, 0, 0, 1, 4, 1, 3, 0, 0, 0, 0, 4.0 / (2953.0 / 90) * 365 / 90, v1::PRIORITY_MAINTENANCE,
               v1::BUDGET_STATUS_STEADY, false, 26, v1::HEALTH_STATUS_CRITICAL}},
      {mar1, {"safety-alignment", 41, 0, 1, 1, 3, 1, 3, 1, 1, 0, 0, 3.0 / (3791.0 / 90) * 365 / 90,
              v1::PRIORITY_VARIABLE, v1::BUDGET_STATUS_UNSPECIFIED, true, 57, v1::HEALTH_STATUS_WATCH}},
      {mar31, {"safety-alignment", 39, 0, 1, 2, 4, 1, 3, 0, 1, 0, 0, 4.0 / (3725.0 / 90) * 365 / 90,
               v1::PRIORITY_VARIABLE, v1::BUDGET_STATUS_UNSPECIFIED, true, 53, v1::HEALTH_STATUS_AT_RISK}},
  };
  for (const auto& [day, e] : expected) {
    auto h = reader->TeamHealth("openai", e.team, day);
    ASSERT_TRUE(h.ok()) << e.team << ": " << h.status();
    ExpectTeam(*h, e);
  }
  auto sora = reader->TeamHealth("openai", "sora", mar1);
  EXPECT_THAT(sora->reasons(), ::testing::Contains("budget frozen since 2026-02-10 (-15)"));
  EXPECT_THAT(sora->reasons(), ::testing::Contains("priority lowered since 2026-02-04 (-15)"));
  auto dalle = reader->TeamHealth("openai", "dall-e", mar31);
  EXPECT_EQ(dalle->successor(), "chatgpt");
  EXPECT_EQ(dalle->inactive_since(), "2026-03-15");

  // The retracted rumour evt-0052 is in sora's history, marked retracted by evt-0065.
  auto history = reader->History("openai", "sora");
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->size(), 26u);  // sora's 26 lines, the duplicate evt-0051 too
  int retracted = 0;
  for (const auto& h : *history) {
    if (h.event().event_id() == "evt-0051") {  // Axios's report of evt-0050's story (Bloomberg's)
      EXPECT_EQ(h.status(), v1::EVENT_STATUS_DUPLICATE);
      EXPECT_EQ(h.duplicate_of(), "evt-0050");
      EXPECT_EQ(h.note(), "duplicate of evt-0050: same idempotency key");
    }
    if (h.event().event_id() == "evt-0052") {
      EXPECT_EQ(h.status(), v1::EVENT_STATUS_RETRACTED);
      EXPECT_THAT(h.note(), ::testing::StartsWith("retracted by evt-0065"));
      ++retracted;
    }
    if (h.event().event_id() == "evt-0065") {
      EXPECT_EQ(h.status(), v1::EVENT_STATUS_RETRACTION_APPLIED);
    }
  }
  EXPECT_EQ(retracted, 1);

  auto org = reader->OrgHealth("openai", mar1);
  ASSERT_TRUE(org.ok());
  ASSERT_EQ(org->size(), 4u);
  EXPECT_EQ((*org)[0].team(), "chatgpt");
  EXPECT_EQ((*org)[3].team(), "sora");
}

TEST_F(ProjectorIntegrationTest, SameLogGivesSameDigestTwice) {
  ASSERT_GT(testing::PublishEvents(topic_, ctl::Synthetic({.events = 3000, .orgs = 20, .teams_per_org = 10, .seed = 7})), 2800);
  auto a = testing::Replay(topic_, testing::FreshTempPath("digest-a"));
  auto b = testing::Replay(topic_, testing::FreshTempPath("digest-b"));
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(*a->Digest(), *b->Digest());
  // Parts of 32 KiB: each partition (about 250 records, some 100 KiB of changes) goes into the
  // store as several table files, later ones over earlier ones (a team's state rewritten, a
  // retracted event's bucket deleted); the views must not change.
  auto c = testing::Replay(topic_, testing::FreshTempPath("digest-c"), nullptr, 32 << 10);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(*c->Digest(), *a->Digest());
}

TEST_F(ProjectorIntegrationTest, PoisonRecordsGoToTheDlqAndApplyingGoesOn) {
  v1::Event no_payload = testing::BaseEvent("bad-1", "openai", "sora", Day(2026, 2, 1));
  no_payload.set_idempotency_key("ik-bad-1");
  v1::Event good = testing::Departure("good-1", "sora", Day(2026, 2, 2), "p-ok");
  good.set_idempotency_key("ik-good-1");
  ASSERT_TRUE(testing::ProduceRaw(topic_, {{"openai/sora", std::string("\xff\x01garbage", 9)},
                                           {"openai/sora", no_payload.SerializeAsString()},
                                           {"openai/sora", good.SerializeAsString()}})
                  .ok());
  ViewStoreOptions so;
  so.path = testing::FreshTempPath("poison");
  auto store = ViewStore::Open(so);
  ASSERT_TRUE(store.ok());
  ReplayerOptions ro;
  ro.kafka = testing::KafkaFor(topic_);  // reads to the end, then returns
  ro.dead_letter = true;                  // dead-letters as the live projector does
  auto p = Replayer::Create(ro, store->get());
  ASSERT_TRUE(p.ok());
  std::atomic<bool> stop{false};
  const absl::Status run = (*p)->Run(stop);
  ASSERT_TRUE(run.ok()) << run;
  EXPECT_EQ((*p)->counters().dead_lettered.load(), 2);
  EXPECT_EQ((*p)->counters().applied.load(), 1);

  auto dlq = testing::ConsumeAll(topic_ + ".dlq");
  ASSERT_EQ(dlq.size(), 2u);
  const int32_t partition = KafkaPartitionFor("openai/sora", 12);
  EXPECT_EQ(dlq[0].headers.at("dlq.source.topic"), topic_);
  EXPECT_EQ(dlq[0].headers.at("dlq.source.partition"), std::to_string(partition));
  EXPECT_EQ(dlq[0].headers.at("dlq.source.offset"), "0");
  EXPECT_EQ(dlq[0].headers.at("dlq.reason"), "undecodable: not a talentflow.v1.Event");
  EXPECT_EQ(dlq[1].headers.at("dlq.source.offset"), "1");
  EXPECT_EQ(dlq[1].headers.at("dlq.reason"), "payload: required");

  auto h = (*store)->NewReader()->TeamHealth("openai", "sora", DayOf(Day(2026, 2, 28)));
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->windows(0).departures(), 1);
}

TEST(ProjectorTopicTest, TopicCreatedAMomentAgoIsWaitedFor) {
  // The broker's metadata lists a new topic about 0.1 s after CreateTopics returns; until then it
  // answers "unknown topic". The projector asks again instead of failing.
  const std::string topic = testing::UniqueTopic("it-projector-fresh");
  ASSERT_TRUE(testing::CreateTopic(topic, 12, /*with_dlq=*/false, /*await_metadata=*/false).ok());
  ProjectorCounters counters;
  auto store = testing::Replay(topic, testing::FreshTempPath("fresh"), &counters);
  ASSERT_NE(store, nullptr);  // the replay failed
  EXPECT_EQ(counters.applied.load(), 0);
  EXPECT_EQ(*store->PartitionCount(), 12);
}

}  // namespace
}  // namespace talentflow::projector
