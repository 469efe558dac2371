// The QueryService over real views: the sample feed's snapshot answered RPC by RPC with numbers
// worked out by hand (examples/feeds/EXPECTED.md), bad input answered with its code, and — with a
// live projector and a secondary instance following it — read-your-writes and watches.
#include <sstream>
#include <thread>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "ctl/commands.h"
#include "query/query_service.h"
#include "tests/common/pipeline.h"
#include "tests/integration/live_pipeline.h"
#include "tests/integration/served_query.h"

namespace talentflow::query {
namespace {

using ::talentflow::testing::Day;
using ::testing::UnorderedElementsAre;

const std::string kSource = TALENTFLOW_SOURCE_DIR;

google::protobuf::Timestamp At(int y, int m, int d) { return ToTimestamp(Day(y, m, d)); }

// GetOrgSnapshot of openai at `as_of` through `s`; fails the test when the call fails.
v1::GetOrgSnapshotResponse OpenAiSnapshot(Served& s, const google::protobuf::Timestamp& as_of) {
  v1::GetOrgSnapshotRequest req;
  req.set_org("openai");
  *req.mutable_as_of() = as_of;
  v1::GetOrgSnapshotResponse resp;
  grpc::ClientContext c;
  const grpc::Status status = s.stub->GetOrgSnapshot(&c, req, &resp);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return resp;
}

// The sample feed's views, built once for the suite and served read-only.
class SampleQueryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string topic = testing::UniqueTopic("it-query");
    ASSERT_TRUE(testing::CreateTopic(topic, 12).ok());
    testing::PublishFeed(topic, kSource + "/examples/feeds/openai-2026.jsonl", kSource + "/deploy/aliases.json");
    db_ = new std::string(testing::FreshTempPath("query-sample"));
    ASSERT_NE(testing::Replay(topic, *db_), nullptr);
    source_ = new ViewSource({.db_path = *db_, .read_only = true});
    source_->Start();
    for (int i = 0; i < 100 && !source_->Acquire().ok(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  static void TearDownTestSuite() {
    delete source_;
    delete db_;
  }
  static std::string* db_;
  static ViewSource* source_;
};
std::string* SampleQueryTest::db_ = nullptr;
ViewSource* SampleQueryTest::source_ = nullptr;

TEST_F(SampleQueryTest, GetTeamHealthBeforeAndAfterTheTippingPoint) {
  Served s(source_);
  v1::GetTeamHealthRequest req;
  req.set_org("openai");
  req.set_team("sora");
  *req.mutable_as_of() = At(2026, 1, 31);
  v1::GetTeamHealthResponse before, after;
  grpc::ClientContext c1, c2;
  ASSERT_TRUE(s.stub->GetTeamHealth(&c1, req, &before).ok());
  // Before February: the feed's earlier state (NORMAL since 2025-08-01, STEADY since 2025-09-01).
  EXPECT_EQ(before.health().priority(), v1::PRIORITY_NORMAL);
  EXPECT_EQ(before.health().budget(), v1::BUDGET_STATUS_STEADY);
  *req.mutable_as_of() = At(2026, 3, 1);
  ASSERT_TRUE(s.stub->GetTeamHealth(&c2, req, &after).ok());
  EXPECT_EQ(after.health().priority(), v1::PRIORITY_LOWERED);
  EXPECT_EQ(after.health().budget(), v1::BUDGET_STATUS_FROZEN);
  EXPECT_EQ(after.health().score(), 2);
  EXPECT_EQ(after.health().status(), v1::HEALTH_STATUS_CRITICAL);
  EXPECT_EQ(after.health().headcount(), 50);
  // The watermark covers the 74 records of the feed (73 lines and evt-0053's transferIn).
  int64_t applied = 0;
  for (const auto& p : after.watermark().partitions()) applied += p.applied_offset();
  EXPECT_EQ(applied, 74);
}

TEST_F(SampleQueryTest, OrgSnapshotTotals) {
  Served s(source_);
  const v1::GetOrgSnapshotResponse resp = OpenAiSnapshot(s, At(2026, 3, 1));
  ASSERT_EQ(resp.teams_size(), 4);
  const auto& t = resp.totals();
  EXPECT_EQ(t.teams(), 4);
  EXPECT_EQ(t.headcount(), 435 + 50 + 32 + 41);
  EXPECT_EQ(t.hires_90d(), 7 + 0 + 0 + 1);
  EXPECT_EQ(t.departures_90d(), 2 + 7 + 3 + 3);
  EXPECT_EQ(t.senior_departures_90d(), 1 + 5 + 2 + 3);
  EXPECT_EQ(t.status_counts().at("healthy"), 1);
  EXPECT_EQ(t.status_counts().at("critical"), 1);
  EXPECT_EQ(t.status_counts().at("at_risk"), 1);
  EXPECT_EQ(t.status_counts().at("watch"), 1);

  // The snapshot reads an org's flow buckets once per partition and hands each team its own; every
  // team must equal what GetTeamHealth computes for it alone (top destinations included).
  for (const auto& team : resp.teams()) {
    v1::GetTeamHealthRequest one;
    one.set_org("openai");
    one.set_team(team.team());
    *one.mutable_as_of() = At(2026, 3, 1);
    v1::GetTeamHealthResponse alone;
    grpc::ClientContext c1;
    ASSERT_TRUE(s.stub->GetTeamHealth(&c1, one, &alone).ok());
    EXPECT_EQ(alone.health().SerializeAsString(), team.SerializeAsString()) << team.team();
  }
  bool some_destinations = false;
  for (const auto& team : resp.teams()) some_destinations |= team.top_destinations_size() > 0;
  EXPECT_TRUE(some_destinations) << "the sample's departures name destinations";
}

// Before the sample's first event (2025) no team has a headcount or an event in the year up to
// 1980-01-01: all four are UNKNOWN, counted apart, and not a perfect 100.
TEST_F(SampleQueryTest, OrgSnapshotBeforeAnyDataIsUnknown) {
  Served s(source_);
  const v1::GetOrgSnapshotResponse resp = OpenAiSnapshot(s, At(1980, 1, 1));
  ASSERT_EQ(resp.teams_size(), 4);
  for (const auto& team : resp.teams()) {
    EXPECT_EQ(team.status(), v1::HEALTH_STATUS_UNKNOWN) << team.team();
    EXPECT_EQ(team.score(), 0) << team.team();
  }
  EXPECT_EQ(resp.totals().status_counts().size(), 1u);
  EXPECT_EQ(resp.totals().status_counts().at("unknown"), 4);
}

// The three ways the Reader computes a team's health read the views differently: OrgHealth with
// one range scan per partition and record kind for the whole org, TeamHealth with one team's
// ranges and its buckets reduced as they are read, Inputs with every bucket kept as a DayBucket
// (what GetTeamTrend uses). All must give the same bytes, on every day around the sample's events
// (before the first one, in the middle of its history, at its tipping point and after it).
TEST_F(SampleQueryTest, OrgTeamAndInputsPathsAgree) {
  auto handle = source_->Acquire();
  ASSERT_TRUE(handle.ok()) << handle.status();
  const views::Reader& reader = (*handle)->reader();
  for (const absl::Time t : {Day(2020, 1, 1), Day(2025, 6, 1), Day(2026, 1, 31), Day(2026, 2, 14), Day(2026, 3, 1),
                             Day(2026, 12, 31)}) {
    const int64_t day = DayOf(t);
    auto org = reader.OrgHealth("openai", day);
    ASSERT_TRUE(org.ok()) << org.status();
    ASSERT_EQ(org->size(), 4u) << FormatDay(day);
    for (const v1::TeamHealth& from_org : *org) {
      auto alone = reader.TeamHealth("openai", from_org.team(), day);
      ASSERT_TRUE(alone.ok()) << alone.status();
      auto inputs = reader.Inputs("openai", from_org.team(), day);
      ASSERT_TRUE(inputs.ok()) << inputs.status();
      const v1::TeamHealth from_inputs = views::ComputeHealth("openai", from_org.team(), *inputs, day);
      EXPECT_EQ(alone->SerializeAsString(), from_org.SerializeAsString()) << from_org.team() << " " << FormatDay(day);
      EXPECT_EQ(from_inputs.SerializeAsString(), from_org.SerializeAsString()) << from_org.team() << " " << FormatDay(day);
    }
  }
  EXPECT_EQ(reader.TeamHealth("openai", "no-such-team", DayOf(Day(2026, 3, 1))).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(reader.Inputs("openai", "no-such-team", DayOf(Day(2026, 3, 1))).status().code(),
            absl::StatusCode::kNotFound);
  auto none = reader.OrgHealth("no-such-org", DayOf(Day(2026, 3, 1)));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

// Slugs that extend one another: teams "a", "a-b" and "ab" of org "acme", and team "a" of org
// "acme-x". The org-wide ranges must hand each team exactly its own records (hires published: a 1,
// a-b 2, ab 3; acme-x/a 5), and every path must agree.
TEST(OrgHealth, SlugsThatExtendOneAnotherStayApart) {
  const std::string topic = testing::UniqueTopic("it-slugs");
  ASSERT_TRUE(testing::CreateTopic(topic, 12).ok());
  std::vector<v1::Event> events;
  auto add = [&](const std::string& org, const std::string& team, int hires) {
    v1::Event report = testing::HeadcountReport(absl::StrCat(org, "-", team, "-hc"), team, Day(2026, 1, 5), 20);
    report.set_org(org);
    events.push_back(report);
    for (int i = 0; i < hires; ++i) {
      v1::Event hire = testing::Hire(absl::StrCat(org, "-", team, "-h", i), team, Day(2026, 2, 1 + i),
                                     absl::StrCat(org, "-", team, "-p", i));
      hire.set_org(org);
      events.push_back(hire);
    }
  };
  add("acme", "a", 1);
  add("acme", "a-b", 2);
  add("acme", "ab", 3);
  add("acme-x", "a", 5);
  ASSERT_EQ(testing::PublishEvents(topic, events), static_cast<int64_t>(events.size()));
  const std::string db = testing::FreshTempPath("slugs");
  auto store = testing::Replay(topic, db);
  ASSERT_NE(store, nullptr);
  auto reader = store->NewReader();
  const int64_t day = DayOf(Day(2026, 3, 1));
  auto org = reader->OrgHealth("acme", day);
  ASSERT_TRUE(org.ok()) << org.status();
  std::vector<std::pair<std::string, int64_t>> hires;
  for (const v1::TeamHealth& t : *org) {
    hires.emplace_back(t.team(), t.windows(1).hires());
    EXPECT_EQ(t.headcount(), 20 + t.windows(1).hires()) << t.team();
    EXPECT_EQ(reader->TeamHealth("acme", t.team(), day)->SerializeAsString(), t.SerializeAsString()) << t.team();
    EXPECT_EQ(views::ComputeHealth("acme", t.team(), *reader->Inputs("acme", t.team(), day), day).SerializeAsString(),
              t.SerializeAsString())
        << t.team();
  }
  EXPECT_THAT(hires, ::testing::ElementsAre(std::pair<std::string, int64_t>("a", 1), std::pair<std::string, int64_t>("a-b", 2),
                                            std::pair<std::string, int64_t>("ab", 3)));
  auto other = reader->OrgHealth("acme-x", day);
  ASSERT_TRUE(other.ok());
  ASSERT_EQ(other->size(), 1u);
  EXPECT_EQ((*other)[0].windows(1).hires(), 5);
}

TEST_F(SampleQueryTest, ListTeamsPaginationVisitsEveryTeamOnce) {
  Served s(source_);
  for (bool include_inactive : {false, true}) {
    std::vector<std::string> seen;
    std::string token;
    do {
      v1::ListTeamsRequest req;
      req.set_org("openai");
      req.set_page_size(1);
      req.set_page_token(token);
      req.set_include_inactive(include_inactive);
      *req.mutable_as_of() = At(2026, 3, 31);  // dall-e merged on 2026-03-15
      v1::ListTeamsResponse resp;
      grpc::ClientContext c;
      ASSERT_TRUE(s.stub->ListTeams(&c, req, &resp).ok());
      for (const auto& t : resp.teams()) seen.push_back(t.team());
      token = resp.next_page_token();
    } while (!token.empty());
    if (include_inactive) {
      // Lowest score first: sora 0, dall-e 26, safety-alignment 53, chatgpt 96.
      EXPECT_THAT(seen, ::testing::ElementsAre("sora", "dall-e", "safety-alignment", "chatgpt"));
    } else {
      EXPECT_THAT(seen, ::testing::ElementsAre("sora", "safety-alignment", "chatgpt"));
    }
  }
}

TEST_F(SampleQueryTest, ListTeamsFiltersByStatus) {
  Served s(source_);
  v1::ListTeamsRequest req;
  req.set_org("openai");
  req.add_status(v1::HEALTH_STATUS_CRITICAL);
  req.add_status(v1::HEALTH_STATUS_AT_RISK);
  req.set_order_by(v1::ListTeamsRequest::ORDER_BY_NAME);
  *req.mutable_as_of() = At(2026, 3, 1);
  v1::ListTeamsResponse resp;
  grpc::ClientContext c;
  ASSERT_TRUE(s.stub->ListTeams(&c, req, &resp).ok());
  ASSERT_EQ(resp.teams_size(), 2);
  EXPECT_EQ(resp.teams(0).team(), "dall-e");
  EXPECT_EQ(resp.teams(1).team(), "sora");
}

TEST_F(SampleQueryTest, TalentFlowsCountDistinctPeople) {
  Served s(source_);
  v1::GetTalentFlowsRequest req;
  req.set_org("openai");
  req.set_direction(v1::GetTalentFlowsRequest::DIRECTION_OUTBOUND);
  *req.mutable_to() = At(2026, 3, 31);
  v1::GetTalentFlowsResponse resp;
  grpc::ClientContext c;
  ASSERT_TRUE(s.stub->GetTalentFlows(&c, req, &resp).ok());
  std::map<std::string, int64_t> people;
  for (const auto& e : resp.edges()) {
    EXPECT_EQ(e.from_org(), "openai");
    people[e.to_org()] = e.people();
  }
  // Counted from the feed: departures by destination, less duplicates and the retracted rumour.
  EXPECT_EQ(people["anthropic"], 9);
  EXPECT_EQ(people["google-deepmind"], 4);
  EXPECT_EQ(people["meta"], 2);
  EXPECT_EQ(resp.edges(0).to_org(), "anthropic");

  req.set_direction(v1::GetTalentFlowsRequest::DIRECTION_INBOUND);
  grpc::ClientContext c2;
  ASSERT_TRUE(s.stub->GetTalentFlows(&c2, req, &resp).ok());
  people.clear();
  for (const auto& e : resp.edges()) people[e.from_org()] = e.people();
  EXPECT_EQ(people["google-deepmind"], 7);
  EXPECT_EQ(people["meta"], 4);
  EXPECT_EQ(people["anthropic"], 3);
}

TEST_F(SampleQueryTest, ListEventsPagesThroughHistoryInLogOrder) {
  Served s(source_);
  std::vector<v1::EventRecord> all;
  std::string token;
  int pages = 0;
  do {
    v1::ListEventsRequest req;
    req.set_org("openai");
    req.set_team("sora");
    req.set_page_size(10);
    req.set_page_token(token);
    v1::ListEventsResponse resp;
    grpc::ClientContext c;
    ASSERT_TRUE(s.stub->ListEvents(&c, req, &resp).ok());
    for (const auto& e : resp.events()) all.push_back(e);
    token = resp.next_page_token();
    ++pages;
  } while (!token.empty());
  EXPECT_EQ(all.size(), 26u);  // sora's 26 lines, evt-0051 (a duplicate of evt-0050) too
  EXPECT_EQ(pages, 3);
  for (size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].offset(), all[i].offset());
}

TEST_F(SampleQueryTest, TrendByMonth) {
  Served s(source_);
  v1::GetTeamTrendRequest req;
  req.set_org("openai");
  req.set_team("sora");
  *req.mutable_from() = At(2026, 1, 1);
  *req.mutable_to() = At(2026, 3, 31);
  req.set_granularity(v1::GetTeamTrendRequest::GRANULARITY_MONTH);
  v1::GetTeamTrendResponse resp;
  grpc::ClientContext c;
  ASSERT_TRUE(s.stub->GetTeamTrend(&c, req, &resp).ok());
  ASSERT_EQ(resp.points_size(), 3);
  EXPECT_EQ(resp.points(0).date(), "2026-01-31");
  EXPECT_EQ(resp.points(2).date(), "2026-03-31");
  EXPECT_EQ(resp.points(2).headcount(), 47);  // EXPECTED.md, sora at 2026-03-31
  EXPECT_EQ(resp.points(2).score(), 0);
  // The 90 days to 2026-03-31 are Jan+Feb+Mar: sora's 10 departures there (EXPECTED.md).
  EXPECT_EQ(resp.points(0).departures() + resp.points(1).departures() + resp.points(2).departures(), 10);
}

TEST_F(SampleQueryTest, BadInputGetsItsCode) {
  Served s(source_);
  v1::GetTeamHealthRequest req;
  v1::GetTeamHealthResponse resp;
  req.set_org("Open AI");
  req.set_team("sora");
  grpc::ClientContext c1;
  EXPECT_EQ(s.stub->GetTeamHealth(&c1, req, &resp).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  req.set_org("openai");
  req.set_team("no-such-team");
  grpc::ClientContext c2;
  EXPECT_EQ(s.stub->GetTeamHealth(&c2, req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);

  v1::ListTeamsRequest lt;
  lt.set_org("openai");
  lt.set_page_token("garbage");
  v1::ListTeamsResponse ltr;
  grpc::ClientContext c3;
  EXPECT_EQ(s.stub->ListTeams(&c3, lt, &ltr).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  lt.clear_page_token();
  lt.set_org("nobody");
  grpc::ClientContext c4;
  EXPECT_EQ(s.stub->ListTeams(&c4, lt, &ltr).error_code(), grpc::StatusCode::NOT_FOUND);

  v1::GetTeamTrendRequest tr;
  tr.set_org("openai");
  tr.set_team("sora");
  *tr.mutable_from() = At(2026, 3, 1);
  *tr.mutable_to() = At(2026, 2, 1);
  v1::GetTeamTrendResponse trr;
  grpc::ClientContext c5;
  EXPECT_EQ(s.stub->GetTeamTrend(&c5, tr, &trr).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  v1::ListEventsRequest le;
  le.set_org("openai");
  le.set_team("sora");
  le.set_page_token("offset:x");
  v1::ListEventsResponse ler;
  grpc::ClientContext c6;
  EXPECT_EQ(s.stub->ListEvents(&c6, le, &ler).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

// `talentflowctl org openai --as-of 2026-03-31 --compare 2026-03-01` on the sample, with the
// numbers of examples/feeds/EXPECTED.md ("Key numbers"): dall-e is merged into chatgpt on
// 2026-03-15, so it is inactive at the later day.
TEST_F(SampleQueryTest, OrgCompareOfTheSample) {
  Served s(source_);
  ctl::OrgOptions options;
  options.org = "openai";
  options.as_of = At(2026, 3, 31);
  options.compare = At(2026, 3, 1);
  std::ostringstream out, err;
  EXPECT_EQ(ctl::RunOrg(options, ctl::ReadOptions(), *s.stub, out, err), ctl::kExitOk);
  EXPECT_EQ(err.str(), "");
  EXPECT_EQ(out.str(),
            "openai: 2026-03-01 -> 2026-03-31\n"
            "team                       heads    chg       dep90    chg       score    chg  status\n"
            "chatgpt                 435->437     +2        2->2      0      96->96      0  healthy->healthy\n"
            "dall-e                    32->31     -1        3->4     +1      46->26    -20  at_risk->inactive\n"
            "safety-alignment          41->39     -2        3->4     +1      57->53     -4  watch->at_risk\n"
            "sora                      50->47     -3       7->10     +3        2->0     -2  critical->critical\n");
}

// The README's `teams openai --status at_risk,critical` on a day long after the sample's story
// (its last event, evt-0073, is effective 2026-03-27): at 2026-12-04 sora keeps only its priority
// and budget terms (70, watch), safety-alignment its priority (95), chatgpt 100; dall-e is merged.
TEST_F(SampleQueryTest, AnEmptyTeamsAnswerSaysWhy) {
  Served s(source_);
  ctl::TeamsOptions options;
  options.org = "openai";
  options.statuses = {v1::HEALTH_STATUS_AT_RISK, v1::HEALTH_STATUS_CRITICAL};
  options.as_of = At(2026, 12, 4);
  std::ostringstream out, err;
  EXPECT_EQ(ctl::RunTeams(options, ctl::ReadOptions(), *s.stub, out, err), ctl::kExitOk);
  EXPECT_EQ(out.str(),
            "No at_risk or critical teams in openai as of 2026-12-04; the latest event is effective 2026-03-27 "
            "(try --as-of 2026-03-27)\n");
}

// `events openai/sora --type retraction` and `--status retracted` on the sample: its one retraction,
// evt-0065, undid evt-0052 (EXPECTED.md, "Feed summary"). The server filters.
TEST_F(SampleQueryTest, EventsOfOneTypeAndStatus) {
  v1::ListEventsRequest req;
  req.set_org("openai");
  req.set_team("sora");
  req.add_types("retraction");
  v1::ListEventsResponse resp;
  Served s(source_);
  grpc::ClientContext c;
  ASSERT_TRUE(s.stub->ListEvents(&c, req, &resp).ok());
  ASSERT_EQ(resp.events_size(), 1);
  EXPECT_EQ(resp.events(0).event().event_id(), "evt-0065");
  EXPECT_EQ(resp.events(0).status(), v1::EVENT_STATUS_RETRACTION_APPLIED);

  v1::ListEventsRequest retracted;
  retracted.set_org("openai");
  retracted.set_team("sora");
  retracted.add_statuses(v1::EVENT_STATUS_RETRACTED);
  v1::ListEventsResponse r2;
  grpc::ClientContext c2;
  ASSERT_TRUE(s.stub->ListEvents(&c2, retracted, &r2).ok());
  ASSERT_EQ(r2.events_size(), 1);
  EXPECT_EQ(r2.events(0).event().event_id(), "evt-0052");
}

TEST(QueryUnavailable, BeforeTheViewsExist) {
  ViewSource source({.db_path = testing::FreshTempPath("none")});
  source.Start();
  Served s(&source);
  v1::GetTeamHealthRequest req;
  req.set_org("openai");
  req.set_team("sora");
  v1::GetTeamHealthResponse resp;
  grpc::ClientContext c;
  EXPECT_EQ(s.stub->GetTeamHealth(&c, req, &resp).error_code(), grpc::StatusCode::UNAVAILABLE);
}

// A live projector (group mode, in a thread) and a query service on a secondary instance of its DB.
class LiveQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(pipeline_.Start("it-live").ok());
    // Something to serve: one event, then wait until the secondary sees it.
    ASSERT_EQ(Publish(testing::HeadcountReport("seed", "sora", Day(2026, 1, 1), 50)).status(),
              v1::EventResult::STATUS_ACCEPTED);
    source_ = std::make_unique<ViewSource>(ViewSourceOptions{.db_path = pipeline_.db});
    source_->Start();
    served_ = std::make_unique<Served>(source_.get());
  }
  void TearDown() override {  // the readers stop before the projector (pipeline_'s destructor)
    served_.reset();
    source_.reset();
  }
  v1::EventResult Publish(const v1::Event& e) { return pipeline_.Publish(e); }

  testing::LivePipeline pipeline_;
  std::unique_ptr<ViewSource> source_;
  std::unique_ptr<Served> served_;
};

TEST_F(LiveQueryTest, ReadYourWritesHundredTimes) {
  for (int i = 0; i < 100; ++i) {
    v1::EventResult r = Publish(testing::Hire(absl::StrCat("h-", i), "sora", Day(2026, 2, 1), absl::StrCat("p", i)));
    ASSERT_EQ(r.status(), v1::EventResult::STATUS_ACCEPTED);
    v1::GetTeamHealthRequest req;
    req.set_org("openai");
    req.set_team("sora");
    *req.mutable_as_of() = At(2026, 2, 1);
    (*req.mutable_min_offsets()->mutable_offsets())[r.records(0).partition()] = r.records(0).offset();
    v1::GetTeamHealthResponse resp;
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::Status st = served_->stub->GetTeamHealth(&c, req, &resp);
    ASSERT_TRUE(st.ok()) << i << ": " << st.error_message();
    EXPECT_EQ(resp.health().windows(0).hires(), i + 1) << "hire " << i << " not visible";
  }
}

TEST_F(LiveQueryTest, UnreachableMinOffsetsTimeOut) {
  v1::GetTeamHealthRequest req;
  req.set_org("openai");
  req.set_team("sora");
  (*req.mutable_min_offsets()->mutable_offsets())[0] = 1000000;
  v1::GetTeamHealthResponse resp;
  grpc::ClientContext c;
  c.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
  EXPECT_EQ(served_->stub->GetTeamHealth(&c, req, &resp).error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
}

TEST_F(LiveQueryTest, HundredWatchersSeeADepartureWithinASecond) {
  constexpr int kWatchers = 100;
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReader<v1::TeamHealthUpdate>>> readers;
  v1::WatchTeamHealthRequest req;
  req.set_org("openai");
  req.add_teams("sora");
  for (int i = 0; i < kWatchers; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    contexts.back()->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));  // never hang
    readers.push_back(served_->stub->WatchTeamHealth(contexts.back().get(), req));
  }
  // Each watcher first gets the current state (after the seed report is visible).
  for (auto& r : readers) {
    v1::TeamHealthUpdate u;
    ASSERT_TRUE(r->Read(&u)) << "no initial state within the deadline";
    EXPECT_EQ(u.health().team(), "sora");
  }
  const auto published = std::chrono::steady_clock::now();
  Publish(testing::Departure("watched-departure", "sora", absl::Now() - absl::Hours(1), "p-w"));
  std::atomic<int> saw{0};
  std::vector<std::thread> threads;
  for (auto& r : readers) {
    threads.emplace_back([&, reader = r.get()] {
      v1::TeamHealthUpdate u;
      while (reader->Read(&u)) {
        if (u.health().windows(0).departures() == 1) {
          if (std::chrono::steady_clock::now() - published < std::chrono::seconds(1)) saw++;
          return;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(saw.load(), kWatchers);
  for (auto& c : contexts) c->TryCancel();
}

// Snapshots interleaved with publishes to two teams in two partitions (openai/sora in 5,
// openai/codex in 11: Kafka's murmur2 of the keys, worked out apart from the code): each answer of
// the service, whose health cache keeps the untouched partition's teams, equals byte for byte a
// fresh computation over the same views, and the cache did keep them.
TEST_F(LiveQueryTest, CachedOrgSnapshotsEqualFreshOnesWhilePublishing) {
  for (int i = 0; i < 20; ++i) {
    const std::string team = i % 2 == 0 ? "sora" : "codex";
    v1::EventResult r = Publish(testing::Hire(absl::StrCat("c-", i), team, Day(2026, 2, 1), absl::StrCat("q", i)));
    ASSERT_EQ(r.status(), v1::EventResult::STATUS_ACCEPTED);
    ASSERT_EQ(r.records(0).partition(), team == "sora" ? 5 : 11);
    v1::GetOrgSnapshotRequest req;
    req.set_org("openai");
    *req.mutable_as_of() = At(2026, 3, 1);
    (*req.mutable_min_offsets()->mutable_offsets())[r.records(0).partition()] = r.records(0).offset();
    v1::GetOrgSnapshotResponse resp;
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::Status st = served_->stub->GetOrgSnapshot(&c, req, &resp);
    ASSERT_TRUE(st.ok()) << i << ": " << st.error_message();

    // Nothing else is published meanwhile, so the views stay at the answer's watermark.
    std::unique_ptr<ReadHandle> h = source_->Acquire().value();
    for (const auto& pw : resp.watermark().partitions()) {
      ASSERT_EQ(h->watermark().at(pw.partition()).next_offset(), pw.applied_offset()) << i;
    }
    std::vector<v1::TeamHealth> fresh = h->reader().OrgHealth("openai", 20513).value();  // 2026-03-01
    ASSERT_EQ(resp.teams_size(), static_cast<int>(fresh.size())) << i;
    for (size_t t = 0; t < fresh.size(); ++t) {
      EXPECT_EQ(resp.teams(static_cast<int>(t)).SerializeAsString(), fresh[t].SerializeAsString())
          << i << " " << fresh[t].team();
    }
  }
  // Every snapshot after the first found the other team's partition unchanged: 19 teams kept;
  // computed: sora once at first, then each snapshot's published team (19).
  EXPECT_EQ(served_->service.health_cache().hits(), 19);
  EXPECT_EQ(served_->service.health_cache().misses(), 20);
  v1::GetOrgSnapshotRequest req;
  req.set_org("openai");
  *req.mutable_as_of() = At(2026, 3, 1);
  v1::GetOrgSnapshotResponse resp;
  grpc::ClientContext c;
  ASSERT_TRUE(served_->stub->GetOrgSnapshot(&c, req, &resp).ok());
  ASSERT_EQ(resp.teams_size(), 2);
  EXPECT_EQ(resp.teams(0).team(), "codex");
  EXPECT_EQ(resp.teams(0).windows(1).hires(), 10);
  EXPECT_EQ(resp.teams(1).team(), "sora");
  EXPECT_EQ(resp.teams(1).windows(1).hires(), 10);
  EXPECT_EQ(resp.teams(1).headcount(), 60);  // reported 50 on 2026-01-01, plus 10 hires
}

}  // namespace
}  // namespace talentflow::query
