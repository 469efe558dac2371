// Disk full under the projector's view DB (a tmpfs mounted by the test, filled with a filler
// file): the projector stops applying without exiting, /healthz answers 503 and
// talentflow_projector_commit_failures_total counts the failures, the offsets it stored (and
// committed to Kafka) do not move past what it applied; once the filler is deleted it resumes by
// itself and ends with the digest of a clean replay.
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <gtest/gtest.h>
#include <librdkafka/rdkafkacpp.h>

#include "absl/strings/match.h"
#include "ctl/synthetic_source.h"
#include "tests/common/pipeline.h"
#include "tests/fault/fault_util.h"

namespace talentflow::fault {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// A tmpfs of `size` mounted at `dir` (created), lazily unmounted on destruction.
class TmpfsMount {
 public:
  TmpfsMount(const std::string& dir, const std::string& size) : dir_(dir) {
    std::filesystem::create_directories(dir);
    const std::string opts = "size=" + size + ",mode=0755";
    if (mount("tmpfs", dir.c_str(), "tmpfs", 0, opts.c_str()) == 0) {
      mounted_ = true;
    } else {
      error_ = std::strerror(errno);
    }
  }
  ~TmpfsMount() {
    if (mounted_) umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }

 private:
  std::string dir_;
  bool mounted_ = false;
  std::string error_;
};

// Writes `path` until the filesystem is full (ENOSPC); the bytes written, -1 on another error.
int64_t FillUp(const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return -1;
  std::string chunk(64 * 1024, 'x');
  int64_t total = 0;
  for (;;) {
    ssize_t n = write(fd, chunk.data(), chunk.size());
    if (n > 0) {
      total += n;
      continue;
    }
    const bool full = n < 0 && errno == ENOSPC;
    close(fd);
    return full ? total : -1;
  }
}

// Kafka-committed offsets of `group` on `topic` (sum over `partitions`; -1001 "none" counts 0).
int64_t CommittedTotal(const std::string& group, const std::string& topic, int partitions) {
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", testing::Brokers(), err);
  conf->set("group.id", group, err);
  std::unique_ptr<RdKafka::KafkaConsumer> c(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!c) return -1;
  std::vector<RdKafka::TopicPartition*> parts;
  for (int p = 0; p < partitions; ++p) parts.push_back(RdKafka::TopicPartition::create(topic, p));
  int64_t sum = 0;
  if (c->committed(parts, 10000) != RdKafka::ERR_NO_ERROR) sum = -1;
  for (auto* tp : parts) {
    if (sum >= 0 && tp->offset() >= 0) sum += tp->offset();
  }
  RdKafka::TopicPartition::destroy(parts);
  c->close();
  return sum;
}

TEST(DiskFullFaultTest, ProjectorStopsReports503LosesNothingAndResumes) {
  TempDir dir("tf-fault-disk");
  // Bigger than the free space RocksDB wants before it leaves its read-only state after a hard error
  // (about one write buffer, 64 MiB): once the filler is deleted, recovery can go ahead.
  TmpfsMount mnt(dir / "mnt", "160m");
  if (!mnt.mounted()) {
    GTEST_SKIP() << "cannot mount a tmpfs here (" << mnt.error()
                 << "): this test needs root or CAP_SYS_ADMIN; a RocksDB Env that fails writes on demand would need "
                    "a hook in projector/view_store";
  }
  const std::string topic = testing::UniqueTopic("fault-disk");
  ASSERT_TRUE(testing::CreateTopic(topic, 12).ok());
  const std::string db = dir / "mnt/views";
  const std::string group = topic + "-group";
  const int port = FreePort();

  // Phase A applied normally.
  ASSERT_GT(testing::PublishEvents(topic, ctl::Synthetic({.events = 5000, .orgs = 10, .teams_per_org = 10, .seed = 31})),
            4500);
  const int64_t end_a = EndTotal(topic);
  auto projector = StartProjector(topic, db, group, port, dir / "projector.log");
  ASSERT_TRUE(WaitProjectorCaughtUp(port, topic, seconds(60))) << projector->Log();
  ASSERT_EQ(HttpGet(port, "/healthz").first, 200);
  ASSERT_TRUE(WaitFor([&] { return CommittedTotal(group, topic, 12) == end_a; }, seconds(20)));

  // The disk fills up; phase B arrives.
  const int64_t filler = FillUp(dir / "mnt/filler");
  ASSERT_GE(filler, 0) << std::strerror(errno);
  std::cout << "filler " << filler << " bytes" << std::endl;
  ASSERT_GT(testing::PublishEvents(topic, ctl::Synthetic({.events = 20000, .orgs = 10, .teams_per_org = 10, .seed = 32})),
            18000);
  const int64_t end_b = EndTotal(topic);

  // It stops applying and says so, without exiting.
  ASSERT_TRUE(WaitFor([&] { return !projector->Running() || HttpGet(port, "/healthz").first == 503; }, seconds(60)))
      << "no 503 with a full disk:\n"
      << projector->Log();
  ASSERT_TRUE(projector->Running()) << "the projector died on a full disk (exit " << projector->exit_code().value_or(-2)
                                    << "; -1 = killed by a signal):\n"
                                    << projector->Log();
  const std::string why = HttpGet(port, "/healthz").second;
  std::cout << "healthz while full: " << why << std::endl;
  auto [mstatus, metrics] = HttpGet(port, "/metrics");
  ASSERT_EQ(mstatus, 200);
  EXPECT_GT(MetricSum(metrics, "talentflow_projector_commit_failures_total").value_or(0), 0) << metrics;
  // Retries keep failing while the disk is full (the projector keeps running).
  const int64_t failures = MetricSum(metrics, "talentflow_projector_commit_failures_total").value_or(0);
  ASSERT_TRUE(WaitFor(
      [&] {
        return MetricSum(HttpGet(port, "/metrics").second, "talentflow_projector_commit_failures_total").value_or(0) >=
               failures + 2;
      },
      seconds(20)));
  ASSERT_TRUE(projector->Running()) << "the projector exited on a full disk:\n" << projector->Log();
  EXPECT_EQ(HttpGet(port, "/healthz").first, 503);
  // Nothing of phase B counts as applied: Kafka-committed offsets stay at phase A's end (the
  // view DB's own offsets are checked by the digest below).
  const int64_t committed_full = CommittedTotal(group, topic, 12);
  EXPECT_GE(committed_full, end_a);
  EXPECT_LT(committed_full, end_b) << "all of phase B counted as applied on a full disk";
  std::cout << "committed while full " << committed_full << " (phase A end " << end_a << ", log end " << end_b << ")"
            << std::endl;

  // Space returns: it resumes by itself and catches up.
  ASSERT_EQ(unlink((dir / "mnt/filler").c_str()), 0);
  const bool resumed = WaitProjectorCaughtUp(port, topic, seconds(60));
  EXPECT_TRUE(resumed) << "the projector did not resume after space returned; /healthz: "
                       << HttpGet(port, "/healthz").second << "\n"
                       << projector->Log().substr(0, 4000);
  ASSERT_TRUE(projector->Running()) << projector->Log();
  if (resumed) {
    EXPECT_EQ(HttpGet(port, "/healthz").first, 200);
    EXPECT_TRUE(WaitFor([&] { return CommittedTotal(group, topic, 12) == end_b; }, seconds(20)));
  }
  projector->Signal(SIGTERM);
  ASSERT_TRUE(projector->Wait(seconds(30)).has_value());
  EXPECT_EQ(projector->exit_code(), 0) << projector->Log();
  if (!resumed) return;
  EXPECT_EQ(DigestOf(db), CleanReplayDigest(topic, dir / "clean"));
}

}  // namespace
}  // namespace talentflow::fault
