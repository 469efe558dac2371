// HealthCache over a view database written with the fold in a temporary directory: which parts it
// keeps across writes, that its answers equal a fresh Reader::OrgHealth, and its size bound.
#include "query/health_cache.h"

#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "common/base/record_key.h"
#include "tests/common/event_builders.h"
#include "views/fold.h"
#include "views/view_store.h"

namespace talentflow::query {
namespace {

using ::talentflow::testing::Day;

// openai/sora and openai/codex land in these of 12 partitions (Kafka's murmur2 of the record key,
// worked out apart from the code; the same as in query_service_test.cc).
constexpr int32_t kSoraPartition = 5;
constexpr int32_t kCodexPartition = 11;
// 2026-03-01, days since 1970-01-01: 56 years with 14 leap days (1972..2024) = 20454, plus 59 (Jan, Feb).
constexpr int64_t kMarch1 = 20513;
constexpr int64_t kJanuary4 = 20457;  // 2026-01-04: 20454 + 3

class HealthCacheTest : public ::testing::Test {
 protected:
  // openai/sora: a hire on 2026-01-05 (offset 40 of partition 5, applied up to 41);
  // openai/codex: a departure on 2026-02-01 (offset 7 of partition 11, applied up to 8).
  void SetUp() override {
    path_ = ::testing::TempDir() + "/health_cache_test_" + std::to_string(getpid());
    std::filesystem::remove_all(path_);
    views::ViewStoreOptions options;
    options.path = path_;
    store_ = views::ViewStore::Open(options).value();
    ASSERT_TRUE(store_->SetPartitionCount(12).ok());
    ASSERT_EQ(KafkaPartitionFor("openai/sora", 12), kSoraPartition);
    ASSERT_EQ(KafkaPartitionFor("openai/codex", 12), kCodexPartition);
    Write(kSoraPartition, 40, testing::Hire("evt-1", "sora", Day(2026, 1, 5), "p-1"));
    Write(kCodexPartition, 7, testing::Departure("evt-9", "codex", Day(2026, 2, 1), "p-9"));
  }

  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(path_);
  }

  // Applies `e` as the record at `offset` of `p` and commits it with p's offset past it.
  void Write(int32_t p, int64_t offset, v1::Event e) {
    e.set_idempotency_key("ik-" + e.event_id());
    auto batch = store_->NewBatch();
    ASSERT_TRUE(views::Apply(e, views::RecordMeta{p, offset}, batch->Partition(p)).ok());
    batch->Partition(p).SetOffset(offset + 1, 1767225600000 + offset);
    ASSERT_TRUE(store_->Commit(*batch).ok());
  }

  // The cache's answer at `day` over the views as they are now, checked byte for byte against a
  // fresh computation over the same reader.
  std::vector<v1::TeamHealth> Snapshot(HealthCache& cache, int64_t day) {
    std::unique_ptr<views::Reader> reader = store_->NewReader();
    std::vector<v1::TeamHealth> cached = cache.OrgHealth(*reader, "openai", day).value();
    std::vector<v1::TeamHealth> fresh = reader->OrgHealth("openai", day).value();
    EXPECT_EQ(cached.size(), fresh.size());
    for (size_t i = 0; i < std::min(cached.size(), fresh.size()); ++i) {
      EXPECT_EQ(cached[i].SerializeAsString(), fresh[i].SerializeAsString()) << cached[i].team();
    }
    return cached;
  }

  std::string path_;
  std::unique_ptr<views::ViewStore> store_;
};

TEST_F(HealthCacheTest, AWriteRecomputesOnlyItsPartitionsTeams) {
  HealthCache cache;
  std::vector<v1::TeamHealth> teams = Snapshot(cache, kMarch1);
  ASSERT_EQ(teams.size(), 2u);
  EXPECT_EQ(teams[0].team(), "codex");
  EXPECT_EQ(teams[0].windows(1).departures(), 1);
  EXPECT_EQ(teams[1].team(), "sora");
  EXPECT_EQ(teams[1].windows(1).hires(), 1);
  EXPECT_EQ(cache.misses(), 2);
  EXPECT_EQ(cache.hits(), 0);

  Snapshot(cache, kMarch1);  // nothing written: both kept
  EXPECT_EQ(cache.misses(), 2);
  EXPECT_EQ(cache.hits(), 2);

  // A second hire in sora's partition: sora is computed again, codex (partition 11) is kept.
  Write(kSoraPartition, 41, testing::Hire("evt-2", "sora", Day(2026, 2, 20), "p-2"));
  teams = Snapshot(cache, kMarch1);
  ASSERT_EQ(teams.size(), 2u);
  EXPECT_EQ(teams[1].windows(1).hires(), 2);
  EXPECT_EQ(teams[1].events(), 2);
  EXPECT_EQ(teams[0].windows(1).departures(), 1);
  EXPECT_EQ(cache.misses(), 3);
  EXPECT_EQ(cache.hits(), 3);
  EXPECT_EQ(cache.teams(), 2);
}

TEST_F(HealthCacheTest, EachAsOfDayIsKeptApart) {
  HealthCache cache;
  Snapshot(cache, kMarch1);
  // 2026-01-04: before sora's hire and codex's departure.
  std::vector<v1::TeamHealth> teams = Snapshot(cache, kJanuary4);
  ASSERT_EQ(teams.size(), 2u);
  EXPECT_EQ(teams[0].windows(1).departures(), 0);
  EXPECT_EQ(teams[1].windows(1).hires(), 0);
  EXPECT_EQ(cache.misses(), 4);
  EXPECT_EQ(cache.hits(), 0);
  EXPECT_EQ(cache.teams(), 4);
}

TEST_F(HealthCacheTest, ANewTeamInAKeptPartitionIsFound) {
  HealthCache cache;
  Snapshot(cache, kMarch1);
  // A team of its own partition: "openai/atlas" (whichever partition it lands in, that
  // partition's offset moves, so its part is read again).
  const int32_t p = KafkaPartitionFor("openai/atlas", 12);
  Write(p, p == kSoraPartition ? 41 : (p == kCodexPartition ? 8 : 0),
        testing::Departure("evt-3", "atlas", Day(2026, 2, 2), "p-3"));
  std::vector<v1::TeamHealth> teams = Snapshot(cache, kMarch1);
  ASSERT_EQ(teams.size(), 3u);
  EXPECT_EQ(teams[0].team(), "atlas");
  EXPECT_EQ(teams[0].windows(1).departures(), 1);
}

TEST_F(HealthCacheTest, KeepsAtMostMaxTeamsLeastRecentlyUsedFirst) {
  // Each part of one team weighs 2 (its team and its entry): room for one part.
  HealthCache cache(HealthCacheOptions{.max_teams = 2});
  Snapshot(cache, kMarch1);  // keeps sora's part (partition 5), then codex's, which evicts it
  EXPECT_EQ(cache.teams(), 1);
  Snapshot(cache, kMarch1);  // codex kept; sora computed again, evicting codex
  EXPECT_EQ(cache.hits(), 1);
  EXPECT_EQ(cache.misses(), 3);
  EXPECT_EQ(cache.teams(), 1);
}

TEST_F(HealthCacheTest, ZeroMaxTeamsKeepsNothing) {
  HealthCache cache(HealthCacheOptions{.max_teams = 0});
  Snapshot(cache, kMarch1);
  Snapshot(cache, kMarch1);
  EXPECT_EQ(cache.hits(), 0);
  EXPECT_EQ(cache.teams(), 0);
}

}  // namespace
}  // namespace talentflow::query
