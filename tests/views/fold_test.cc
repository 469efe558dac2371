#include "views/fold.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/base/time_util.h"
#include "views/keys.h"
#include "tests/common/event_builders.h"
#include "tests/views/memory_state.h"

namespace talentflow::views {
namespace {

using ::talentflow::testing::MemoryState;
using ::talentflow::testing::Day;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

// A partition's log as the fold sees it: events applied in order at consecutive offsets.
struct Log {
  absl::StatusOr<Outcome> Feed(const v1::Event& e) { return Apply(e, RecordMeta{kPartition, next_offset++}, state); }

  static constexpr int32_t kPartition = 3;
  MemoryState state;
  int64_t next_offset = 0;
};

// The builders leave idempotency_key empty (ingest derives it); the fold requires one.
v1::Event Keyed(v1::Event e, const std::string& key) {
  e.set_idempotency_key(key);
  return e;
}

template <typename Message>
std::optional<Message> Read(const MemoryState& s, const std::string& key) {
  auto it = s.map.find(key);
  if (it == s.map.end()) return std::nullopt;
  Message m;
  if (!m.ParseFromString(it->second)) return std::nullopt;
  return m;
}

std::optional<v1::DayBucket> BucketAt(const MemoryState& s, const std::string& team, absl::Time day) {
  return Read<v1::DayBucket>(s, keys::Bucket("openai", team, DayOf(day)));
}
std::optional<v1::HistoryEntry> HistoryAt(const MemoryState& s, const std::string& team, int64_t offset) {
  return Read<v1::HistoryEntry>(s, keys::History("openai", team, offset));
}
std::optional<v1::TeamState> TeamAt(const MemoryState& s, const std::string& team) {
  return Read<v1::TeamState>(s, keys::Team("openai", team));
}

// The view records a retraction must restore: day buckets, timeline entries and flows.
std::map<std::string, std::string> Views(const MemoryState& s) {
  std::map<std::string, std::string> out = s.WithPrefix("b/");
  out.merge(s.WithPrefix("l/"));
  out.merge(s.WithPrefix("f/"));
  return out;
}

const absl::Time kFeb10 = Day(2026, 2, 10);

// --- Effects of applied events -------------------------------------------------------------

TEST(Apply, CountsDepartureInItsDayBucket) {
  Log log;
  log.next_offset = 7;
  v1::Event e = Keyed(testing::Departure("evt-1", "sora", kFeb10, "p-ada"), "ik-1");  // SENIOR -> anthropic
  e.mutable_departure()->set_regretted(true);
  auto r = log.Feed(e);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, Outcome::kApplied);

  // The key layout of keys.h, spelt out once.
  ASSERT_TRUE(log.state.map.contains("b/openai/sora/20260210"));
  auto b = BucketAt(log.state, "sora", kFeb10);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->departures(), 1);
  EXPECT_EQ(b->regretted_departures(), 1);
  EXPECT_EQ(b->events(), 1);
  EXPECT_EQ(b->hires(), 0);
  EXPECT_EQ(b->transfers_in(), 0);
  EXPECT_EQ(b->transfers_out(), 0);
  // index = enum number: SENIORITY_SENIOR = 3, DESTINATION_KIND_COMPETITOR = 1
  EXPECT_THAT(b->departures_by_seniority(), ElementsAre(0, 0, 0, 1, 0, 0, 0));
  EXPECT_THAT(b->departures_by_destination_kind(), ElementsAre(0, 1, 0, 0, 0, 0));

  auto flow = Read<v1::FlowBucket>(log.state, "f/openai/anthropic/202602/sora");
  ASSERT_TRUE(flow);
  ASSERT_EQ(flow->movers_size(), 1);
  EXPECT_EQ(flow->movers(0).person_id(), "p-ada");
  EXPECT_EQ(flow->movers(0).name(), "Person p-ada");
  EXPECT_EQ(flow->movers(0).seniority(), v1::SENIORITY_SENIOR);
  EXPECT_EQ(flow->movers(0).event_id(), "evt-1");

  auto h = Read<v1::HistoryEntry>(log.state, "h/openai/sora/00000000000000000007");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status(), v1::EVENT_STATUS_APPLIED);
  EXPECT_EQ(h->partition(), Log::kPartition);
  EXPECT_EQ(h->offset(), 7);
  EXPECT_EQ(h->event().SerializeAsString(), e.SerializeAsString());
  EXPECT_EQ(log.state.map.at("e/evt-1"), "h/openai/sora/00000000000000000007");
  EXPECT_EQ(log.state.map.at("k/ik-1"), "evt-1");

  auto t = TeamAt(log.state, "sora");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->org(), "openai");
  EXPECT_EQ(t->team(), "sora");
  EXPECT_EQ(t->events(), 1);
  EXPECT_EQ(t->applied(), 1);
  EXPECT_EQ(t->duplicates(), 0);
  EXPECT_EQ(t->retracted(), 0);
  EXPECT_EQ(t->first_effective_day(), DayOf(kFeb10));
  EXPECT_EQ(t->last_effective_day(), DayOf(kFeb10));
  EXPECT_EQ(t->last_offset(), 7);
}

TEST(Apply, UsesUtcDateOfEffectiveTime) {
  Log log;
  // 23:59:59 UTC on 2026-02-10 is still 2026-02-10; 00:00 on 2026-02-11 is the next day.
  ASSERT_TRUE(log.Feed(Keyed(testing::Departure("evt-1", "sora", kFeb10 + absl::Seconds(86399), "p-ada"), "ik-1")).ok());
  ASSERT_TRUE(log.Feed(Keyed(testing::Departure("evt-2", "sora", Day(2026, 2, 11), "p-bob"), "ik-2")).ok());
  auto b10 = BucketAt(log.state, "sora", kFeb10);
  auto b11 = BucketAt(log.state, "sora", Day(2026, 2, 11));
  ASSERT_TRUE(b10 && b11);
  EXPECT_EQ(b10->departures(), 1);
  EXPECT_EQ(b11->departures(), 1);
}

TEST(Apply, CountsTwoDeparturesOfOneDayInOneBucket) {
  Log log;
  ASSERT_TRUE(log.Feed(Keyed(testing::Departure("evt-1", "sora", kFeb10, "p-ada"), "ik-1")).ok());
  ASSERT_TRUE(log.Feed(Keyed(testing::Departure("evt-2", "sora", kFeb10, "p-bob", v1::SENIORITY_JUNIOR, "",
                                                v1::DESTINATION_KIND_UNKNOWN),
                             "ik-2"))
                  .ok());
  auto b = BucketAt(log.state, "sora", kFeb10);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->departures(), 2);
  EXPECT_EQ(b->regretted_departures(), 0);
  EXPECT_EQ(b->events(), 2);
  EXPECT_THAT(b->departures_by_seniority(), ElementsAre(0, 1, 0, 1, 0, 0, 0));
  EXPECT_THAT(b->departures_by_destination_kind(), ElementsAre(0, 1, 0, 0, 0, 1));
  // Only evt-1 named a destination org: one flow with one mover.
  EXPECT_EQ(log.state.WithPrefix("f/").size(), 1u);
  auto t = TeamAt(log.state, "sora");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->applied(), 2);
  EXPECT_EQ(t->last_offset(), 1);
}

