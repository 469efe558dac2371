// QueryServiceImpl over a read-only ViewSource of a view database written with the fold in a
// temporary directory, reached through an in-process channel as talentflowctl --db reaches it.
#include "query/query_service.h"

#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <grpcpp/grpcpp.h>

#include "common/base/aliases.h"
#include "common/base/record_key.h"
#include "query/names.h"
#include "common/base/time_util.h"
#include "query/pending_retractions.h"
#include "tests/common/event_builders.h"
#include "views/fold.h"
#include "views/view_store.h"

namespace talentflow::query {
namespace {

using ::talentflow::testing::Day;
using ::testing::ElementsAre;

// openai/sora and openai/codex land in these of 12 partitions (Kafka's murmur2 of the record key,
// worked out apart from the code).
constexpr int32_t kSoraPartition = 5;
constexpr int32_t kCodexPartition = 11;
constexpr int64_t kSoraAppliedMs = 1767225600000;   // 2026-01-01T00:00:00Z
constexpr int64_t kCodexAppliedMs = 1767312000000;  // 2026-01-02T00:00:00Z

v1::Event WithKey(v1::Event e, const std::string& idempotency_key) {
  e.set_idempotency_key(idempotency_key);
  return e;
}

class QueryServiceTest : public ::testing::Test {
 protected:
  // Writes the views, then serves them read-only.
  //   openai/sora, partition 5:  40 hire evt-1, 41 departure evt-2, 42 evt-3 (evt-1's key again),
  //                              43 retraction of evt-2; applied up to 44.
  //   openai/codex, partition 11: 7 departure evt-9; applied up to 8.
  static void SetUpTestSuite() {
    path_ = new std::string(::testing::TempDir() + "/query_service_test_" + std::to_string(getpid()));
    std::filesystem::remove_all(*path_);
    {
      views::ViewStoreOptions options;
      options.path = *path_;
      std::unique_ptr<views::ViewStore> store = views::ViewStore::Open(options).value();
      ASSERT_TRUE(store->SetPartitionCount(12).ok());
      ASSERT_EQ(KafkaPartitionFor("openai/sora", 12), kSoraPartition);
      ASSERT_EQ(KafkaPartitionFor("openai/codex", 12), kCodexPartition);
      auto batch = store->NewBatch();
      auto apply = [&](int32_t p, int64_t offset, const v1::Event& e) {
        ASSERT_TRUE(views::Apply(e, views::RecordMeta{p, offset}, batch->Partition(p)).ok()) << e.event_id();
      };
      apply(kSoraPartition, 40, WithKey(testing::Hire("evt-1", "sora", Day(2026, 1, 5), "p-1"), "ik-1"));
      apply(kSoraPartition, 41, WithKey(testing::Departure("evt-2", "sora", Day(2026, 2, 10), "p-2"), "ik-2"));
      apply(kSoraPartition, 42, WithKey(testing::Hire("evt-3", "sora", Day(2026, 1, 5), "p-1"), "ik-1"));
      apply(kSoraPartition, 43, WithKey(testing::Retraction("evt-4", "sora", Day(2026, 2, 11), "evt-2"), "ik-4"));
      apply(kCodexPartition, 7, WithKey(testing::Departure("evt-9", "codex", Day(2026, 2, 1), "p-9"), "ik-9"));
      batch->Partition(kSoraPartition).SetOffset(44, kSoraAppliedMs);
      batch->Partition(kCodexPartition).SetOffset(8, kCodexAppliedMs);
      ASSERT_TRUE(store->Commit(*batch).ok());
    }
    source_ = new ViewSource(ViewSourceOptions{.db_path = *path_, .read_only = true});
    source_->Start();
    source_->WaitForChange(0, absl::Now() + absl::Seconds(10));  // the first watermark: the views are open
    ASSERT_TRUE(source_->Acquire().ok());
    service_ = new QueryServiceImpl(source_, LogEndsFn());
    aliases_ = new Aliases(Aliases::Parse(R"({"orgs": {"Open AI": "openai"}, "teams": {"Video": "sora"}})").value());
    grpc::ServerBuilder builder;
    builder.RegisterService(service_);
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
    interceptors.push_back(NameResolvingInterceptors(aliases_));
    builder.experimental().SetInterceptorCreators(std::move(interceptors));
    server_ = builder.BuildAndStart().release();
    ASSERT_NE(server_, nullptr);
  }

