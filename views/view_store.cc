#include "views/view_store.h"

#include <xxhash.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/log/logging.h"
#include "common/base/status.h"
#include "common/base/time_util.h"
#include "views/keys.h"
#include "views/rocks_status.h"

namespace talentflow::views {
namespace {

// A map entry's own memory beside its key and value bytes in the arena (the slot and its control
// byte, and the free slots a hash map keeps), for Part::bytes.
constexpr size_t kEntryOverhead = 48;
// A part's arena starts with a block of kFirstBlock bytes and doubles each next one up to
// kMaxBlock: a live projector's small batches take one small block, a replay's 128 MiB part about
// forty.
constexpr size_t kFirstBlock = 64 << 10;
constexpr size_t kMaxBlock = 4 << 20;

// RocksDB's own log goes to our log instead of db/LOG: a file next to the data fails with it when
// the disk is full (and Debian's RocksDB asserts on that), and operators want one log anyway.
class SpdlogLogger : public rocksdb::Logger {
 public:
  SpdlogLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL) {}
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override { Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap); }
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (level < GetInfoLogLevel()) return;
    char buf[1024];
    std::vsnprintf(buf, sizeof(buf), format, ap);
    spdlog::level::level_enum to = level >= rocksdb::InfoLogLevel::ERROR_LEVEL ? spdlog::level::err
                                   : level >= rocksdb::InfoLogLevel::WARN_LEVEL ? spdlog::level::warn
                                                                                 : spdlog::level::info;
    // Table files a replay ingests (ViewStore::Ingest) carry no unique ID for RocksDB to check
    // against its manifest; it warns once per open about that, which is expected here.
    if (std::strstr(buf, "opened without unique ID to verify") != nullptr) to = spdlog::level::debug;
    spdlog::log(to, "rocksdb: {}", buf);
  }
};

rocksdb::Options MakeOptions(const ViewStoreOptions& o) {
  rocksdb::Options options;
  options.info_log = std::make_shared<SpdlogLogger>();
  // No preallocated WAL space: a full disk then fails the next commit at once (the projector stops
  // applying and says so) instead of some tens of MiB later, at a flush.
  options.allow_fallocate = false;
  options.create_if_missing = true;
  options.compression = rocksdb::kLZ4Compression;
  options.max_open_files = -1;
  // Most of the fold's reads miss (a new idempotency key, no pending retraction): a memtable bloom
  // filter answers those without searching the skiplist.
  options.memtable_whole_key_filtering = true;
  options.memtable_prefix_bloom_size_ratio = 0.1;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(o.block_cache_bytes);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  // Debian's RocksDB is built without SSE4.2, so CRC32c runs in software; XXH3 is cheaper.
  table.checksum = rocksdb::kXXH3;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

// A key of a part to be written to a table file (without the partition prefix every key of the
// part shares), with its first kHeadBytes bytes copied into the record as big-endian words
// (zero-padded). Most comparisons of the sort are then decided by those words, in the record
// itself, instead of by a memcmp of two keys elsewhere in memory (the sort was 12 % of a replay's
// CPU, mostly cache misses in memcmp). Zero padding can only make two different keys tie, never
// reorder them; ties compare the keys. The key and value bytes stay where they are (a part's
// arena); a record is 48 bytes. 24 bytes rather than 16: the keys of one team (its history,
// timeline and buckets: "h/<org>/<team>/…") mostly share their first 16.
struct SortRecord {
  static constexpr size_t kHeadWords = 3, kHeadBytes = 8 * kHeadWords;
  uint64_t head[kHeadWords];
  const char* key;
  const char* value;
  uint32_t key_size;
  uint32_t value_size;  // Batch::Part::kDeleted for a delete

  static SortRecord Of(std::string_view key, const char* value, uint32_t value_size) {
    SortRecord r{{}, key.data(), value, static_cast<uint32_t>(key.size()), value_size};
    if (key.size() >= kHeadBytes) {
      std::memcpy(r.head, key.data(), kHeadBytes);
    } else {
      std::memcpy(r.head, key.data(), key.size());  // the rest stays zero
    }
    for (uint64_t& word : r.head) word = __builtin_bswap64(word);
    return r;
  }
  std::string_view Key() const { return {key, key_size}; }
  bool operator<(const SortRecord& o) const {
    for (size_t i = 0; i < kHeadWords; ++i) {
      if (head[i] != o.head[i]) return head[i] < o.head[i];
    }
    return Key() < o.Key();
  }
};

}  // namespace