TEST(Apply, CountsHireAndItsInboundFlow) {
  Log log;
  ASSERT_TRUE(log.Feed(Keyed(testing::Hire("evt-1", "chatgpt", kFeb10, "p-ada"), "ik-1")).ok());  // from google-deepmind
  auto b = BucketAt(log.state, "chatgpt", kFeb10);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->hires(), 1);
  EXPECT_EQ(b->departures(), 0);
  EXPECT_EQ(b->events(), 1);
  EXPECT_THAT(b->departures_by_seniority(), ElementsAre(0, 0, 0, 0, 0, 0, 0));
  auto flow = Read<v1::FlowBucket>(log.state, "f/google-deepmind/openai/202602/chatgpt");
  ASSERT_TRUE(flow);
  ASSERT_EQ(flow->movers_size(), 1);
  EXPECT_EQ(flow->movers(0).event_id(), "evt-1");
}

TEST(Apply, HireFromUnknownOrgHasNoFlow) {
  Log log;
  ASSERT_TRUE(log.Feed(Keyed(testing::Hire("evt-1", "chatgpt", kFeb10, "p-ada", ""), "ik-1")).ok());
  EXPECT_EQ(BucketAt(log.state, "chatgpt", kFeb10)->hires(), 1);
  EXPECT_THAT(log.state.WithPrefix("f/"), IsEmpty());
}

TEST(Apply, TransferPairCountsInAndOut) {
  Log log;
  // As ingest splits evt-11: transferOut on sora, transferIn on chatgpt, one correlation id.
  v1::Event out = testing::BaseEvent("evt-11", "openai", "sora", Day(2026, 2, 18));
  out.mutable_person()->set_id("p-kim");
  out.mutable_transfer_out()->set_to_team("chatgpt");
  out.set_correlation_id("evt-11");
  v1::Event in = testing::BaseEvent("evt-11.in", "openai", "chatgpt", Day(2026, 2, 18));
  in.mutable_person()->set_id("p-kim");
  in.mutable_transfer_in()->set_from_team("sora");
  in.set_correlation_id("evt-11");
  ASSERT_EQ(*log.Feed(Keyed(out, "ik-11-out")), Outcome::kApplied);
  ASSERT_EQ(*log.Feed(Keyed(in, "ik-11-in")), Outcome::kApplied);

  auto sora = BucketAt(log.state, "sora", Day(2026, 2, 18));
  auto chatgpt = BucketAt(log.state, "chatgpt", Day(2026, 2, 18));
  ASSERT_TRUE(sora && chatgpt);
  EXPECT_EQ(sora->transfers_out(), 1);
  EXPECT_EQ(sora->transfers_in(), 0);
  EXPECT_EQ(sora->departures(), 0);  // a transfer is not company attrition
  EXPECT_EQ(sora->events(), 1);
  EXPECT_EQ(chatgpt->transfers_in(), 1);
  EXPECT_EQ(chatgpt->transfers_out(), 0);
  EXPECT_EQ(chatgpt->hires(), 0);
  EXPECT_EQ(chatgpt->events(), 1);
  EXPECT_THAT(log.state.WithPrefix("f/"), IsEmpty());  // transfers stay inside the org
  EXPECT_EQ(TeamAt(log.state, "sora")->applied(), 1);
  EXPECT_EQ(TeamAt(log.state, "chatgpt")->applied(), 1);
}

TEST(Apply, RecordsTimelineEntries) {
  Log log;
  log.next_offset = 5;
  ASSERT_TRUE(log.Feed(Keyed(testing::Reprioritisation("evt-1", "sora", Day(2026, 2, 4), v1::PRIORITY_LOWERED), "ik-1")).ok());
  ASSERT_TRUE(log.Feed(Keyed(testing::Budget("evt-2", "sora", kFeb10, v1::BUDGET_STATUS_FROZEN), "ik-2")).ok());
  ASSERT_TRUE(log.Feed(Keyed(testing::HeadcountReport("evt-3", "sora", kFeb10, 60), "ik-3")).ok());

  auto prio = Read<v1::TimelineEntry>(log.state, "l/openai/sora/20260204/00000000000000000005");
  ASSERT_TRUE(prio);
  EXPECT_EQ(prio->event_id(), "evt-1");
  EXPECT_EQ(prio->effective_day(), DayOf(Day(2026, 2, 4)));
  ASSERT_TRUE(prio->has_reprioritisation());
  EXPECT_EQ(prio->reprioritisation().priority(), v1::PRIORITY_LOWERED);

  auto budget = Read<v1::TimelineEntry>(log.state, keys::Timeline("openai", "sora", DayOf(kFeb10), 6));
  ASSERT_TRUE(budget && budget->has_budget_change());
  EXPECT_EQ(budget->budget_change().status(), v1::BUDGET_STATUS_FROZEN);
  auto report = Read<v1::TimelineEntry>(log.state, keys::Timeline("openai", "sora", DayOf(kFeb10), 7));
  ASSERT_TRUE(report && report->has_headcount_report());
  EXPECT_EQ(report->headcount_report().headcount(), 60);

  // Timeline events count as events of their day, and nothing else.
  auto b = BucketAt(log.state, "sora", kFeb10);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->events(), 2);
  EXPECT_EQ(b->departures() + b->hires() + b->transfers_in() + b->transfers_out(), 0);
  EXPECT_EQ(BucketAt(log.state, "sora", Day(2026, 2, 4))->events(), 1);
}

TEST(Apply, MergeRecordedOnTimeline) {
  Log log;
  log.next_offset = 3;
  v1::Event e = testing::BaseEvent("evt-69", "openai", "dall-e", Day(2026, 3, 15));
  e.mutable_team_change()->set_kind(v1::TEAM_CHANGE_KIND_MERGED);
  e.mutable_team_change()->set_into_team("chatgpt");
  ASSERT_EQ(*log.Feed(Keyed(e, "ik-69")), Outcome::kApplied);

  auto entry = Read<v1::TimelineEntry>(log.state, "l/openai/dall-e/20260315/00000000000000000003");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->event_id(), "evt-69");
  EXPECT_EQ(entry->effective_day(), DayOf(Day(2026, 3, 15)));
  ASSERT_TRUE(entry->has_team_change());
  EXPECT_EQ(entry->team_change().kind(), v1::TEAM_CHANGE_KIND_MERGED);
  EXPECT_EQ(entry->team_change().into_team(), "chatgpt");
  EXPECT_EQ(BucketAt(log.state, "dall-e", Day(2026, 3, 15))->events(), 1);
  // Nothing is written for the successor team.
  EXPECT_FALSE(TeamAt(log.state, "chatgpt"));
  EXPECT_THAT(log.state.WithPrefix("l/openai/chatgpt/"), IsEmpty());
}