  static void TearDownTestSuite() {
    if (server_ != nullptr) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    delete server_;
    delete service_;
    delete aliases_;
    delete source_;
    std::filesystem::remove_all(*path_);
    delete path_;
  }

  void SetUp() override { stub_ = v1::QueryService::NewStub(server_->InProcessChannel(grpc::ChannelArguments())); }

  std::unique_ptr<v1::QueryService::Stub> stub_;

  static std::string* path_;
  static ViewSource* source_;
  static QueryServiceImpl* service_;
  static Aliases* aliases_;
  static grpc::Server* server_;
};

std::string* QueryServiceTest::path_ = nullptr;
ViewSource* QueryServiceTest::source_ = nullptr;
QueryServiceImpl* QueryServiceTest::service_ = nullptr;
Aliases* QueryServiceTest::aliases_ = nullptr;
grpc::Server* QueryServiceTest::server_ = nullptr;

google::protobuf::Timestamp At(absl::Time t) { return ToTimestamp(t); }

TEST_F(QueryServiceTest, GetTeamHealthOfAnUnknownTeamIsNotFound) {
  v1::GetTeamHealthRequest req;
  req.set_org("openai");
  req.set_team("robotics");
  v1::GetTeamHealthResponse resp;
  grpc::ClientContext ctx;
  const grpc::Status s = stub_->GetTeamHealth(&ctx, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(s.error_message(), "team openai/robotics not found");
}

TEST_F(QueryServiceTest, ABadSlugIsInvalidArgumentNamingTheField) {
  v1::GetTeamHealthRequest req;
  req.set_org("openai");
  req.set_team("Sora Video");  // neither a slug nor an alias
  v1::GetTeamHealthResponse resp;
  grpc::ClientContext ctx;
  grpc::Status s = stub_->GetTeamHealth(&ctx, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "team: \"Sora Video\" is neither a slug ([a-z0-9][a-z0-9-]{0,62}) nor a known alias");

  req.set_org("open  ai");  // the org is checked first
  grpc::ClientContext ctx2;
  s = stub_->GetTeamHealth(&ctx2, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "org: \"open  ai\" is neither a slug ([a-z0-9][a-z0-9-]{0,62}) nor a known alias");
}

TEST_F(QueryServiceTest, ReadsResolveNamesAsIngestDoes) {
  // Case, surrounding spaces and the alias table, as ingest normalises events.
  for (const auto& [org, team] : std::vector<std::pair<std::string, std::string>>{
           {"OpenAI", "Sora"}, {"openai", "Sora"}, {" Open AI ", "video"}, {"OPENAI", " sora "}}) {
    v1::GetTeamHealthRequest req;
    req.set_org(org);
    req.set_team(team);
    v1::GetTeamHealthResponse resp;
    grpc::ClientContext ctx;
    const grpc::Status s = stub_->GetTeamHealth(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << org << "/" << team << ": " << s.error_message();
    EXPECT_EQ(resp.health().org(), "openai");
    EXPECT_EQ(resp.health().team(), "sora");
  }
  v1::ListEventsRequest events;
  events.set_org("OpenAI");
  events.set_team("Codex");
  v1::ListEventsResponse listed;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->ListEvents(&ctx, events, &listed).ok());
  ASSERT_EQ(listed.events_size(), 1);
  EXPECT_EQ(listed.events(0).event().event_id(), "evt-9");
}

TEST_F(QueryServiceTest, NotFoundSuggestsTheNearestTeamsAndOrgs) {
  auto team_health = [&](const std::string& org, const std::string& team) {
    v1::GetTeamHealthRequest req;
    req.set_org(org);
    req.set_team(team);
    v1::GetTeamHealthResponse resp;
    grpc::ClientContext ctx;
    return stub_->GetTeamHealth(&ctx, req, &resp);
  };
  grpc::Status s = team_health("openai", "soraa");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(s.error_message(), "team openai/soraa not found; did you mean openai/sora?");
  s = team_health("OpenAI", "Soraa");  // resolved first, then suggested
  EXPECT_EQ(s.error_message(), "team openai/soraa not found; did you mean openai/sora?");
  s = team_health("opnai", "sora");  // the org misspelt: the team in the nearest org
  EXPECT_EQ(s.error_message(), "team opnai/sora not found; did you mean openai/sora?");
  s = team_health("openai", "robotics");  // nothing near: no guess
  EXPECT_EQ(s.error_message(), "team openai/robotics not found");

  v1::GetOrgSnapshotRequest org;
  org.set_org("opnai");
  v1::GetOrgSnapshotResponse snapshot;
  grpc::ClientContext ctx;
  s = stub_->GetOrgSnapshot(&ctx, org, &snapshot);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(s.error_message(), "org opnai not found; did you mean openai?");

  v1::ListEventsRequest events;
  events.set_org("openai");
  events.set_team("codx");
  v1::ListEventsResponse listed;
  grpc::ClientContext ctx2;
  s = stub_->ListEvents(&ctx2, events, &listed);
  EXPECT_EQ(s.error_message(), "team openai/codx not found; did you mean openai/codex?");
}

TEST(NearestNames, OnlyTheNearestWithinAThirdOfTheName) {
  EXPECT_THAT(NearestNames("soraa", {"sora", "codex"}), ElementsAre("sora"));
  EXPECT_THAT(NearestNames("sroa", {"sora", "codex"}), ElementsAre("sora"));  // a swap is one edit
  EXPECT_THAT(NearestNames("teamm7", {"team1", "team7", "team10"}), ElementsAre("team7"));
  EXPECT_THAT(NearestNames("team", {"team2", "team1"}), ElementsAre("team1", "team2"));  // ties by name
  EXPECT_TRUE(NearestNames("robotics", {"sora", "codex"}).empty());
  EXPECT_EQ(DidYouMean({}), "");
  EXPECT_EQ(DidYouMean({"a", "b", "c"}), "; did you mean a, b or c?");
}

TEST_F(QueryServiceTest, ListOrgsCountsTheTeamsOfEachOrg) {
  v1::ListOrgsResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->ListOrgs(&ctx, v1::ListOrgsRequest(), &resp).ok());
  ASSERT_EQ(resp.orgs_size(), 1);
  EXPECT_EQ(resp.orgs(0).org(), "openai");
  EXPECT_EQ(resp.orgs(0).teams(), 2);  // sora and codex
  EXPECT_EQ(resp.watermark().partitions_size(), 2);  // the two partitions applied
}

TEST_F(QueryServiceTest, GetTeamHealthCountsWhatTheRetractionLeft) {
  v1::GetTeamHealthRequest req;
  req.set_org("openai");
  req.set_team("sora");
  *req.mutable_as_of() = At(Day(2026, 2, 28));
  v1::GetTeamHealthResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->GetTeamHealth(&ctx, req, &resp).ok());
  EXPECT_EQ(resp.health().team(), "sora");
  ASSERT_GE(resp.health().windows_size(), 2);
  // 90 days up to 2026-02-28 start on 2025-12-01: the hire of 2026-01-05 counts once (evt-3 is a
  // duplicate), the departure of 2026-02-10 was retracted.
  EXPECT_EQ(resp.health().windows(1).hires(), 1);
  EXPECT_EQ(resp.health().windows(1).departures(), 0);
}

TEST_F(QueryServiceTest, ListEventsReturnsEventRecordsInLogOrder) {
  v1::ListEventsRequest req;
  req.set_org("openai");
  req.set_team("sora");
  req.set_page_size(3);
  v1::ListEventsResponse first;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->ListEvents(&ctx, req, &first).ok());
  ASSERT_EQ(first.events_size(), 3);
  EXPECT_EQ(first.next_page_token(), "offset:42");

