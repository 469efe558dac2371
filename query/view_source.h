// ViewSource gives the query service consistent, fresh reads of the projector's views: a RocksDB
// secondary instance that catches up when the projector writes (inotify on the DB directory, so
// an idle system costs nothing; plus a 1 s fallback), or a read-only instance of a rebuilt DB.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "views/view_store.h"

namespace talentflow::query {

struct ViewSourceOptions {
  // The projector's view database. Required.
  std::string db_path;
  // Serve a database nobody writes (an audit snapshot or replay): open read-only, never catch up.
  // Default: false.
  bool read_only = false;
};

// A consistent read: while it lives, the views do not move.
class ReadHandle {
 public:
  const views::Reader& reader() const { return *reader_; }
  const std::map<int32_t, v1::PartitionOffset>& watermark() const { return *watermark_; }

 private:
  friend class ViewSource;
  std::shared_lock<std::shared_mutex> lock_;
  // Shared by every handle of one state of the views (they do not move between catch-ups).
  std::shared_ptr<const views::Reader> reader_;
  std::shared_ptr<const std::map<int32_t, v1::PartitionOffset>> watermark_;
};

class ViewSource {
 public:
  explicit ViewSource(ViewSourceOptions options);
  ~ViewSource();

  // Starts following the database (opening it once it exists).
  void Start();
  void Stop();

  // A consistent read of the current views. Unavailable until the database exists and holds
  // applied offsets. Cheap: every handle until the next catch-up shares one Reader and the
  // watermark read right after that catch-up.
  absl::StatusOr<std::unique_ptr<ReadHandle>> Acquire();

  // Waits until every partition in `min_offsets` has applied_offset >= its value (the record at
  // offset-… is included when applied_offset > offset). DeadlineExceeded at `deadline`.
  absl::Status WaitFor(const std::map<int32_t, int64_t>& min_offsets, absl::Time deadline);

  // Increases whenever the watermark moves. WaitForChange returns once version() != seen or at
  // `deadline`, whichever is first.
  uint64_t version() const { return version_.load(); }
  void WaitForChange(uint64_t seen, absl::Time deadline);

  // Catch-ups done (for /metrics).
  int64_t catch_ups() const { return catch_ups_.load(); }

 private:
  void Follow();
  absl::Status OpenIfNeeded();
  void Refresh();  // catch up (secondary) and publish the new watermark
  // Replaces reader_ and views_watermark_ with a Reader of the store as it is now and its
  // watermark (both null on error). REQUIRES: views_mu_ held exclusively.
  absl::Status NewViewsLocked();

  ViewSourceOptions options_;
  std::string secondary_path_;
  bool announced_ = false;  // follower thread only
  std::shared_mutex views_mu_;  // shared: reads; exclusive: catch-up and (re)open
  std::unique_ptr<views::ViewStore> store_;
  // The views' reader and watermark since the last catch-up (null until read); guarded by views_mu_.
  std::shared_ptr<const views::Reader> reader_;
  std::shared_ptr<const std::map<int32_t, v1::PartitionOffset>> views_watermark_;
  std::mutex mu_;  // guards watermark_; with changed_
  std::condition_variable changed_;
  std::map<int32_t, v1::PartitionOffset> watermark_;
  std::atomic<uint64_t> version_{0};
  std::atomic<int64_t> catch_ups_{0};
  std::atomic<bool> stop_{false};
  std::thread follower_;
};

}  // namespace talentflow::query
