// ViewStore: the RocksDB database holding the views (keys.h), its batched writes with the
// partition offsets they advance, and the read API the query service and tools use.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "views/fold.h"
#include "views/health.h"
#include "views/key_filter.h"
#include "talentflow/v1/health.pb.h"
#include "talentflow/v1/view.pb.h"

namespace rocksdb {
class DB;
class Snapshot;
}  // namespace rocksdb

namespace talentflow::views {

struct ViewStoreOptions {
  // Directory of the database. Required.
  std::string path;
  // Shared block cache size. Default: 64 MiB.
  size_t block_cache_bytes = 64 << 20;
  // fsync the WAL on every commit (survives power loss, not only process crashes). Default: false.
  bool sync = false;
  // The database is new (Open fails with AlreadyExists when `path` already holds one) and only
  // this ViewStore writes it: it takes table files (Ingest), and once ExpectKeys was called, the
  // fold's reads of keys never stored are answered without RocksDB. For rebuilds. Default: false.
  bool fresh = false;
};

class ViewStore;

// Batch collects the changes of one poll batch across partitions (in a replay, of a partition's
// run of records); ViewStore::Commit (or Ingest) writes them atomically together with the offsets
// they advance. It is a write-back cache: the fold's reads
// are answered from the batch's own changes first (a hash map per partition), then from the
// database, and a key written many times in one batch (a team's state, a busy day bucket) is
// written to RocksDB once.
class Batch {
 public:
  // One partition's share of the batch: the fold's view of that partition (the stored state plus
  // this batch's changes) and the offset it is applied up to. Parts of different partitions may be
  // used concurrently from different threads; one part is not thread-safe.
  //
  // The changes' keys and values are copies in the part's arena (blocks of up to 4 MiB, each
  // change's key and value side by side), and the map holds views into it: building, sorting and
  // writing a part touch a few large blocks instead of two heap allocations per change, and
  // emptying it frees a few blocks. A new value of a key is written over the old one when it fits
  // in the old one's room; a longer one is copied anew, and the old copy stays until the part is
  // emptied (bytes() counts it).
  class Part : public ViewState {
   public:
    ~Part() override;
    std::optional<std::string> Get(const std::string& key) override;
    void Put(const std::string& key, std::string value) override;
    void Delete(const std::string& key) override;
    // Records that the partition is applied up to (excluding) `next_offset`.
    void SetOffset(int64_t next_offset, int64_t timestamp_ms);
    // The first storage error a read met; Commit refuses a batch that has one.
    const absl::Status& status() const { return status_; }
    // Makes room for `keys` changes at once, for a caller that knows the part will grow large (a
    // replay): the map then does not rehash every key each time it doubles.
    void Reserve(size_t keys) { changes_.reserve(keys); }
    // About how much memory the changes hold: the arena's bytes handed out (keys, values, and the
    // copies that overwritten values left behind) plus a map entry's size per key.
    size_t bytes() const { return bytes_; }

   private:
    friend class Batch;
    friend class ViewStore;
    Part(ViewStore* store, int32_t p);
    // A key's new value: `size` bytes at `data` (in the arena; `room` bytes there belong to this
    // change alone), or a delete when `size` is kDeleted.
    struct Change {
      char* data;
      uint32_t size;
      uint32_t room;
    };
    static constexpr uint32_t kDeleted = ~uint32_t{0};
    // `n` bytes of the arena.
    char* Allocate(size_t n);
    // Sets the key's change (copying the key into the arena when the part has none for it yet);
    // `value` nullptr for a delete.
    void Set(const std::string& key, const std::string* value);
    // Forgets every change and the offset, and frees the arena.
    void Clear();
    ViewStore* store_;
    int32_t partition_;
    std::string prefix_;
    // Key as the fold sees it (without prefix_, which Commit and Ingest add; the bytes are in the
    // arena) -> its change.
    absl::flat_hash_map<std::string_view, Change> changes_;
    // The arena's blocks (a value too large for a regular block gets one of its own); next_ and
    // left_ describe the free end of the last regular block.
    std::vector<std::unique_ptr<char[]>> blocks_;
    char* next_ = nullptr;
    size_t left_ = 0;
    size_t block_bytes_ = 0;  // the size of the last regular block
    // The store's record of whether the partition holds anything yet; set on the first read that
    // misses changes_ in a store with a key filter (ViewStore::StoredFlag).
    const std::atomic<bool>* stored_ = nullptr;
    std::optional<v1::PartitionOffset> offset_;
    absl::Status status_;
    size_t bytes_ = 0;
  };

  ~Batch();
  // Partition p's part, created on first use. Not thread-safe: create every part a batch needs on
  // one thread before handing parts to others.
  Part& Partition(int32_t p);
  bool empty() const;
  // The first storage error of any part.
  absl::Status status() const;