// ---- Batch ----------------------------------------------------------------------------------

Batch::Part::Part(ViewStore* store, int32_t p) : store_(store), partition_(p), prefix_(keys::PartitionPrefix(p)) {}

Batch::Part::~Part() = default;

std::optional<std::string> Batch::Part::Get(const std::string& key) {
  if (auto it = changes_.find(std::string_view(key)); it != changes_.end()) {
    if (it->second.size == kDeleted) return std::nullopt;
    return std::string(it->second.data, it->second.size);
  }
  if (store_->written_) {
    if (stored_ == nullptr) stored_ = store_->StoredFlag(partition_);
    if (!stored_->load(std::memory_order_relaxed)) return std::nullopt;  // the partition is empty
  }
  const std::string full = prefix_ + key;
  if (store_->written_ && !store_->written_->MayContain(full)) return std::nullopt;
  std::string value;
  rocksdb::Status s = store_->db()->Get(rocksdb::ReadOptions(), full, &value);
  if (s.ok()) return value;
  if (!s.IsNotFound() && status_.ok()) status_ = FromRocks(s, "read");  // the batch is not committed
  return std::nullopt;
}

void Batch::Part::Put(const std::string& key, std::string value) { Set(key, &value); }

void Batch::Part::Delete(const std::string& key) { Set(key, nullptr); }

void Batch::Part::Set(const std::string& key, const std::string* value) {
  const size_t size = value ? value->size() : 0;
  auto it = changes_.lazy_emplace(std::string_view(key), [&](const auto& construct) {
    // A new key: its bytes and its value's side by side.
    char* data = Allocate(key.size() + size);
    std::memcpy(data, key.data(), key.size());
    bytes_ += kEntryOverhead;
    construct(std::string_view(data, key.size()),
              Change{data + key.size(), value ? static_cast<uint32_t>(size) : kDeleted, static_cast<uint32_t>(size)});
  });
  Change& change = it->second;
  if (value == nullptr) {
    change.size = kDeleted;
    return;
  }
  if (size > change.room) {
    change.data = Allocate(size);
    change.room = static_cast<uint32_t>(size);
  }
  change.size = static_cast<uint32_t>(size);
  if (size > 0) std::memcpy(change.data, value->data(), size);
}

char* Batch::Part::Allocate(size_t n) {
  bytes_ += n;
  if (n > left_) {
    if (n > kMaxBlock / 4) {  // a block of its own; next_ stays in the current one
      blocks_.emplace_back(new char[n]);
      return blocks_.back().get();
    }
    block_bytes_ = block_bytes_ == 0 ? kFirstBlock : std::min(block_bytes_ * 2, kMaxBlock);
    blocks_.emplace_back(new char[block_bytes_]);
    next_ = blocks_.back().get();
    left_ = block_bytes_;
  }
  char* p = next_;
  next_ += n;
  left_ -= n;
  return p;
}

void Batch::Part::Clear() {
  changes_.clear();
  blocks_.clear();
  next_ = nullptr;
  left_ = 0;
  block_bytes_ = 0;
  offset_.reset();
  bytes_ = 0;
}

void Batch::Part::SetOffset(int64_t next_offset, int64_t timestamp_ms) {
  offset_.emplace();
  offset_->set_next_offset(next_offset);
  offset_->set_last_timestamp_ms(timestamp_ms);
}

Batch::Batch(ViewStore* store) : store_(store) {}
Batch::~Batch() = default;

Batch::Part& Batch::Partition(int32_t p) {
  auto& slot = parts_[p];
  if (!slot) slot.reset(new Part(store_, p));
  return *slot;
}

bool Batch::empty() const {
  for (const auto& [p, part] : parts_) {
    if (part->offset_ || !part->changes_.empty()) return false;
  }
  return true;
}

absl::Status Batch::status() const {
  for (const auto& [p, part] : parts_) RETURN_IF_ERROR(part->status_);
  return absl::OkStatus();
}

// ---- ViewStore ------------------------------------------------------------------------------

