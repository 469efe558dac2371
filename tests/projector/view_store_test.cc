// The RocksDB view store on a real database in a temporary directory (no broker needed).
#include "projector/view_store.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "common/kafka.h"
#include "projector/keys.h"
#include "tests/common/event_builders.h"

namespace talentflow::projector {
namespace {

using ::talentflow::testing::Day;

class ViewStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "/view_store_test_" + std::to_string(getpid());
    std::filesystem::remove_all(path_);
  }
  void TearDown() override { std::filesystem::remove_all(path_); }
  std::unique_ptr<ViewStore> Open() {
    ViewStoreOptions o;
    o.path = path_;
    return ViewStore::Open(o).value();
  }
  // Applies one departure of `team` (org openai) at `offset` in partition `p` and commits.
  void ApplyDeparture(ViewStore& store, int32_t p, const std::string& team, int64_t offset) {
    auto batch = store.NewBatch();
    v1::Event e = testing::Departure("evt-" + team + std::to_string(offset), team, Day(2026, 2, 10), "p-1");
    e.set_idempotency_key("ik-" + team + std::to_string(offset));
    ASSERT_TRUE(Apply(e, RecordMeta{p, offset}, batch->Partition(p)).ok());
    batch->Partition(p).SetOffset(offset + 1, 1000);
    ASSERT_TRUE(store.Commit(*batch).ok());
  }
  std::string path_;
};

TEST_F(ViewStoreTest, ReopenKeepsOffsetsAndViews) {
  {
    auto store = Open();
    ASSERT_TRUE(store->SetPartitionCount(12).ok());
    ApplyDeparture(*store, KafkaPartitionFor("openai/sora", 12), "sora", 41);
  }
  auto store = Open();
  auto offset = store->StoredOffset(KafkaPartitionFor("openai/sora", 12));
  ASSERT_TRUE(offset.ok() && offset->has_value());
  EXPECT_EQ((*offset)->next_offset(), 42);
  auto health = store->NewReader()->TeamHealth("openai", "sora", DayOf(Day(2026, 2, 28)));
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(health->windows(0).departures(), 1);
}

TEST_F(ViewStoreTest, DropPartitionRemovesOnlyItsRecords) {
  auto store = Open();
  ASSERT_TRUE(store->SetPartitionCount(12).ok());
  const int32_t sora = KafkaPartitionFor("openai/sora", 12);
  int32_t other_team_partition = -1;
  std::string other;
  for (int i = 0; other_team_partition < 0; ++i) {  // a team in another partition
    other = "team" + std::to_string(i);
    if (KafkaPartitionFor("openai/" + other, 12) != sora) other_team_partition = KafkaPartitionFor("openai/" + other, 12);
  }
  ApplyDeparture(*store, sora, "sora", 5);
  ApplyDeparture(*store, other_team_partition, other, 7);
  ASSERT_TRUE(store->DropPartition(sora).ok());
  EXPECT_FALSE(store->StoredOffset(sora)->has_value());
  EXPECT_EQ(store->NewReader()->TeamHealth("openai", "sora", DayOf(Day(2026, 2, 28))).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ((*store->StoredOffset(other_team_partition))->next_offset(), 8);
  EXPECT_TRUE(store->NewReader()->TeamHealth("openai", other, DayOf(Day(2026, 2, 28))).ok());
}

TEST_F(ViewStoreTest, BatchIsAtomicWithItsOffsets) {
  auto store = Open();
  auto batch = store->NewBatch();
  v1::Event e = testing::Departure("evt-1", "sora", Day(2026, 2, 10), "p-1");
  e.set_idempotency_key("ik-1");
  ASSERT_TRUE(Apply(e, RecordMeta{3, 0}, batch->Partition(3)).ok());
  batch->Partition(3).SetOffset(1, 0);
  // Not committed: neither the view nor the offset is visible.
  EXPECT_FALSE(store->StoredOffset(3)->has_value());
  EXPECT_TRUE(store->NewReader()->Watermark()->empty());
  ASSERT_TRUE(store->Commit(*batch).ok());
  EXPECT_EQ((*store->StoredOffset(3))->next_offset(), 1);
}

}  // namespace
}  // namespace talentflow::projector