  req.set_page_token(first.next_page_token());
  v1::ListEventsResponse second;
  grpc::ClientContext ctx2;
  ASSERT_TRUE(stub_->ListEvents(&ctx2, req, &second).ok());
  ASSERT_EQ(second.events_size(), 1);
  EXPECT_EQ(second.next_page_token(), "");

  std::vector<v1::EventRecord> all(first.events().begin(), first.events().end());
  all.push_back(second.events(0));
  struct Seen {
    std::string event_id;
    v1::EventStatus status;
    std::string note;
    int32_t partition;
    int64_t offset;
    bool operator==(const Seen&) const = default;
  };
  std::vector<Seen> seen;
  for (const auto& r : all) seen.push_back({r.event().event_id(), r.status(), r.note(), r.partition(), r.offset()});
  EXPECT_THAT(seen, ElementsAre(Seen{"evt-1", v1::EVENT_STATUS_APPLIED, "", 5, 40},
                                Seen{"evt-2", v1::EVENT_STATUS_RETRACTED, "retracted by evt-4: story corrected", 5, 41},
                                Seen{"evt-3", v1::EVENT_STATUS_DUPLICATE, "duplicate of evt-1: same idempotency key", 5, 42},
                                Seen{"evt-4", v1::EVENT_STATUS_RETRACTION_APPLIED, "", 5, 43}));
  EXPECT_EQ(all[1].event().departure().destination_org(), "anthropic");  // the event itself comes along
}