TEST(Apply, BackdatedEventLandsInItsOwnDay) {
  Log log;
  ASSERT_TRUE(log.Feed(Keyed(testing::Departure("evt-1", "safety-alignment", Day(2026, 2, 20), "p-a"), "ik-1")).ok());
  const std::string feb20 = log.state.map.at(keys::Bucket("openai", "safety-alignment", DayOf(Day(2026, 2, 20))));
  // Published in March, effective 2025-11-18: STAFF -> anthropic.
  ASSERT_EQ(*log.Feed(Keyed(testing::Departure("evt-68", "safety-alignment", Day(2025, 11, 18), "p-ingrid",
                                               v1::SENIORITY_STAFF),
                            "ik-68")),
            Outcome::kApplied);

  auto nov18 = BucketAt(log.state, "safety-alignment", Day(2025, 11, 18));
  ASSERT_TRUE(nov18);
  EXPECT_EQ(nov18->departures(), 1);
  EXPECT_EQ(nov18->departures_by_seniority(v1::SENIORITY_STAFF), 1);
  EXPECT_EQ(log.state.map.at(keys::Bucket("openai", "safety-alignment", DayOf(Day(2026, 2, 20)))), feb20);
  EXPECT_TRUE(log.state.map.contains("f/openai/anthropic/202511/safety-alignment"));
  auto t = TeamAt(log.state, "safety-alignment");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->first_effective_day(), DayOf(Day(2025, 11, 18)));
  EXPECT_EQ(t->last_effective_day(), DayOf(Day(2026, 2, 20)));
}

// --- Duplicates ----------------------------------------------------------------------------------

TEST(Apply, IgnoresDuplicateIdempotencyKey) {
  Log log;
  ASSERT_EQ(*log.Feed(Keyed(testing::Departure("evt-1", "sora", kFeb10, "p-ada"), "ik-1")), Outcome::kApplied);
  const auto views = Views(log.state);
  // The same story from another outlet: new event id, same key.
  v1::Event again = Keyed(testing::Departure("evt-2", "sora", kFeb10 + absl::Hours(15), "p-ada"), "ik-1");
  again.mutable_evidence(0)->set_outlet("Other Outlet");
  auto r = log.Feed(again);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, Outcome::kDuplicate);

  EXPECT_EQ(Views(log.state), views);  // bucket and flow unchanged, byte for byte
  EXPECT_EQ(BucketAt(log.state, "sora", kFeb10)->departures(), 1);
  auto h = HistoryAt(log.state, "sora", 1);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status(), v1::EVENT_STATUS_DUPLICATE);
  EXPECT_THAT(h->note(), HasSubstr("evt-1"));
  EXPECT_EQ(h->event().event_id(), "evt-2");
  EXPECT_EQ(HistoryAt(log.state, "sora", 0)->status(), v1::EVENT_STATUS_APPLIED);
  EXPECT_EQ(log.state.map.at("k/ik-1"), "evt-1");
  auto t = TeamAt(log.state, "sora");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->events(), 2);
  EXPECT_EQ(t->applied(), 1);
  EXPECT_EQ(t->duplicates(), 1);
  EXPECT_EQ(t->last_offset(), 1);
}

TEST(Apply, DuplicateEventIdIsDuplicate) {
  Log log;
  ASSERT_EQ(*log.Feed(Keyed(testing::Departure("evt-1", "sora", kFeb10, "p-ada"), "ik-1")), Outcome::kApplied);
  const auto views = Views(log.state);
  // A different event (other person, other key) reusing the id.
  auto r = log.Feed(Keyed(testing::Departure("evt-1", "sora", kFeb10, "p-bob"), "ik-2"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, Outcome::kDuplicate);
  EXPECT_EQ(Views(log.state), views);
  auto h = HistoryAt(log.state, "sora", 1);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status(), v1::EVENT_STATUS_DUPLICATE);
  EXPECT_THAT(h->note(), HasSubstr("evt-1"));
  EXPECT_EQ(log.state.map.at("e/evt-1"), keys::History("openai", "sora", 0));  // still the first record
  EXPECT_FALSE(log.state.map.contains("k/ik-2"));
  EXPECT_EQ(TeamAt(log.state, "sora")->duplicates(), 1);
}

// --- Story identity: one person, one story, however it was filed (issue 19 item 5) ---------------

// A departure of `name` from openai/sora to periodic-labs on `when`, reported by `outlet`, with
// person id `person_id` (none when empty).
v1::Event Reported(const std::string& id, const std::string& key, absl::Time when, const std::string& person_id,
                   const std::string& name, const std::string& outlet) {
  v1::Event e = Keyed(testing::Departure(id, "sora", when, person_id, v1::SENIORITY_SENIOR, "periodic-labs"), key);
  e.mutable_person()->set_name(name);
  e.mutable_evidence(0)->set_outlet(outlet);
  return e;
}

TEST(Apply, NameOnlyThenIdAndNameIsOneStory) {
  Log log;
  ASSERT_EQ(*log.Feed(Reported("evt-1", "ik-name", kFeb10, "", "Jane Doe", "The Information")), Outcome::kApplied);
  const auto views = Views(log.state);
  // The corrected report: an id, the name spelt in other case and spacing, another outlet, another key.
  ASSERT_EQ(*log.Feed(Reported("evt-2", "ik-id", kFeb10 + absl::Hours(9), "jane-doe", " jane  DOE", "Bloomberg")),
            Outcome::kDuplicate);

  auto h = HistoryAt(log.state, "sora", 1);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status(), v1::EVENT_STATUS_DUPLICATE);
  EXPECT_EQ(h->duplicate_of(), "evt-1");
  EXPECT_EQ(h->note(), "duplicate of evt-1: same departure of jane-doe on 2026-02-10");
  EXPECT_EQ(Views(log.state), views);  // one departure in the bucket, one mover in the flow
  EXPECT_EQ(BucketAt(log.state, "sora", kFeb10)->departures(), 1);
  auto flow = Read<v1::FlowBucket>(log.state, "f/openai/periodic-labs/202602/sora");
  ASSERT_TRUE(flow);
  ASSERT_EQ(flow->movers_size(), 1);
  EXPECT_EQ(flow->movers(0).event_id(), "evt-1");
  auto t = TeamAt(log.state, "sora");
  EXPECT_EQ(t->applied(), 1);
  EXPECT_EQ(t->duplicates(), 1);
  // The story took the id of its second report.
  auto index = Read<v1::StoryIndex>(log.state, "s/openai/sora/departure/2026-02-10");
  ASSERT_TRUE(index);
  ASSERT_EQ(index->stories_size(), 1);
  EXPECT_EQ(index->stories(0).event_id(), "evt-1");
  EXPECT_EQ(index->stories(0).person_id(), "jane-doe");
  EXPECT_THAT(index->stories(0).names(), ElementsAre("jane doe"));
}

