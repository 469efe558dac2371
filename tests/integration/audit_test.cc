// Replay and audit against the real broker: replays equal the live views and each other, a
// flipped byte is found and named, --known-at rebuilds exactly what was known, garbage is counted.
#include <fstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include "absl/strings/match.h"
#include "ctl/audit.h"
#include "projector/consumer.h"
#include "tests/common/pipeline.h"
#include "ctl/synthetic_source.h"

namespace talentflow::ctl {
namespace {

using ::talentflow::testing::Day;

const std::string kSource = TALENTFLOW_SOURCE_DIR;
const std::string kFeed = kSource + "/examples/feeds/openai-2026.jsonl";
const std::string kAliases = kSource + "/deploy/aliases.json";

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    topic_ = testing::UniqueTopic("it-audit");
    ASSERT_TRUE(testing::CreateTopic(topic_, 12).ok());
  }
  ReplaySummary MustReplay(const std::string& db, std::map<int32_t, int64_t> until = {}) {
    ReplayOptions o;
    o.kafka = testing::KafkaFor(topic_);
    o.db = db;
    o.until = std::move(until);
    auto s = Replay(o);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *s : ReplaySummary();
  }
  std::string topic_;
};

TEST_F(AuditTest, ReplaysEqualTheLiveViewsAndEachOther) {
  testing::PublishFeed(topic_, kFeed, kAliases);
  ASSERT_GT(testing::PublishEvents(topic_, ctl::Synthetic({.events = 200000, .orgs = 20, .teams_per_org = 10, .seed = 5})), 190000);
  int64_t total = 0;
  for (const auto& [p, end] : testing::EndOffsets(topic_)) total += end;

  // The live projector, in group mode, until it has applied everything.
  const std::string live_db = testing::FreshTempPath("audit-live");
  views::ViewStoreOptions so;
  so.path = live_db;
  auto store = *views::ViewStore::Open(so);
  projector::ProjectorOptions po;
  po.kafka = testing::KafkaFor(topic_);
  po.group = topic_ + "-group";
  auto live = *projector::Projector::Create(po, store.get());
  std::atomic<bool> stop{false};
  std::thread thread([&] { ASSERT_TRUE(live->Run(stop).ok()); });
  for (int i = 0; i < 1200; ++i) {
    int64_t applied = 0;
    const auto watermark = store->NewReader()->Watermark().value();
    for (const auto& [p, o] : watermark) applied += o.next_offset();
    if (applied == total) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

  // audit verify while the projector still runs.
  auto verified = Verify(testing::KafkaFor(topic_), live_db, testing::FreshTempPath("audit-scratch"));
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_TRUE(verified->match) << "first difference: " << (verified->difference ? verified->difference->key : "");
  int64_t watermark = 0;
  for (const auto& [p, o] : verified->watermark) watermark += o;
  EXPECT_EQ(watermark, total);
  stop = true;
  thread.join();
  const std::string live_digest = *store->Digest();

  const ReplaySummary a = MustReplay(testing::FreshTempPath("audit-a"));
  const ReplaySummary b = MustReplay(testing::FreshTempPath("audit-b"));
  EXPECT_EQ(a.digest, live_digest);
  EXPECT_EQ(b.digest, a.digest);
  EXPECT_EQ(a.applied + a.duplicates + a.retractions + a.dead_lettered, total);
}

TEST_F(AuditTest, FlippedByteIsFoundAndNamed) {
  testing::PublishFeed(topic_, kFeed, kAliases);
  const std::string live_db = testing::FreshTempPath("audit-flip");
  MustReplay(live_db);
  // Corrupt sora's 2026-02-13 day bucket (the day of evt-0050) by one byte.
  std::string key;
  {
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), live_db, &db).ok());
    std::unique_ptr<rocksdb::DB> owner(db);
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (absl::EndsWith(it->key().ToString(), "/b/openai/sora/20260213")) {
        key = it->key().ToString();
        std::string value = it->value().ToString();
        value[value.size() - 1] ^= 0x01;
        ASSERT_TRUE(db->Put({}, key, value).ok());
        break;
      }
    }
  }
  ASSERT_FALSE(key.empty());
  auto verified = Verify(testing::KafkaFor(topic_), live_db, testing::FreshTempPath("audit-flip-scratch"));
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_FALSE(verified->match);
  ASSERT_TRUE(verified->difference.has_value());
  EXPECT_EQ(verified->difference->key, key);
  EXPECT_NE(DescribeRecord(key, verified->difference->a), DescribeRecord(key, verified->difference->b));
}