TEST_F(QueryServiceTest, ListEventsFiltersByEffectiveTime) {
  v1::ListEventsRequest req;
  req.set_org("openai");
  req.set_team("sora");
  *req.mutable_from() = At(Day(2026, 2, 1));
  *req.mutable_to() = At(Day(2026, 2, 10));  // inclusive: the departure at 00:00 that day is in
  v1::ListEventsResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->ListEvents(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.events_size(), 1);
  EXPECT_EQ(resp.events(0).offset(), 41);

  std::swap(*req.mutable_from(), *req.mutable_to());
  grpc::ClientContext ctx2;
  const grpc::Status s = stub_->ListEvents(&ctx2, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "from: after to");
}

TEST_F(QueryServiceTest, ListEventsOfAnUnknownTeamIsNotFound) {
  v1::ListEventsRequest req;
  req.set_org("openai");
  req.set_team("robotics");
  v1::ListEventsResponse resp;
  grpc::ClientContext ctx;
  const grpc::Status s = stub_->ListEvents(&ctx, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(s.error_message(), "team openai/robotics not found");
}

TEST_F(QueryServiceTest, ListTeamsPagesByNameAndRefusesForeignTokens) {
  v1::ListTeamsRequest req;
  req.set_org("openai");
  req.set_order_by(v1::ListTeamsRequest::ORDER_BY_NAME);
  req.set_page_size(1);
  v1::ListTeamsResponse first;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->ListTeams(&ctx, req, &first).ok());
  ASSERT_EQ(first.teams_size(), 1);
  EXPECT_EQ(first.teams(0).team(), "codex");
  EXPECT_EQ(first.next_page_token(), "after:codex");

  req.set_page_token(first.next_page_token());
  v1::ListTeamsResponse second;
  grpc::ClientContext ctx2;
  ASSERT_TRUE(stub_->ListTeams(&ctx2, req, &second).ok());
  ASSERT_EQ(second.teams_size(), 1);
  EXPECT_EQ(second.teams(0).team(), "sora");
  EXPECT_EQ(second.next_page_token(), "");

  req.set_page_token("offset:42");  // a ListEvents token
  grpc::ClientContext ctx3;
  grpc::Status s = stub_->ListTeams(&ctx3, req, &second);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "page_token: not a token from a previous ListTeams response");

  req.clear_page_token();
  req.set_page_size(501);
  grpc::ClientContext ctx4;
  s = stub_->ListTeams(&ctx4, req, &second);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "page_size: must be 0..500");
}

