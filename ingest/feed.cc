#include "ingest/feed.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <future>
#include <optional>
#include <set>
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

// Tracks the deliveries of one run: a line counts as accepted once all its records are. The
// delivery callbacks share the tracker's state, so a report that arrives after Finish gave up (the
// idempotent producer may report a record later than its delivery timeout) finds it still alive.
class DeliveryTracker {
 public:
  DeliveryTracker() : state_(std::make_shared<State>()) {}

  void Add(int64_t line, int records, KafkaSink& sink, std::vector<v1::Event>& events) {
    auto line_state = std::make_shared<LineState>();
    line_state->line = line;
    line_state->remaining = records;
    {
      std::lock_guard<std::mutex> lock(state_->mu);
      state_->outstanding.insert(line);
    }
    for (auto& e : events) {
      sink.Produce(e, [state = state_, line_state](const Delivery& d) { state->OnDelivery(*line_state, d); });
    }
  }

  // Waits until every line is resolved or `timeout` passes; unresolved lines count as not delivered
  // and the first line to rerun from is the first that failed or is unresolved.
  void Finish(absl::Duration timeout, FeedSummary* summary) {
    State& s = *state_;
    std::unique_lock<std::mutex> lock(s.mu);
    s.cv.wait_for(lock, absl::ToChronoMilliseconds(timeout), [&] { return s.outstanding.empty(); });
    summary->accepted += s.accepted;
    summary->not_delivered += s.failed + static_cast<int64_t>(s.outstanding.size());
    int64_t first = s.first_failed_line;
    if (!s.outstanding.empty() && (first == 0 || *s.outstanding.begin() < first)) first = *s.outstanding.begin();
    summary->first_not_delivered_line = first;
  }

 private:
  struct LineState {
    int64_t line = 0;
    int remaining = 0;
    bool failed = false;
  };

  struct State {
    std::mutex mu;
    std::condition_variable cv;
    std::set<int64_t> outstanding;  // lines with records not yet reported
    int64_t accepted = 0;
    int64_t failed = 0;
    int64_t first_failed_line = 0;

    void OnDelivery(LineState& line, const Delivery& d) {
      std::lock_guard<std::mutex> lock(mu);
      if (!d.status.ok() && !line.failed) {
        line.failed = true;
        spdlog::error("line {}: not delivered: {}", line.line, d.status.message());
      }
      if (--line.remaining > 0) return;
      outstanding.erase(line.line);
      if (line.failed) {
        ++failed;
        if (first_failed_line == 0 || line.line < first_failed_line) first_failed_line = line.line;
      } else {
        ++accepted;
      }
      if (outstanding.empty()) cv.notify_all();
    }
  };

  std::shared_ptr<State> state_;
};

// One line as a worker prepared it: its records, or why it is rejected (then `text` keeps the line
// for the rejects file).
struct PreparedLine {
  int64_t number = 0;
  absl::StatusOr<std::vector<v1::Event>> records;
  std::string text;
};

// Lines are parsed and validated on worker threads (JSON parsing is most of the cost) in chunks;
// the chunks are taken back in feed order, so duplicates, rejections and the produce order per key
// are exactly those of a sequential run.
constexpr size_t kChunkLines = 256;

std::vector<PreparedLine> PrepareChunk(Publisher& publisher, const std::string& principal,
                                       std::vector<std::pair<int64_t, std::optional<std::string>>> lines) {
  std::vector<PreparedLine> out(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    PreparedLine& p = out[i];
    p.number = lines[i].first;
    if (!lines[i].second) {  // LineReader dropped it: too long
      p.records = FieldError("line", "longer than 256 KiB");
      continue;
    }
    auto event = ParseFeedLine(*lines[i].second);
    p.records = event.ok() ? publisher.Prepare(*std::move(event), principal) : event.status();
    if (!p.records.ok()) p.text = std::move(*lines[i].second);
  }
  return out;
}

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
  auto publish = [&](PreparedLine& p) {
    if (!p.records.ok()) {
      ++summary.rejected;
      publisher.counters()->rejected.fetch_add(1, std::memory_order_relaxed);
      spdlog::warn("line {}: {}", p.number, p.records.status().message());
      if (rejects) {
        std::string shown(p.text.substr(0, 1024));
        std::fprintf(rejects, "line %lld: %s\t%s\n", static_cast<long long>(p.number),
                     std::string(p.records.status().message()).c_str(), shown.c_str());
      }
      return;
    }
    if (!keys.insert(p.records->front().idempotency_key()).second) {
      ++summary.duplicates;
      publisher.counters()->duplicates.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    tracker.Add(p.number, static_cast<int>(p.records->size()), *publisher.sink(), *p.records);
  };

  const size_t max_pending = 2 * std::max(1u, std::thread::hardware_concurrency());
  std::deque<std::future<std::vector<PreparedLine>>> pending;  // in feed order
  auto take_oldest = [&] {
    std::vector<PreparedLine> chunk = pending.front().get();
    pending.pop_front();
    for (PreparedLine& p : chunk) publish(p);
  };
  LineReader reader(in);
  std::vector<std::pair<int64_t, std::optional<std::string>>> lines;
  std::string line;
  auto submit = [&] {
    if (lines.empty()) return;
    if (pending.size() >= max_pending) take_oldest();
    pending.push_back(std::async(std::launch::async, PrepareChunk, std::ref(publisher), std::cref(options.principal),
                                 std::move(lines)));
    lines.clear();
  };
  while (!stop.load()) {
    LineReader::Result r = reader.Next(&line);
    if (r == LineReader::Result::kEof) {
      if (!options.follow) break;
      submit();  // what a growing file has so far goes out now
      while (!pending.empty()) take_oldest();
      reader.ClearEof();
      std::this_thread::sleep_for(std::chrono::milliseconds(200));  // tail -f: poll the growing file
      continue;
    }
    if (r == LineReader::Result::kOversize) {
      lines.emplace_back(reader.line_number(), std::nullopt);
    } else {
      lines.emplace_back(reader.line_number(), std::move(line));
    }
    if (lines.size() == kChunkLines) submit();
  }
  submit();
  while (!pending.empty()) take_oldest();
  tracker.Finish(options.delivery_timeout + absl::Seconds(5), &summary);
  publisher.counters()->accepted.fetch_add(summary.accepted, std::memory_order_relaxed);
  publisher.counters()->not_delivered.fetch_add(summary.not_delivered, std::memory_order_relaxed);
  return summary;
}

}  // namespace talentflow::ingest
