// kill -9 of the real talentflow-projector binary at random points while it applies 100,000
// events: after the last restart its views equal a clean replay's, record for record.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "tests/common/pipeline.h"
#include "tests/fault/fault_util.h"
#include "ctl/synthetic_source.h"

namespace talentflow::projector {
namespace {

using views::ViewStore;

// Starts the projector binary; returns its pid.
pid_t StartProjector(const std::string& topic, const std::string& db, const std::string& group, int port) {
  pid_t pid = fork();
  if (pid == 0) {
    setenv("TALENTFLOW_KAFKA_BROKERS", testing::Brokers().c_str(), 1);
    const std::string port_s = std::to_string(port);
    execl(TALENTFLOW_PROJECTOR_BIN, TALENTFLOW_PROJECTOR_BIN, "run", "--db", db.c_str(), "--topic", topic.c_str(),
          "--group", group.c_str(), "--http-port", port_s.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

// Sum of applied offsets and of lag from the projector's /metrics; nullopt while it does not answer.
std::optional<std::pair<int64_t, int64_t>> Progress(int port) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(0, 200000);
  client.set_read_timeout(1, 0);
  auto res = client.Get("/metrics");
  if (!res || res->status != 200) return std::nullopt;
  int64_t applied = 0, lag = 0;
  for (absl::string_view line : absl::StrSplit(res->body, '\n')) {
    const size_t space = line.rfind(' ');
    int64_t v = 0;
    if (space == absl::string_view::npos || !absl::SimpleAtoi(line.substr(space + 1), &v)) continue;
    if (absl::StartsWith(line, "talentflow_projector_applied_offset{")) applied += v;
    if (absl::StartsWith(line, "talentflow_projector_lag{")) lag += v;
  }
  return std::make_pair(applied, lag);
}

// Sum of the offsets stored in the view DB at `path` (opened read-only; 0 when none).
int64_t StoredTotal(const std::string& path) {
  auto store = ViewStore::OpenReadOnly(path);
  if (!store.ok()) return 0;
  auto reader = (*store)->NewReader();
  auto wm = reader->Watermark();
  int64_t sum = 0;
  if (wm.ok()) {
    for (const auto& [p, o] : *wm) sum += o.next_offset();
  }
  return sum;
}


TEST(ProjectorCrashTest, KillNineAtRandomPointsEqualsCleanReplay) {
  const std::string topic = testing::UniqueTopic("it-crash");
  ASSERT_TRUE(testing::CreateTopic(topic, 12).ok());
  const int64_t accepted = testing::PublishEvents(topic, ctl::Synthetic({.events = 100000, .orgs = 20, .teams_per_org = 10, .seed = 11}));
  ASSERT_GT(accepted, 95000);
  int64_t total = 0;
  for (const auto& [p, end] : testing::EndOffsets(topic)) total += end;

  const std::string db = ::testing::TempDir() + "/" + topic + "-live";
  std::filesystem::remove_all(db);
  const std::string group = topic + "-group";
  const int port = fault::FreePort();  // a plain socket, closed: nothing else listens on it
  const unsigned seed = static_cast<unsigned>(std::chrono::system_clock::now().time_since_epoch().count());
  std::mt19937 rng(seed);
  SCOPED_TRACE("kill-point seed " + std::to_string(seed));

  // Kill the projector at random points while it applies: each run is killed a random 0-400 ms
  // after its applied offsets (from /metrics) first move past the stored position, so the kill
  // lands mid-way however fast it applies. A kill counts when the stored offsets show it was
  // mid-way (more applied than before, not all).
  int64_t last = 0;
  int kills = 0;
  for (int round = 0; round < 10 && kills < 5; ++round) {
    pid_t pid = StartProjector(topic, db, group, port);
    ASSERT_GT(pid, 0);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < until) {
      ASSERT_EQ(waitpid(pid, nullptr, WNOHANG), 0) << "projector exited early";
      auto p = Progress(port);
      if (p && p->first > last) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 400));
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    const int64_t stored = StoredTotal(db);
    std::cout << "kill " << round << ": stored " << stored << " of " << total << std::endl;
    if (stored > last && stored < total) ++kills;
    last = stored;
    if (stored >= total) break;
  }
  EXPECT_GE(kills, 3) << "the projector finished before it could be killed often enough";

  // The last run: let it finish, then stop it cleanly.
  pid_t pid = StartProjector(topic, db, group, port);
  bool done = false;
  for (int i = 0; i < 1200 && !done; ++i) {
    ASSERT_EQ(waitpid(pid, nullptr, WNOHANG), 0) << "projector exited early";
    auto p = Progress(port);
    done = p && p->first == total && p->second == 0;
    if (!done) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(done) << "projector did not catch up to " << total;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  const std::string clean = ::testing::TempDir() + "/" + topic + "-clean";
  std::filesystem::remove_all(clean);
  auto replayed = testing::Replay(topic, clean);
  ASSERT_NE(replayed, nullptr);
  const std::string clean_digest = *replayed->Digest();
  replayed.reset();
  auto live = ViewStore::OpenReadOnly(db);
  ASSERT_TRUE(live.ok()) << live.status();
  replayed = ViewStore::OpenReadOnly(clean).value();
  auto diff = ViewStore::FirstDifference(**live, *replayed);
  ASSERT_TRUE(diff.ok());
  EXPECT_FALSE(diff->has_value()) << "first difference at key " << (*diff)->key;
  EXPECT_EQ(*(*live)->Digest(), clean_digest);
}

}  // namespace
}  // namespace talentflow::projector