TEST_F(QueryServiceTest, ListTeamsOfAnUnknownOrgIsNotFound) {
  v1::ListTeamsRequest req;
  req.set_org("anthropic");
  v1::ListTeamsResponse resp;
  grpc::ClientContext ctx;
  const grpc::Status s = stub_->ListTeams(&ctx, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(s.error_message(), "org anthropic not found");
}

TEST_F(QueryServiceTest, TheWatermarkNamesTheAppliedOffsets) {
  v1::GetTeamHealthRequest req;
  req.set_org("openai");
  req.set_team("codex");
  v1::GetTeamHealthResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->GetTeamHealth(&ctx, req, &resp).ok());
  const v1::Watermark& wm = resp.watermark();
  ASSERT_EQ(wm.partitions_size(), 2);
  EXPECT_EQ(wm.partitions(0).partition(), 5);
  EXPECT_EQ(wm.partitions(0).applied_offset(), 44);
  EXPECT_EQ(wm.partitions(1).partition(), 11);
  EXPECT_EQ(wm.partitions(1).applied_offset(), 8);
  for (const auto& p : wm.partitions()) {  // no log ends were given: unknown
    EXPECT_EQ(p.end_offset(), -1);
    EXPECT_EQ(p.lag(), -1);
  }
  EXPECT_EQ(wm.last_applied_time().seconds(), 1767312000);  // the newer of the two: 2026-01-02T00:00:00Z

  v1::Watermark direct;
  grpc::ClientContext ctx2;
  ASSERT_TRUE(stub_->GetWatermark(&ctx2, v1::GetWatermarkRequest(), &direct).ok());
  EXPECT_EQ(direct.SerializeAsString(), wm.SerializeAsString());
}

TEST_F(QueryServiceTest, AReadWaitsForMinOffsetsUntilTheDeadline) {
  v1::GetTeamHealthRequest req;
  req.set_org("openai");
  req.set_team("sora");
  // The record at offset 43 is in the views (applied up to 44): answers at once.
  (*req.mutable_min_offsets()->mutable_offsets())[kSoraPartition] = 43;
  v1::GetTeamHealthResponse resp;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  ASSERT_TRUE(stub_->GetTeamHealth(&ctx, req, &resp).ok());

  (*req.mutable_min_offsets()->mutable_offsets())[kSoraPartition] = 44;  // never applied (read-only views)
  grpc::ClientContext ctx2;
  ctx2.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(300));
  EXPECT_EQ(stub_->GetTeamHealth(&ctx2, req, &resp).error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
}

TEST_F(QueryServiceTest, GetEventFindsAnEventInAnyPartition) {
  v1::GetEventRequest req;
  req.set_event_id("evt-2");
  v1::GetEventResponse sora, codex;
  grpc::ClientContext c1, c2, c3;
  ASSERT_TRUE(stub_->GetEvent(&c1, req, &sora).ok());
  EXPECT_EQ(sora.record().event().team(), "sora");
  EXPECT_EQ(sora.record().status(), v1::EVENT_STATUS_RETRACTED);
  EXPECT_EQ(sora.record().note(), "retracted by evt-4: story corrected");
  EXPECT_EQ(sora.record().partition(), kSoraPartition);
  EXPECT_EQ(sora.record().offset(), 41);
  req.set_event_id("evt-9");
  ASSERT_TRUE(stub_->GetEvent(&c2, req, &codex).ok());
  EXPECT_EQ(codex.record().event().team(), "codex");
  EXPECT_EQ(codex.record().partition(), kCodexPartition);
  EXPECT_EQ(codex.record().offset(), 7);
  req.set_event_id("evt-0");
  v1::GetEventResponse none;
  const grpc::Status s = stub_->GetEvent(&c3, req, &none);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(s.error_message(), "event evt-0 not found in any team");
}