TEST(Apply, IdAndNameThenNameOnlyIsOneStory) {
  Log log;
  ASSERT_EQ(*log.Feed(Reported("evt-1", "ik-id", kFeb10, "jane-doe", "Jane Doe", "Bloomberg")), Outcome::kApplied);
  ASSERT_EQ(*log.Feed(Reported("evt-2", "ik-name", kFeb10, "", "JANE DOE", "The Information")), Outcome::kDuplicate);
  auto h = HistoryAt(log.state, "sora", 1);
  EXPECT_EQ(h->duplicate_of(), "evt-1");
  EXPECT_EQ(h->note(), "duplicate of evt-1: same departure of JANE DOE on 2026-02-10");
  EXPECT_EQ(BucketAt(log.state, "sora", kFeb10)->departures(), 1);
}

TEST(Apply, TwoIdsOfOneNameAreTwoStories) {
  Log log;
  ASSERT_EQ(*log.Feed(Reported("evt-1", "ik-1", kFeb10, "jane-doe-1", "Jane Doe", "Bloomberg")), Outcome::kApplied);
  ASSERT_EQ(*log.Feed(Reported("evt-2", "ik-2", kFeb10, "jane-doe-2", "Jane Doe", "Bloomberg")), Outcome::kApplied);
  EXPECT_EQ(BucketAt(log.state, "sora", kFeb10)->departures(), 2);
  // A name-only report joins the first of them; a third id is a third story.
  ASSERT_EQ(*log.Feed(Reported("evt-3", "ik-3", kFeb10, "", "Jane Doe", "Wired")), Outcome::kDuplicate);
  EXPECT_EQ(HistoryAt(log.state, "sora", 2)->duplicate_of(), "evt-1");
  ASSERT_EQ(*log.Feed(Reported("evt-4", "ik-4", kFeb10, "jane-doe-3", "Jane Doe", "Wired")), Outcome::kApplied);
  EXPECT_EQ(BucketAt(log.state, "sora", kFeb10)->departures(), 3);
}

TEST(Apply, AStoryThatTookAnIdNoLongerMatchesAnotherId) {
  Log log;
  ASSERT_EQ(*log.Feed(Reported("evt-1", "ik-1", kFeb10, "", "Jane Doe", "Wired")), Outcome::kApplied);
  ASSERT_EQ(*log.Feed(Reported("evt-2", "ik-2", kFeb10, "jane-doe-1", "Jane Doe", "Bloomberg")), Outcome::kDuplicate);
  // evt-2 gave the story the id jane-doe-1: a report with another id is another person.
  ASSERT_EQ(*log.Feed(Reported("evt-3", "ik-3", kFeb10, "jane-doe-2", "Jane Doe", "Bloomberg")), Outcome::kApplied);
  EXPECT_EQ(BucketAt(log.state, "sora", kFeb10)->departures(), 2);
}

TEST(Apply, DatePrecisionDecidesWhetherTwoDatesAreOneStory) {
  // At MONTH precision 2026-02-03 and 2026-02-20 are both "2026-02": one story.
  Log month;
  v1::Event first = Reported("evt-1", "ik-1", Day(2026, 2, 3), "jane-doe", "Jane Doe", "Wired");
  v1::Event second = Reported("evt-2", "ik-2", Day(2026, 2, 20), "jane-doe", "Jane Doe", "Bloomberg");
  first.set_date_precision(v1::DATE_PRECISION_MONTH);
  second.set_date_precision(v1::DATE_PRECISION_MONTH);
  ASSERT_EQ(*month.Feed(first), Outcome::kApplied);
  ASSERT_EQ(*month.Feed(second), Outcome::kDuplicate);
  EXPECT_EQ(HistoryAt(month.state, "sora", 1)->note(), "duplicate of evt-1: same departure of jane-doe on 2026-02");
  EXPECT_TRUE(month.state.map.contains("s/openai/sora/departure/2026-02"));
  // At DAY precision they are two departures.
  Log day;
  first.set_date_precision(v1::DATE_PRECISION_DAY);
  second.set_date_precision(v1::DATE_PRECISION_DAY);
  ASSERT_EQ(*day.Feed(first), Outcome::kApplied);
  ASSERT_EQ(*day.Feed(second), Outcome::kApplied);
  // At QUARTER precision 2026-02-03 and 2026-03-31 are both 2026-Q1; 2026-04-01 is Q2.
  Log quarter;
  first.set_date_precision(v1::DATE_PRECISION_QUARTER);
  *second.mutable_effective_time() = ToTimestamp(Day(2026, 3, 31));
  second.set_date_precision(v1::DATE_PRECISION_QUARTER);
  v1::Event april = Reported("evt-3", "ik-3", Day(2026, 4, 1), "jane-doe", "Jane Doe", "Wired");
  april.set_date_precision(v1::DATE_PRECISION_QUARTER);
  ASSERT_EQ(*quarter.Feed(first), Outcome::kApplied);
  ASSERT_EQ(*quarter.Feed(second), Outcome::kDuplicate);
  EXPECT_EQ(HistoryAt(quarter.state, "sora", 1)->note(), "duplicate of evt-1: same departure of jane-doe on 2026-Q1");
  ASSERT_EQ(*quarter.Feed(april), Outcome::kApplied);
}

TEST(Apply, OtherKindTeamOrDayIsAnotherStory) {
  Log log;
  ASSERT_EQ(*log.Feed(Reported("evt-1", "ik-1", kFeb10, "jane-doe", "Jane Doe", "Wired")), Outcome::kApplied);
  v1::Event hire = Keyed(testing::Hire("evt-2", "sora", kFeb10, "jane-doe"), "ik-2");
  ASSERT_EQ(*log.Feed(hire), Outcome::kApplied);
  v1::Event elsewhere = Reported("evt-3", "ik-3", kFeb10, "jane-doe", "Jane Doe", "Wired");
  elsewhere.set_team("chatgpt");
  ASSERT_EQ(*log.Feed(elsewhere), Outcome::kApplied);
  ASSERT_EQ(*log.Feed(Reported("evt-4", "ik-4", kFeb10 + absl::Hours(24), "jane-doe", "Jane Doe", "Wired")),
            Outcome::kApplied);
  // Neither id nor name: no story identity, the idempotency key alone decides.
  v1::Event nobody = Reported("evt-5", "ik-5", kFeb10, "", "", "Wired");
  v1::Event nobody_again = Reported("evt-6", "ik-6", kFeb10, "", "", "Wired");
  ASSERT_EQ(*log.Feed(nobody), Outcome::kApplied);
  ASSERT_EQ(*log.Feed(nobody_again), Outcome::kApplied);
  EXPECT_EQ(BucketAt(log.state, "sora", kFeb10)->departures(), 3);
}

