// The query service started before the projector has written anything answers UNAVAILABLE (and
// /healthz 503), then serves once views appear; a projector kill -9 and restart while it follows
// does not break it: it keeps serving the views it has, and sees the new data after the restart.
#include <signal.h>

#include <atomic>
#include <thread>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "ctl/synthetic_source.h"
#include "talentflow/v1/query.grpc.pb.h"
#include "tests/common/pipeline.h"
#include "tests/fault/fault_util.h"

namespace talentflow::fault {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

int64_t AppliedTotal(const v1::Watermark& w) {
  int64_t sum = 0;
  for (const auto& p : w.partitions()) sum += p.applied_offset();
  return sum;
}

TEST(QueryFollowFaultTest, UnavailableBeforeViewsThenServesAcrossAProjectorRestart) {
  const std::string topic = testing::UniqueTopic("fault-follow");
  ASSERT_TRUE(testing::CreateTopic(topic, 12).ok());
  TempDir dir("tf-fault-follow");
  const std::string db = dir / "views";  // does not exist yet
  const int port = FreePort(), http = FreePort();
  Process query({kQueryBin, "serve", "--db", db, "--listen", "127.0.0.1:" + std::to_string(port), "--http-port",
                 std::to_string(http)},
                {{"TALENTFLOW_TOPIC", topic}}, dir / "query.log");
  ASSERT_TRUE(WaitFor([&] { return HttpGet(http, "/healthz").first != 0; }, seconds(30))) << query.Log();
  EXPECT_EQ(HttpGet(http, "/healthz").first, 503);

  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  auto stub = v1::QueryService::NewStub(
      grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials(), args));
  v1::GetOrgSnapshotRequest req;
  req.set_org("org0");
  req.mutable_as_of()->set_seconds(1798675200);  // 2026-12-31
  auto call = [&](v1::GetOrgSnapshotResponse* resp) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + seconds(5));
    return stub->GetOrgSnapshot(&ctx, req, resp);
  };
  {
    v1::GetOrgSnapshotResponse resp;
    grpc::Status s = call(&resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  }

  // Events, then the projector: the query service starts serving by itself.
  ASSERT_GT(testing::PublishEvents(topic, ctl::Synthetic({.events = 5000, .orgs = 3, .teams_per_org = 8, .seed = 21})),
            4500);
  const int64_t end_a = EndTotal(topic);
  const int pport = FreePort();
  const std::string group = topic + "-group";
  auto projector = StartProjector(topic, db, group, pport, dir / "projector.log");
  ASSERT_TRUE(WaitProjectorCaughtUp(pport, topic, seconds(60))) << projector->Log();
  v1::GetOrgSnapshotResponse before;
  ASSERT_TRUE(WaitFor(
      [&] {
        before.Clear();
        return call(&before).ok() && AppliedTotal(before.watermark()) == end_a;
      },
      seconds(30)))
      << "the query service did not serve the views once they appeared:\n"
      << query.Log();
  EXPECT_EQ(HttpGet(http, "/healthz").first, 200);
  ASSERT_GT(before.teams_size(), 0);

  // From now on a client reads continuously; every call must succeed.
  std::atomic<bool> stop{false};
  std::atomic<int64_t> ok{0}, failed{0};
  std::string first_error;
  std::thread client([&] {
    while (!stop.load()) {
      v1::GetOrgSnapshotResponse r;
      grpc::Status s = call(&r);
      if (s.ok()) {
        ++ok;
      } else if (failed++ == 0) {
        first_error = std::to_string(s.error_code()) + ": " + s.error_message();
      }
      std::this_thread::sleep_for(milliseconds(5));
    }
  });
  struct Joiner {
    std::atomic<bool>& stop;
    std::thread& t;
    ~Joiner() {
      stop = true;
      t.join();
    }
  } joiner{stop, client};

  // kill -9 of the projector; new events meanwhile; the query service keeps serving what it has.
  projector->KillNine();
  ASSERT_GT(testing::PublishEvents(topic, ctl::Synthetic({.events = 5000, .orgs = 3, .teams_per_org = 8, .seed = 22})),
            4500);
  const int64_t end_b = EndTotal(topic);
  ASSERT_GT(end_b, end_a);
  const int64_t ok_at_kill = ok.load();
  ASSERT_TRUE(WaitFor([&] { return ok.load() >= ok_at_kill + 50; }, seconds(30))) << "no answers while the projector is down";
  {
    v1::GetOrgSnapshotResponse r;
    ASSERT_TRUE(call(&r).ok());
    EXPECT_EQ(AppliedTotal(r.watermark()), end_a) << "views moved without a projector";
  }

  // The restarted projector applies the new events, and the query service sees them.
  projector = StartProjector(topic, db, group, pport, dir / "projector.log");
  ASSERT_TRUE(WaitProjectorCaughtUp(pport, topic, seconds(60))) << projector->Log();
  v1::GetOrgSnapshotResponse after;
  EXPECT_TRUE(WaitFor(
      [&] {
        after.Clear();
        return call(&after).ok() && AppliedTotal(after.watermark()) == end_b;
      },
      seconds(30)))
      << "the query service does not see the data written after the projector restart (applied "
      << AppliedTotal(after.watermark()) << ", log end " << end_b << "):\n"
      << query.Log();
  before.clear_watermark();
  after.clear_watermark();
  EXPECT_NE(before.SerializeAsString(), after.SerializeAsString()) << "same snapshot after 5,000 more events";
  const int64_t ok_after = ok.load();
  ASSERT_TRUE(WaitFor([&] { return ok.load() >= ok_after + 50; }, seconds(30)));
  stop = true;
  EXPECT_EQ(failed.load(), 0) << "calls failed while following the projector, first: " << first_error;
  EXPECT_TRUE(query.Running()) << query.Log();
  std::cout << "calls ok " << ok << ", failed " << failed << std::endl;
}

}  // namespace
}  // namespace talentflow::fault