// Pending retractions with old and recent record times, in two partitions: listed oldest first,
// filtered by record time, and counted stale after 7 days (what /metrics reports).
TEST(PendingRetractions, ListedOldestFirstAndCountedStaleAfterSevenDays) {
  const std::string path = ::testing::TempDir() + "/pending_retractions_test_" + std::to_string(getpid());
  std::filesystem::remove_all(path);
  const absl::Time now = absl::Now();
  {
    views::ViewStoreOptions options;
    options.path = path;
    std::unique_ptr<views::ViewStore> store = views::ViewStore::Open(options).value();
    ASSERT_TRUE(store->SetPartitionCount(12).ok());
    auto batch = store->NewBatch();
    auto retraction = [&](int32_t p, int64_t offset, const std::string& id, const std::string& team,
                          const std::string& target, absl::Time recorded) {
      v1::Event e = WithKey(testing::Retraction(id, team, Day(2026, 2, 11), target), "ik-" + id);
      *e.mutable_recorded_time() = ToTimestamp(recorded);
      ASSERT_TRUE(views::Apply(e, views::RecordMeta{p, offset}, batch->Partition(p)).ok()) << id;
    };
    retraction(kSoraPartition, 0, "evt-recent", "sora", "evt-typo-1", now - absl::Hours(24));
    retraction(kSoraPartition, 1, "evt-old", "sora", "evt-typo-2", Day(2026, 1, 1));
    retraction(kCodexPartition, 0, "evt-codex", "codex", "evt-typo-3", now - absl::Hours(7 * 24 + 1));
    batch->Partition(kSoraPartition).SetOffset(2, kSoraAppliedMs);
    batch->Partition(kCodexPartition).SetOffset(1, kCodexAppliedMs);
    ASSERT_TRUE(store->Commit(*batch).ok());
  }
  ViewSource source(ViewSourceOptions{.db_path = path, .read_only = true});
  source.Start();
  source.WaitForChange(0, absl::Now() + absl::Seconds(10));
  QueryServiceImpl service(&source, LogEndsFn());
  grpc::ServerBuilder builder;
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  auto stub = v1::QueryService::NewStub(server->InProcessChannel(grpc::ChannelArguments()));

  auto ids = [](const v1::ListPendingRetractionsResponse& r) {
    std::vector<std::string> out;
    for (const auto& e : r.retractions()) out.push_back(e.event().event_id());
    return out;
  };
  v1::ListPendingRetractionsRequest all;
  v1::ListPendingRetractionsResponse every;
  grpc::ClientContext c1;
  ASSERT_TRUE(stub->ListPendingRetractions(&c1, all, &every).ok());
  EXPECT_THAT(ids(every), ElementsAre("evt-old", "evt-codex", "evt-recent"));
  EXPECT_EQ(every.retractions(0).status(), v1::EVENT_STATUS_RETRACTION_PENDING);
  EXPECT_EQ(every.retractions(0).event().retraction().target_event_id(), "evt-typo-2");
  EXPECT_EQ(every.retractions(0).partition(), kSoraPartition);
  EXPECT_EQ(every.retractions(0).offset(), 1);

  v1::ListPendingRetractionsRequest week;
  *week.mutable_recorded_before() = ToTimestamp(now - absl::Hours(7 * 24));
  v1::ListPendingRetractionsResponse old;
  grpc::ClientContext c2;
  ASSERT_TRUE(stub->ListPendingRetractions(&c2, week, &old).ok());
  EXPECT_THAT(ids(old), ElementsAre("evt-old", "evt-codex"));

  EXPECT_EQ(CountStalePending(source, std::nullopt, now).value(), 2);
  EXPECT_EQ(CountStalePending(source, std::set<int32_t>{kSoraPartition}, now).value(), 1);

  // A pending retraction is found by id like any event.
  v1::GetEventRequest get;
  get.set_event_id("evt-codex");
  v1::GetEventResponse found;
  grpc::ClientContext c3;
  ASSERT_TRUE(stub->GetEvent(&c3, get, &found).ok());
  EXPECT_EQ(found.record().event().team(), "codex");
  EXPECT_EQ(found.record().partition(), kCodexPartition);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  std::filesystem::remove_all(path);
}