TEST(Apply, RetractingTheAppliedReportFreesItsStory) {
  Log log;
  ASSERT_EQ(*log.Feed(Reported("evt-1", "ik-1", kFeb10, "", "Jane Doe", "Wired")), Outcome::kApplied);
  ASSERT_EQ(*log.Feed(Reported("evt-2", "ik-2", kFeb10, "jane-doe", "Jane Doe", "Bloomberg")), Outcome::kDuplicate);
  ASSERT_EQ(*log.Feed(Keyed(testing::Retraction("evt-3", "sora", kFeb10, "evt-1"), "ik-3")),
            Outcome::kRetractionApplied);
  EXPECT_FALSE(log.state.map.contains("s/openai/sora/departure/2026-02-10"));
  EXPECT_FALSE(BucketAt(log.state, "sora", kFeb10));
  // The corrected report applies anew.
  ASSERT_EQ(*log.Feed(Reported("evt-4", "ik-4", kFeb10, "jane-doe", "Jane Doe", "Bloomberg")), Outcome::kApplied);
  EXPECT_EQ(BucketAt(log.state, "sora", kFeb10)->departures(), 1);
  auto index = Read<v1::StoryIndex>(log.state, "s/openai/sora/departure/2026-02-10");
  ASSERT_TRUE(index);
  ASSERT_EQ(index->stories_size(), 1);
  EXPECT_EQ(index->stories(0).event_id(), "evt-4");
}

TEST(Apply, RetractionThatArrivedFirstFreesTheStoryToo) {
  Log log;
  ASSERT_EQ(*log.Feed(Keyed(testing::Retraction("evt-9", "sora", kFeb10, "evt-1"), "ik-9")),
            Outcome::kRetractionPending);
  ASSERT_EQ(*log.Feed(Reported("evt-1", "ik-1", kFeb10, "jane-doe", "Jane Doe", "Wired")), Outcome::kApplied);
  EXPECT_EQ(HistoryAt(log.state, "sora", 1)->status(), v1::EVENT_STATUS_RETRACTED);
  EXPECT_FALSE(log.state.map.contains("s/openai/sora/departure/2026-02-10"));
  ASSERT_EQ(*log.Feed(Reported("evt-2", "ik-2", kFeb10, "jane-doe", "Jane Doe", "Wired")), Outcome::kApplied);
}

TEST(Apply, TransfersOutAndInHaveStoriesOfTheirOwn) {
  Log log;
  auto transfer = [](const std::string& id, const std::string& key, const std::string& person_id,
                     const std::string& name, bool out) {
    v1::Event e = Keyed(testing::BaseEvent(id, "openai", out ? "sora" : "chatgpt", Day(2026, 2, 18)), key);
    e.mutable_person()->set_id(person_id);
    e.mutable_person()->set_name(name);
    if (out) {
      e.mutable_transfer_out()->set_to_team("chatgpt");
    } else {
      e.mutable_transfer_in()->set_from_team("sora");
    }
    return e;
  };
  ASSERT_EQ(*log.Feed(transfer("evt-1", "ik-1", "", "Kim Lee", true)), Outcome::kApplied);
  ASSERT_EQ(*log.Feed(transfer("evt-1.in", "ik-1/in", "", "Kim Lee", false)), Outcome::kApplied);
  ASSERT_EQ(*log.Feed(transfer("evt-2", "ik-2", "kim-lee", "Kim Lee", true)), Outcome::kDuplicate);
  ASSERT_EQ(*log.Feed(transfer("evt-2.in", "ik-2/in", "kim-lee", "Kim Lee", false)), Outcome::kDuplicate);
  EXPECT_EQ(HistoryAt(log.state, "sora", 2)->note(), "duplicate of evt-1: same transfer out of kim-lee on 2026-02-18");
  EXPECT_EQ(HistoryAt(log.state, "chatgpt", 3)->duplicate_of(), "evt-1.in");
  EXPECT_EQ(BucketAt(log.state, "sora", Day(2026, 2, 18))->transfers_out(), 1);
  EXPECT_EQ(BucketAt(log.state, "chatgpt", Day(2026, 2, 18))->transfers_in(), 1);
}

TEST(Apply, DuplicatesNameTheEventTheyRepeat) {
  Log log;
  ASSERT_EQ(*log.Feed(Reported("evt-1", "ik-1", kFeb10, "jane-doe", "Jane Doe", "Wired")), Outcome::kApplied);
  ASSERT_EQ(*log.Feed(Reported("evt-2", "ik-1", kFeb10, "jane-doe", "Jane Doe", "Bloomberg")), Outcome::kDuplicate);
  EXPECT_EQ(HistoryAt(log.state, "sora", 1)->note(), "duplicate of evt-1: same idempotency key");
  EXPECT_EQ(HistoryAt(log.state, "sora", 1)->duplicate_of(), "evt-1");
  // The same event id again, as a producer retry would write it: it repeats evt-1's story.
  ASSERT_EQ(*log.Feed(Reported("evt-1", "ik-other", kFeb10, "sam-roe", "Sam Roe", "Wired")), Outcome::kDuplicate);
  EXPECT_EQ(HistoryAt(log.state, "sora", 2)->duplicate_of(), "evt-1");
  EXPECT_EQ(HistoryAt(log.state, "sora", 0)->duplicate_of(), "");  // applied: empty
}

// --- Retractions ---------------------------------------------------------------------------------

TEST(Apply, RetractionUndoesTarget) {
  Log log;
  ASSERT_EQ(*log.Feed(Keyed(testing::Departure("evt-1", "sora", kFeb10, "p-ada"), "ik-1")), Outcome::kApplied);
  auto r = log.Feed(Keyed(testing::Retraction("evt-9", "sora", Day(2026, 3, 6), "evt-1"), "ik-9"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, Outcome::kRetractionApplied);

  EXPECT_FALSE(log.state.map.contains("b/openai/sora/20260210"));  // empty bucket deleted
  EXPECT_FALSE(log.state.map.contains("f/openai/anthropic/202602/sora"));  // last mover removed
  EXPECT_THAT(Views(log.state), IsEmpty());
  auto target = HistoryAt(log.state, "sora", 0);
  ASSERT_TRUE(target);
  EXPECT_EQ(target->status(), v1::EVENT_STATUS_RETRACTED);
  EXPECT_EQ(target->note(), "retracted by evt-9: story corrected");
  auto retraction = HistoryAt(log.state, "sora", 1);
  ASSERT_TRUE(retraction);
  EXPECT_EQ(retraction->status(), v1::EVENT_STATUS_RETRACTION_APPLIED);
  EXPECT_EQ(log.state.map.at("e/evt-9"), keys::History("openai", "sora", 1));
  EXPECT_FALSE(log.state.map.contains("k/ik-1"));  // the key is free again
  auto t = TeamAt(log.state, "sora");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->events(), 2);
  EXPECT_EQ(t->applied(), 1);
  EXPECT_EQ(t->retracted(), 1);

  // The corrected story, same key: applies.
  v1::Event corrected = Keyed(testing::Departure("evt-10", "sora", kFeb10, "p-ada", v1::SENIORITY_SENIOR,
                                                 "google-deepmind"),
                              "ik-1");
  ASSERT_EQ(*log.Feed(corrected), Outcome::kApplied);
  EXPECT_EQ(BucketAt(log.state, "sora", kFeb10)->departures(), 1);
  auto flow = Read<v1::FlowBucket>(log.state, "f/openai/google-deepmind/202602/sora");
  ASSERT_TRUE(flow);
  ASSERT_EQ(flow->movers_size(), 1);
  EXPECT_EQ(flow->movers(0).event_id(), "evt-10");
  EXPECT_EQ(log.state.map.at("k/ik-1"), "evt-10");
}

