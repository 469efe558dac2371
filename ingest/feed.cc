#include "ingest/feed.h"

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "ingest/feed_source.h"
#include "common/logging.h"

namespace talentflow::ingest {

std::string FeedSummary::ToString() const {
  std::string s = absl::StrCat("accepted ", accepted, ", duplicates ", duplicates, ", rejected ", rejected);
  if (not_delivered > 0) {
    absl::StrAppend(&s, ", not delivered ", not_delivered, " (first not acknowledged: line ",
                    first_not_delivered_line, "; rerun from there: tail -n +", first_not_delivered_line, ")");
  }
  return s;
}

int FeedSummary::ExitCode() const {
  if (not_delivered > 0) return 1;
  if (rejected > 0) return 3;
  return 0;
}

namespace {

// Tracks the deliveries of one run: a line counts as accepted once all its records are.
class DeliveryTracker {
 public:
  void Add(int64_t line, int records, KafkaSink& sink, std::vector<v1::Event>& events) {
    auto state = std::make_shared<LineState>();
    state->line = line;
    state->remaining = records;
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++outstanding_;
    }
    for (auto& e : events) {
      sink.Produce(e, [this, state](const Delivery& d) { OnDelivery(*state, d); });
    }
  }

  // Waits until every line is resolved or `timeout` passes; unresolved lines count as not delivered.
  void Finish(absl::Duration timeout, FeedSummary* summary) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, absl::ToChronoMilliseconds(timeout), [&] { return outstanding_ == 0; });
    summary->accepted += accepted_;
    summary->not_delivered += failed_ + outstanding_;
    summary->first_not_delivered_line = first_failed_line_;
    if (outstanding_ > 0 && first_failed_line_ == 0) summary->first_not_delivered_line = -1;
  }

 private:
  struct LineState {
    int64_t line = 0;
    int remaining = 0;
    bool failed = false;
  };

  void OnDelivery(LineState& s, const Delivery& d) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!d.status.ok() && !s.failed) {
      s.failed = true;
      spdlog::error("line {}: not delivered: {}", s.line, d.status.message());
    }
    if (--s.remaining > 0) return;
    --outstanding_;
    if (s.failed) {
      ++failed_;
      if (first_failed_line_ == 0 || s.line < first_failed_line_) first_failed_line_ = s.line;
    } else {
      ++accepted_;
    }
    if (outstanding_ == 0) cv_.notify_all();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  int64_t outstanding_ = 0;
  int64_t accepted_ = 0;
  int64_t failed_ = 0;
  int64_t first_failed_line_ = 0;
};

}  // namespace

absl::StatusOr<FeedSummary> RunFeed(Publisher& publisher, const FeedOptions& options,
                                    const std::atomic<bool>& stop) {
  FILE* in = options.path == "-" ? stdin : std::fopen(options.path.c_str(), "rb");
  if (in == nullptr) return absl::NotFoundError(absl::StrCat("feed ", options.path, ": cannot open"));
  std::unique_ptr<FILE, int (*)(FILE*)> in_closer(in == stdin ? nullptr : in, &std::fclose);
  FILE* rejects = nullptr;
  if (!options.rejects_path.empty()) {
    rejects = std::fopen(options.rejects_path.c_str(), "wb");
    if (rejects == nullptr) return absl::NotFoundError(absl::StrCat("rejects file ", options.rejects_path, ": cannot open"));
  }
  std::unique_ptr<FILE, int (*)(FILE*)> rejects_closer(rejects, &std::fclose);

  FeedSummary summary;
  DeliveryTracker tracker;
  absl::flat_hash_set<std::string> keys;
  LineReader reader(in);
  std::string line;
  auto reject = [&](int64_t n, const absl::Status& why, absl::string_view text) {
    ++summary.rejected;
    publisher.counters()->rejected.fetch_add(1, std::memory_order_relaxed);
    spdlog::warn("line {}: {}", n, why.message());
    if (rejects) {
      std::string shown(text.substr(0, 1024));
      std::fprintf(rejects, "line %lld: %s\t%s\n", static_cast<long long>(n), std::string(why.message()).c_str(),
                   shown.c_str());
    }
  };
  while (!stop.load()) {
    LineReader::Result r = reader.Next(&line);
    if (r == LineReader::Result::kEof) {
      if (!options.follow) break;
      reader.ClearEof();
      std::this_thread::sleep_for(std::chrono::milliseconds(200));  // tail -f: poll the growing file
      continue;
    }
    const int64_t n = reader.line_number();
    if (r == LineReader::Result::kOversize) {
      reject(n, FieldError("line", "longer than 256 KiB"), "");
      continue;
    }
    auto event = ParseFeedLine(line);
    if (!event.ok()) {
      reject(n, event.status(), line);
      continue;
    }
    auto records = publisher.Prepare(*std::move(event), options.principal);
    if (!records.ok()) {
      reject(n, records.status(), line);
      continue;
    }
    if (!keys.insert(records->front().idempotency_key()).second) {
      ++summary.duplicates;
      publisher.counters()->duplicates.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    tracker.Add(n, static_cast<int>(records->size()), *publisher.sink(), *records);
  }
  tracker.Finish(options.delivery_timeout + absl::Seconds(5), &summary);
  publisher.counters()->accepted.fetch_add(summary.accepted, std::memory_order_relaxed);
  publisher.counters()->not_delivered.fetch_add(summary.not_delivered, std::memory_order_relaxed);
  return summary;
}

}  // namespace talentflow::ingest