absl::StatusOr<std::unique_ptr<ViewStore>> ViewStore::Open(const ViewStoreOptions& options) {
  if (options.path.empty()) return absl::InvalidArgumentError("db: path required");
  if (options.fresh && std::filesystem::exists(options.path + "/CURRENT")) {
    return absl::AlreadyExistsError(absl::StrCat(options.path, " already holds a database; a fresh one is needed"));
  }
  std::unique_ptr<ViewStore> store(new ViewStore());
  store->options_ = options;
  // RocksDB would create it too, but logs a missing directory as an error first.
  std::error_code ec;
  std::filesystem::create_directories(options.path, ec);
  rocksdb::DB* db = nullptr;
  RETURN_IF_ERROR(FromRocks(rocksdb::DB::Open(MakeOptions(options), options.path, &db), "open " + options.path));
  store->db_.reset(db);
  return store;
}

absl::StatusOr<std::unique_ptr<ViewStore>> ViewStore::OpenReadOnly(const std::string& path) {
  std::unique_ptr<ViewStore> store(new ViewStore());
  store->options_.path = path;
  rocksdb::Options options = MakeOptions(store->options_);
  options.create_if_missing = false;
  rocksdb::DB* db = nullptr;
  RETURN_IF_ERROR(FromRocks(rocksdb::DB::OpenForReadOnly(options, path, &db), "open " + path));
  store->db_.reset(db);
  return store;
}

absl::StatusOr<std::unique_ptr<ViewStore>> ViewStore::OpenSecondary(const std::string& path,
                                                                     const std::string& secondary_path) {
  std::unique_ptr<ViewStore> store(new ViewStore());
  store->options_.path = path;
  rocksdb::Options options = MakeOptions(store->options_);
  options.create_if_missing = false;
  options.max_open_files = -1;  // required by secondary instances
  // Every catch-up that reads a MANIFEST change loads the new table handlers with this many
  // threads, created and joined on the spot (RocksDB 7.8's VersionBuilder::LoadTableHandlers); one
  // loads them on the catching-up thread itself, without the thread churn (docs/PERFORMANCE.md,
  // session 6).
  options.max_file_opening_threads = 1;
  rocksdb::DB* db = nullptr;
  RETURN_IF_ERROR(FromRocks(rocksdb::DB::OpenAsSecondary(options, path, secondary_path, &db), "open " + path));
  store->db_.reset(db);
  store->secondary_ = true;
  return store;
}

absl::Status ViewStore::CatchUp() { return FromRocks(db_->TryCatchUpWithPrimary(), "catch up"); }

ViewStore::~ViewStore() {
  std::error_code ec;
  if (options_.fresh) std::filesystem::remove(options_.path + "/ingest", ec);  // Ingest's staging directory, if empty
}

std::unique_ptr<Batch> ViewStore::NewBatch() { return std::unique_ptr<Batch>(new Batch(this)); }

absl::Status ViewStore::Commit(Batch& batch) {
  std::vector<Batch::Part*> parts;
  for (auto& [p, part] : batch.parts_) parts.push_back(part.get());
  return Commit(parts);
}