// The fixture's history of openai/sora by offset: 40 hire (applied), 41 departure (retracted), 42
// hire (duplicate), 43 retraction (retraction applied); the latest effective day is the
// retraction's, 2026-02-11.
TEST_F(QueryServiceTest, ListEventsFiltersByTypeAndPagesOverTheMatchesOnly) {
  v1::ListEventsRequest req;
  req.set_org("openai");
  req.set_team("sora");
  req.add_types("hire");
  req.set_page_size(1);
  v1::ListEventsResponse first;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->ListEvents(&ctx, req, &first).ok());
  ASSERT_EQ(first.events_size(), 1);
  EXPECT_EQ(first.events(0).offset(), 40);
  EXPECT_EQ(first.next_page_token(), "offset:40");
  EXPECT_EQ(first.latest_event_day(), "2026-02-11");
  req.set_page_token(first.next_page_token());
  v1::ListEventsResponse second;
  grpc::ClientContext ctx2;
  ASSERT_TRUE(stub_->ListEvents(&ctx2, req, &second).ok());
  ASSERT_EQ(second.events_size(), 1);
  EXPECT_EQ(second.events(0).offset(), 42);  // 41 is a departure: skipped, not counted in the page
  EXPECT_EQ(second.next_page_token(), "");
}

TEST_F(QueryServiceTest, ListEventsFiltersByStatusAndByBoth) {
  v1::ListEventsRequest req;
  req.set_org("openai");
  req.set_team("sora");
  req.add_statuses(v1::EVENT_STATUS_RETRACTED);
  req.add_statuses(v1::EVENT_STATUS_RETRACTION_APPLIED);
  v1::ListEventsResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->ListEvents(&ctx, req, &resp).ok());
  std::vector<int64_t> offsets;
  for (const auto& e : resp.events()) offsets.push_back(e.offset());
  EXPECT_THAT(offsets, ElementsAre(41, 43));

  req.clear_statuses();
  req.add_statuses(v1::EVENT_STATUS_DUPLICATE);
  req.add_types("hire");
  req.add_types("retraction");
  v1::ListEventsResponse dup;
  grpc::ClientContext ctx2;
  ASSERT_TRUE(stub_->ListEvents(&ctx2, req, &dup).ok());
  ASSERT_EQ(dup.events_size(), 1);
  EXPECT_EQ(dup.events(0).event().event_id(), "evt-3");
}

TEST_F(QueryServiceTest, ListEventsNamesTheKindsWhenATypeIsUnknown) {
  v1::ListEventsRequest req;
  req.set_org("openai");
  req.set_team("sora");
  req.add_types("promotion");
  v1::ListEventsResponse resp;
  grpc::ClientContext ctx;
  const grpc::Status s = stub_->ListEvents(&ctx, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(),
            "types: \"promotion\" is not an event kind; expected one of hire, departure, transfer_out, transfer_in, "
            "reprioritisation, budget_change, compute_reallocation, retention_action, team_change, "
            "headcount_report, retraction");
}

// Flows of openai in 2026: sora's hire of p-1 from google-deepmind (January; its departure of p-2
// was retracted) and codex's departure of p-9 to anthropic (February).
TEST_F(QueryServiceTest, GetTalentFlowsOfOneTeam) {
  v1::GetTalentFlowsRequest req;
  req.set_org("openai");
  *req.mutable_from() = At(Day(2026, 1, 1));
  *req.mutable_to() = At(Day(2026, 12, 31));
  req.set_team("codex");
  v1::GetTalentFlowsResponse codex;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->GetTalentFlows(&ctx, req, &codex).ok());
  ASSERT_EQ(codex.edges_size(), 1);
  EXPECT_EQ(codex.edges(0).from_org(), "openai");
  EXPECT_EQ(codex.edges(0).to_org(), "anthropic");
  ASSERT_EQ(codex.edges(0).movers_size(), 1);
  EXPECT_EQ(codex.edges(0).movers(0).id(), "p-9");
  EXPECT_EQ(codex.edges(0).movers(0).month(), "2026-02");
  EXPECT_EQ(codex.latest_month(), "");  // set only on an empty answer

  req.set_team("sora");
  v1::GetTalentFlowsResponse sora;
  grpc::ClientContext ctx2;
  ASSERT_TRUE(stub_->GetTalentFlows(&ctx2, req, &sora).ok());
  ASSERT_EQ(sora.edges_size(), 1);
  EXPECT_EQ(sora.edges(0).from_org(), "google-deepmind");
  EXPECT_EQ(sora.edges(0).to_org(), "openai");
  ASSERT_EQ(sora.edges(0).movers_size(), 1);
  EXPECT_EQ(sora.edges(0).movers(0).id(), "p-1");
  EXPECT_EQ(sora.edges(0).movers(0).team(), "sora");

  req.set_team("robotics");  // no such team: nothing, and nothing ever
  v1::GetTalentFlowsResponse none;
  grpc::ClientContext ctx3;
  ASSERT_TRUE(stub_->GetTalentFlows(&ctx3, req, &none).ok());
  EXPECT_EQ(none.edges_size(), 0);
  EXPECT_EQ(none.latest_month(), "");
}

