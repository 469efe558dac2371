// Several instances (projector + query service, one DB each) in one consumer group over a
// 12-partition topic: every query instance answers every read like a single instance over the
// same log; a kill -9 of one instance yields complete answers or explicit errors, never a
// silently partial one; scaling 1 → 3 → 1 under a live stream loses and doubles nothing; two
// processes with one instance id end with exactly one of them running.
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/base/record_key.h"
#include "common/base/time_util.h"
#include "ctl/synthetic_source.h"
#include "query/query_service.h"
#include "talentflow/v1/query.grpc.pb.h"
#include "tests/common/event_builders.h"
#include "tests/common/pipeline.h"
#include "tests/fault/fault_util.h"

namespace talentflow::fault {
namespace {

using google::protobuf::util::MessageDifferencer;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr int kPartitions = 12;
const int64_t kAsOf = 1798675200;  // 2026-12-31: after every synthetic event

std::unique_ptr<v1::QueryService::Stub> StubFor(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  return v1::QueryService::NewStub(grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
}

template <typename Request, typename Response>
grpc::Status Call(v1::QueryService::Stub& stub,
                  grpc::Status (v1::QueryService::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  const Request& req, Response* resp) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + seconds(10));
  return (stub.*method)(&ctx, req, resp);
}

// A projector and a query service on one DB, named `id`.
class Instance {
 public:
  // `projector_args` are added to the projector's (e.g. --standby).
  Instance(const std::string& topic, const std::string& group, const std::string& id, const TempDir& dir,
           const std::vector<std::string>& projector_args = {})
      : id_(id), db_(dir / ("views-" + id)), query_port_(FreePort()), query_http_(FreePort()),
        projector_http_(FreePort()), topic_(topic), group_(group), log_dir_(dir.path()) {
    std::vector<std::string> argv{kProjectorBin, "run", "--db", db_, "--topic", topic_, "--group", group_,
                                  "--http-port", std::to_string(projector_http_), "--instance-id", id_,
                                  "--advertise", address()};
    argv.insert(argv.end(), projector_args.begin(), projector_args.end());
    projector_ = std::make_unique<Process>(argv, std::map<std::string, std::string>{},
                                           log_dir_ + "/projector-" + id_ + ".log");
    query_ = std::make_unique<Process>(
        std::vector<std::string>{kQueryBin, "serve", "--db", db_, "--listen", address(), "--http-port",
                                 std::to_string(query_http_), "--instance-id", id_},
        std::map<std::string, std::string>{{"TALENTFLOW_TOPIC", topic_}}, log_dir_ + "/query-" + id_ + ".log");
    stub_ = StubFor(address());
  }
  void KillNine() {
    projector_->KillNine();
    query_->KillNine();
  }
  // SIGTERM to both and wait for them (a clean stop: the instance withdraws its status).
  void Stop() {
    projector_->Signal(SIGTERM);
    query_->Signal(SIGTERM);
    projector_->Wait(milliseconds(30000));
    query_->Wait(milliseconds(30000));
  }

  std::string address() const { return "127.0.0.1:" + std::to_string(query_port_); }
  const std::string& id() const { return id_; }
  const std::string& db() const { return db_; }
  int projector_http() const { return projector_http_; }
  Process& projector() { return *projector_; }
  v1::QueryService::Stub& stub() { return *stub_; }
  std::string Logs() const { return projector_->Log() + "\n---- query ----\n" + query_->Log(); }

 private:
  std::string id_, db_;
  int query_port_, query_http_, projector_http_;
  std::string topic_, group_, log_dir_;
  std::unique_ptr<Process> projector_, query_;
  std::unique_ptr<v1::QueryService::Stub> stub_;
};

// The views of a clean replay of `topic` (up to `until`, default its end), served in-process by an
// unrouted QueryServiceImpl: what a single instance answers over the same log.
class Reference {
 public:
  Reference(const std::string& topic, const std::string& path, std::map<int32_t, int64_t> until = {}) : path_(path) {
    {
      views::ViewStoreOptions so;
      so.path = path;
      so.fresh = true;
      auto store = views::ViewStore::Open(so);
      EXPECT_TRUE(store.ok()) << store.status();
      projector::ReplayerOptions ro;
      ro.kafka = testing::KafkaFor(topic);
      ro.until_offsets = std::move(until);
      auto replayer = projector::Replayer::Create(ro, store->get());
      EXPECT_TRUE(replayer.ok()) << replayer.status();
      std::atomic<bool> stop{false};
      EXPECT_TRUE((*replayer)->Run(stop).ok());
    }
    source_ = std::make_unique<query::ViewSource>(query::ViewSourceOptions{.db_path = path, .read_only = true});
    source_->Start();
    EXPECT_TRUE(WaitFor([&] { return source_->Acquire().ok(); }, seconds(10)));
    service_ = std::make_unique<query::QueryServiceImpl>(source_.get(), query::LogEndsFn());
    grpc::ServerBuilder builder;
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    stub_ = v1::QueryService::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
  }
  ~Reference() {
    server_->Shutdown(std::chrono::system_clock::now() + seconds(2));
    source_->Stop();
    std::filesystem::remove_all(path_);
  }
  v1::QueryService::Stub& stub() { return *stub_; }

