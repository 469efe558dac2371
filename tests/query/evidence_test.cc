// Evidence filters (query/evidence.h): the confidence order, a story's confidence and outlets,
// counterparts, and a team's figures rebuilt from the events that pass, over histories written by
// the real fold (views::Apply into an in-memory state). Expected values are worked out by hand in
// the comments.
#include "query/evidence.h"

#include <gtest/gtest.h>

#include "tests/common/event_builders.h"
#include "tests/views/memory_state.h"
#include "views/fold.h"

namespace talentflow::query {
namespace {

using ::talentflow::testing::Day;

// A log folded as the projector folds it (one partition, offsets 0, 1, …).
class Log {
 public:
  // Appends `e` (its idempotency key defaults to "ik-<event id>") with one outlet.
  Log& Add(v1::Event e, const std::string& outlet, v1::Confidence confidence = v1::CONFIDENCE_REPORTED) {
    if (e.idempotency_key().empty()) e.set_idempotency_key("ik-" + e.event_id());
    e.mutable_evidence(0)->set_outlet(outlet);
    e.set_confidence(confidence);
    EXPECT_TRUE(views::Apply(e, views::RecordMeta{0, next_++}, state_).ok()) << e.event_id();
    return *this;
  }
  // The history of org/team in log order.
  std::vector<v1::HistoryEntry> History(const std::string& org, const std::string& team) const {
    std::vector<v1::HistoryEntry> out;
    for (const auto& [k, v] : state_.WithPrefix("h/" + org + "/" + team + "/")) out.emplace_back().ParseFromString(v);
    return out;
  }
  // Every history record of the log, as the query service's scan gives them.
  EvidenceIndex Index() const {
    EvidenceIndex index;
    for (const auto& [k, v] : state_.WithPrefix("h/")) {
      v1::HistoryEntry e;
      e.ParseFromString(v);
      index.Add(e);
    }
    index.Finish();
    return index;
  }