 private:
  friend class ViewStore;
  explicit Batch(ViewStore* store);
  ViewStore* store_;
  std::map<int32_t, std::unique_ptr<Part>> parts_;
};

// A consistent read of the views: every call on one Reader sees the same RocksDB snapshot (on a
// secondary instance, which has no snapshots, the caller must not CatchUp while a Reader is in
// use). Its methods are const and may be called concurrently from several threads (a reader of a
// secondary instance can serve every call until the next CatchUp); the ViewStore must outlive it.
class Reader {
 public:
  ~Reader();
  // The health of one team at `as_of_day`. NotFound when the views hold no event of the team.
  absl::StatusOr<v1::TeamHealth> TeamHealth(const std::string& org, const std::string& team, int64_t as_of_day) const;
  // Every team of `org` (sorted by team slug) at `as_of_day`; empty when the org is unknown. Each
  // team's answer equals TeamHealth's for it. Reads each partition's timelines, team states and
  // flows of the org with one range scan each, not team by team; half of the partitions on a
  // second thread.
  absl::StatusOr<std::vector<v1::TeamHealth>> OrgHealth(const std::string& org, int64_t as_of_day) const;
  // OrgHealth of the partitions in [first, end) only, by team, into `out` (a team found in several
  // of them is the later partition's): OrgHealth merges these in partition order. Reads records of
  // those partitions only (query::HealthCache keeps a partition's part while its offset stands).
  absl::Status OrgHealthOf(const std::string& org, int64_t as_of_day, int32_t first, int32_t end,
                           std::map<std::string, v1::TeamHealth, std::less<>>& out) const;
  // The stored views of one team up to `as_of_day` (what ComputeHealth needs for any day up to
  // it). NotFound when the views hold no event of the team.
  absl::StatusOr<TeamInputs> Inputs(const std::string& org, const std::string& team, int64_t as_of_day) const;
  // One stored flow bucket: movers from `from_org` to `to_org` in `month` (YYYYMM) recorded by an
  // event of `team`.
  struct Flow {
    std::string from_org, to_org, month, team;
    int32_t partition = 0;  // where it is stored (the partition of the event's org/team)
    v1::FlowBucket bucket;
  };
  // Every flow bucket with month in [from_month, to_month] (YYYYMM), all orgs, in key order.
  absl::StatusOr<std::vector<Flow>> Flows(const std::string& from_month, const std::string& to_month) const;
  // The team's history in log order.
  absl::StatusOr<std::vector<v1::HistoryEntry>> History(const std::string& org, const std::string& team) const;
  // A team the views hold (one with a team state), and the partition it is stored in.
  struct TeamName {
    std::string org, team;
    int32_t partition = 0;
  };
  // Every team the views hold, by partition then org and team (keys only: one scan of the team
  // states' keys per partition). For listings of what exists and for "did you mean" hints.
  absl::StatusOr<std::vector<TeamName>> TeamNames() const;
  // Applied offset per partition.
  absl::StatusOr<std::map<int32_t, v1::PartitionOffset>> Watermark() const;
  // The history records of the event `event_id` (the e/ index of every partition), by partition;
  // empty when no partition knows the id. An id is normally in one partition only.
  absl::StatusOr<std::vector<v1::HistoryEntry>> FindEvent(const std::string& event_id) const;
  // Calls fn(partition, bytes of a HistoryEntry) for every history record of every partition (of
  // `only`'s partitions when not null), by partition and then key; the bytes are valid only during
  // the call. One scan of every team's history, for reads that have no index (GetPerson).
  absl::Status ForEachHistory(const std::set<int32_t>* only,
                              absl::FunctionRef<void(int32_t partition, absl::string_view bytes)> fn) const;
  // Every retraction still waiting for its target (the r/ keys of every partition), by partition
  // and then target id.
  absl::StatusOr<std::vector<v1::HistoryEntry>> PendingRetractions() const;
  // The topic's partition count as the DB recorded it (0 before the first).
  int32_t partition_count() const { return partitions_; }

 private:
  friend class ViewStore;
  Reader(ViewStore* store);
  // Calls fn(rocksdb::Iterator&) with a new iterator over this reader's snapshot (no bounds) and
  // returns fn's status, else the iterator's. Defined and used in reader.cc only.
  template <typename Fn>
  absl::Status WithIterator(Fn&& fn) const;
  ViewStore* store_;
  const rocksdb::Snapshot* snapshot_;
  int32_t partitions_ = 0;
};

class ViewStore {
 public:
  // Opens (creating if missing) the database for reading and writing. Only one process may.
  static absl::StatusOr<std::unique_ptr<ViewStore>> Open(const ViewStoreOptions& options);
  // Opens an existing database read-only (it may not be open for writing elsewhere at the same
  // time). NotFound when there is none.
  static absl::StatusOr<std::unique_ptr<ViewStore>> OpenReadOnly(const std::string& path);
  // Opens a secondary instance that follows the primary at `path` (which may be open for writing
  // in another process); `secondary_path` holds the secondary's own files. Reads see the primary's
  // state as of the last CatchUp. NotFound when there is no database at `path`.
  static absl::StatusOr<std::unique_ptr<ViewStore>> OpenSecondary(const std::string& path,
                                                                  const std::string& secondary_path);
  // Secondary only: applies what the primary wrote since the last call. Not concurrent with reads
  // that must be consistent across several keys (the caller serialises them).
  absl::Status CatchUp();
  ~ViewStore();

