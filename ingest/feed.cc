#include "ingest/feed.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <cstdio>
#include <mutex>
#include <thread>

#include <xxhash.h>

#include "absl/container/flat_hash_set.h"
#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"
#include "ingest/feed_source.h"
#include "common/log/logging.h"

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

  // Writes the line's records. First waits while kMaxInFlight records are unacknowledged, woken as
  // soon as deliveries bring that down by a quarter. REQUIRES: `line` greater than every line added
  // before.
  void Add(int64_t line, int records, KafkaSink& sink, std::vector<v1::Event>& events) {
    uint64_t seq;
    {
      std::unique_lock<std::mutex> lock(state_->mu);
      while (state_->in_flight > 0 && state_->in_flight + records > kMaxInFlight) {
        state_->producer_waits = true;
        state_->cv.wait(lock);
      }
      state_->in_flight += records;
      if (records > 0 && !state_->self) state_->self = state_;
      seq = state_->base + state_->lines.size();
      state_->lines.push_back(LineState{line, records, false});
      ++state_->unresolved;
    }
    for (auto& e : events) {
      sink.Produce(e, [state = state_.get(), seq](const Delivery& d) { state->OnDelivery(seq, d); });
    }
  }

  // Waits until every line is resolved or `timeout` passes; unresolved lines count as not delivered
  // and the first line to rerun from is the first that failed or is unresolved.
  void Finish(absl::Duration timeout, FeedSummary* summary) {
    State& s = *state_;
    std::unique_lock<std::mutex> lock(s.mu);
    s.cv.wait_for(lock, absl::ToChronoMilliseconds(timeout), [&] { return s.unresolved == 0; });
    summary->accepted += s.accepted;
    summary->not_delivered += s.failed + s.unresolved;
    int64_t first = s.first_failed_line;
    for (const LineState& l : s.lines) {
      if (l.remaining > 0) {
        if (first == 0 || l.line < first) first = l.line;
        break;  // lines are in increasing order
      }
    }
    summary->first_not_delivered_line = first;
  }

 private:
  struct LineState {
    int64_t line = 0;
    int remaining = 0;  // records not yet reported
    bool failed = false;
  };

  // The most records the feed leaves unacknowledged. Below librdkafka's default producer queue
  // (queue.buffering.max.messages, 100,000), so the feed waits here, woken by the deliveries, rather
  // than in KafkaSink::Produce's sleep-and-retry on a full queue (129 sleeps of 5 ms per 200,000
  // events); far more than the batches in flight need.
  static constexpr int64_t kMaxInFlight = 32768;

  struct State {
    std::mutex mu;
    std::condition_variable cv;  // unresolved reached 0, or in_flight fell for a waiting producer
    int64_t in_flight = 0;       // records produced and not yet reported
    bool producer_waits = false;
    // The lines from the oldest unresolved one on, in the order added; lines[i] is number base + i
    // in that order. Resolved lines at the front are dropped.
    std::deque<LineState> lines;
    uint64_t base = 0;
    int64_t unresolved = 0;
    int64_t accepted = 0;
    int64_t failed = 0;
    int64_t first_failed_line = 0;
    // Set while records are in flight: their callbacks hold a plain pointer (small enough for
    // std::function to keep without allocating), and a report may come after the tracker is gone.
    std::shared_ptr<State> self;

    void OnDelivery(uint64_t seq, const Delivery& d) {
      std::shared_ptr<State> last;  // the report that empties in_flight takes `self`; released after the unlock
      std::lock_guard<std::mutex> lock(mu);
      LineState& line = lines[seq - base];
      if (--in_flight == 0) last = std::move(self);
      if (producer_waits && in_flight <= kMaxInFlight * 3 / 4) {
        producer_waits = false;
        cv.notify_all();
      }
      if (!d.status.ok() && !line.failed) {
        line.failed = true;
        spdlog::error("line {}: not delivered: {}", line.line, d.status.message());
      }
      if (--line.remaining > 0) return;
      --unresolved;
      if (line.failed) {
        ++failed;
        if (first_failed_line == 0 || line.line < first_failed_line) first_failed_line = line.line;
      } else {
        ++accepted;
      }
      while (!lines.empty() && lines.front().remaining == 0) {
        lines.pop_front();
        ++base;
      }
      if (unresolved == 0) cv.notify_all();
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

// A line as read: its number and text (empty when `oversize`: LineReader dropped it).
struct RawLine {
  int64_t number = 0;
  bool oversize = false;
  std::string text;
};

// A chunk as a worker returns it: the prepared lines and, for reuse by the reader, the raw ones.
struct Chunk {
  std::vector<RawLine> lines;
  std::vector<PreparedLine> prepared;
};

// Parses and prepares `lines`. The events of `spent` (lines already published) are reused: parsing
// into them keeps their strings' and evidence's allocations, and what is left of `spent` is freed
// here, on a worker, rather than on the feed's one reading and producing thread.
Chunk PrepareChunk(Publisher& publisher, const std::string& principal, std::vector<RawLine> lines,
                   std::vector<PreparedLine> spent) {
  std::vector<v1::Event> reuse;
  reuse.reserve(spent.size());
  for (PreparedLine& p : spent) {
    if (p.records.ok() && !p.records->empty()) reuse.push_back(std::move(p.records->front()));
  }
  spent = std::vector<PreparedLine>();
  Chunk out;
  out.prepared.resize(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    PreparedLine& p = out.prepared[i];
    p.number = lines[i].number;
    if (lines[i].oversize) {
      p.records = FieldError("line", "longer than 256 KiB");
      continue;
    }
    v1::Event event;
    if (!reuse.empty()) {
      event.Swap(&reuse.back());
      reuse.pop_back();
    }
    absl::Status parsed = ParseFeedLineInto(lines[i].text, &event);
    p.records = parsed.ok() ? publisher.Prepare(std::move(event), principal) : parsed;
    if (!p.records.ok()) p.text = std::move(lines[i].text);
  }
  out.lines = std::move(lines);
  return out;
}

// A fixed set of worker threads that run PrepareChunk calls in submission order. Long-lived, so
// that each keeps its allocator cache (a thread per chunk started every one from an empty cache).
class ChunkWorkers {
 public:
  explicit ChunkWorkers(size_t threads) {
    for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
  }
  ~ChunkWorkers() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }

  std::future<Chunk> Submit(std::function<Chunk()> work) {
    std::packaged_task<Chunk()> task(std::move(work));
    std::future<Chunk> result = task.get_future();
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(std::move(task));
    }
    cv_.notify_one();
    return result;
  }

 private:
  void Run() {
    while (true) {
      std::packaged_task<Chunk()> task;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stop_, and nothing left to run
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      task();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::packaged_task<Chunk()>> queue_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
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
  // The idempotency keys of the lines published so far, as XXH3 128-bit hashes: 16 bytes a line
  // and no string to copy (a line is taken for a duplicate only if two keys share a 128-bit hash).
  absl::flat_hash_set<absl::uint128> keys;
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
    const std::string& key = p.records->front().idempotency_key();
    const XXH128_hash_t hash = XXH3_128bits(key.data(), key.size());
    if (!keys.insert(absl::MakeUint128(hash.high64, hash.low64)).second) {
      ++summary.duplicates;
      publisher.counters()->duplicates.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    tracker.Add(p.number, static_cast<int>(p.records->size()), *publisher.sink(), *p.records);
  };

  const size_t cores = std::max(1u, std::thread::hardware_concurrency());
  const size_t max_pending = 2 * cores;
  ChunkWorkers workers(cores);
  std::deque<std::future<Chunk>> pending;  // in feed order
  std::vector<PreparedLine> spent;         // published; its events go to the next chunk for reuse
  std::vector<RawLine> free_lines;         // read and prepared; their buffers take the next lines
  auto take_oldest = [&] {
    Chunk chunk = pending.front().get();
    pending.pop_front();
    for (PreparedLine& p : chunk.prepared) publish(p);
    spent = std::move(chunk.prepared);
    free_lines = std::move(chunk.lines);
  };
  LineReader reader(in);
  std::vector<RawLine> lines;  // lines[0, used) are the chunk being read
  size_t used = 0;
  auto submit = [&] {
    if (used == 0) return;
    if (pending.size() >= max_pending) take_oldest();
    lines.resize(used);
    pending.push_back(workers.Submit(
        [&publisher, &principal = options.principal, lines = std::move(lines), spent = std::move(spent)]() mutable {
          return PrepareChunk(publisher, principal, std::move(lines), std::move(spent));
        }));
    spent = std::vector<PreparedLine>();
    lines = std::move(free_lines);
    free_lines = std::vector<RawLine>();
    used = 0;
  };
  while (!stop.load()) {
    if (used == lines.size()) lines.emplace_back();
    RawLine& line = lines[used];
    LineReader::Result r = reader.Next(&line.text);
    if (r == LineReader::Result::kEof) {
      if (!options.follow) break;
      submit();  // what a growing file has so far goes out now
      while (!pending.empty()) take_oldest();
      reader.ClearEof();
      std::this_thread::sleep_for(std::chrono::milliseconds(200));  // tail -f: poll the growing file
      continue;
    }
    line.number = reader.line_number();
    line.oversize = r == LineReader::Result::kOversize;
    if (++used == kChunkLines) submit();
  }
  submit();
  while (!pending.empty()) take_oldest();
  tracker.Finish(options.delivery_timeout + absl::Seconds(5), &summary);
  publisher.counters()->accepted.fetch_add(summary.accepted, std::memory_order_relaxed);
  publisher.counters()->not_delivered.fetch_add(summary.not_delivered, std::memory_order_relaxed);
  return summary;
}

}  // namespace talentflow::ingest