TEST(Apply, RetractionLeavesOtherEventsOfTheDayAndMonth) {
  // Reference: only evt-2 (same day, same destination month) ever applied.
  Log only;
  only.next_offset = 1;
  ASSERT_TRUE(only.Feed(Keyed(testing::Departure("evt-2", "sora", kFeb10, "p-bob"), "ik-2")).ok());

  Log log;
  ASSERT_TRUE(log.Feed(Keyed(testing::Departure("evt-1", "sora", kFeb10, "p-ada"), "ik-1")).ok());
  ASSERT_TRUE(log.Feed(Keyed(testing::Departure("evt-2", "sora", kFeb10, "p-bob"), "ik-2")).ok());
  ASSERT_EQ(*log.Feed(Keyed(testing::Retraction("evt-9", "sora", Day(2026, 3, 6), "evt-1"), "ik-9")),
            Outcome::kRetractionApplied);

  EXPECT_EQ(Views(log.state), Views(only.state));  // same bytes as if evt-1 never happened
  auto b = BucketAt(log.state, "sora", kFeb10);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->departures(), 1);
  EXPECT_EQ(b->events(), 1);
  auto flow = Read<v1::FlowBucket>(log.state, "f/openai/anthropic/202602/sora");
  ASSERT_TRUE(flow);
  ASSERT_EQ(flow->movers_size(), 1);
  EXPECT_EQ(flow->movers(0).person_id(), "p-bob");
}

TEST(Apply, RetractionBeforeTargetIsAppliedOnArrival) {
  Log log;
  auto r = log.Feed(Keyed(testing::Retraction("evt-9", "sora", Day(2026, 3, 6), "evt-1"), "ik-9"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, Outcome::kRetractionPending);
  auto pending = HistoryAt(log.state, "sora", 0);
  ASSERT_TRUE(pending);
  EXPECT_EQ(pending->status(), v1::EVENT_STATUS_RETRACTION_PENDING);
  EXPECT_THAT(pending->note(), HasSubstr("evt-1"));
  EXPECT_EQ(log.state.map.at("r/evt-1"), keys::History("openai", "sora", 0));

  // The target arrives: recorded (and counted as applied) but retracted at once.
  r = log.Feed(Keyed(testing::Departure("evt-1", "sora", kFeb10, "p-ada"), "ik-1"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, Outcome::kApplied);
  EXPECT_THAT(Views(log.state), IsEmpty());  // no bucket, no flow
  auto target = HistoryAt(log.state, "sora", 1);
  ASSERT_TRUE(target);
  EXPECT_EQ(target->status(), v1::EVENT_STATUS_RETRACTED);
  EXPECT_EQ(target->note(), "retracted by evt-9: story corrected");
  auto retraction = HistoryAt(log.state, "sora", 0);
  ASSERT_TRUE(retraction);
  EXPECT_EQ(retraction->status(), v1::EVENT_STATUS_RETRACTION_APPLIED);
  EXPECT_EQ(retraction->note(), "");
  EXPECT_FALSE(log.state.map.contains("r/evt-1"));
  EXPECT_FALSE(log.state.map.contains("k/ik-1"));
  EXPECT_EQ(log.state.map.at("e/evt-1"), keys::History("openai", "sora", 1));
  auto t = TeamAt(log.state, "sora");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->events(), 2);
  EXPECT_EQ(t->applied(), 1);
  EXPECT_EQ(t->retracted(), 1);
}

TEST(Apply, RetractionOfUnknownStaysPending) {
  Log log;
  ASSERT_EQ(*log.Feed(Keyed(testing::Retraction("evt-9", "sora", Day(2026, 3, 6), "evt-404"), "ik-9")),
            Outcome::kRetractionPending);
  ASSERT_TRUE(log.Feed(Keyed(testing::Departure("evt-1", "sora", kFeb10, "p-ada"), "ik-1")).ok());
  ASSERT_TRUE(log.Feed(Keyed(testing::Hire("evt-2", "sora", kFeb10, "p-bob"), "ik-2")).ok());

  EXPECT_EQ(HistoryAt(log.state, "sora", 0)->status(), v1::EVENT_STATUS_RETRACTION_PENDING);
  EXPECT_EQ(log.state.map.at("r/evt-404"), keys::History("openai", "sora", 0));
  auto b = BucketAt(log.state, "sora", kFeb10);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->departures(), 1);
  EXPECT_EQ(b->hires(), 1);
  EXPECT_EQ(TeamAt(log.state, "sora")->retracted(), 0);
}

TEST(Apply, RetractingTwiceIsNoop) {
  Log log;
  ASSERT_TRUE(log.Feed(Keyed(testing::Departure("evt-1", "sora", kFeb10, "p-ada"), "ik-1")).ok());
  ASSERT_TRUE(log.Feed(Keyed(testing::Departure("evt-2", "sora", kFeb10, "p-bob"), "ik-2")).ok());
  ASSERT_EQ(*log.Feed(Keyed(testing::Retraction("evt-9", "sora", Day(2026, 3, 6), "evt-1"), "ik-9")),
            Outcome::kRetractionApplied);
  const auto views = Views(log.state);
  const auto history0 = log.state.map.at(keys::History("openai", "sora", 0));

  auto r = log.Feed(Keyed(testing::Retraction("evt-10", "sora", Day(2026, 3, 7), "evt-1"), "ik-10"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, Outcome::kRetractionNoop);
  EXPECT_EQ(Views(log.state), views);  // evt-2 is not decremented in evt-1's place
  EXPECT_EQ(log.state.map.at(keys::History("openai", "sora", 0)), history0);
  auto h = HistoryAt(log.state, "sora", 3);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status(), v1::EVENT_STATUS_RETRACTION_NOOP);
  EXPECT_THAT(h->note(), HasSubstr("EVENT_STATUS_RETRACTED"));
  EXPECT_EQ(TeamAt(log.state, "sora")->retracted(), 1);
}

