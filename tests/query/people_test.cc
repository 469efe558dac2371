// The pure parts of GetPerson and ListPeople (query/people.h): stories' outlets, counterparts and
// corroboration, on history records built by hand.
#include "query/people.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/common/event_builders.h"

namespace talentflow::query {
namespace {

using ::talentflow::testing::Day;
using ::testing::ElementsAre;

v1::HistoryEntry Entry(v1::Event e, int32_t partition, int64_t offset, const std::string& outlet,
                       v1::EventStatus status = v1::EVENT_STATUS_APPLIED) {
  e.mutable_evidence(0)->set_outlet(outlet);
  if (e.idempotency_key().empty()) e.set_idempotency_key("ik-" + e.event_id());
  v1::HistoryEntry h;
  *h.mutable_event() = std::move(e);
  h.set_status(status);
  h.set_partition(partition);
  h.set_offset(offset);
  return h;
}

// A departure from openai to google-deepmind on `when`.
v1::Event Left(const std::string& id, absl::Time when, const std::string& person) {
  return testing::Departure(id, "sora", when, person, v1::SENIORITY_SENIOR, "google-deepmind");
}

// The hire at google-deepmind from openai on `when`.
v1::Event Joined(const std::string& id, absl::Time when, const std::string& person) {
  v1::Event e = testing::Hire(id, "gemini", when, person, "openai");
  e.set_org("google-deepmind");
  return e;
}

TEST(MovesOf, AStoryHasTheDistinctOutletsOfAllItsReportsWhateverTheirCase) {
  v1::Event again = Left("evt-2", Day(2026, 1, 9), "p-1");
  again.set_idempotency_key("ik-evt-1");  // a second report of evt-1's story
  v1::Event third = again;
  third.set_event_id("evt-3");
  std::vector<v1::PersonMove> moves =
      MovesOf({Entry(third, 5, 12, "BLOOMBERG", v1::EVENT_STATUS_DUPLICATE),
               Entry(Left("evt-1", Day(2026, 1, 9), "p-1"), 5, 10, "Bloomberg"),
               Entry(testing::HeadcountReport("evt-hc", "sora", Day(2026, 1, 1), 50), 5, 9, "Semafor"),
               Entry(again, 5, 11, "Reuters", v1::EVENT_STATUS_DUPLICATE)});
  ASSERT_EQ(moves.size(), 3u);  // the headcount report is no move
  EXPECT_EQ(moves[0].event_id(), "evt-1");
  EXPECT_EQ(moves[0].kind(), v1::MOVE_KIND_DEPARTURE);
  EXPECT_EQ(moves[0].from_org(), "openai");
  EXPECT_EQ(moves[0].from_team(), "sora");
  EXPECT_EQ(moves[0].to_org(), "google-deepmind");
  for (const auto& m : moves) EXPECT_THAT(m.outlets(), ElementsAre("Bloomberg", "Reuters")) << m.event_id();
  EXPECT_EQ(moves[2].status(), v1::EVENT_STATUS_DUPLICATE);
}

TEST(MovesOf, AStoryIsItsAppliedMoveAndTheDuplicatesNamingItWhateverTheirKeys) {
  // evt-1 filed without an id, evt-2 the corrected report with one (another key): the fold made
  // evt-2 a DUPLICATE with duplicate_of evt-1. evt-3 is another story under the same key shape.
  v1::Event first = Left("evt-1", Day(2026, 2, 18), "");
  first.set_idempotency_key("ik-name");
  v1::Event corrected = Left("evt-2", Day(2026, 2, 18), "jane-doe");
  corrected.set_idempotency_key("ik-id");
  v1::HistoryEntry dup = Entry(corrected, 5, 11, "Bloomberg", v1::EVENT_STATUS_DUPLICATE);
  dup.set_duplicate_of("evt-1");
  // A DUPLICATE of a DB written before duplicate_of: its key names its story.
  v1::Event old_style = Left("evt-4", Day(2026, 2, 18), "");
  old_style.set_idempotency_key("ik-name");
  std::vector<v1::PersonMove> moves =
      MovesOf({Entry(first, 5, 10, "The Information"), dup, Entry(Left("evt-3", Day(2026, 2, 18), "sam"), 5, 12, "Wired"),
               Entry(old_style, 5, 13, "the information", v1::EVENT_STATUS_DUPLICATE)});
  ASSERT_EQ(moves.size(), 4u);
  EXPECT_THAT(moves[0].outlets(), ElementsAre("The Information", "Bloomberg"));
  EXPECT_THAT(moves[1].outlets(), ElementsAre("The Information", "Bloomberg"));
  EXPECT_THAT(moves[2].outlets(), ElementsAre("Wired"));
  EXPECT_THAT(moves[3].outlets(), ElementsAre("The Information", "Bloomberg"));
}

TEST(LinkMoves, ADepartureAndTheHireItLedToAtMostNinetyDaysApart) {
  // p-1 left on 2026-01-09 and joined 90 days later (2026-04-09); p-2 joined 91 days later (2026-04-10).
  std::vector<v1::PersonMove> moves = MovesOf({Entry(Joined("in-1", Day(2026, 4, 9), "p-1"), 3, 1, "DeepMind"),
                                               Entry(Left("out-1", Day(2026, 1, 9), "p-1"), 5, 1, "Bloomberg"),
                                               Entry(Joined("in-2", Day(2026, 4, 10), "p-2"), 3, 2, "DeepMind"),
                                               Entry(Left("out-2", Day(2026, 1, 9), "p-2"), 5, 2, "Bloomberg")});
  std::vector<v1::MoveCounterpart> pairs = LinkMoves(moves);
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(pairs[0].out_event_id(), "out-1");
  EXPECT_EQ(pairs[0].in_event_id(), "in-1");
  EXPECT_EQ(pairs[0].days_apart(), 90);
  // Time order: both departures on 2026-01-09 (partition 5, offsets 1 and 2), then the hires.
  std::vector<std::string> order;
  for (const auto& m : moves) order.push_back(m.event_id());
  EXPECT_THAT(order, ElementsAre("out-1", "out-2", "in-1", "in-2"));
  EXPECT_EQ(moves[0].counterpart_event_id(), "in-1");
  EXPECT_THAT(moves[0].counterpart_outlets(), ElementsAre("DeepMind"));
  EXPECT_TRUE(moves[0].corroborated());
  EXPECT_THAT(moves[0].corroborated_by(), ElementsAre("counterpart in-1"));
  EXPECT_EQ(moves[2].counterpart_event_id(), "out-1");
  EXPECT_TRUE(moves[2].corroborated());
  // p-2's pair is 91 days apart: no counterpart, one outlet, reported: not corroborated.
  EXPECT_EQ(moves[1].counterpart_event_id(), "");
  EXPECT_FALSE(moves[1].corroborated());
  EXPECT_FALSE(moves[3].corroborated());
}

TEST(LinkMoves, OnlyTheRightOrgsAndAppliedMovesPair) {
  v1::Event elsewhere = Joined("in-meta", Day(2026, 1, 20), "p-1");
  elsewhere.set_org("meta");  // the departure said google-deepmind
  std::vector<v1::PersonMove> moves =
      MovesOf({Entry(Left("out-1", Day(2026, 1, 9), "p-1"), 5, 1, "Bloomberg"), Entry(elsewhere, 4, 1, "Meta"),
               Entry(Joined("in-retracted", Day(2026, 1, 21), "p-1"), 3, 1, "DeepMind", v1::EVENT_STATUS_RETRACTED)});
  EXPECT_TRUE(LinkMoves(moves).empty());
  for (const auto& m : moves) EXPECT_EQ(m.counterpart_event_id(), "") << m.event_id();
}

TEST(LinkMoves, ATransferOutPairsWithTheTransferInOfTheSameTwoTeams) {
  v1::Event out = testing::BaseEvent("t-1", "openai", "sora", Day(2026, 2, 18));
  out.mutable_person()->set_id("p-1");
  out.mutable_transfer_out()->set_to_team("chatgpt");
  out.set_confidence(v1::CONFIDENCE_CONFIRMED);
  v1::Event in = testing::BaseEvent("t-1.in", "openai", "chatgpt", Day(2026, 2, 18));
  in.mutable_person()->set_id("p-1");
  in.mutable_transfer_in()->set_from_team("sora");
  v1::Event other_in = in;  // from another team: no pair
  other_in.set_event_id("t-2.in");
  other_in.mutable_transfer_in()->set_from_team("dall-e");
  std::vector<v1::PersonMove> moves = MovesOf({Entry(out, 5, 1, "The Information"), Entry(other_in, 7, 1, "X"),
                                               Entry(in, 7, 2, "The Information")});
  std::vector<v1::MoveCounterpart> pairs = LinkMoves(moves);
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(pairs[0].out_event_id(), "t-1");
  EXPECT_EQ(pairs[0].in_event_id(), "t-1.in");
  EXPECT_EQ(pairs[0].days_apart(), 0);
  EXPECT_THAT(moves[0].corroborated_by(), ElementsAre("confirmed", "counterpart t-1.in"));
  EXPECT_EQ(moves[0].to_team(), "chatgpt");
  EXPECT_EQ(moves[2].from_team(), "sora");
}

// A rumour (evt-1, one outlet) repeated by a CONFIRMED report of the same story (evt-2, DUPLICATE):
// the story is CONFIRMED, so the applied move is corroborated "confirmed"; each report keeps its own
// confidence.
TEST(LinkMoves, ALaterConfirmedReportConfirmsTheRumour) {
  v1::Event rumour = Left("evt-1", Day(2026, 1, 9), "p-1");
  rumour.set_confidence(v1::CONFIDENCE_RUMOR);
  v1::Event confirmed = Left("evt-2", Day(2026, 1, 9), "p-1");
  confirmed.set_confidence(v1::CONFIDENCE_CONFIRMED);
  confirmed.set_idempotency_key("ik-evt-1");
  std::vector<v1::PersonMove> moves = MovesOf(
      {Entry(rumour, 5, 10, "x.com"), Entry(confirmed, 5, 11, "x.com", v1::EVENT_STATUS_DUPLICATE)});
  LinkMoves(moves);
  ASSERT_EQ(moves.size(), 2u);
  EXPECT_EQ(moves[0].confidence(), v1::CONFIDENCE_RUMOR);
  EXPECT_EQ(moves[0].story_confidence(), v1::CONFIDENCE_CONFIRMED);
  EXPECT_TRUE(moves[0].corroborated());
  EXPECT_THAT(moves[0].corroborated_by(), ElementsAre("confirmed"));
  EXPECT_FALSE(moves[1].corroborated()) << "a duplicate is never corroborated itself";
}

// The journalist's correction (issue 19 item 5): evt-1 was published without person.id and applied;
// evt-2, the same story with the id jane-doe, is its DUPLICATE. The story's id is jane-doe, so the
// applied move carries it and pairs with jane-doe's hire at google-deepmind from openai 11 days
// later (2026-02-18 -> 2026-03-01).
TEST(MovesOf, AMoveFiledWithoutAnIdTakesTheIdOfALaterReportOfItsStoryAndLinks) {
  v1::Event first = Left("evt-1", Day(2026, 2, 18), "");
  first.mutable_person()->set_name("Jane Doe");
  first.set_idempotency_key("ik-name");
  v1::Event corrected = Left("evt-2", Day(2026, 2, 18), "jane-doe");
  corrected.set_idempotency_key("ik-id");
  v1::HistoryEntry dup = Entry(corrected, 5, 11, "Bloomberg", v1::EVENT_STATUS_DUPLICATE);
  dup.set_duplicate_of("evt-1");
  v1::Event other = Left("evt-3", Day(2026, 2, 18), "");  // another story, never given an id
  other.mutable_person()->set_name("Sam Roe");
  std::vector<v1::PersonMove> moves = MovesOf({Entry(first, 5, 10, "The Information"), dup,
                                               Entry(other, 5, 12, "Wired"),
                                               Entry(Joined("in-1", Day(2026, 3, 1), "jane-doe"), 7, 4, "DeepMind")});
  ASSERT_EQ(moves.size(), 4u);
  EXPECT_EQ(moves[0].event_id(), "evt-1");
  EXPECT_EQ(moves[0].person().id(), "jane-doe");
  EXPECT_EQ(moves[0].person().name(), "Jane Doe");  // the rest as the report gave it
  EXPECT_EQ(moves[2].event_id(), "evt-3");
  EXPECT_EQ(moves[2].person().id(), "");
  std::vector<v1::MoveCounterpart> pairs = LinkMoves(moves);
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(pairs[0].out_event_id(), "evt-1");
  EXPECT_EQ(pairs[0].in_event_id(), "in-1");
  EXPECT_EQ(pairs[0].days_apart(), 11);
}

TEST(PersonKey, ByIdElseByTheNameInLowerCase) {
  v1::Person p;
  p.set_name("Jamie Cho");
  EXPECT_EQ(PersonKey(p), "name:jamie cho");
  p.set_id("p-jamie-cho");
  EXPECT_EQ(PersonKey(p), "id:p-jamie-cho");
}

}  // namespace
}  // namespace talentflow::query
