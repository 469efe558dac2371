#include "query/view_source.h"

#include <poll.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <filesystem>

#include "common/log/logging.h"
#include "common/base/status.h"

namespace talentflow::query {

ViewSource::ViewSource(ViewSourceOptions options) : options_(std::move(options)) {}

ViewSource::~ViewSource() { Stop(); }

void ViewSource::Start() { follower_ = std::thread([this] { Follow(); }); }

void ViewSource::Stop() {
  stop_ = true;
  if (follower_.joinable()) follower_.join();
  std::error_code ec;
  if (!secondary_path_.empty()) std::filesystem::remove_all(secondary_path_, ec);
}

absl::Status ViewSource::OpenIfNeeded() {
  if (store_) return absl::OkStatus();
  if (!std::filesystem::exists(options_.db_path + "/CURRENT")) {
    return absl::UnavailableError("views not ready: no database at " + options_.db_path);
  }
  absl::StatusOr<std::unique_ptr<views::ViewStore>> store;
  if (options_.read_only) {
    store = views::ViewStore::OpenReadOnly(options_.db_path);
  } else {
    if (secondary_path_.empty()) {
      char tmpl[] = "/tmp/talentflow-query-secondary.XXXXXX";
      if (mkdtemp(tmpl) == nullptr) return absl::InternalError("cannot create the secondary's directory");
      secondary_path_ = tmpl;
    }
    store = views::ViewStore::OpenSecondary(options_.db_path, secondary_path_);
  }
  RETURN_IF_ERROR(store.status());
  std::unique_lock<std::shared_mutex> lock(views_mu_);
  store_ = *std::move(store);
  reader_.reset();
  views_watermark_.reset();
  if (!announced_) spdlog::info("serving views from {}{}", options_.db_path, options_.read_only ? " (read-only)" : "");
  announced_ = true;
  return absl::OkStatus();
}

absl::Status ViewSource::NewViewsLocked() {
  reader_.reset();
  views_watermark_.reset();
  std::shared_ptr<const views::Reader> reader = store_->NewReader();
  ASSIGN_OR_RETURN(auto wm, reader->Watermark());
  reader_ = std::move(reader);
  views_watermark_ = std::make_shared<const std::map<int32_t, v1::PartitionOffset>>(std::move(wm));
  return absl::OkStatus();
}

void ViewSource::Refresh() {
  std::map<int32_t, v1::PartitionOffset> wm;
  {
    std::unique_lock<std::shared_mutex> lock(views_mu_);
    if (!store_) return;
    if (!options_.read_only) {
      reader_.reset();  // a secondary's reader reads whatever the last catch-up brought
      views_watermark_.reset();
      if (auto s = store_->CatchUp(); !s.ok()) {
        spdlog::warn("{}", s.message());
        return;
      }
      catch_ups_.fetch_add(1, std::memory_order_relaxed);
    }
    if (!NewViewsLocked().ok()) return;
    wm = *views_watermark_;
    if (wm.empty() && !options_.read_only) {
      // Opened before the projector's first commit: RocksDB 7.8's secondary may not follow the
      // WAL created after it opened, so open it again until the views hold offsets.
      reader_.reset();
      views_watermark_.reset();
      store_.reset();
      return;
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  bool moved = wm.size() != watermark_.size();
  for (const auto& [p, o] : wm) {
    auto it = watermark_.find(p);
    if (it == watermark_.end() || it->second.next_offset() != o.next_offset()) moved = true;
  }
  if (moved) {
    watermark_ = std::move(wm);
    version_.fetch_add(1);
    changed_.notify_all();
  }
}

void ViewSource::Follow() {
  int fd = -1;
  while (!stop_.load()) {
    if (!store_) {
      if (auto s = OpenIfNeeded(); !s.ok()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));  // until the projector creates it
        continue;
      }
      Refresh();
      if (options_.read_only) break;  // nothing will change
    }
    if (fd < 0) {
      fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
      if (fd >= 0 && inotify_add_watch(fd, options_.db_path.c_str(), IN_MODIFY | IN_CREATE | IN_MOVED_TO) < 0) {
        close(fd);
        fd = -1;
      }
    }
    // Wake on a write to the WAL (the projector committed a batch), else every second.
    pollfd pfd{fd, POLLIN, 0};
    int ready = fd >= 0 ? poll(&pfd, 1, 1000) : (std::this_thread::sleep_for(std::chrono::milliseconds(50)), 0);
    if (ready > 0) {
      char buf[4096];
      while (read(fd, buf, sizeof buf) > 0) {
      }
    }
    Refresh();
  }
  if (fd >= 0) close(fd);
}

absl::StatusOr<std::unique_ptr<ReadHandle>> ViewSource::Acquire() {
  auto handle = std::make_unique<ReadHandle>();
  handle->lock_ = std::shared_lock<std::shared_mutex>(views_mu_);
  if (!store_) return absl::UnavailableError("views not ready: no database at " + options_.db_path + " yet");
  if (reader_ != nullptr) {
    handle->reader_ = reader_;
    handle->watermark_ = views_watermark_;
  } else {  // opened or caught up, and the follower has not read the new views yet
    handle->reader_ = store_->NewReader();
    ASSIGN_OR_RETURN(auto wm, handle->reader_->Watermark());
    handle->watermark_ = std::make_shared<const std::map<int32_t, v1::PartitionOffset>>(std::move(wm));
  }
  if (handle->watermark_->empty()) return absl::UnavailableError("views not ready: nothing applied yet");
  return handle;
}

absl::Status ViewSource::WaitFor(const std::map<int32_t, int64_t>& min_offsets, absl::Time deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  auto reached = [&] {
    for (const auto& [p, offset] : min_offsets) {
      auto it = watermark_.find(p);
      if (it == watermark_.end() || it->second.next_offset() <= offset) return false;
    }
    return true;
  };
  while (!reached()) {
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError("min_offsets not reached: the views do not include them yet");
    }
    changed_.wait_for(lock, std::chrono::milliseconds(std::min<int64_t>(
                                absl::ToInt64Milliseconds(deadline - absl::Now()) + 1, 1000)));
  }
  return absl::OkStatus();
}

void ViewSource::WaitForChange(uint64_t seen, absl::Time deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  while (version_.load() == seen && absl::Now() < deadline) {
    changed_.wait_for(lock, std::chrono::milliseconds(
                                std::max<int64_t>(1, absl::ToInt64Milliseconds(deadline - absl::Now()))));
  }
}

}  // namespace talentflow::query
