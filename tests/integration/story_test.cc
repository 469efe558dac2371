// One person, one story, however it was filed (issue 19 item 5), tried as a journalist would
// against the real stack: a live projector on a real broker, the query service on a secondary
// instance of its DB, ingest's IngestService, and talentflowctl's publish (with --views), team,
// events and person. Numbers worked out by hand from the two reports each test publishes.
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_join.h"
#include "ctl/args.h"
#include "ctl/commands.h"
#include "ctl/tables.h"
#include "tests/integration/live_pipeline.h"

namespace talentflow {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

class StoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(stack_.Start("it-story").ok());
    read_.timeout = absl::Seconds(30);
    read_.width = ctl::kUnlimited;
  }

  // Publishes `lines` as `talentflowctl publish --views` does; returns its stdout and keeps the
  // offsets it wrote in read_.min_offsets.
  std::string Publish(const std::vector<std::string>& lines) {
    const std::string path = testing::FreshTempPath("feed") + ".jsonl";
    std::ofstream(path) << absl::StrJoin(lines, "\n") << "\n";
    ctl::PublishOptions options;
    options.path = path;
    options.views = stack_.query.get();
    options.timeout = absl::Seconds(30);
    std::ostringstream out, err;
    EXPECT_EQ(ctl::RunPublish(options, *stack_.ingest, out, err), ctl::kExitOk) << err.str();
    const std::string text = out.str();
    const size_t at = text.find("offsets: ");
    if (at != std::string::npos) {
      std::string offsets = text.substr(at + 9);
      auto parsed = ctl::ParseOffsets(offsets.substr(0, offsets.find('\n')));
      if (parsed.ok()) {
        for (const auto& [p, o] : *parsed) read_.min_offsets[p] = std::max(read_.min_offsets[p], o);
      }
    }
    return text;
  }

  testing::LiveStack stack_;
  ctl::ReadOptions read_;
};

// Jane Doe left openai/sora for periodic-labs on 2026-02-18. The Information reported it first,
// without her profile id; Bloomberg's report, published later as a correction, has it. Their
// derived idempotency keys differ (one is made of the name, one of the id).
constexpr char kFirst[] =
    R"({"eventId": "evt-j1", "org": "openai", "team": "sora", "effectiveTime": "2026-02-18T00:00:00Z", )"
    R"("person": {"name": "Jane Doe", "seniority": "SENIORITY_SENIOR"}, )"
    R"("departure": {"destinationOrg": "periodic-labs", "destinationKind": "DESTINATION_KIND_NEW_VENTURE"}, )"
    R"("evidence": [{"url": "https://theinformation.com/jane", "outlet": "The Information"}]})";
constexpr char kCorrected[] =
    R"({"eventId": "evt-j2", "org": "openai", "team": "sora", "effectiveTime": "2026-02-18T00:00:00Z", )"
    R"("person": {"id": "jane-doe", "name": "Jane Doe", "seniority": "SENIORITY_SENIOR"}, )"
    R"("departure": {"destinationOrg": "periodic-labs", "destinationKind": "DESTINATION_KIND_NEW_VENTURE"}, )"
    R"("evidence": [{"url": "https://bloomberg.com/jane", "outlet": "Bloomberg"}]})";

