// kill -9 of the services under load. Query: clients see errors, never wrong data, and the
// restarted service answers again. Ingest: a Publish in flight when ingest dies fails with
// UNAVAILABLE, never a false "accepted"; everything reported accepted is in the log where ingest
// said it is.
#include <signal.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "ctl/synthetic_source.h"
#include "talentflow/v1/ingest.grpc.pb.h"
#include "talentflow/v1/query.grpc.pb.h"
#include "tests/common/pipeline.h"
#include "tests/fault/fault_util.h"

namespace talentflow::fault {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::shared_ptr<grpc::Channel> Channel(int port) {
  grpc::ChannelArguments args;
  // Reconnect quickly after the server comes back (the default backoff grows to minutes).
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 300);
  args.SetMaxReceiveMessageSize(64 << 20);
  return grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials(), args);
}

google::protobuf::Timestamp Day(int64_t unix_seconds) {
  google::protobuf::Timestamp t;
  t.set_seconds(unix_seconds);
  return t;
}

std::unique_ptr<Process> StartQuery(const std::string& db, int grpc_port, int http_port, const std::string& log,
                                    bool read_only = false) {
  std::vector<std::string> argv = {kQueryBin, "serve", "--db", db, "--listen",
                                   "127.0.0.1:" + std::to_string(grpc_port), "--http-port",
                                   std::to_string(http_port)};
  if (read_only) argv.push_back("--read-only");
  return std::make_unique<Process>(argv, std::map<std::string, std::string>{}, log);
}

TEST(QueryKillFaultTest, ClientsSeeErrorsNeverWrongDataAndTheRestartServes) {
  const std::string topic = testing::UniqueTopic("fault-qkill");
  ASSERT_TRUE(testing::CreateTopic(topic, 12).ok());
  ASSERT_GT(testing::PublishEvents(topic, ctl::Synthetic({.events = 20000, .orgs = 4, .teams_per_org = 10, .seed = 3})),
            19000);
  TempDir dir("tf-fault-qkill");
  const std::string db = dir / "views";
  {
    const int pport = FreePort();
    auto projector = StartProjector(topic, db, topic + "-group", pport, dir / "projector.log");
    ASSERT_TRUE(WaitProjectorCaughtUp(pport, topic, seconds(120))) << projector->Log();
    projector->Signal(SIGTERM);
    ASSERT_TRUE(projector->Wait(seconds(30)).has_value());
  }
  ::setenv("TALENTFLOW_TOPIC", topic.c_str(), 1);  // the query service asks Kafka for this topic's ends
  const std::map<int32_t, int64_t> ends = testing::EndOffsets(topic);

  // The requests of the load, and the right answers from a reference server on the same views.
  std::vector<v1::GetOrgSnapshotRequest> requests;
  for (int org = 0; org < 4; ++org) {
    v1::GetOrgSnapshotRequest r;
    r.set_org("org" + std::to_string(org));
    *r.mutable_as_of() = Day(1767225600);  // 2026-01-01
    requests.push_back(r);
  }
  const int ref_port = FreePort(), ref_http = FreePort();
  auto reference = StartQuery(db, ref_port, ref_http, dir / "reference.log", /*read_only=*/true);
  ASSERT_TRUE(WaitFor([&] { return HttpGet(ref_http, "/healthz").first == 200; }, seconds(30))) << reference->Log();
  std::vector<v1::GetOrgSnapshotResponse> expected(requests.size());
  {
    auto stub = v1::QueryService::NewStub(Channel(ref_port));
    for (size_t i = 0; i < requests.size(); ++i) {
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + seconds(10));
      grpc::Status s = stub->GetOrgSnapshot(&ctx, requests[i], &expected[i]);
      ASSERT_TRUE(s.ok()) << s.error_message();
      ASSERT_GT(expected[i].teams_size(), 0);
      expected[i].clear_watermark();
    }
  }
  reference->KillNine();

  const int port = FreePort(), http = FreePort();
  auto victim = StartQuery(db, port, http, dir / "query.log");
  ASSERT_TRUE(WaitFor([&] { return HttpGet(http, "/healthz").first == 200; }, seconds(30))) << victim->Log();

  // Load: 4 clients, each calling GetOrgSnapshot in a loop with a 2 s deadline.
  std::atomic<bool> stop{false}, restarted{false};
  std::atomic<int64_t> ok_before{0}, ok_after{0}, wrong{0}, unavailable{0};
  std::mutex mu;
  std::map<int, int64_t> other_errors;  // code -> count
  std::string first_wrong;
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&, c] {
      auto stub = v1::QueryService::NewStub(Channel(port));
      for (size_t i = c; !stop.load(); ++i) {
        const size_t k = i % requests.size();
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + seconds(2));
        v1::GetOrgSnapshotResponse got;
        grpc::Status s = stub->GetOrgSnapshot(&ctx, requests[k], &got);
        if (!s.ok()) {
          if (s.error_code() == grpc::StatusCode::UNAVAILABLE) {
            ++unavailable;
          } else {
            std::lock_guard<std::mutex> lock(mu);
            ++other_errors[s.error_code()];
          }
          std::this_thread::sleep_for(milliseconds(20));  // a client's retry pause
          continue;
        }
        // Right data: the reference answer, at a watermark that includes the whole log.
        bool right = true;
        for (const auto& w : got.watermark().partitions()) {
          auto e = ends.find(w.partition());
          if (e == ends.end() || w.applied_offset() != e->second) right = false;
        }
        if (got.watermark().partitions_size() != static_cast<int>(ends.size())) right = false;
        got.clear_watermark();
        if (!google::protobuf::util::MessageDifferencer::Equals(got, expected[k])) right = false;
        if (!right) {
          std::lock_guard<std::mutex> lock(mu);
          if (wrong++ == 0) first_wrong = got.ShortDebugString().substr(0, 2000);
        }
        (restarted.load() ? ok_after : ok_before)++;
      }
    });
  }
  struct Joiner {
    std::atomic<bool>& stop;
    std::vector<std::thread>& threads;
    ~Joiner() {
      stop = true;
      for (auto& t : threads) t.join();
    }
  } joiner{stop, clients};

  ASSERT_TRUE(WaitFor([&] { return ok_before.load() >= 200; }, seconds(60))) << "no load before the kill";
  victim->KillNine();
  ASSERT_TRUE(WaitFor([&] { return unavailable.load() >= 8; }, seconds(30))) << "clients saw no errors";
  const int64_t unavailable_while_down = unavailable.load();
  victim = StartQuery(db, port, http, dir / "query.log");
  restarted = true;
  ASSERT_TRUE(WaitFor([&] { return ok_after.load() >= 200; }, seconds(60))) << "the restarted service does not serve:\n"
                                                                             << victim->Log();
  stop = true;
  std::cout << "ok before " << ok_before << ", unavailable " << unavailable << " (" << unavailable_while_down
            << " while down), ok after restart " << ok_after << std::endl;
  EXPECT_EQ(wrong.load(), 0) << "first wrong answer: " << first_wrong;
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_TRUE(other_errors.empty()) << "errors other than UNAVAILABLE, e.g. code " << other_errors.begin()->first
                                    << " x" << other_errors.begin()->second;
}