TEST_F(QueryServiceTest, AnEmptyFlowsAnswerNamesTheLatestMonthWithAMove) {
  v1::GetTalentFlowsRequest req;
  req.set_org("openai");
  *req.mutable_from() = At(Day(2026, 3, 1));
  *req.mutable_to() = At(Day(2026, 12, 31));
  v1::GetTalentFlowsResponse all;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->GetTalentFlows(&ctx, req, &all).ok());
  EXPECT_EQ(all.edges_size(), 0);
  EXPECT_EQ(all.latest_month(), "2026-02");
  req.set_team("sora");
  v1::GetTalentFlowsResponse sora;
  grpc::ClientContext ctx2;
  ASSERT_TRUE(stub_->GetTalentFlows(&ctx2, req, &sora).ok());
  EXPECT_EQ(sora.latest_month(), "2026-01");
}

// sora's latest applied event is the departure of 2026-02-10 (the retraction of 2026-02-11 is not an
// applied event; the departure still counts as the latest that happened); codex's is 2026-02-01.
TEST_F(QueryServiceTest, OrgReadsGiveTheLatestEventDayUpToAsOf) {
  v1::ListTeamsRequest req;
  req.set_org("openai");
  req.add_status(v1::HEALTH_STATUS_CRITICAL);
  *req.mutable_as_of() = At(Day(2026, 12, 4));
  v1::ListTeamsResponse late;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->ListTeams(&ctx, req, &late).ok());
  EXPECT_EQ(late.teams_size(), 0);
  EXPECT_EQ(late.latest_event_day(), "2026-02-10");

  *req.mutable_as_of() = At(Day(2026, 2, 5));  // before sora's last event: capped at as_of
  v1::ListTeamsResponse early;
  grpc::ClientContext ctx2;
  ASSERT_TRUE(stub_->ListTeams(&ctx2, req, &early).ok());
  EXPECT_EQ(early.latest_event_day(), "2026-02-05");

  v1::GetOrgSnapshotRequest snap;
  snap.set_org("openai");
  *snap.mutable_as_of() = At(Day(2026, 12, 4));
  v1::GetOrgSnapshotResponse org;
  grpc::ClientContext ctx3;
  ASSERT_TRUE(stub_->GetOrgSnapshot(&ctx3, snap, &org).ok());
  EXPECT_EQ(org.latest_event_day(), "2026-02-10");
}

TEST_F(QueryServiceTest, ATrendGivesTheTeamsLatestEventDayWhateverItsRange) {
  v1::GetTeamTrendRequest req;
  req.set_org("openai");
  req.set_team("sora");
  *req.mutable_from() = At(Day(2026, 11, 1));
  *req.mutable_to() = At(Day(2026, 11, 30));
  v1::GetTeamTrendResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->GetTeamTrend(&ctx, req, &resp).ok());
  EXPECT_EQ(resp.latest_event_day(), "2026-02-10");
  *req.mutable_from() = At(Day(2026, 1, 1));
  *req.mutable_to() = At(Day(2026, 1, 31));  // the range ends before the latest event
  v1::GetTeamTrendResponse early;
  grpc::ClientContext ctx2;
  ASSERT_TRUE(stub_->GetTeamTrend(&ctx2, req, &early).ok());
  EXPECT_EQ(early.latest_event_day(), "2026-02-10");
}

}  // namespace
}  // namespace talentflow::query