absl::Status ViewStore::Commit(const std::vector<Batch::Part*>& parts) {
  for (const Batch::Part* part : parts) RETURN_IF_ERROR(part->status_);
  // In key order (each part under its own prefix, sorted here; callers pass parts in partition
  // order): the memtable inserts sorted keys faster, each insert starting near the last.
  rocksdb::WriteBatch wb;
  std::vector<const std::pair<const std::string_view, Batch::Part::Change>*> changes;
  std::string key;
  for (const Batch::Part* part : parts) {
    changes.clear();
    for (const auto& change : part->changes_) changes.push_back(&change);
    std::sort(changes.begin(), changes.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
    for (const auto* change : changes) {
      key.assign(part->prefix_).append(change->first);
      if (change->second.size != Batch::Part::kDeleted) {
        wb.Put(key, rocksdb::Slice(change->second.data, change->second.size));
        if (written_) written_->Add(key);
      } else {
        wb.Delete(key);
      }
    }
    if (part->offset_) wb.Put(part->prefix_ + keys::kOffset, part->offset_->SerializeAsString());
    if (written_ && (part->offset_ || !part->changes_.empty())) StoredFlag(part->partition_)->store(true);
  }
  if (wb.Count() == 0) return absl::OkStatus();
  if (write_failed_.load()) {
    RETURN_IF_ERROR(FromRocks(db_->Resume(), "resume after a failed write"));
    write_failed_ = false;
  }
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  committed_ = true;
  absl::Status s = FromRocks(db_->Write(wo, &wb), "commit");
  if (!s.ok()) {
    write_failed_ = true;
    return s;
  }
  for (Batch::Part* part : parts) part->Clear();
  return absl::OkStatus();
}

absl::Status ViewStore::Ingest(Batch::Part& part) {
  RETURN_IF_ERROR(part.status_);
  std::vector<SortRecord> records;
  records.reserve(part.changes_.size() + 1);
  // The map's slots are visited in their order, and each key's first bytes (in the arena) are
  // needed: the key kAhead slots on is prefetched, so that its cache miss overlaps this one's work.
  constexpr int kAhead = 8;
  auto ahead = part.changes_.begin();
  for (int i = 0; i < kAhead && ahead != part.changes_.end(); ++i) ++ahead;
  for (const auto& [key, change] : part.changes_) {
    if (ahead != part.changes_.end()) {
      __builtin_prefetch(ahead->first.data());
      ++ahead;
    }
    records.push_back(SortRecord::Of(key, change.data, change.size));
  }
  std::string offset;
  if (part.offset_) {
    offset = part.offset_->SerializeAsString();
    records.push_back(SortRecord::Of(keys::kOffset, offset.data(), static_cast<uint32_t>(offset.size())));
  }
  if (records.empty()) return absl::OkStatus();
  std::sort(records.begin(), records.end());

  // Written next to the database (hard-linked into it by the ingestion, which removes this name).
  const std::string dir = options_.path + "/ingest";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string file = absl::StrCat(dir, "/", ingested_files_.fetch_add(1), ".sst");
  // A process killed after the ingestion linked this name into the database, before it removed
  // it, left a name that a later process's counter reuses: it must be unlinked, not truncated
  // (the writer opens with O_TRUNC), or the database's table file is overwritten.
  std::filesystem::remove(file, ec);
  rocksdb::Options options = MakeOptions(options_);
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(options), options);
  RETURN_IF_ERROR(FromRocks(writer.Open(file), "ingest: open " + file));
  // A key filter learns the keys here, before the file is in: a key it holds that the database
  // lacks only costs a RocksDB read.
  std::optional<KeyFilter::Adder> learn;
  if (written_) {
    StoredFlag(part.partition_)->store(true);
    learn.emplace(*written_);
  }
  std::string key;
  for (size_t i = 0; i < records.size(); ++i) {
    // In key order the records' bytes lie anywhere in the arena: fetch those kAhead records on.
    if (i + kAhead < records.size()) {
      __builtin_prefetch(records[i + kAhead].key);
      __builtin_prefetch(records[i + kAhead].value);
    }
    const SortRecord& r = records[i];
    key.assign(part.prefix_).append(r.key, r.key_size);
    if (r.value_size != Batch::Part::kDeleted) {
      RETURN_IF_ERROR(FromRocks(writer.Put(key, rocksdb::Slice(r.value, r.value_size)), "ingest: write " + file));
      if (learn) learn->Add(key);
    } else {
      RETURN_IF_ERROR(FromRocks(writer.Delete(key), "ingest: write " + file));
    }
  }
  if (learn) learn->Flush();
  RETURN_IF_ERROR(FromRocks(writer.Finish(), "ingest: finish " + file));
  rocksdb::IngestExternalFileOptions ingest;
  ingest.move_files = true;
  committed_ = true;
  absl::Status s = FromRocks(db_->IngestExternalFile({file}, ingest), "ingest " + file);
  std::filesystem::remove(file, ec);
  RETURN_IF_ERROR(s);
  part.Clear();
  return absl::OkStatus();
}

void ViewStore::ExpectKeys(int64_t keys) {
  if (options_.fresh && !committed_) written_ = std::make_unique<KeyFilter>(keys, size_t{256} << 20);
}

std::atomic<bool>* ViewStore::StoredFlag(int32_t p) {
  std::lock_guard<std::mutex> lock(stored_mu_);
  auto& flag = stored_[p];
  if (!flag) flag = std::make_unique<std::atomic<bool>>(false);
  return flag.get();
}


