// Broker restart (kill -9 of the broker's JVM) while `talentflow-ingest feed` publishes 100,000
// events, on a broker of this test's own: every event the feed reports acknowledged is in the log
// exactly once; the events it did not get acknowledged are reported (exit 1, the first such line
// named) and a rerun from that line completes the set; a projector that runs throughout resumes
// by itself and ends with the digest of a clean replay of the topic.
#include <stdlib.h>

#include <fstream>
#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "ctl/synthetic_source.h"
#include "ingest/feed_source.h"
#include "ingest/publisher.h"
#include "tests/common/pipeline.h"
#include "tests/fault/fault_util.h"

namespace talentflow::fault {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr int kEvents = 100000;

// For each line of `lines`, its event id and whether an earlier line of the same run has its
// idempotency key (feed mode writes it all the same, and counts it: "K lines repeat a story").
struct FeedLine {
  std::string id;
  bool repeat_in_run = false;
};
std::vector<FeedLine> Analyse(const std::vector<std::string>& lines, size_t from, ingest::Publisher& publisher) {
  std::vector<FeedLine> out;
  absl::flat_hash_set<std::string> keys;
  for (size_t i = from; i < lines.size(); ++i) {
    auto event = ingest::ParseFeedLine(lines[i]);
    EXPECT_TRUE(event.ok()) << "line " << i + 1;
    if (!event.ok()) continue;
    FeedLine fl;
    fl.id = event->event_id();
    auto records = publisher.Prepare(*event, "feed");
    EXPECT_TRUE(records.ok()) << "line " << i + 1 << ": " << records.status();
    if (records.ok()) fl.repeat_in_run = !keys.insert(records->front().idempotency_key()).second;
    out.push_back(fl);
  }
  return out;
}

struct Summary {
  int64_t accepted = -1, repeats = 0, rejected = -1, not_delivered = 0, first_line = 0;
};
Summary ParseSummary(const std::string& log) {
  Summary s;
  std::smatch m;
  if (std::regex_search(log, m, std::regex(R"(accepted (\d+), rejected (\d+))"))) {
    s.accepted = std::stoll(m[1]);
    s.rejected = std::stoll(m[2]);
  }
  if (std::regex_search(log, m, std::regex(R"((\d+) lines? repeats? a story of this run)"))) s.repeats = std::stoll(m[1]);
  if (std::regex_search(log, m, std::regex(R"(not delivered (\d+) \(first not acknowledged: line (-?\d+))"))) {
    s.not_delivered = std::stoll(m[1]);
    s.first_line = std::stoll(m[2]);
  }
  return s;
}

TEST(BrokerRestartFaultTest, AcknowledgedEventsSurviveAndTheRestIsReported) {
  OwnBroker broker;
  ASSERT_TRUE(broker.ok()) << broker.start_output();
  setenv("TALENTFLOW_KAFKA_BROKERS", broker.brokers().c_str(), 1);  // for the testing:: helpers
  const std::string topic = "talentflow.events";
  TempDir dir("tf-fault-restart");
  const auto t0 = std::chrono::steady_clock::now();

  // The feed: 100,000 synthetic events.
  const std::string feed = dir / "feed.jsonl";
  {
    std::ofstream out(feed);
    ASSERT_EQ(ctl::RunGen({.events = kEvents, .orgs = 50, .teams_per_org = 10, .seed = 77}, false, out), 0);
  }
  std::vector<std::string> lines;
  {
    std::ifstream in(feed);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
  }
  ASSERT_EQ(lines.size(), static_cast<size_t>(kEvents));

  // A projector running throughout.
  const int projector_port = FreePort();
  auto projector = StartProjector(topic, dir / "views", "fault-restart", projector_port, dir / "projector.log");
  ASSERT_TRUE(WaitFor([&] { return HttpGet(projector_port, "/healthz").first == 200; }, seconds(30)))
      << projector->Log();

  // Run 1, with a 5 s delivery timeout: the broker is killed once ~30,000 records are in the log
  // and stays down longer than that, so the records in flight then cannot be acknowledged.
  const std::map<std::string, std::string> feed_env = {{"TALENTFLOW_DELIVERY_TIMEOUT_MS", "5000"}};
  Process run1({kIngestBin, "feed", feed, "--topic", topic}, feed_env, dir / "feed1.log");
  ASSERT_TRUE(WaitFor([&] { return EndTotal(topic) >= 30000 || !run1.Running(); }, seconds(60)));
  ASSERT_TRUE(run1.Running()) << "the feed finished before the broker could be killed:\n" << run1.Log();
  ASSERT_TRUE(broker.KillNine());
  const auto killed_at = std::chrono::steady_clock::now();
  std::cout << "broker killed after " << std::chrono::duration_cast<milliseconds>(killed_at - t0).count()
            << " ms" << std::endl;
  // Down for longer than the delivery timeout (a condition on the clock, not on a process).
  WaitFor([&] { return std::chrono::steady_clock::now() - killed_at > seconds(7); }, seconds(8));
  ASSERT_TRUE(broker.Start()) << broker.start_output();
  auto st = run1.Wait(seconds(120));
  ASSERT_TRUE(st.has_value()) << "feed did not end";
  const Summary s1 = ParseSummary(run1.Log());
  std::cout << "run 1: exit " << *run1.exit_code() << ", accepted " << s1.accepted << ", repeats "
            << s1.repeats << ", not delivered " << s1.not_delivered << " (first line " << s1.first_line << ")"
            << std::endl;
  ASSERT_GE(s1.accepted, 0) << run1.Log();
  EXPECT_EQ(s1.rejected, 0);
  EXPECT_EQ(s1.accepted + s1.not_delivered, kEvents);
  // The broker was down longer than the delivery timeout with records in flight.
  EXPECT_EQ(*run1.exit_code(), 1) << "(-1: killed by a signal after printing its summary)\n"
                                  << run1.Log().substr(run1.Log().size() > 3000 ? run1.Log().size() - 3000 : 0);
  ASSERT_GT(s1.not_delivered, 0);
  ASSERT_GE(s1.first_line, 1) << "the first unacknowledged line must be named:\n" << run1.Log();
  ASSERT_LE(s1.first_line, kEvents);
  const size_t first = static_cast<size_t>(s1.first_line);  // 1-based
  const std::map<int32_t, int64_t> end1 = testing::EndOffsets(topic);

  // Run 2: from the named line (tail -n +L), with the default delivery timeout.
  const std::string feed2 = dir / "feed2.jsonl";
  {
    std::ofstream out(feed2);
    for (size_t i = first - 1; i < lines.size(); ++i) out << lines[i] << '\n';
  }
  Process run2({kIngestBin, "feed", feed2, "--topic", topic}, {}, dir / "feed2.log");
  ASSERT_TRUE(run2.Wait(seconds(120)).has_value()) << "rerun did not end";
  const Summary s2 = ParseSummary(run2.Log());
  EXPECT_EQ(*run2.exit_code(), 0) << run2.Log();
  EXPECT_EQ(s2.accepted, static_cast<int64_t>(lines.size() - first + 1)) << run2.Log();

  // What ingest would write for each line (ids and in-run repeats), computed independently.
  auto sink = ingest::KafkaSink::Create(testing::KafkaFor(topic), {});
  ASSERT_TRUE(sink.ok());
  ingest::Aliases aliases;
  ingest::IngestCounters counters;
  ingest::Publisher publisher(sink->get(), &aliases, &counters);
  const std::vector<FeedLine> lines1 = Analyse(lines, 0, publisher);
  const std::vector<FeedLine> lines2 = Analyse(lines, first - 1, publisher);
  int64_t repeats1 = 0;
  for (const auto& l : lines1) repeats1 += l.repeat_in_run;

  // The log: which event ids each run wrote, and how often.
  absl::flat_hash_set<std::string> feed_ids;
  for (const auto& l : lines1) feed_ids.insert(l.id);
  absl::flat_hash_map<std::string, int> in_run1, in_run2;
  int64_t stray = 0;
  for (const auto& r : testing::ConsumeAll(topic)) {
    v1::Event e;
    ASSERT_TRUE(e.ParseFromString(r.value));
    std::string id = e.event_id();
    if (!feed_ids.contains(id)) {
      // the transferIn half of a transferOut line
      if (absl::EndsWith(id, ".in") && feed_ids.contains(id.substr(0, id.size() - 3))) continue;
      ++stray;
      continue;
    }
    auto it = end1.find(r.partition);
    (it != end1.end() && r.offset < it->second ? in_run1 : in_run2)[id]++;
  }
  EXPECT_EQ(stray, 0) << "records whose id is no line of the feed";

  // Run 1: no event written twice (idempotent producer across the broker restart); every
  // line before the named one is there; the acknowledged ones are all there.
  int64_t twice1 = 0, missing_before_first = 0, present1 = 0;
  for (size_t i = 0; i < lines1.size(); ++i) {
    auto it = in_run1.find(lines1[i].id);
    const int n = it == in_run1.end() ? 0 : it->second;
    if (n > 1) ++twice1;
    if (n > 0) ++present1;
    if (i + 1 < first && n != 1) ++missing_before_first;
  }
  EXPECT_GT(repeats1, 0);  // the generator repeats stories (synthetic_source.h)
  EXPECT_EQ(repeats1, s1.repeats);
  EXPECT_EQ(twice1, 0) << "events written twice by run 1";
  EXPECT_EQ(missing_before_first, 0) << "lines before the first unacknowledged one missing from the log";
  EXPECT_GE(present1, s1.accepted) << "fewer events in the log than acknowledged";
  EXPECT_LE(present1, s1.accepted + s1.not_delivered);

  // Run 2: each of its lines written once by it; now every line of the feed is in the log.
  int64_t wrong2 = 0, missing = 0;
  for (size_t j = 0; j < lines2.size(); ++j) {
    auto it = in_run2.find(lines2[j].id);
    const int n = it == in_run2.end() ? 0 : it->second;
    if (n != 1) ++wrong2;
  }
  for (size_t i = 0; i < lines1.size(); ++i) {
    if (!in_run1.contains(lines1[i].id) && !in_run2.contains(lines1[i].id)) ++missing;
  }
  EXPECT_EQ(wrong2, 0) << "rerun lines not written exactly once";
  EXPECT_EQ(missing, 0) << "feed lines in neither run's records";

  // The projector resumed by itself: it catches up to the end, is healthy, and its views equal a
  // clean replay of the topic.
  ASSERT_TRUE(WaitProjectorCaughtUp(projector_port, topic, seconds(180))) << projector->Log();
  EXPECT_EQ(HttpGet(projector_port, "/healthz").first, 200);
  ASSERT_TRUE(projector->Running()) << projector->Log();
  projector->Signal(SIGTERM);
  ASSERT_TRUE(projector->Wait(seconds(30)).has_value());
  EXPECT_EQ(projector->exit_code(), 0);
  const std::string live = DigestOf(dir / "views");
  const std::string clean = CleanReplayDigest(topic, dir / "clean");
  EXPECT_FALSE(absl::StartsWith(clean, "error")) << clean;
  EXPECT_EQ(live, clean);
  std::cout << "total " << std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - t0).count()
            << " ms" << std::endl;
}

}  // namespace
}  // namespace talentflow::fault
