// kill -9 of talentflow-projector at 20 random points while a stream of events (default
// 1,000,000; env TALENTFLOW_FAULT_STREAM_EVENTS) is being published by `talentflowctl gen |
// talentflow-ingest feed -`: after the last restart, the views' digest equals a clean replay's.
// The kill points are seeded (printed; env TALENTFLOW_FAULT_SEED repeats a run).
#include <signal.h>
#include <stdlib.h>

#include <algorithm>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "views/view_store.h"
#include "tests/common/kafka_test_util.h"
#include "tests/fault/fault_util.h"

namespace talentflow::fault {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

int64_t EnvInt(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoll(v) : fallback;
}

// Sum of the next offsets stored in the view DB at `path` (opened read-only; 0 when none yet).
int64_t StoredTotal(const std::string& path) {
  auto store = views::ViewStore::OpenReadOnly(path);
  if (!store.ok()) return 0;
  auto wm = (*store)->NewReader()->Watermark();
  int64_t sum = 0;
  if (wm.ok()) {
    for (const auto& [p, o] : *wm) sum += o.next_offset();
  }
  return sum;
}

TEST(ProjectorKillFaultTest, TwentyKillNinesDuringAStreamEqualACleanReplay) {
  const int64_t events = EnvInt("TALENTFLOW_FAULT_STREAM_EVENTS", 1000000);
  const unsigned seed = static_cast<unsigned>(
      EnvInt("TALENTFLOW_FAULT_SEED", std::chrono::system_clock::now().time_since_epoch().count() % 1000000007));
  std::cout << "events " << events << ", kill-point seed " << seed << " (TALENTFLOW_FAULT_SEED=" << seed
            << " repeats it)" << std::endl;
  SCOPED_TRACE("kill-point seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  constexpr int kKills = 20;

  const std::string topic = testing::UniqueTopic("fault-kill");
  ASSERT_TRUE(testing::CreateTopic(topic, 12).ok());
  TempDir dir("tf-fault-kill");
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed_ms = [&] {
    return std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - t0).count();
  };

  // The stream: generated and published concurrently, as a scraper's feed would be.
  Process stream({"/bin/bash", "-c",
                  "set -o pipefail; '" + kCtlBin + "' gen --events " + std::to_string(events) +
                      " --orgs 100 --teams 20 --seed 5 | '" + kIngestBin + "' feed - --topic " + topic},
                 {}, dir / "stream.log");

  // Kill points: 20 applied-record counts, uniform over the first 90 % of the stream (the log
  // holds about one record per event: duplicates are not written, transfers write two).
  std::vector<int64_t> points;
  std::uniform_int_distribution<int64_t> at(1, events * 9 / 10);
  for (int i = 0; i < kKills; ++i) points.push_back(at(rng));
  std::sort(points.begin(), points.end());
  std::uniform_int_distribution<int> jitter_ms(0, 40);

  const std::string db = dir / "views";
  const std::string group = topic + "-group";
  const int port = FreePort();
  int kills = 0;
  int64_t last_applied = 0, last_stored = 0;
  for (int64_t point : points) {
    auto projector = StartProjector(topic, db, group, port, dir / "projector.log");
    // Wait until it has applied past the point (or the stream is over and it caught up).
    int64_t applied = -1;
    const bool reached = WaitFor(
        [&] {
          if (!projector->Running()) return true;
          auto p = ProjectorProgress(port);
          if (p) applied = p->applied;
          return p && (p->applied >= point || (!stream.Running() && p->applied == EndTotal(topic) && p->lag == 0));
        },
        seconds(150), milliseconds(20));
    ASSERT_TRUE(projector->Running()) << "projector exited:\n" << projector->Log();
    ASSERT_TRUE(reached) << "projector stuck at " << applied << " before kill point " << point;
    std::this_thread::sleep_for(milliseconds(jitter_ms(rng)));  // a random instant inside a batch
    projector->KillNine();
    ++kills;
    // What survived the kill: the offsets stored with the views (the /metrics value above also
    // counts the batch being collected, which the kill discards).
    const int64_t stored = StoredTotal(db);
    EXPECT_GE(stored, last_stored) << "stored offsets went backwards after kill " << kills;
    last_stored = stored;
    last_applied = applied;
  }
  std::cout << kills << " kills done at " << elapsed_ms() << " ms (last at applied " << last_applied << ", stored "
            << last_stored << ")"
            << std::endl;
  EXPECT_EQ(kills, kKills);

  // The last run: let it apply the whole stream.
  auto projector = StartProjector(topic, db, group, port, dir / "projector.log");
  ASSERT_TRUE(stream.Wait(seconds(240)).has_value()) << "the stream did not end";
  EXPECT_EQ(stream.exit_code(), 0) << stream.Log();
  std::cout << "stream published at " << elapsed_ms() << " ms: " << stream.Log().substr(0, 400) << std::endl;

  // Meanwhile, the clean replay of the finished log.
  std::string clean;
  std::thread replay([&] { clean = CleanReplayDigest(topic, dir / "clean"); });
  const bool caught_up = WaitProjectorCaughtUp(port, topic, seconds(240));
  replay.join();
  ASSERT_TRUE(caught_up) << projector->Log();
  projector->Signal(SIGTERM);
  ASSERT_TRUE(projector->Wait(seconds(30)).has_value());
  EXPECT_EQ(projector->exit_code(), 0);
  EXPECT_FALSE(absl::StartsWith(clean, "error")) << clean;
  EXPECT_EQ(DigestOf(db), clean);
  std::cout << "total " << elapsed_ms() << " ms" << std::endl;
}

}  // namespace
}  // namespace talentflow::fault