absl::StatusOr<std::optional<v1::PartitionOffset>> ViewStore::StoredOffset(int32_t p) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), keys::PartitionPrefix(p) + keys::kOffset, &value);
  if (s.IsNotFound()) return std::optional<v1::PartitionOffset>();
  RETURN_IF_ERROR(FromRocks(s, "read offset"));
  v1::PartitionOffset o;
  if (!o.ParseFromString(value)) return absl::DataLossError(absl::StrCat("offset of partition ", p, " unreadable"));
  return std::optional<v1::PartitionOffset>(o);
}

absl::StatusOr<int32_t> ViewStore::PartitionCount() {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), keys::kMetaPartitions, &value);
  if (s.IsNotFound()) return 0;
  RETURN_IF_ERROR(FromRocks(s, "read partition count"));
  int32_t n = 0;
  if (!absl::SimpleAtoi(value, &n)) return absl::DataLossError("partition count unreadable");
  return n;
}

absl::Status ViewStore::SetPartitionCount(int32_t n) {
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  return FromRocks(db_->Put(wo, keys::kMetaPartitions, std::to_string(n)), "write partition count");
}

absl::Status ViewStore::DropPartition(int32_t p) {
  std::string from = keys::PartitionPrefix(p);
  std::string to = from;
  to.back() = '/' + 1;
  return FromRocks(db_->DeleteRange(rocksdb::WriteOptions(), db_->DefaultColumnFamily(), from, to), "drop partition");
}

std::unique_ptr<Reader> ViewStore::NewReader() { return std::unique_ptr<Reader>(new Reader(this)); }

absl::StatusOr<std::string> ViewStore::Digest(std::optional<int32_t> partition) {
  // The hashed stream is, per record in key order: key length (8 bytes, host order), key, value
  // length, value. It is gathered into a buffer and hashed in large pieces (a streaming hash gives
  // the same digest however the stream is split; four small updates per record cost more than the
  // hashing itself).
  XXH3_state_t* state = XXH3_createState();
  XXH3_128bits_reset(state);
  std::string buffer;
  constexpr size_t kHashChunk = 256 << 10;
  buffer.reserve(kHashChunk);
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;           // one pass over everything: keep the cache for the reads that repeat
  ro.readahead_size = 4 << 20;     // sequential reads of every table file
  const std::string prefix = partition ? keys::PartitionPrefix(*partition) : "";
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const uint64_t klen = it->key().size(), vlen = it->value().size();
    buffer.append(reinterpret_cast<const char*>(&klen), sizeof klen);
    buffer.append(it->key().data(), klen);
    buffer.append(reinterpret_cast<const char*>(&vlen), sizeof vlen);
    buffer.append(it->value().data(), vlen);
    if (buffer.size() >= kHashChunk) {
      XXH3_128bits_update(state, buffer.data(), buffer.size());
      buffer.clear();
    }
  }
  XXH3_128bits_update(state, buffer.data(), buffer.size());
  XXH128_hash_t h = XXH3_128bits_digest(state);
  XXH3_freeState(state);
  RETURN_IF_ERROR(FromRocks(it->status(), "digest"));
  return absl::StrFormat("%016x%016x", h.high64, h.low64);
}

absl::StatusOr<std::optional<ViewStore::Difference>> ViewStore::FirstDifference(ViewStore& a, ViewStore& b) {
  std::unique_ptr<rocksdb::Iterator> ia(a.db()->NewIterator(rocksdb::ReadOptions()));
  std::unique_ptr<rocksdb::Iterator> ib(b.db()->NewIterator(rocksdb::ReadOptions()));
  ia->SeekToFirst();
  ib->SeekToFirst();
  std::optional<Difference> diff;
  while (!diff && (ia->Valid() || ib->Valid())) {
    const int order = !ia->Valid() ? 1 : !ib->Valid() ? -1 : ia->key().compare(ib->key());
    if (order < 0) {
      diff = Difference{ia->key().ToString(), ia->value().ToString(), std::nullopt};
    } else if (order > 0) {
      diff = Difference{ib->key().ToString(), std::nullopt, ib->value().ToString()};
    } else if (ia->value() != ib->value()) {
      diff = Difference{ia->key().ToString(), ia->value().ToString(), ib->value().ToString()};
    } else {
      ia->Next();
      ib->Next();
    }
  }
  RETURN_IF_ERROR(FromRocks(ia->status(), "compare"));
  RETURN_IF_ERROR(FromRocks(ib->status(), "compare"));
  return diff;
}

}  // namespace talentflow::views