TEST(Apply, RetractionOfDuplicateOrRetractionIsNoop) {
  Log log;
  ASSERT_EQ(*log.Feed(Keyed(testing::Departure("evt-1", "sora", kFeb10, "p-ada"), "ik-1")), Outcome::kApplied);
  ASSERT_EQ(*log.Feed(Keyed(testing::Departure("evt-2", "sora", kFeb10, "p-ada"), "ik-1")), Outcome::kDuplicate);
  const auto views = Views(log.state);

  // Retracting the duplicate record does not touch the event it duplicated.
  ASSERT_EQ(*log.Feed(Keyed(testing::Retraction("evt-9", "sora", Day(2026, 3, 6), "evt-2"), "ik-9")),
            Outcome::kRetractionNoop);
  EXPECT_EQ(Views(log.state), views);
  EXPECT_EQ(HistoryAt(log.state, "sora", 0)->status(), v1::EVENT_STATUS_APPLIED);
  EXPECT_EQ(HistoryAt(log.state, "sora", 1)->status(), v1::EVENT_STATUS_DUPLICATE);
  EXPECT_THAT(HistoryAt(log.state, "sora", 2)->note(), HasSubstr("EVENT_STATUS_DUPLICATE"));

  // Retracting a retraction does not re-apply anything.
  ASSERT_EQ(*log.Feed(Keyed(testing::Retraction("evt-10", "sora", Day(2026, 3, 6), "evt-1"), "ik-10")),
            Outcome::kRetractionApplied);
  ASSERT_EQ(*log.Feed(Keyed(testing::Retraction("evt-11", "sora", Day(2026, 3, 7), "evt-10"), "ik-11")),
            Outcome::kRetractionNoop);
  EXPECT_THAT(Views(log.state), IsEmpty());
  EXPECT_EQ(HistoryAt(log.state, "sora", 3)->status(), v1::EVENT_STATUS_RETRACTION_APPLIED);
  EXPECT_EQ(HistoryAt(log.state, "sora", 4)->status(), v1::EVENT_STATUS_RETRACTION_NOOP);
  EXPECT_EQ(TeamAt(log.state, "sora")->retracted(), 1);
}

TEST(Apply, RetractionOfTimelineEventRemovesEntry) {
  Log log;
  log.next_offset = 5;
  ASSERT_TRUE(log.Feed(Keyed(testing::Reprioritisation("evt-1", "sora", Day(2026, 2, 4), v1::PRIORITY_LOWERED), "ik-1")).ok());
  ASSERT_TRUE(log.state.map.contains("l/openai/sora/20260204/00000000000000000005"));
  ASSERT_EQ(*log.Feed(Keyed(testing::Retraction("evt-9", "sora", Day(2026, 3, 6), "evt-1"), "ik-9")),
            Outcome::kRetractionApplied);
  EXPECT_FALSE(log.state.map.contains("l/openai/sora/20260204/00000000000000000005"));
  EXPECT_FALSE(log.state.map.contains("b/openai/sora/20260204"));  // its events count went back to 0
  EXPECT_THAT(Views(log.state), IsEmpty());
  EXPECT_EQ(HistoryAt(log.state, "sora", 5)->status(), v1::EVENT_STATUS_RETRACTED);
}

// A retraction waiting for a target that then arrives as a duplicate: per fold.h a retraction of a
// duplicate is a no-op, as it is when the duplicate comes first (second half of this test).
TEST(Apply, PendingRetractionOfLaterDuplicateBecomesNoop) {
  Log log;
  ASSERT_EQ(*log.Feed(Keyed(testing::Departure("evt-1", "sora", kFeb10, "p-ada"), "ik-1")), Outcome::kApplied);
  ASSERT_EQ(*log.Feed(Keyed(testing::Retraction("evt-9", "sora", Day(2026, 3, 6), "evt-2"), "ik-9")),
            Outcome::kRetractionPending);
  ASSERT_EQ(*log.Feed(Keyed(testing::Departure("evt-2", "sora", kFeb10, "p-ada"), "ik-1")), Outcome::kDuplicate);
  EXPECT_EQ(BucketAt(log.state, "sora", kFeb10)->departures(), 1);  // evt-1 still counts
  EXPECT_EQ(HistoryAt(log.state, "sora", 1)->status(), v1::EVENT_STATUS_RETRACTION_NOOP);
  EXPECT_FALSE(log.state.map.contains("r/evt-2"));

  Log other_order;  // evt-1, evt-2 (duplicate), then the retraction of evt-2
  ASSERT_TRUE(other_order.Feed(Keyed(testing::Departure("evt-1", "sora", kFeb10, "p-ada"), "ik-1")).ok());
  ASSERT_TRUE(other_order.Feed(Keyed(testing::Departure("evt-2", "sora", kFeb10, "p-ada"), "ik-1")).ok());
  EXPECT_EQ(*other_order.Feed(Keyed(testing::Retraction("evt-9", "sora", Day(2026, 3, 6), "evt-2"), "ik-9")),
            Outcome::kRetractionNoop);
}

// Two retractions of one target, both before it: the first retracts it (as when the target comes
// first: the first retraction applies, the second is a no-op — known as soon as it arrives);
// neither stays pending.
TEST(Apply, TwoPendingRetractionsOfOneTargetBothResolve) {
  Log log;
  ASSERT_EQ(*log.Feed(Keyed(testing::Retraction("evt-8", "sora", Day(2026, 3, 5), "evt-1"), "ik-8")),
            Outcome::kRetractionPending);
  ASSERT_EQ(*log.Feed(Keyed(testing::Retraction("evt-9", "sora", Day(2026, 3, 6), "evt-1"), "ik-9")),
            Outcome::kRetractionNoop);
  ASSERT_TRUE(log.Feed(Keyed(testing::Departure("evt-1", "sora", kFeb10, "p-ada"), "ik-1")).ok());
  EXPECT_THAT(Views(log.state), IsEmpty());
  EXPECT_EQ(HistoryAt(log.state, "sora", 0)->status(), v1::EVENT_STATUS_RETRACTION_APPLIED);
  EXPECT_EQ(HistoryAt(log.state, "sora", 1)->status(), v1::EVENT_STATUS_RETRACTION_NOOP);
  EXPECT_EQ(HistoryAt(log.state, "sora", 2)->note(), "retracted by evt-8: story corrected");
  EXPECT_THAT(log.state.WithPrefix("r/"), IsEmpty());
}

// --- Events that cannot apply ---------------------------------------------------------------------

// Applies `bad` to a state that already holds one applied event; expects InvalidArgument naming
// `field` and the state untouched.
void ExpectRejected(const v1::Event& bad, const std::string& field) {
  Log log;
  ASSERT_TRUE(log.Feed(Keyed(testing::Departure("evt-1", "sora", kFeb10, "p-ada"), "ik-1")).ok());
  const std::map<std::string, std::string> before = log.state.map;
  auto r = log.Feed(bad);
  ASSERT_FALSE(r.ok()) << "applied: " << bad.ShortDebugString();
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), StartsWith(field));
  EXPECT_EQ(log.state.map, before);
}

v1::Event ValidDeparture() { return Keyed(testing::Departure("evt-2", "sora", kFeb10, "p-bob"), "ik-2"); }

TEST(Apply, RejectsEventWithoutPayload) {
  v1::Event e = ValidDeparture();
  e.clear_departure();
  ExpectRejected(e, "payload");
}

TEST(Apply, RejectsEventWithoutOrg) {
  v1::Event e = ValidDeparture();
  e.clear_org();
  ExpectRejected(e, "org");
}

TEST(Apply, RejectsEventWithoutIdempotencyKey) {
  ExpectRejected(testing::Departure("evt-2", "sora", kFeb10, "p-bob"), "idempotencyKey");
}