 private:
  std::string path_;
  std::unique_ptr<query::ViewSource> source_;
  std::unique_ptr<query::QueryServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::QueryService::Stub> stub_;
};

// True when `w` lists each of the 12 partitions once, each applied up to `ends` (when given).
::testing::AssertionResult CoversAll(const v1::Watermark& w, const std::map<int32_t, int64_t>& ends = {}) {
  if (w.partitions_size() != kPartitions) {
    return ::testing::AssertionFailure() << "watermark lists " << w.partitions_size() << " partitions: " << w.DebugString();
  }
  for (int p = 0; p < kPartitions; ++p) {
    if (w.partitions(p).partition() != p) return ::testing::AssertionFailure() << "partition " << p << " missing";
    if (!ends.empty() && w.partitions(p).applied_offset() != ends.at(p)) {
      return ::testing::AssertionFailure() << "partition " << p << " applied " << w.partitions(p).applied_offset()
                                           << " of " << ends.at(p);
    }
  }
  return ::testing::AssertionSuccess();
}

// The applied offsets a watermark names.
std::map<int32_t, int64_t> Applied(const v1::Watermark& w) {
  std::map<int32_t, int64_t> out;
  for (const auto& p : w.partitions()) out[p.partition()] = p.applied_offset();
  return out;
}

// Equal apart from the watermark (each instance's is its own; CoversAll checks it).
template <typename Response>
::testing::AssertionResult SameAnswer(Response a, Response b) {
  a.clear_watermark();
  b.clear_watermark();
  std::string diff;
  MessageDifferencer d;
  d.ReportDifferencesToString(&diff);
  if (d.Compare(a, b)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << diff;
}

// Waits until `instance` answers GetWatermark for every partition applied up to `ends`.
bool WaitServesAll(Instance& instance, const std::map<int32_t, int64_t>& ends, seconds timeout) {
  return WaitFor(
      [&] {
        v1::Watermark w;
        return Call(instance.stub(), &v1::QueryService::Stub::GetWatermark, v1::GetWatermarkRequest(), &w).ok() &&
               CoversAll(w, ends);
      },
      timeout, milliseconds(100));
}

v1::GetOrgSnapshotRequest OrgRequest(const std::string& org) {
  v1::GetOrgSnapshotRequest req;
  req.set_org(org);
  req.mutable_as_of()->set_seconds(kAsOf);
  return req;
}

TEST(ClusterTest, ThreeInstancesAnswerEveryReadLikeOne) {
  const std::string topic = testing::UniqueTopic("cluster-same");
  ASSERT_TRUE(testing::CreateTopic(topic, kPartitions).ok());
  const auto events = ctl::Synthetic({.events = 8000, .orgs = 4, .teams_per_org = 12, .seed = 16});
  ASSERT_GT(testing::PublishEvents(topic, events), 5000);
  // Issue 19 item 4: one departure (dup-jane, STAFF, 2026-12-04: after every synthetic event, so
  // alone in the 90-day window of kAsOf) filed under a team of org0 in each partition org0 has
  // teams in: more partitions than any one instance owns (checked below), so the org totals must
  // count her once across instances.
  std::map<int32_t, std::string> dup_teams;  // partition -> a team of org0 stored there
  for (int t = 0; t < 12; ++t) {
    const std::string team = absl::StrCat("team", t);
    dup_teams.emplace(KafkaPartitionFor(RecordKey("org0", team), kPartitions), team);
  }
  std::vector<v1::Event> filings;
  for (const auto& [p, team] : dup_teams) {
    v1::Event e = testing::Departure(absl::StrCat("dup-", team), team, testing::Day(2026, 12, 4), "dup-jane",
                                     v1::SENIORITY_STAFF, "org1");
    e.set_org("org0");
    filings.push_back(std::move(e));
  }
  ASSERT_EQ(testing::PublishEvents(topic, filings), static_cast<int64_t>(filings.size()));
  const auto ends = testing::EndOffsets(topic);
  TempDir dir("tf-cluster-same");
  Reference reference(topic, dir / "reference");

  std::vector<std::unique_ptr<Instance>> instances;
  for (const char* id : {"a", "b", "c"}) instances.push_back(std::make_unique<Instance>(topic, topic, id, dir));
  // The group shares the partitions out: each projector gets some, together all 12 once.
  int most_owned = 0;  // partitions of the instance owning the most
  ASSERT_TRUE(WaitFor(
      [&] {
        int total = 0;
        most_owned = 0;
        for (auto& i : instances) {
          auto progress = ProjectorProgress(i->projector_http());
          if (!progress || progress->partitions == 0) return false;
          total += progress->partitions;
          most_owned = std::max(most_owned, progress->partitions);
        }
        return total == kPartitions;
      },
      seconds(120)));
  for (auto& i : instances) ASSERT_TRUE(WaitServesAll(*i, ends, seconds(120))) << i->Logs();
  ASSERT_GT(static_cast<int>(dup_teams.size()), most_owned) << "dup-jane's filings must span two instances";

  std::vector<std::pair<std::string, std::string>> teams;  // every team with events
  for (const auto& e : events) teams.emplace_back(e.org(), e.team());
  std::sort(teams.begin(), teams.end());
  teams.erase(std::unique(teams.begin(), teams.end()), teams.end());
  std::set<int32_t> team_partitions;
  for (const auto& [org, team] : teams) team_partitions.insert(KafkaPartitionFor(RecordKey(org, team), kPartitions));
  ASSERT_EQ(team_partitions.size(), 12u) << "the sample must touch every partition";

  for (auto& i : instances) {
    SCOPED_TRACE("instance " + i->id());
    for (const std::string org : {"org0", "org1", "org2", "org3"}) {
      v1::GetOrgSnapshotResponse want, got;
      ASSERT_TRUE(Call(reference.stub(), &v1::QueryService::Stub::GetOrgSnapshot, OrgRequest(org), &want).ok());
      grpc::Status s = Call(i->stub(), &v1::QueryService::Stub::GetOrgSnapshot, OrgRequest(org), &got);
      ASSERT_TRUE(s.ok()) << s.error_message();
      EXPECT_EQ(got.teams_size(), 12);
      EXPECT_TRUE(SameAnswer(want, got));
      EXPECT_TRUE(CoversAll(got.watermark(), ends));
      EXPECT_TRUE(got.movers().empty());  // sent to another instance only
      if (org == "org0") {  // dup-jane: one departure in each of her teams, once in the org
        int64_t filed = 0;
        for (const auto& t : got.teams()) filed += t.windows(1).departures();
        EXPECT_EQ(filed, static_cast<int64_t>(dup_teams.size()));
        EXPECT_EQ(got.totals().departures_90d(), 1);
        EXPECT_EQ(got.totals().senior_departures_90d(), 1);
        EXPECT_EQ(got.totals().leadership_departures_90d(), 0);
        EXPECT_EQ(got.totals().hires_90d(), 0);
      }
      // --corroborated: each part finds its moves' counterparts on every instance, so the answer is
      // one instance's. Timed against the default (the cost of gathering the counterparts).
      v1::GetOrgSnapshotRequest corroborated = OrgRequest(org);
      corroborated.mutable_evidence()->set_corroborated_only(true);
      v1::GetOrgSnapshotResponse want_c, got_c;
      absl::Time start = absl::Now();
      ASSERT_TRUE(Call(reference.stub(), &v1::QueryService::Stub::GetOrgSnapshot, corroborated, &want_c).ok());
      const absl::Duration single_time = absl::Now() - start;
      start = absl::Now();
      grpc::Status cs = Call(i->stub(), &v1::QueryService::Stub::GetOrgSnapshot, corroborated, &got_c);
      const absl::Duration routed_time = absl::Now() - start;
      ASSERT_TRUE(cs.ok()) << cs.error_message();
      EXPECT_TRUE(SameAnswer(want_c, got_c));
      start = absl::Now();
      ASSERT_TRUE(Call(i->stub(), &v1::QueryService::Stub::GetOrgSnapshot, OrgRequest(org), &got).ok());
      std::cerr << "[measure] " << org << " on " << i->id() << ": --corroborated one instance " << single_time
                << ", three " << routed_time << "; default three " << (absl::Now() - start) << "\n";

      // ListTeams, paged by 4: the same pages in the same order.
      v1::ListTeamsRequest list;
      list.set_org(org);
      list.set_page_size(4);
      list.mutable_as_of()->set_seconds(kAsOf);
      int pages = 0;
      do {
        v1::ListTeamsResponse want_page, got_page;
        ASSERT_TRUE(Call(reference.stub(), &v1::QueryService::Stub::ListTeams, list, &want_page).ok());
        ASSERT_TRUE(Call(i->stub(), &v1::QueryService::Stub::ListTeams, list, &got_page).ok());
        EXPECT_TRUE(SameAnswer(want_page, got_page));
        EXPECT_TRUE(CoversAll(got_page.watermark(), ends));
        list.set_page_token(want_page.next_page_token());
        ++pages;
      } while (!list.page_token().empty() && pages < 10);
      EXPECT_EQ(pages, 3);  // 12 teams by 4

      v1::GetTalentFlowsRequest flows;
      flows.set_org(org);
      flows.mutable_from()->set_seconds(1704067200);  // 2024-01-01
      flows.mutable_to()->set_seconds(kAsOf);
      v1::GetTalentFlowsResponse want_flows, got_flows;
      ASSERT_TRUE(Call(reference.stub(), &v1::QueryService::Stub::GetTalentFlows, flows, &want_flows).ok());
      ASSERT_TRUE(Call(i->stub(), &v1::QueryService::Stub::GetTalentFlows, flows, &got_flows).ok());
      EXPECT_GT(got_flows.edges_size(), 0);
      EXPECT_TRUE(SameAnswer(want_flows, got_flows));
      EXPECT_TRUE(CoversAll(got_flows.watermark(), ends));

      // One team's flows (its history is on one owner, its flows may be gathered from any), and a
      // range before every event, whose empty answer names the latest month with a move.
      const auto team = std::find_if(teams.begin(), teams.end(), [&](const auto& t) { return t.first == org; });
      ASSERT_NE(team, teams.end());
      v1::GetTalentFlowsRequest one = flows;
      one.set_team(team->second);
      v1::GetTalentFlowsResponse want_one, got_one;
      ASSERT_TRUE(Call(reference.stub(), &v1::QueryService::Stub::GetTalentFlows, one, &want_one).ok());
      ASSERT_TRUE(Call(i->stub(), &v1::QueryService::Stub::GetTalentFlows, one, &got_one).ok());
      EXPECT_TRUE(SameAnswer(want_one, got_one)) << org << "/" << team->second;
      one.mutable_from()->set_seconds(946684800);  // 2000-01-01
      one.mutable_to()->set_seconds(978220800);    // 2000-12-31
      v1::GetTalentFlowsResponse want_none, got_none;
      ASSERT_TRUE(Call(reference.stub(), &v1::QueryService::Stub::GetTalentFlows, one, &want_none).ok());
      ASSERT_TRUE(Call(i->stub(), &v1::QueryService::Stub::GetTalentFlows, one, &got_none).ok());
      EXPECT_EQ(got_none.edges_size(), 0);
      EXPECT_EQ(got_none.latest_month(), want_none.latest_month());
      if (!want_one.edges().empty()) {
        EXPECT_FALSE(got_none.latest_month().empty());
      }
      // Issue 19 item 7: the monthly series is computed after the gather; GetTeamMovement gathers an
      // org's teams from every owner and routes one team's read to its owner.
      v1::GetTalentFlowsRequest monthly = flows;
      monthly.set_granularity(v1::FLOW_GRANULARITY_MONTH);
      v1::GetTalentFlowsResponse want_monthly, got_monthly;
      ASSERT_TRUE(Call(reference.stub(), &v1::QueryService::Stub::GetTalentFlows, monthly, &want_monthly).ok());
      ASSERT_TRUE(Call(i->stub(), &v1::QueryService::Stub::GetTalentFlows, monthly, &got_monthly).ok());
      EXPECT_FALSE(got_monthly.months().empty());
      EXPECT_TRUE(SameAnswer(want_monthly, got_monthly));
      v1::GetTeamMovementRequest movement;
      movement.set_org(org);
      movement.mutable_as_of()->set_seconds(kAsOf);
      for (const std::string& t : {std::string(), team->second}) {
        movement.set_team(t);
        v1::GetTeamMovementResponse want_movement, got_movement;
        ASSERT_TRUE(Call(reference.stub(), &v1::QueryService::Stub::GetTeamMovement, movement, &want_movement).ok());
        grpc::Status ms = Call(i->stub(), &v1::QueryService::Stub::GetTeamMovement, movement, &got_movement);
        ASSERT_TRUE(ms.ok()) << org << "/" << t << ": " << ms.error_message();
        EXPECT_EQ(got_movement.teams_size(), t.empty() ? 12 : 1);
        EXPECT_TRUE(SameAnswer(want_movement, got_movement)) << org << "/" << t;
        if (org == "org0" && t.empty()) {  // dup-jane once in the 30- and 90-day windows, at STAFF
          for (int w : {0, 1}) {
            EXPECT_EQ(got_movement.totals().windows(w).departures().total(), 1);
            EXPECT_EQ(got_movement.totals().windows(w).departures().staff(), 1);
            EXPECT_EQ(got_movement.totals().windows(w).senior_departures(), 1);
          }
        }
        if (t.empty()) {
          EXPECT_TRUE(CoversAll(got_movement.watermark(), ends));
        }
      }
    }
    for (const auto& [org, team] : teams) {
      v1::GetTeamHealthRequest req;
      req.set_org(org);
      req.set_team(team);
      req.mutable_as_of()->set_seconds(kAsOf);
      v1::GetTeamHealthResponse want, got;
      ASSERT_TRUE(Call(reference.stub(), &v1::QueryService::Stub::GetTeamHealth, req, &want).ok());
      grpc::Status s = Call(i->stub(), &v1::QueryService::Stub::GetTeamHealth, req, &got);
      ASSERT_TRUE(s.ok()) << org << "/" << team << ": " << s.error_message();
      EXPECT_TRUE(SameAnswer(want, got)) << org << "/" << team;
      // The watermark names the partition that answered, applied to its end.
      ASSERT_EQ(got.watermark().partitions_size(), 1);
      const int32_t p = KafkaPartitionFor(RecordKey(org, team), kPartitions);
      EXPECT_EQ(got.watermark().partitions(0).partition(), p);
      EXPECT_EQ(got.watermark().partitions(0).applied_offset(), ends.at(p));

      v1::ListEventsRequest history;
      history.set_org(org);
      history.set_team(team);
      v1::ListEventsResponse want_history, got_history;
      ASSERT_TRUE(Call(reference.stub(), &v1::QueryService::Stub::ListEvents, history, &want_history).ok());
      ASSERT_TRUE(Call(i->stub(), &v1::QueryService::Stub::ListEvents, history, &got_history).ok());
      EXPECT_TRUE(SameAnswer(want_history, got_history)) << org << "/" << team;
      history.add_types("departure");  // filtered by the owner, forwarded or not
      history.add_statuses(v1::EVENT_STATUS_APPLIED);
      v1::ListEventsResponse want_departures, got_departures;
      ASSERT_TRUE(Call(reference.stub(), &v1::QueryService::Stub::ListEvents, history, &want_departures).ok());
      ASSERT_TRUE(Call(i->stub(), &v1::QueryService::Stub::ListEvents, history, &got_departures).ok());
      EXPECT_TRUE(SameAnswer(want_departures, got_departures)) << org << "/" << team;
    }
    // GetEvent finds an event of every partition on any instance, as a single instance does.
    std::set<int32_t> event_partitions;
    for (const auto& e : events) {
      const int32_t p = KafkaPartitionFor(RecordKey(e.org(), e.team()), kPartitions);
      if (event_partitions.contains(p)) continue;
      v1::GetEventRequest req;
      req.set_event_id(e.event_id());
      v1::GetEventResponse want, got;
      // Events ingest did not write (duplicates in a batch) are in no view.
      if (!Call(reference.stub(), &v1::QueryService::Stub::GetEvent, req, &want).ok()) continue;
      event_partitions.insert(p);
      grpc::Status s = Call(i->stub(), &v1::QueryService::Stub::GetEvent, req, &got);
      ASSERT_TRUE(s.ok()) << e.event_id() << ": " << s.error_message();
      EXPECT_EQ(got.record().partition(), p);
      EXPECT_EQ(got.record().SerializeAsString(), want.record().SerializeAsString()) << e.event_id();
      EXPECT_TRUE(CoversAll(got.watermark(), ends));
    }
    EXPECT_EQ(event_partitions.size(), 12u);
    // GetPerson and ListPeople read every history: gathered from the three owners, the same answer
    // as one instance's (the moves of people in several partitions, linked after the gather).
    std::set<std::string> people;
    for (const auto& e : events) {
      if (people.size() < 8 && !e.person().id().empty()) people.insert(e.person().id());
    }
    for (const auto& id : people) {
      v1::GetPersonRequest req;
      req.set_person_id(id);
      v1::GetPersonResponse want, got;
      if (!Call(reference.stub(), &v1::QueryService::Stub::GetPerson, req, &want).ok()) continue;
      grpc::Status s = Call(i->stub(), &v1::QueryService::Stub::GetPerson, req, &got);
      ASSERT_TRUE(s.ok()) << id << ": " << s.error_message();
      EXPECT_TRUE(SameAnswer(want, got)) << id;
      EXPECT_TRUE(CoversAll(got.watermark(), ends));
    }
    v1::GetPersonRequest nobody;
    nobody.set_person_id("no-such-person");
    v1::GetPersonResponse no_person;
    EXPECT_EQ(Call(i->stub(), &v1::QueryService::Stub::GetPerson, nobody, &no_person).error_code(),
              grpc::StatusCode::NOT_FOUND);
    v1::ListPeopleRequest who;
    who.set_org("org1");
    who.mutable_from()->set_seconds(1704067200);  // 2024-01-01
    who.mutable_to()->set_seconds(kAsOf);
    who.set_page_size(200);
    int people_pages = 0;
    do {
      v1::ListPeopleResponse want_page, got_page;
      ASSERT_TRUE(Call(reference.stub(), &v1::QueryService::Stub::ListPeople, who, &want_page).ok());
      grpc::Status s = Call(i->stub(), &v1::QueryService::Stub::ListPeople, who, &got_page);
      ASSERT_TRUE(s.ok()) << s.error_message();
      EXPECT_GT(got_page.people_size(), 0);
      EXPECT_TRUE(SameAnswer(want_page, got_page));
      EXPECT_TRUE(CoversAll(got_page.watermark(), ends));
      who.set_page_token(want_page.next_page_token());
    } while (!who.page_token().empty() && ++people_pages < 20);
    v1::GetEventRequest no_event;
    no_event.set_event_id("no-such-event");
    v1::GetEventResponse no_record;
    EXPECT_EQ(Call(i->stub(), &v1::QueryService::Stub::GetEvent, no_event, &no_record).error_code(),
              grpc::StatusCode::NOT_FOUND);
    // NOT_FOUND means an unknown team, wherever its partition is served.
    v1::GetTeamHealthRequest unknown;
    unknown.set_org("org0");
    unknown.set_team("no-such-team");
    v1::GetTeamHealthResponse none;
    EXPECT_EQ(Call(i->stub(), &v1::QueryService::Stub::GetTeamHealth, unknown, &none).error_code(),
              grpc::StatusCode::NOT_FOUND);
    // A misspelt team: the hint comes from every owner's teams, names resolved on the way in.
    unknown.set_org("Org0");
    unknown.set_team("teamm7");
    const grpc::Status misspelt = Call(i->stub(), &v1::QueryService::Stub::GetTeamHealth, unknown, &none);
    EXPECT_EQ(misspelt.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_TRUE(absl::EndsWith(misspelt.error_message(), "team org0/teamm7 not found; did you mean org0/team7?"))
        << misspelt.error_message();
    // ListOrgs gathers every owner's part: four orgs of twelve teams, as a single instance has them.
    v1::ListOrgsResponse orgs;
    ASSERT_TRUE(Call(i->stub(), &v1::QueryService::Stub::ListOrgs, v1::ListOrgsRequest(), &orgs).ok());
    ASSERT_EQ(orgs.orgs_size(), 4);
    for (int o = 0; o < 4; ++o) {
      EXPECT_EQ(orgs.orgs(o).org(), absl::StrCat("org", o));
      EXPECT_EQ(orgs.orgs(o).teams(), 12);
    }
    EXPECT_TRUE(CoversAll(orgs.watermark(), ends));
  }

  // A watch of org0 on instance a: first every team as a single instance has it today, then the
  // teams that new events change, wherever their partitions are served.
  grpc::ClientContext watch_ctx;
  watch_ctx.set_deadline(std::chrono::system_clock::now() + seconds(60));
  v1::WatchTeamHealthRequest watch;
  watch.set_org("org0");
  auto stream = instances[0]->stub().WatchTeamHealth(&watch_ctx, watch);
  std::set<std::string> seen;
  v1::TeamHealthUpdate update;
  while (seen.size() < 12 && stream->Read(&update)) {
    seen.insert(update.health().team());
    v1::GetTeamHealthRequest req;
    req.set_org("org0");
    req.set_team(update.health().team());
    v1::GetTeamHealthResponse want;
    ASSERT_TRUE(Call(reference.stub(), &v1::QueryService::Stub::GetTeamHealth, req, &want).ok());
    EXPECT_TRUE(MessageDifferencer::Equals(want.health(), update.health())) << update.health().team();
    EXPECT_TRUE(CoversAll(update.watermark(), ends));
  }
  ASSERT_EQ(seen.size(), 12u);
  const auto more = ctl::Synthetic({.events = 200, .orgs = 1, .teams_per_org = 12, .seed = 99});
  ASSERT_GT(testing::PublishEvents(topic, more), 100);
  std::set<std::string> instances_in_updates;  // instances whose partitions moved in an update
  std::set<std::string> updated;
  while (updated.size() < 6 && stream->Read(&update)) {
    updated.insert(update.health().team());
    for (const auto& pw : update.watermark().partitions()) {
      if (pw.applied_offset() > ends.at(pw.partition())) instances_in_updates.insert(pw.instance());
    }
  }
  EXPECT_GE(updated.size(), 6u) << "updates stopped";
  // Some of the teams that moved are served by b or c: their changes reached a's watch too.
  EXPECT_TRUE(instances_in_updates.contains("b") || instances_in_updates.contains("c"));
  watch_ctx.TryCancel();
}

// The first team name "<prefix><n>" of `org` in each of the 12 partitions, by partition.
std::vector<std::string> TeamPerPartition(const std::string& org, const std::string& prefix) {
  std::vector<std::string> teams(kPartitions);
  int found = 0;
  for (int n = 0; found < kPartitions; ++n) {
    const std::string team = absl::StrCat(prefix, n);
    std::string& slot = teams[KafkaPartitionFor(RecordKey(org, team), kPartitions)];
    if (slot.empty()) {
      slot = team;
      ++found;
    }
  }
  return teams;
}

// Issue 19: --corroborated finds a move's counterpart in every partition, whichever instance serves
// it. For k = 0..10, p-k leaves acme/A[k] (partition k) for beta on 2026-03-01 and is hired at
// beta/B[k+1] (partition k+1) from acme on 2026-03-15 (14 days: counterparts); q-k leaves A[k] for
// beta on 2026-03-02 and is hired nowhere. Every story has one outlet and is REPORTED, so only the
// counterparts corroborate: under --corroborated each A[k] has 1 departure in the 90 days to
// 2026-04-30 (p-k; 2 without the filter), each B[k+1] its 1 hire, acme's outbound flow to beta is 11
// people (22 without). Each instance serves some of the 12 partitions, so some k has A[k] and
// B[k+1] on two instances: every instance must give these figures, as one instance does; with the
// counterpart's instance killed, an error until its partitions are served again.
TEST(ClusterTest, CorroboratedReadsFindCounterpartsOnEveryInstance) {
  const std::string topic = testing::UniqueTopic("cluster-corroborated");
  ASSERT_TRUE(testing::CreateTopic(topic, kPartitions).ok());
  const std::vector<std::string> a = TeamPerPartition("acme", "a"), b = TeamPerPartition("beta", "b");
  std::vector<v1::Event> events;
  for (int k = 0; k <= 10; ++k) {
    for (const auto& [person, day] : {std::pair<std::string, int>{absl::StrCat("p-", k), 1}, {absl::StrCat("q-", k), 2}}) {
      v1::Event left = testing::Departure("out-" + person, a[k], testing::Day(2026, 3, day), person,
                                          v1::SENIORITY_SENIOR, "beta");
      left.set_org("acme");
      left.set_idempotency_key("ik-out-" + person);
      events.push_back(left);
    }
    v1::Event joined = testing::Hire(absl::StrCat("in-p-", k), b[k + 1], testing::Day(2026, 3, 15),
                                     absl::StrCat("p-", k), "acme");
    joined.set_org("beta");
    joined.set_idempotency_key(absl::StrCat("ik-in-p-", k));
    events.push_back(joined);
  }
  ASSERT_EQ(testing::PublishEvents(topic, events), 33);
  const auto ends = testing::EndOffsets(topic);
  TempDir dir("tf-cluster-corroborated");
  Reference reference(topic, dir / "reference");
  std::vector<std::unique_ptr<Instance>> instances;
  for (const char* id : {"a", "b", "c"}) instances.push_back(std::make_unique<Instance>(topic, topic, id, dir));
  ASSERT_TRUE(WaitFor(
      [&] {
        int total = 0;
        for (auto& i : instances) {
          auto progress = ProjectorProgress(i->projector_http());
          if (!progress || progress->partitions == 0) return false;
          total += progress->partitions;
        }
        return total == kPartitions;
      },
      seconds(120)));
  for (auto& i : instances) ASSERT_TRUE(WaitServesAll(*i, ends, seconds(120))) << i->Logs();

  v1::EvidenceFilter corroborated;
  corroborated.set_corroborated_only(true);
  const int64_t as_of = 1777507200;  // 2026-04-30
  auto health_req = [&](const std::string& org, const std::string& team) {
    v1::GetTeamHealthRequest req;
    req.set_org(org);
    req.set_team(team);
    req.mutable_as_of()->set_seconds(as_of);
    *req.mutable_evidence() = corroborated;
    return req;
  };
  // Who serves each partition (a team read's watermark names the instance that answered it).
  std::vector<std::string> owner(kPartitions);
  for (int k = 0; k < kPartitions; ++k) {
    // acme's teams have partitions 0..10, beta's 1..11.
    v1::GetTeamHealthRequest req = k <= 10 ? health_req("acme", a[k]) : health_req("beta", b[k]);
    req.clear_evidence();
    v1::GetTeamHealthResponse resp;
    grpc::Status s = Call(instances[0]->stub(), &v1::QueryService::Stub::GetTeamHealth, req, &resp);
    ASSERT_TRUE(s.ok()) << req.team() << ": " << s.error_message();
    ASSERT_EQ(resp.watermark().partitions_size(), 1);
    owner[k] = resp.watermark().partitions(0).instance();
  }
  int across = 0;  // pairs whose departure and hire two instances serve
  for (int k = 0; k <= 10; ++k) across += owner[k] != owner[k + 1];
  ASSERT_GT(across, 0) << "the test needs a counterpart on another instance";

  for (auto& i : instances) {
    SCOPED_TRACE("instance " + i->id());
    for (int k = 0; k <= 10; ++k) {
      v1::GetTeamHealthResponse want, got;
      ASSERT_TRUE(Call(reference.stub(), &v1::QueryService::Stub::GetTeamHealth, health_req("acme", a[k]), &want).ok());
      grpc::Status s = Call(i->stub(), &v1::QueryService::Stub::GetTeamHealth, health_req("acme", a[k]), &got);
      ASSERT_TRUE(s.ok()) << s.error_message();
      EXPECT_EQ(got.health().windows(1).days(), 90);
      EXPECT_EQ(got.health().windows(1).departures(), 1) << "acme/" << a[k] << " (partition " << k << ", counterpart on "
                                                         << owner[k + 1] << ")";
      EXPECT_TRUE(SameAnswer(want, got)) << "acme/" << a[k];
      ASSERT_TRUE(Call(i->stub(), &v1::QueryService::Stub::GetTeamHealth, health_req("beta", b[k + 1]), &got).ok());
      EXPECT_EQ(got.health().windows(1).hires(), 1) << "beta/" << b[k + 1];

      v1::ListEventsRequest history;
      history.set_org("acme");
      history.set_team(a[k]);
      *history.mutable_evidence() = corroborated;
      v1::ListEventsResponse events_got;
      ASSERT_TRUE(Call(i->stub(), &v1::QueryService::Stub::ListEvents, history, &events_got).ok());
      ASSERT_EQ(events_got.events_size(), 1) << "acme/" << a[k];
      EXPECT_EQ(events_got.events(0).event().event_id(), absl::StrCat("out-p-", k));

      v1::GetTeamMovementRequest movement;
      movement.set_org("acme");
      movement.set_team(a[k]);
      movement.mutable_as_of()->set_seconds(as_of);
      *movement.mutable_evidence() = corroborated;
      v1::GetTeamMovementResponse want_movement, got_movement;
      ASSERT_TRUE(Call(reference.stub(), &v1::QueryService::Stub::GetTeamMovement, movement, &want_movement).ok());
      ASSERT_TRUE(Call(i->stub(), &v1::QueryService::Stub::GetTeamMovement, movement, &got_movement).ok());
      EXPECT_TRUE(SameAnswer(want_movement, got_movement)) << "acme/" << a[k];
    }
    // The org: every team, each part answered by its owner with counterparts from the others.
    v1::GetOrgSnapshotRequest org = OrgRequest("acme");
    org.mutable_as_of()->set_seconds(as_of);
    *org.mutable_evidence() = corroborated;
    v1::GetOrgSnapshotResponse want_org, got_org;
    ASSERT_TRUE(Call(reference.stub(), &v1::QueryService::Stub::GetOrgSnapshot, org, &want_org).ok());
    ASSERT_TRUE(Call(i->stub(), &v1::QueryService::Stub::GetOrgSnapshot, org, &got_org).ok());
    int64_t departures = 0;
    for (const auto& t : got_org.teams()) departures += t.windows(1).departures();
    EXPECT_EQ(departures, 11);
    EXPECT_TRUE(SameAnswer(want_org, got_org));
    v1::GetTalentFlowsRequest flows;
    flows.set_org("acme");
    flows.set_direction(v1::GetTalentFlowsRequest::DIRECTION_OUTBOUND);
    flows.mutable_from()->set_seconds(1767225600);  // 2026-01-01
    flows.mutable_to()->set_seconds(as_of);
    for (const bool filtered : {false, true}) {
      if (filtered) *flows.mutable_evidence() = corroborated;
      v1::GetTalentFlowsResponse want_flows, got_flows;
      ASSERT_TRUE(Call(reference.stub(), &v1::QueryService::Stub::GetTalentFlows, flows, &want_flows).ok());
      ASSERT_TRUE(Call(i->stub(), &v1::QueryService::Stub::GetTalentFlows, flows, &got_flows).ok());
      ASSERT_EQ(got_flows.edges_size(), 1);
      EXPECT_EQ(got_flows.edges(0).to_org(), "beta");
      // The edge lists each report (22 departures and 11 hires from acme; corroborated 11 and 11)
      // and counts people once: p-0..10 and q-0..10; corroborated p-0..10.
      EXPECT_EQ(got_flows.edges(0).movers_size(), filtered ? 22 : 33);
      EXPECT_EQ(got_flows.edges(0).people(), filtered ? 11 : 22);
      EXPECT_TRUE(SameAnswer(want_flows, got_flows));
    }
  }

  // A watch of acme under --corroborated on each instance: every team as one instance has it today
  // (a watch has no as_of, so the figures are compared, not written down).
  for (auto& i : instances) {
    grpc::ClientContext watch_ctx;
    watch_ctx.set_deadline(std::chrono::system_clock::now() + seconds(30));
    v1::WatchTeamHealthRequest watch;
    watch.set_org("acme");
    *watch.mutable_evidence() = corroborated;
    auto stream = i->stub().WatchTeamHealth(&watch_ctx, watch);
    std::set<std::string> seen;
    v1::TeamHealthUpdate update;
    while (seen.size() < 11 && stream->Read(&update)) {
      seen.insert(update.health().team());
      v1::GetTeamHealthRequest req = health_req("acme", update.health().team());
      req.clear_as_of();
      v1::GetTeamHealthResponse want;
      ASSERT_TRUE(Call(reference.stub(), &v1::QueryService::Stub::GetTeamHealth, req, &want).ok());
      EXPECT_TRUE(MessageDifferencer::Equals(want.health(), update.health())) << i->id() << " " << update.health().team();
    }
    EXPECT_EQ(seen.size(), 11u) << i->id();
    watch_ctx.TryCancel();
  }
  // A kill -9 of the instance holding a counterpart: until its partitions are served again, the
  // --corroborated read of the departure's team on a surviving instance is an explicit error, never
  // a figure without the counterpart (0 departures); then 1 again.
  int k = 0;
  while (owner[k] == owner[k + 1]) ++k;
  Instance* asked = nullptr;
  for (auto& i : instances) {
    if (i->id() == owner[k]) asked = i.get();
    if (i->id() == owner[k + 1]) i->KillNine();
  }
  ASSERT_NE(asked, nullptr);
  int errors = 0, wrong = 0, named = 0;
  bool recovered = false;
  const auto killed = std::chrono::steady_clock::now();
  while (!recovered && std::chrono::steady_clock::now() - killed < seconds(120)) {
    v1::GetTeamHealthResponse got;
    grpc::Status s = Call(asked->stub(), &v1::QueryService::Stub::GetTeamHealth, health_req("acme", a[k]), &got);
    if (!s.ok()) {
      EXPECT_TRUE(s.error_code() == grpc::StatusCode::UNAVAILABLE || s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)
          << s.error_code() << " " << s.error_message();
      named += absl::StrContains(s.error_message(), "counterparts for --corroborated");
      ++errors;
    } else if (got.health().windows(1).departures() != 1) {
      ++wrong;
    } else {
      recovered = errors > 0;
    }
    std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_EQ(wrong, 0);
  EXPECT_GT(errors, 0) << "the kill was not noticed";
  EXPECT_GT(named, 0) << "no error said it was the counterparts' partitions";
  EXPECT_TRUE(recovered) << "no complete answer within 120 s of the kill\n" << asked->Logs();
}

TEST(ClusterTest, ASecondProjectorWithTheSameInstanceIdEndsWithExactlyOneRunning) {
  const std::string topic = testing::UniqueTopic("cluster-fence");
  ASSERT_TRUE(testing::CreateTopic(topic, kPartitions).ok());
  ASSERT_GT(testing::PublishEvents(topic, ctl::Synthetic({.events = 500, .orgs = 2, .teams_per_org = 6, .seed = 3})), 400);
  TempDir dir("tf-cluster-fence");
  const int http_a = FreePort(), http_b = FreePort();
  auto start = [&](const std::string& name, int http) {
    return std::make_unique<Process>(
        std::vector<std::string>{kProjectorBin, "run", "--db", dir / ("views-" + name), "--topic", topic, "--group",
                                 topic, "--http-port", std::to_string(http), "--instance-id", "same-id"},
        std::map<std::string, std::string>{}, dir / (name + ".log"));
  };
  auto first = start("first", http_a);
  ASSERT_TRUE(WaitProjectorCaughtUp(http_a, topic, milliseconds(60000))) << first->Log();
  auto second = start("second", http_b);

  // Within 30 s one of the two exits non-zero, saying why.
  ASSERT_TRUE(WaitFor([&] { return !first->Running() || !second->Running(); }, seconds(30)))
      << first->Log() << "\n----\n" << second->Log();
  Process& gone = first->Running() ? *second : *first;
  Process& kept = first->Running() ? *first : *second;
  const int kept_http = first->Running() ? http_a : http_b;
  ASSERT_TRUE(gone.exit_code().has_value());
  EXPECT_NE(*gone.exit_code(), 0) << gone.Log();
  EXPECT_NE(gone.Log().find("fenced"), std::string::npos) << gone.Log();
  EXPECT_NE(gone.Log().find("same-id"), std::string::npos) << gone.Log();
  // The other keeps every partition and says it is healthy.
  EXPECT_TRUE(WaitProjectorCaughtUp(kept_http, topic, milliseconds(60000))) << kept.Log();
  EXPECT_TRUE(kept.Running());
  EXPECT_EQ(HttpGet(kept_http, "/healthz").first, 200);
}

// Publishes `events` in slices of `slice` events until done or `stop`.
void Stream(const std::string& topic, const std::vector<v1::Event>& events, size_t slice, std::atomic<bool>& stop,
            std::atomic<int64_t>& published) {
  for (size_t i = 0; i < events.size() && !stop.load(); i += slice) {
    std::vector<v1::Event> part(events.begin() + i, events.begin() + std::min(events.size(), i + slice));
    published += testing::PublishEvents(topic, part);
    std::this_thread::sleep_for(milliseconds(50));  // a live stream, not one burst
  }
}

// Every partition's records in the DB of the instance whose projector applied it to `ends`
// equal those of a clean replay.
void ExpectPartitionDigestsEqualReplay(const std::string& topic, std::vector<std::unique_ptr<Instance>>& live,
                                       const TempDir& dir) {
  std::map<int32_t, std::string> owner_db;
  for (auto& i : live) {
    const auto metrics = HttpGet(i->projector_http(), "/metrics").second;
    for (int p = 0; p < kPartitions; ++p) {
      if (MetricSum(metrics, "talentflow_projector_applied_offset{partition=\"" + std::to_string(p) + "\"}")) {
        owner_db[p] = i->db();
      }
    }
  }
  ASSERT_EQ(owner_db.size(), static_cast<size_t>(kPartitions));
  for (auto& i : live) i->Stop();
  auto replay = testing::Replay(topic, dir / "clean");
  ASSERT_NE(replay, nullptr);
  std::map<std::string, std::unique_ptr<views::ViewStore>> stores;
  for (int p = 0; p < kPartitions; ++p) {
    auto& store = stores[owner_db[p]];
    if (!store) store = views::ViewStore::OpenReadOnly(owner_db[p]).value();
    EXPECT_EQ(store->Digest(p).value(), replay->Digest(p).value()) << "partition " << p << " in " << owner_db[p];
  }
}

TEST(ClusterTest, KillNineOfOneInstanceGivesCompleteAnswersOrErrorsNeverPartialOnes) {
  const std::string topic = testing::UniqueTopic("cluster-kill");
  ASSERT_TRUE(testing::CreateTopic(topic, kPartitions).ok());
  const auto events = ctl::Synthetic({.events = 12000, .orgs = 2, .teams_per_org = 12, .seed = 9});
  const std::vector<v1::Event> first(events.begin(), events.begin() + 4000), rest(events.begin() + 4000, events.end());
  ASSERT_GT(testing::PublishEvents(topic, first), 3000);
  TempDir dir("tf-cluster-kill");
  std::vector<std::unique_ptr<Instance>> instances;
  for (const char* id : {"a", "b", "c"}) instances.push_back(std::make_unique<Instance>(topic, topic, id, dir));
  for (auto& i : instances) ASSERT_TRUE(WaitServesAll(*i, testing::EndOffsets(topic), seconds(120))) << i->Logs();

  // An event of each partition, as found before the kill.
  std::map<int32_t, std::string> known_events;
  for (const auto& e : first) {
    const int32_t p = KafkaPartitionFor(RecordKey(e.org(), e.team()), kPartitions);
    if (known_events.contains(p)) continue;
    v1::GetEventRequest find;
    find.set_event_id(e.event_id());
    v1::GetEventResponse found;
    if (Call(instances[0]->stub(), &v1::QueryService::Stub::GetEvent, find, &found).ok()) known_events[p] = e.event_id();
  }
  std::atomic<bool> stop{false};
  std::atomic<int64_t> published{0};
  std::thread stream([&] { Stream(topic, rest, 200, stop, published); });
  std::this_thread::sleep_for(milliseconds(500));
  instances[2]->KillNine();
  const auto killed = std::chrono::steady_clock::now();

  // Sample instance a until it answers completely again: each answer is OK and complete, or an
  // explicit error.
  struct Sample {
    v1::GetOrgSnapshotResponse answer;
  };
  std::vector<Sample> complete;
  int errors = 0, partial = 0;
  std::optional<std::chrono::steady_clock::duration> recovered;
  while (std::chrono::steady_clock::now() - killed < seconds(120)) {
    v1::GetOrgSnapshotResponse resp;
    grpc::Status s = Call(instances[0]->stub(), &v1::QueryService::Stub::GetOrgSnapshot, OrgRequest("org0"), &resp);
    if (!s.ok()) {
      EXPECT_TRUE(s.error_code() == grpc::StatusCode::UNAVAILABLE || s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)
          << s.error_code() << " " << s.error_message();
      ++errors;
    } else if (!CoversAll(resp.watermark())) {
      ++partial;
    } else {
      if (complete.size() < 4 || errors > 0) complete.push_back({resp});
      if (errors > 0 && !recovered) recovered = std::chrono::steady_clock::now() - killed;
    }
    // An event of the killed instance's partitions is found or UNAVAILABLE, never NOT_FOUND.
    for (const auto& [p, id] : known_events) {
      v1::GetEventRequest find;
      find.set_event_id(id);
      v1::GetEventResponse found;
      grpc::Status f = Call(instances[0]->stub(), &v1::QueryService::Stub::GetEvent, find, &found);
      EXPECT_NE(f.error_code(), grpc::StatusCode::NOT_FOUND) << id << " of partition " << p << ": " << f.error_message();
    }
    if (recovered && complete.size() >= 6) break;
    std::this_thread::sleep_for(milliseconds(100));
  }
  stream.join();
  EXPECT_EQ(partial, 0);
  EXPECT_GT(errors, 0) << "the kill was not noticed: no answer in the gap failed";
  ASSERT_TRUE(recovered.has_value()) << "no complete answer within 120 s of the kill\n" << instances[0]->Logs();
  std::cerr << "complete answers again " << std::chrono::duration_cast<milliseconds>(*recovered).count()
            << " ms after the kill (" << errors << " errors in between)\n";

  // Each complete answer equals a single instance's at its watermark.
  for (size_t k = 0; k < complete.size(); ++k) {
    Reference at(topic, dir / ("at-" + std::to_string(k)), Applied(complete[k].answer.watermark()));
    v1::GetOrgSnapshotResponse want;
    ASSERT_TRUE(Call(at.stub(), &v1::QueryService::Stub::GetOrgSnapshot, OrgRequest("org0"), &want).ok());
    EXPECT_TRUE(SameAnswer(want, complete[k].answer)) << "sample " << k;
  }

  // After the stream: the survivors hold every partition, each equal to a clean replay's.
  const auto ends = testing::EndOffsets(topic);
  instances.pop_back();
  for (auto& i : instances) ASSERT_TRUE(WaitServesAll(*i, ends, seconds(120))) << i->Logs();
  ExpectPartitionDigestsEqualReplay(topic, instances, dir);
}

TEST(ClusterTest, WithStandbysAKilledOwnersPartitionsAreAnsweredByWarmCopies) {
  const std::string topic = testing::UniqueTopic("cluster-standby");
  ASSERT_TRUE(testing::CreateTopic(topic, kPartitions).ok());
  const auto events = ctl::Synthetic({.events = 8000, .orgs = 2, .teams_per_org = 12, .seed = 11});
  const std::vector<v1::Event> first(events.begin(), events.begin() + 4000), rest(events.begin() + 4000, events.end());
  ASSERT_GT(testing::PublishEvents(topic, first), 3000);
  TempDir dir("tf-cluster-standby");
  // b and c keep copies of the partitions they do not own; a, which is asked, keeps none, so
  // its reads of c's partitions go to c, then (with max_lag) to b's copies until the group moves
  // them.
  std::vector<std::unique_ptr<Instance>> instances;
  instances.push_back(std::make_unique<Instance>(topic, topic, "a", dir));
  instances.push_back(std::make_unique<Instance>(topic, topic, "b", dir, std::vector<std::string>{"--standby"}));
  instances.push_back(std::make_unique<Instance>(topic, topic, "c", dir, std::vector<std::string>{"--standby"}));
  ASSERT_TRUE(WaitFor(
      [&] {
        for (auto& i : instances) {
          auto progress = ProjectorProgress(i->projector_http());
          if (!progress || progress->partitions == 0) return false;
        }
        return true;
      },
      seconds(60)));
  for (auto& i : instances) ASSERT_TRUE(WaitServesAll(*i, testing::EndOffsets(topic), seconds(120))) << i->Logs();

  std::atomic<bool> stop{false};
  std::atomic<int64_t> published{0};
  std::thread stream([&] { Stream(topic, rest, 200, stop, published); });
  std::this_thread::sleep_for(milliseconds(300));
  instances[2]->KillNine();
  const auto killed = std::chrono::steady_clock::now();

  // Reads that accept copies (max_lag) and reads of owners only, side by side, until both answer
  // completely again.
  v1::GetOrgSnapshotRequest lagged = OrgRequest("org0");
  lagged.set_max_lag(1000000);
  std::optional<milliseconds> copies_back, owners_back;
  std::vector<v1::GetOrgSnapshotResponse> from_copies;
  bool copies_while_owners_failed = false;  // a complete answer from b's copies while owners-only reads failed
  int partial = 0;
  bool owners_failed = false;  // an owners-only read failed since the kill
  while (std::chrono::steady_clock::now() - killed < seconds(120) && !(copies_back && owners_back)) {
    const auto since = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - killed);
    for (bool with_copies : {true, false}) {
      v1::GetOrgSnapshotResponse resp;
      grpc::Status s = Call(instances[0]->stub(), &v1::QueryService::Stub::GetOrgSnapshot,
                            with_copies ? lagged : OrgRequest("org0"), &resp);
      if (!s.ok()) {
        EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
        owners_failed |= !with_copies;
        continue;
      }
      if (!CoversAll(resp.watermark())) {
        ++partial;
        continue;
      }
      bool used_copy = false;
      for (const auto& pw : resp.watermark().partitions()) {
        if (pw.standby()) {
          used_copy = true;
          // b's standby copies, or once the group moved c's partitions to a, a's own state of them
          // while it rebuilds them (a copy too, within max_lag); never the dead c.
          EXPECT_NE(pw.instance(), "c");
        }
      }
      if (with_copies && used_copy) {
        if (!copies_back) copies_back = since;
        copies_while_owners_failed |= owners_failed && !owners_back;
        if (from_copies.size() < 3) from_copies.push_back(resp);
      }
      if (!with_copies) {
        EXPECT_FALSE(used_copy) << "an owners-only read was answered by a copy";
        // Complete again once the group gave c's partitions to a or b.
        if (owners_failed && !owners_back) owners_back = since;
      }
    }
    std::this_thread::sleep_for(milliseconds(100));
  }
  stream.join();
  EXPECT_EQ(partial, 0);
  ASSERT_TRUE(copies_back.has_value()) << "no answer from a copy\n" << instances[0]->Logs();
  ASSERT_TRUE(owners_back.has_value()) << "owners never answered completely again\n" << instances[0]->Logs();
  EXPECT_TRUE(copies_while_owners_failed) << "the copies did not answer before the owners were back";
  std::cerr << "with standby copies: reads with max_lag complete again " << copies_back->count()
            << " ms after the kill, owners-only reads " << owners_back->count() << " ms\n";
  // A copy's answer is a single instance's at its watermark.
  for (size_t k = 0; k < from_copies.size(); ++k) {
    Reference at(topic, dir / ("at-" + std::to_string(k)), Applied(from_copies[k].watermark()));
    v1::GetOrgSnapshotResponse want;
    ASSERT_TRUE(Call(at.stub(), &v1::QueryService::Stub::GetOrgSnapshot, OrgRequest("org0"), &want).ok());
    EXPECT_TRUE(SameAnswer(want, from_copies[k])) << "sample " << k;
  }
  const auto ends = testing::EndOffsets(topic);
  instances.pop_back();
  for (auto& i : instances) ASSERT_TRUE(WaitServesAll(*i, ends, seconds(120))) << i->Logs();
  ExpectPartitionDigestsEqualReplay(topic, instances, dir);
}

TEST(ClusterTest, ANewlyAssignedPartitionIsRebuiltThroughTableFilesThenFollowedLive) {
  const std::string topic = testing::UniqueTopic("cluster-rebuild");
  ASSERT_TRUE(testing::CreateTopic(topic, kPartitions).ok());
  const auto events = ctl::Synthetic({.events = 7000, .orgs = 2, .teams_per_org = 12, .seed = 13});
  const std::vector<v1::Event> first(events.begin(), events.begin() + 6000), later(events.begin() + 6000, events.end());
  ASSERT_GT(testing::PublishEvents(topic, first), 5000);
  const auto ends = testing::EndOffsets(topic);
  // Partitions with at least 100 records are rebuilt through table files; the others live.
  int64_t expected_rebuilt = 0;
  for (const auto& [p, end] : ends) expected_rebuilt += end >= 100 ? end : 0;
  ASSERT_GT(expected_rebuilt, 0);
  TempDir dir("tf-cluster-rebuild");
  std::vector<std::unique_ptr<Instance>> instances;
  instances.push_back(
      std::make_unique<Instance>(topic, topic, "a", dir, std::vector<std::string>{"--rebuild-threshold", "100"}));
  ASSERT_TRUE(WaitServesAll(*instances[0], ends, seconds(120))) << instances[0]->Logs();
  const auto metrics = HttpGet(instances[0]->projector_http(), "/metrics").second;
  EXPECT_EQ(MetricSum(metrics, "talentflow_projector_rebuilt_records_total"), expected_rebuilt) << metrics;
  EXPECT_NE(instances[0]->Logs().find("through table files"), std::string::npos);

  // Records after the rebuild are the live consumer's.
  ASSERT_GT(testing::PublishEvents(topic, later), 500);
  ASSERT_TRUE(WaitServesAll(*instances[0], testing::EndOffsets(topic), seconds(120))) << instances[0]->Logs();
  EXPECT_EQ(MetricSum(HttpGet(instances[0]->projector_http(), "/metrics").second,
                      "talentflow_projector_rebuilt_records_total"),
            expected_rebuilt);
  ExpectPartitionDigestsEqualReplay(topic, instances, dir);
}

TEST(ClusterTest, ScalingOneToThreeToOneUnderALiveStreamLosesAndDoublesNothing) {
  const std::string topic = testing::UniqueTopic("cluster-scale");
  ASSERT_TRUE(testing::CreateTopic(topic, kPartitions).ok());
  const auto events = ctl::Synthetic({.events = 9000, .orgs = 2, .teams_per_org = 12, .seed = 5});
  TempDir dir("tf-cluster-scale");
  std::vector<std::unique_ptr<Instance>> instances;
  instances.push_back(std::make_unique<Instance>(topic, topic, "a", dir));
  std::atomic<bool> stop{false};
  std::atomic<int64_t> published{0};
  std::thread stream([&] { Stream(topic, events, 100, stop, published); });
  ASSERT_TRUE(WaitFor([&] { return published.load() > 1000; }, seconds(60)));
  instances.push_back(std::make_unique<Instance>(topic, topic, "b", dir));
  instances.push_back(std::make_unique<Instance>(topic, topic, "c", dir));
  // Up to three: the partitions are shared out and every instance answers completely.
  ASSERT_TRUE(WaitFor(
      [&] {
        auto p = ProjectorProgress(instances[1]->projector_http());
        auto q = ProjectorProgress(instances[2]->projector_http());
        return p && q && p->partitions > 0 && q->partitions > 0;
      },
      seconds(60)));
  ASSERT_TRUE(WaitFor(
      [&] {
        v1::Watermark w;
        return Call(instances[2]->stub(), &v1::QueryService::Stub::GetWatermark, v1::GetWatermarkRequest(), &w).ok() &&
               CoversAll(w);
      },
      seconds(120)))
      << instances[2]->Logs();
  // Back to one, cleanly, while the stream goes on.
  instances[2]->Stop();
  instances[1]->Stop();
  instances.resize(1);
  stream.join();
  const auto ends = testing::EndOffsets(topic);
  ASSERT_TRUE(WaitServesAll(*instances[0], ends, seconds(120))) << instances[0]->Logs();
  ExpectPartitionDigestsEqualReplay(topic, instances, dir);
}

}  // namespace
}  // namespace talentflow::fault