 private:
  testing::MemoryState state_;
  int64_t next_ = 0;
};

v1::EvidenceFilter Filter(v1::Confidence min, bool corroborated = false) {
  v1::EvidenceFilter f;
  f.set_min_confidence(min);
  f.set_corroborated_only(corroborated);
  return f;
}

// openai/`team`'s health at `as_of` from the events of `log` that pass `filter`.
v1::TeamHealth HealthUnder(const Log& log, const std::string& team, const v1::EvidenceFilter& filter, absl::Time as_of) {
  const EvidenceIndex index = log.Index();
  const int64_t day = DayOf(as_of);
  const views::TeamInputs in = FilteredInputs(
      "openai", team, log.History("openai", team), [&](const std::string& id) { return index.Passes(id, filter); }, day);
  return views::ComputeHealth("openai", team, in, day);
}

TEST(ConfidenceRank, UnstatedRanksAsRumourBelowReportedBelowConfirmed) {
  EXPECT_EQ(ConfidenceRank(v1::CONFIDENCE_UNSPECIFIED), ConfidenceRank(v1::CONFIDENCE_RUMOR));
  EXPECT_LT(ConfidenceRank(v1::CONFIDENCE_RUMOR), ConfidenceRank(v1::CONFIDENCE_REPORTED));
  EXPECT_LT(ConfidenceRank(v1::CONFIDENCE_REPORTED), ConfidenceRank(v1::CONFIDENCE_CONFIRMED));
}

TEST(EvidenceFilter, TheDefaultCountsEveryReportAndSaysNothing) {
  EXPECT_TRUE(IsDefault(v1::EvidenceFilter()));
  EXPECT_TRUE(IsDefault(Filter(v1::CONFIDENCE_RUMOR)));
  EXPECT_FALSE(IsDefault(Filter(v1::CONFIDENCE_REPORTED)));
  EXPECT_FALSE(IsDefault(Filter(v1::CONFIDENCE_UNSPECIFIED, true)));
  EXPECT_EQ(DescribeFilter(v1::EvidenceFilter()), "");
  EXPECT_EQ(DescribeFilter(Filter(v1::CONFIDENCE_REPORTED, true)), "reported or better, corroborated only");
  EXPECT_EQ(DescribeFilter(Filter(v1::CONFIDENCE_CONFIRMED)), "confirmed");
  EXPECT_EQ(DescribeFilter(Filter(v1::CONFIDENCE_RUMOR, true)), "corroborated only");
}

TEST(EvidenceFilter, AnUnknownConfidenceIsRejectedNamingTheField) {
  v1::EvidenceFilter f;
  f.set_min_confidence(static_cast<v1::Confidence>(7));
  const absl::Status s = CheckFilter(f);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "evidence.min_confidence: 7 is not a confidence (RUMOR, REPORTED or CONFIRMED)");
  EXPECT_TRUE(CheckFilter(Filter(v1::CONFIDENCE_CONFIRMED)).ok());
}

// sora: a reported headcount of 50 on 2026-01-01, a rumoured 80 on 2026-02-01, a reported hire on
// 2026-02-10. As of 2026-03-01: every report: 80 + 1 = 81 (reported on 2026-02-01); reported or
// better: the rumour drops out and the estimate falls back to 50 + 1 = 51 (reported on 2026-01-01).
TEST(FilteredInputs, ARumouredHeadcountReportFallsBackToThePreviousReport) {
  Log log;
  log.Add(testing::HeadcountReport("evt-1", "sora", Day(2026, 1, 1), 50), "Semafor")
      .Add(testing::HeadcountReport("evt-2", "sora", Day(2026, 2, 1), 80), "x.com", v1::CONFIDENCE_RUMOR)
      .Add(testing::Hire("evt-3", "sora", Day(2026, 2, 10), "p-1"), "Reuters");
  const v1::TeamHealth all = HealthUnder(log, "sora", v1::EvidenceFilter(), Day(2026, 3, 1));
  EXPECT_EQ(all.headcount(), 81);
  EXPECT_EQ(all.headcount_reported_on(), "2026-02-01");
  const v1::TeamHealth reported = HealthUnder(log, "sora", Filter(v1::CONFIDENCE_REPORTED), Day(2026, 3, 1));
  EXPECT_TRUE(reported.headcount_known());
  EXPECT_EQ(reported.headcount(), 51);
  EXPECT_EQ(reported.headcount_reported_on(), "2026-01-01");
  EXPECT_EQ(reported.windows(1).hires(), 1);
  // The record counters count records, not evidence: three either way.
  EXPECT_EQ(reported.events(), 3);
}

// A rumoured departure later confirmed by a second report of the same story (same idempotency
// key, DUPLICATE): the story is CONFIRMED, so it counts under `confirmed` and is corroborated.
TEST(EvidenceIndex, AStoryIsAsSureAsItsSurestReport) {
  Log log;
  log.Add(testing::Departure("evt-1", "sora", Day(2026, 2, 1), "p-1"), "x.com", v1::CONFIDENCE_RUMOR);
  v1::Event again = testing::Departure("evt-2", "sora", Day(2026, 2, 1), "p-1");
  again.set_idempotency_key("ik-evt-1");
  log.Add(again, "x.com", v1::CONFIDENCE_CONFIRMED);
  const EvidenceIndex index = log.Index();
  EXPECT_TRUE(index.Passes("evt-1", Filter(v1::CONFIDENCE_CONFIRMED)));
  EXPECT_TRUE(index.Corroborated("evt-1"));
  EXPECT_FALSE(index.Passes("evt-2", v1::EvidenceFilter())) << "a duplicate never counts itself";
}

// A senior departure from sora on 2026-02-01 with one outlet: not corroborated, so the
// corroborated 90-day window at 2026-03-01 has no departure (score 100). A second outlet reports
// the same story a week later: now corroborated, 1 senior departure, score 100 − 10 = 90.
TEST(EvidenceIndex, ASecondOutletArrivingLaterCorroboratesTheDeparture) {
  const v1::EvidenceFilter corroborated = Filter(v1::CONFIDENCE_UNSPECIFIED, true);
  Log log;
  log.Add(testing::Departure("evt-1", "sora", Day(2026, 2, 1), "p-1"), "Bloomberg");
  EXPECT_FALSE(log.Index().Corroborated("evt-1"));
  v1::TeamHealth before = HealthUnder(log, "sora", corroborated, Day(2026, 3, 1));
  EXPECT_EQ(before.windows(1).departures(), 0);
  EXPECT_EQ(before.status(), v1::HEALTH_STATUS_UNKNOWN) << "no headcount and no event that counts";

  v1::Event again = testing::Departure("evt-2", "sora", Day(2026, 2, 1), "p-1");
  again.set_idempotency_key("ik-evt-1");
  log.Add(again, "reuters");
  EXPECT_TRUE(log.Index().Corroborated("evt-1"));
  v1::TeamHealth after = HealthUnder(log, "sora", corroborated, Day(2026, 3, 1));
  EXPECT_EQ(after.windows(1).departures(), 1);
  EXPECT_EQ(after.windows(1).senior_departures(), 1);
  EXPECT_EQ(after.score(), 90);
}

// p-1 leaves openai/sora for google-deepmind on 2026-01-09 and is hired at google-deepmind/gemini
// from openai on 2026-02-01 (23 days later): each report has one outlet and is REPORTED, and each
// is the other's counterpart, so both are corroborated. p-2 leaves on 2026-01-09 and is hired on
// 2026-05-09 (120 days later, past 90): neither is.
TEST(EvidenceIndex, ACounterpartPairAcrossTwoOrgsCorroboratesBoth) {
  Log log;
  log.Add(testing::Departure("evt-1", "sora", Day(2026, 1, 9), "p-1", v1::SENIORITY_SENIOR, "google-deepmind"),
          "Bloomberg");
  v1::Event hire = testing::Hire("evt-2", "gemini", Day(2026, 2, 1), "p-1", "openai");
  hire.set_org("google-deepmind");
  log.Add(hire, "The Information");
  log.Add(testing::Departure("evt-3", "sora", Day(2026, 1, 9), "p-2", v1::SENIORITY_SENIOR, "google-deepmind"),
          "Bloomberg");
  v1::Event late = testing::Hire("evt-4", "gemini", Day(2026, 5, 9), "p-2", "openai");
  late.set_org("google-deepmind");
  log.Add(late, "The Information");
  const EvidenceIndex index = log.Index();
  EXPECT_TRUE(index.Corroborated("evt-1"));
  EXPECT_TRUE(index.Corroborated("evt-2"));
  EXPECT_FALSE(index.Corroborated("evt-3"));
  EXPECT_FALSE(index.Corroborated("evt-4"));
  // sora at 2026-03-01 under --corroborated: evt-1 only.
  const v1::TeamHealth h = HealthUnder(log, "sora", Filter(v1::CONFIDENCE_UNSPECIFIED, true), Day(2026, 3, 1));
  EXPECT_EQ(h.windows(1).departures(), 1);
}

// The journalist's correction: evt-1, Jane Doe's departure for google-deepmind on 2026-02-18, is
// published without person.id; evt-2 repeats it with the id jane-doe (the fold makes it evt-1's
// DUPLICATE by name); evt-3 is jane-doe's hire at google-deepmind/gemini from openai on 2026-03-01
// (11 days later). The story's id is jane-doe, so evt-1 and evt-3 are counterparts: both
// corroborated though each story has one outlet and is REPORTED.
TEST(EvidenceIndex, AMoveFiledWithoutAnIdLinksByTheIdALaterReportGaveItsStory) {
  Log log;
  v1::Event first = testing::Departure("evt-1", "sora", Day(2026, 2, 18), "", v1::SENIORITY_SENIOR, "google-deepmind");
  first.mutable_person()->set_name("Jane Doe");
  log.Add(first, "The Information");
  v1::Event corrected = first;
  corrected.set_event_id("evt-2");
  corrected.mutable_person()->set_id("jane-doe");
  log.Add(corrected, "The Information");
  ASSERT_EQ(log.History("openai", "sora").back().duplicate_of(), "evt-1");
  v1::Event hire = testing::Hire("evt-3", "gemini", Day(2026, 3, 1), "jane-doe", "openai");
  hire.set_org("google-deepmind");
  log.Add(hire, "DeepMind blog");
  const EvidenceIndex index = log.Index();
  EXPECT_EQ(index.People(), std::set<std::string>{"jane-doe"});
  EXPECT_TRUE(index.Corroborated("evt-1"));
  EXPECT_TRUE(index.Corroborated("evt-3"));
  EXPECT_FALSE(index.Corroborated("evt-2")) << "a duplicate is never corroborated itself";
  const v1::TeamHealth h = HealthUnder(log, "sora", Filter(v1::CONFIDENCE_UNSPECIFIED, true), Day(2026, 3, 1));
  EXPECT_EQ(h.windows(1).departures(), 1);  // evt-1
}

// A CONFIRMED departure (corroborated) retracted later: it counts under no filter, the default
// included.
TEST(EvidenceIndex, ARetractedCorroboratedStoryCountsUnderNoFilter) {
  Log log;
  log.Add(testing::Departure("evt-1", "sora", Day(2026, 2, 1), "p-1"), "LinkedIn", v1::CONFIDENCE_CONFIRMED);
  log.Add(testing::Departure("evt-2", "sora", Day(2026, 2, 2), "p-2"), "LinkedIn", v1::CONFIDENCE_CONFIRMED);
  EXPECT_TRUE(log.Index().Corroborated("evt-1"));
  log.Add(testing::Retraction("evt-3", "sora", Day(2026, 2, 20), "evt-1"), "LinkedIn");
  const EvidenceIndex index = log.Index();
  EXPECT_FALSE(index.Passes("evt-1", v1::EvidenceFilter()));
  EXPECT_FALSE(index.Corroborated("evt-1"));
  for (const auto& f : {v1::EvidenceFilter(), Filter(v1::CONFIDENCE_CONFIRMED), Filter(v1::CONFIDENCE_RUMOR, true)}) {
    const v1::TeamHealth h = HealthUnder(log, "sora", f, Day(2026, 3, 1));
    EXPECT_EQ(h.windows(1).departures(), 1) << DescribeFilter(f);  // evt-2 only
    EXPECT_EQ(h.retracted(), 1);
  }
}

}  // namespace
}  // namespace talentflow::query