  std::unique_ptr<Batch> NewBatch();
  // Writes the batch and its offsets atomically (one RocksDB WriteBatch) and empties it. After a
  // failed write (disk full, I/O error) the next Commit first asks RocksDB to resume; until it
  // can, Commit fails and nothing is written.
  absl::Status Commit(Batch& batch);
  // The same for some parts of a batch only: each partition's changes are stored atomically with
  // its offset. Commits of disjoint parts may run concurrently (RocksDB inserts them into the
  // memtable in parallel).
  absl::Status Commit(const std::vector<Batch::Part*>& parts);
  // A rebuild's write: the part's changes and offset as one sorted table file, added to the
  // database past the memtable (RocksDB's IngestExternalFile, which flushes the memtable first when
  // it holds keys of the file's range), then empties the part. A partition rebuilt in one part is
  // written once, with no compaction; its later parts are placed above the earlier ones. Parts of
  // different partitions may be ingested concurrently. REQUIRES: nothing else writes the part's
  // partition meanwhile (a fresh store, or a live projector rebuilding a partition it holds paused).
  absl::Status Ingest(Batch::Part& part);
  // A fresh store only, before the first Commit or Ingest: from now on Commit and Ingest remember
  // every key they store with a value in a Bloom filter sized for `keys` (at most 256 MiB), and
  // which partitions they stored anything of. A batch's read that misses its own changes then skips
  // RocksDB when its partition has stored nothing yet (a partition rebuilt in one part never reads
  // RocksDB) or the filter says the key was never stored (most of the fold's reads look for a key
  // that does not exist yet). A no-op for other stores or after a Commit or Ingest.
  void ExpectKeys(int64_t keys);

  // The applied position of partition `p`, if any was stored.
  absl::StatusOr<std::optional<v1::PartitionOffset>> StoredOffset(int32_t p);
  // The topic's partition count, as last recorded by the consumer (0 when never).
  absl::StatusOr<int32_t> PartitionCount();
  absl::Status SetPartitionCount(int32_t n);
  // Deletes every view record and the offset of partition `p` (after it moved to another instance).
  absl::Status DropPartition(int32_t p);

  std::unique_ptr<Reader> NewReader();

  // A hex xxh3-128 digest over every record (key, value) in key order: equal digests mean equal
  // views. The hashed stream is, per record: the key's length as 8 bytes (host order), the key, the
  // value's length, the value. Example: "3f2a…" (32 hex digits, high 64 bits first). With
  // `partition`, over that partition's records only (what an instance serving it holds, whichever
  // other partitions its DB has). Reads every record once, past the block cache.
  absl::StatusOr<std::string> Digest(std::optional<int32_t> partition = std::nullopt);

  // Where two stores first differ in key order: a key one of them lacks, or a key whose values
  // differ (a missing value is nullopt). nullopt when they hold the same records.
  struct Difference {
    std::string key;
    std::optional<std::string> a, b;
  };
  static absl::StatusOr<std::optional<Difference>> FirstDifference(ViewStore& a, ViewStore& b);

  // Opened with ViewStoreOptions::fresh.
  bool fresh() const { return options_.fresh; }
  rocksdb::DB* db() { return db_.get(); }

 private:
  ViewStore() = default;
  friend class Reader;
  friend class Batch;
  std::unique_ptr<rocksdb::DB> db_;
  ViewStoreOptions options_;
  bool secondary_ = false;
  std::atomic<bool> committed_{false};
  std::atomic<int64_t> ingested_files_{0};
  // Set by ExpectKeys; then every key stored with a value is in it (full keys, prefix included).
  std::unique_ptr<KeyFilter> written_;
  // With written_: partition -> whether Commit or Ingest stored anything of it. Entries are made
  // under stored_mu_ and never removed, so a part may keep the flag's address.
  std::mutex stored_mu_;
  std::map<int32_t, std::unique_ptr<std::atomic<bool>>> stored_;
  std::atomic<bool>* StoredFlag(int32_t p);
  // The last Commit failed (e.g. the disk was full): RocksDB refuses writes until Resume.
  std::atomic<bool> write_failed_{false};
};

}  // namespace talentflow::views