TEST_F(AuditTest, KnownAtRebuildsWhatWasKnownThen) {
  // Ingest the first 60 lines, note the time, ingest the rest (which retracts evt-0052).
  const std::string first = ::testing::TempDir() + "/" + topic_ + "-first.jsonl";
  const std::string rest = ::testing::TempDir() + "/" + topic_ + "-rest.jsonl";
  {
    std::ifstream in(kFeed);
    std::ofstream a(first), b(rest);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) (n <= 60 ? a : b) << line << "\n";
  }
  testing::PublishFeed(topic_, first, kAliases);
  const std::map<int32_t, int64_t> first_half_ends = testing::EndOffsets(topic_);
  const absl::Time known_at = absl::Now();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // later records get later broker times
  testing::PublishFeed(topic_, rest, kAliases);

  auto offsets = OffsetsKnownAt(testing::KafkaFor(topic_), known_at);
  ASSERT_TRUE(offsets.ok()) << offsets.status();
  EXPECT_EQ(*offsets, first_half_ends);

  const std::string then_db = testing::FreshTempPath("audit-then");
  const ReplaySummary then = MustReplay(then_db, *offsets);
  const ReplaySummary first_half = MustReplay(testing::FreshTempPath("audit-first"), first_half_ends);
  EXPECT_EQ(then.digest, first_half.digest);
  const std::string now_db = testing::FreshTempPath("audit-now");
  MustReplay(now_db);

  // At 2026-02-28 (as of), the rumoured departure evt-0052 (2026-02-16) still counted then:
  // sora's 30-day departures were evt-0050, 0052, 0054, 0057, 0060 = 5; today 4.
  const int64_t feb28 = DayOf(Day(2026, 2, 28));
  auto then_store = *views::ViewStore::OpenReadOnly(then_db);
  auto now_store = *views::ViewStore::OpenReadOnly(now_db);
  EXPECT_EQ(then_store->NewReader()->TeamHealth("openai", "sora", feb28)->windows(0).departures(), 5);
  EXPECT_EQ(now_store->NewReader()->TeamHealth("openai", "sora", feb28)->windows(0).departures(), 4);
  auto status_of = [](views::ViewStore& s, const std::string& id) {
    const auto history = s.NewReader()->History("openai", "sora").value();
    for (const auto& h : history) {
      if (h.event().event_id() == id) return h.status();
    }
    return v1::EVENT_STATUS_UNSPECIFIED;
  };
  EXPECT_EQ(status_of(*then_store, "evt-0052"), v1::EVENT_STATUS_APPLIED);
  EXPECT_EQ(status_of(*now_store, "evt-0052"), v1::EVENT_STATUS_RETRACTED);
}

TEST_F(AuditTest, ReplayCountsGarbageAndCompletes) {
  v1::Event good = testing::Departure("good-1", "sora", Day(2026, 2, 2), "p-ok");
  good.set_idempotency_key("ik-good-1");
  ASSERT_TRUE(testing::ProduceRaw(topic_, {{"openai/sora", "not a protobuf \xff\xff"},
                                           {"openai/sora", good.SerializeAsString()}})
                  .ok());
  const ReplaySummary s = MustReplay(testing::FreshTempPath("audit-garbage"));
  EXPECT_EQ(s.dead_lettered, 1);
  EXPECT_EQ(s.applied, 1);
  EXPECT_EQ(s.digest.size(), 32u);
}

}  // namespace
}  // namespace talentflow::ctl