TEST(IngestKillFaultTest, PublishInFlightFailsUnavailableAndAcceptedIsInTheLog) {
  const std::string topic = testing::UniqueTopic("fault-ikill");
  ASSERT_TRUE(testing::CreateTopic(topic, 12).ok());
  TempDir dir("tf-fault-ikill");
  const int port = FreePort(), http = FreePort();
  Process ingest({kIngestBin, "serve", "--topic", topic, "--listen", "127.0.0.1:" + std::to_string(port), "--http-port",
                  std::to_string(http)},
                 {}, dir / "ingest.log");
  ASSERT_TRUE(WaitFor([&] { return HttpGet(http, "/healthz").first == 200; }, seconds(30))) << ingest.Log();

  // 3 clients publish batches of 1,000 events until a call fails.
  struct Accepted {
    std::string event_id;
    int32_t partition;
    int64_t offset;
  };
  std::mutex mu;
  std::vector<Accepted> accepted;
  std::map<int, int> failures;  // code -> count
  std::atomic<int> ok_calls{0}, mid_batch_failures{0};
  // OK calls per client: the kill waits until every client is past its first calls, so that all three
  // are publishing (a client still generating its events is in no call; one such run saw none in flight).
  std::atomic<int> client_ok[3] = {0, 0, 0};
  std::atomic<bool> killed{false};
  std::vector<std::thread> clients;
  for (int c = 0; c < 3; ++c) {
    clients.emplace_back([&, c] {
      auto stub = v1::IngestService::NewStub(Channel(port));
      const auto events = ctl::Synthetic({.events = 60000, .orgs = 20, .teams_per_org = 10, .seed = 100u + c});
      for (size_t i = 0; i < events.size(); i += 1000) {
        v1::PublishRequest req;
        for (size_t j = i; j < i + 1000; ++j) *req.add_events() = events[j];
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + seconds(30));
        v1::PublishResponse resp;
        const bool started_before_kill = !killed.load();
        grpc::Status s = stub->Publish(&ctx, req, &resp);
        std::lock_guard<std::mutex> lock(mu);
        if (!s.ok()) {
          ++failures[s.error_code()];
          if (started_before_kill) ++mid_batch_failures;
          return;
        }
        ++ok_calls;
        ++client_ok[c];
        for (const auto& r : resp.results()) {
          if (r.status() != v1::EventResult::STATUS_ACCEPTED) continue;
          for (const auto& rec : r.records()) accepted.push_back({rec.event_id(), rec.partition(), rec.offset()});
        }
      }
    });
  }
  const bool loaded = WaitFor(
      [&] { return client_ok[0].load() >= 2 && client_ok[1].load() >= 2 && client_ok[2].load() >= 2; }, seconds(60));
  ingest.KillNine();
  killed = true;
  for (auto& t : clients) t.join();
  ASSERT_TRUE(loaded) << ingest.Log();
  std::cout << "ok calls " << ok_calls << ", accepted records " << accepted.size() << ", failed calls in flight at the kill "
            << mid_batch_failures << std::endl;

  // Every failure is UNAVAILABLE, and at least one call was in flight when ingest died.
  for (const auto& [code, n] : failures) EXPECT_EQ(code, grpc::StatusCode::UNAVAILABLE) << n << " calls";
  EXPECT_GE(mid_batch_failures.load(), 1) << "no Publish was in flight at the kill";

  // Every accepted record is in the log at the partition and offset ingest reported.
  std::map<std::pair<int32_t, int64_t>, std::string> log;
  for (const auto& r : testing::ConsumeAll(topic)) {
    v1::Event e;
    ASSERT_TRUE(e.ParseFromString(r.value));
    log[{r.partition, r.offset}] = e.event_id();
  }
  int64_t missing = 0;
  std::string first_missing;
  for (const auto& a : accepted) {
    auto it = log.find({a.partition, a.offset});
    if (it == log.end() || it->second != a.event_id) {
      if (missing++ == 0) first_missing = a.event_id;
    }
  }
  EXPECT_EQ(missing, 0) << "accepted but not in the log where reported, e.g. " << first_missing;
  EXPECT_GE(static_cast<int64_t>(log.size()), static_cast<int64_t>(accepted.size()));
}

}  // namespace
}  // namespace talentflow::fault