TEST_F(StoryTest, ADepartureCorrectedWithAnIdIsOnePersonOneDeparture) {
  EXPECT_THAT(Publish({kFirst}), MatchesRegex("accepted 1, rejected 0\noffsets: [0-9]+:[0-9]+\nviews: applied 1\n"));
  EXPECT_THAT(Publish({kCorrected}),
              MatchesRegex("accepted 1, rejected 0\noffsets: [0-9]+:[0-9]+\nviews: duplicate 1\n"
                           "line 1: evt-j2 is a duplicate of evt-j1: same departure of jane-doe on 2026-02-18\n"));

  // The team: one departure, one person to periodic-labs.
  std::ostringstream team, err;
  ASSERT_EQ(ctl::RunTeam({.team = {"openai", "sora"}, .as_of = ToTimestamp(testing::Day(2026, 3, 1))}, read_, *stack_.query,
                         team, err),
            ctl::kExitOk)
      << err.str();
  EXPECT_THAT(team.str(), HasSubstr("top destinations (365d): periodic-labs 1\n"));
  v1::GetTeamHealthRequest req;
  req.set_org("openai");
  req.set_team("sora");
  *req.mutable_as_of() = ToTimestamp(testing::Day(2026, 3, 1));
  v1::GetTeamHealthResponse health;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stack_.query->GetTeamHealth(&ctx, req, &health).ok());
  ASSERT_GE(health.health().windows_size(), 1);
  EXPECT_EQ(health.health().windows(0).departures(), 1);  // 30 days
  EXPECT_EQ(health.health().windows(0).senior_departures(), 1);
  EXPECT_EQ(health.health().duplicates(), 1);

  // The history: the second report is shown as the duplicate of the first, and the story's outlets
  // are both.
  std::ostringstream events;
  ctl::EventsOptions sora;
  sora.team = {"openai", "sora"};
  ASSERT_EQ(ctl::RunEvents(sora, read_, *stack_.query, events, err), ctl::kExitOk) << err.str();
  EXPECT_THAT(events.str(),
              HasSubstr("evt-j1  2026-02-18  departure  Jane Doe  applied    to periodic-labs; outlets: "
                        "The Information, Bloomberg\n"));
  EXPECT_THAT(events.str(), HasSubstr("duplicate  to periodic-labs; duplicate of evt-j1: same departure "
                                      "of jane-doe on 2026-02-18; outlets: The Information, Bloomberg\n"));
  v1::GetEventRequest get;
  get.set_event_id("evt-j2");
  v1::GetEventResponse got;
  grpc::ClientContext ctx2;
  ASSERT_TRUE(stack_.query->GetEvent(&ctx2, get, &got).ok());
  EXPECT_EQ(got.record().status(), v1::EVENT_STATUS_DUPLICATE);
  EXPECT_EQ(got.record().duplicate_of(), "evt-j1");
  EXPECT_THAT(got.record().outlets(), ElementsAre("The Information", "Bloomberg"));

  // The person: her id finds the story, applied from the report without it.
  v1::GetPersonRequest preq;
  preq.set_person_id("jane-doe");
  v1::GetPersonResponse person;
  grpc::ClientContext ctx3;
  ASSERT_TRUE(stack_.query->GetPerson(&ctx3, preq, &person).ok());
  ASSERT_EQ(person.moves_size(), 2);
  EXPECT_EQ(person.moves(0).event_id(), "evt-j1");
  EXPECT_EQ(person.moves(0).status(), v1::EVENT_STATUS_APPLIED);
  EXPECT_THAT(person.moves(0).outlets(), ElementsAre("The Information", "Bloomberg"));
  EXPECT_TRUE(person.moves(0).corroborated());  // 2 outlets
  EXPECT_EQ(person.moves(1).event_id(), "evt-j2");
  EXPECT_EQ(person.moves(1).status(), v1::EVENT_STATUS_DUPLICATE);
}

TEST_F(StoryTest, OneFeedRunPublishesBothReportsAndTheViewsCountOne) {
  // The same story twice in one run, as the sample feed has it: same line, another outlet (same key).
  std::string again = kCorrected;
  again.replace(again.find("evt-j2"), 6, "evt-j3");
  again.replace(again.find("https://bloomberg.com/jane"), 26, "https://reuters.com/jane");
  again.replace(again.find("\"Bloomberg\""), 11, "\"Reuters\"");
  EXPECT_THAT(Publish({kCorrected, again}),
              MatchesRegex("accepted 2, rejected 0, 1 line repeats a story of this run \\(published for its "
                           "evidence\\)\noffsets: [0-9]+:[0-9]+\nviews: applied 1, duplicate 1\n"
                           "line 2: evt-j3 is a duplicate of evt-j2: same idempotency key\n"));
  v1::GetEventRequest get;
  get.set_event_id("evt-j2");
  v1::GetEventResponse got;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stack_.query->GetEvent(&ctx, get, &got).ok());
  EXPECT_EQ(got.record().status(), v1::EVENT_STATUS_APPLIED);
  EXPECT_THAT(got.record().outlets(), ElementsAre("Bloomberg", "Reuters"));
}

}  // namespace
}  // namespace talentflow