TEST(Apply, RejectsEventWithoutIdTeamOrTimeOrWithSlashInSlug) {
  v1::Event e = ValidDeparture();
  e.clear_event_id();
  ExpectRejected(e, "eventId");
  e = ValidDeparture();
  e.clear_team();
  ExpectRejected(e, "team");
  e = ValidDeparture();
  e.set_team("so/ra");  // would break the key layout
  ExpectRejected(e, "team");
  e = ValidDeparture();
  e.set_org("open/ai");
  ExpectRejected(e, "org");
  e = ValidDeparture();
  e.clear_effective_time();
  ExpectRejected(e, "effectiveTime");
  ExpectRejected(Keyed(testing::Retraction("evt-9", "sora", Day(2026, 3, 6), ""), "ik-9"),
                 "retraction.targetEventId");
}

// --- Determinism ----------------------------------------------------------------------------------

std::vector<v1::Event> SampleLog() {
  std::vector<v1::Event> log;
  auto add = [&](v1::Event e) {
    e.set_idempotency_key("ik-" + e.event_id());
    log.push_back(std::move(e));
  };
  add(testing::HeadcountReport("evt-01", "sora", Day(2025, 12, 1), 60));
  add(testing::Reprioritisation("evt-02", "sora", Day(2026, 2, 4), v1::PRIORITY_LOWERED));
  add(testing::Budget("evt-03", "sora", kFeb10, v1::BUDGET_STATUS_FROZEN));
  add(testing::Departure("evt-04", "sora", Day(2026, 1, 12), "p-a"));
  add(testing::Departure("evt-05", "sora", Day(2026, 2, 13), "p-b", v1::SENIORITY_LEADERSHIP, "meta"));
  add(testing::Departure("evt-06", "sora", Day(2026, 2, 13), "p-c", v1::SENIORITY_MID, "", v1::DESTINATION_KIND_UNKNOWN));
  add(testing::Hire("evt-07", "chatgpt", Day(2026, 1, 20), "p-d"));
  add(testing::Hire("evt-08", "chatgpt", Day(2026, 2, 3), "p-e", ""));
  v1::Event dup = testing::Hire("evt-09", "chatgpt", Day(2026, 2, 3), "p-e", "");
  dup.set_idempotency_key("ik-evt-08");
  log.push_back(dup);
  add(testing::Retraction("evt-10", "sora", Day(2026, 3, 6), "evt-05"));
  add(testing::Retraction("evt-11", "chatgpt", Day(2026, 3, 6), "evt-20"));  // target comes later
  v1::Event out = testing::BaseEvent("evt-12", "openai", "sora", Day(2026, 2, 18));
  out.mutable_person()->set_id("p-f");
  out.mutable_transfer_out()->set_to_team("chatgpt");
  add(out);
  v1::Event in = testing::BaseEvent("evt-12.in", "openai", "chatgpt", Day(2026, 2, 18));
  in.mutable_person()->set_id("p-f");
  in.mutable_transfer_in()->set_from_team("sora");
  add(in);
  add(testing::Departure("evt-13", "safety-alignment", Day(2025, 11, 18), "p-g", v1::SENIORITY_STAFF));
  v1::Event merge = testing::BaseEvent("evt-14", "openai", "dall-e", Day(2026, 3, 15));
  merge.mutable_team_change()->set_kind(v1::TEAM_CHANGE_KIND_MERGED);
  merge.mutable_team_change()->set_into_team("chatgpt");
  add(merge);
  v1::Event compute = testing::BaseEvent("evt-15", "openai", "sora", Day(2026, 2, 11));
  compute.mutable_compute_reallocation()->set_to_team("chatgpt");
  compute.mutable_compute_reallocation()->set_share(0.4);
  add(compute);
  add(testing::HeadcountReport("evt-16", "chatgpt", Day(2025, 12, 10), 430));
  add(testing::Departure("evt-17", "chatgpt", Day(2026, 1, 15), "p-h"));
  add(testing::Retraction("evt-18", "sora", Day(2026, 3, 7), "evt-05"));  // twice: no-op
  add(testing::Departure("evt-19", "dall-e", Day(2026, 2, 6), "p-i", v1::SENIORITY_JUNIOR, "anthropic"));
  add(testing::Hire("evt-20", "chatgpt", Day(2026, 2, 25), "p-j"));  // retracted on arrival
  return log;
}

TEST(Apply, SameLogGivesByteIdenticalState) {
  const std::vector<v1::Event> events = SampleLog();
  Log a, b;
  std::vector<Outcome> outcomes_a, outcomes_b;
  for (const v1::Event& e : events) {
    auto ra = a.Feed(e);
    auto rb = b.Feed(e);
    ASSERT_TRUE(ra.ok() && rb.ok()) << e.ShortDebugString();
    outcomes_a.push_back(*ra);
    outcomes_b.push_back(*rb);
  }
  EXPECT_EQ(outcomes_a, outcomes_b);
  EXPECT_EQ(a.state.map, b.state.map);
  // The log exercised what it is meant to: a duplicate, applied/pending/no-op retractions.
  EXPECT_EQ(outcomes_a[8], Outcome::kDuplicate);
  EXPECT_EQ(outcomes_a[9], Outcome::kRetractionApplied);
  EXPECT_EQ(outcomes_a[10], Outcome::kRetractionPending);
  EXPECT_EQ(outcomes_a[18], Outcome::kRetractionNoop);
  EXPECT_EQ(outcomes_a[20], Outcome::kApplied);
  EXPECT_FALSE(a.state.map.contains("f/openai/meta/202602/sora"));
  EXPECT_FALSE(a.state.map.contains("f/google-deepmind/openai/202602/chatgpt"));
  EXPECT_THAT(a.state.WithPrefix("r/"), IsEmpty());
}

TEST(Apply, RetractionGivesSameViewsBeforeOrAfterItsTarget) {
  const v1::Event other = Keyed(testing::Departure("evt-2", "sora", kFeb10, "p-bob"), "ik-2");
  const v1::Event target = Keyed(testing::Departure("evt-1", "sora", kFeb10, "p-ada"), "ik-1");
  const v1::Event retraction = Keyed(testing::Retraction("evt-9", "sora", Day(2026, 3, 6), "evt-1"), "ik-9");

  Log after, before, never;
  for (const v1::Event* e : {&other, &target, &retraction}) ASSERT_TRUE(after.Feed(*e).ok());
  for (const v1::Event* e : {&other, &retraction, &target}) ASSERT_TRUE(before.Feed(*e).ok());
  ASSERT_TRUE(never.Feed(other).ok());

  EXPECT_FALSE(Views(after.state).empty());
  EXPECT_EQ(Views(after.state), Views(before.state));
  EXPECT_EQ(Views(after.state), Views(never.state));
  EXPECT_EQ(after.state.WithPrefix("k/"), before.state.WithPrefix("k/"));  // ik-1 free in both
  auto ta = TeamAt(after.state, "sora");
  auto tb = TeamAt(before.state, "sora");
  ASSERT_TRUE(ta && tb);
  EXPECT_EQ(ta->applied(), tb->applied());
  EXPECT_EQ(ta->retracted(), tb->retracted());
  EXPECT_EQ(ta->events(), tb->events());
}

}  // namespace
}  // namespace talentflow::views
