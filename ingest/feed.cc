#include "ingest/feed.h"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/log/logging.h"

namespace talentflow::ingest {

namespace {

// One line as a worker prepared it: its records, or why it is rejected (then `text` keeps the line
// for the rejects file).
struct PreparedLine {
  int64_t number = 0;
  absl::StatusOr<std::vector<v1::Event>> records;
  SubmitAhead ahead;  // computed by the worker that built the records, while they are in its cache
  std::string text;
};

// Lines are parsed and validated on worker threads (JSON parsing is most of the cost) in chunks;
// the chunks are taken back in feed order, so duplicates, rejections and the produce order per key
// are exactly those of a sequential run.
constexpr size_t kChunkLines = 256;

// A chunk as a worker returns it: the prepared lines and, for reuse by the reader, the raw ones.
struct Chunk {
  std::vector<FeedLine> lines;
  std::vector<PreparedLine> prepared;
};

// Parses and prepares `lines`, and serialises their records. The records and serialised values of
// `spent` (lines already published) are reused: parsing and normalising into them keeps their
// strings' and evidence's allocations (no event is moved or made anew per line), and what is left of
// `spent` is freed here, on a worker, rather than on the feed's one reading and producing thread.
Chunk PrepareChunk(Publisher& publisher, const std::string& principal, bool require_evidence,
                   std::vector<FeedLine> lines, std::vector<PreparedLine> spent) {
  std::vector<std::vector<v1::Event>> reuse;
  std::vector<std::vector<std::string>> reuse_values;
  reuse.reserve(spent.size());
  reuse_values.reserve(spent.size());
  for (PreparedLine& p : spent) {
    if (p.records.ok() && !p.records->empty()) reuse.push_back(*std::move(p.records));
    if (!p.ahead.values.empty()) reuse_values.push_back(std::move(p.ahead.values));
  }
  spent = std::vector<PreparedLine>();
  Chunk out;
  out.prepared.resize(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    PreparedLine& p = out.prepared[i];
    p.number = lines[i].number;
    std::vector<v1::Event> records;
    if (!reuse.empty()) {
      records = std::move(reuse.back());
      reuse.pop_back();
    } else {
      records.resize(1);
    }
    absl::Status prepared = ParseFeedLineInto(lines[i], &records[0]);
    if (prepared.ok()) prepared = publisher.PrepareInPlace(&records, principal, require_evidence);
    if (!prepared.ok()) {
      p.records = std::move(prepared);
      p.text = std::move(lines[i].text);
      continue;
    }
    p.records = std::move(records);
    if (!reuse_values.empty()) {
      p.ahead.values = std::move(reuse_values.back());
      reuse_values.pop_back();
    }
    p.ahead.Compute(p.records);
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

// Refuses `p` (keeping its text for the rejects file) when `check` refuses one of its records;
// else notes its records as earlier in the feed. In feed order, on the feed's thread.
void CheckRetraction(RetractionCheck& check, PreparedLine& p, FeedLine& line) {
  if (!p.records.ok()) return;
  for (const v1::Event& record : *p.records) {
    if (absl::Status s = check.Check(record); !s.ok()) {
      p.records = s;
      p.text = std::move(line.text);
      return;
    }
  }
  for (const v1::Event& record : *p.records) check.Note(record);
}

}  // namespace

absl::StatusOr<FeedSummary> RunFeed(Publisher& publisher, const FeedOptions& options,
                                    const std::atomic<bool>& stop) {
  absl::StatusOr<std::unique_ptr<FeedReader>> reader = FeedReader::Open(options.path, options.follow);
  if (!reader.ok()) return absl::NotFoundError(absl::StrCat("feed ", options.path, ": cannot open"));
  FILE* rejects = nullptr;
  if (!options.rejects_path.empty()) {
    rejects = std::fopen(options.rejects_path.c_str(), "wb");
    if (rejects == nullptr) return absl::NotFoundError(absl::StrCat("rejects file ", options.rejects_path, ": cannot open"));
  }
  std::unique_ptr<FILE, int (*)(FILE*)> rejects_closer(rejects, &std::fclose);

  PublishSession session(publisher, {.log_not_delivered = true, .dry_run = options.dry_run});
  auto publish = [&](PreparedLine& p) {
    if (session.Submit(p.number, p.records, &p.ahead) != v1::EventResult::STATUS_REJECTED) return;
    spdlog::warn("line {}: {}", p.number, p.records.status().message());
    if (rejects) {
      std::string shown(p.text.substr(0, 1024));
      std::fprintf(rejects, "line %lld: %s\t%s\n", static_cast<long long>(p.number),
                   std::string(p.records.status().message()).c_str(), shown.c_str());
    }
  };

  const size_t cores = std::max(1u, std::thread::hardware_concurrency());
  const size_t max_pending = 2 * cores;
  ChunkWorkers workers(cores);
  std::deque<std::future<Chunk>> pending;  // in feed order
  std::vector<PreparedLine> spent;         // published; its events go to the next chunk for reuse
  std::vector<FeedLine> free_lines;        // read and prepared; their buffers take the next lines
  auto take_oldest = [&] {
    Chunk chunk = pending.front().get();
    pending.pop_front();
    // How many lines ahead the key set's slot is prefetched: a probe's cache miss is then mostly
    // over by the time Submit reaches its line.
    constexpr size_t kPrefetchLines = 8;
    for (size_t i = 0; i < chunk.prepared.size(); ++i) {
      if (const size_t ahead = i + kPrefetchLines; ahead < chunk.prepared.size() && chunk.prepared[ahead].records.ok()) {
        session.Prefetch(chunk.prepared[ahead].ahead);
      }
      if (options.retraction_check != nullptr) CheckRetraction(*options.retraction_check, chunk.prepared[i], chunk.lines[i]);
      publish(chunk.prepared[i]);
    }
    spent = std::move(chunk.prepared);
    free_lines = std::move(chunk.lines);
  };
  std::vector<FeedLine> lines;  // lines[0, used) are the chunk being read
  size_t used = 0;
  auto submit = [&] {
    if (used == 0) return;
    if (pending.size() >= max_pending) take_oldest();
    lines.resize(used);
    pending.push_back(workers.Submit(
        [&publisher, &principal = options.principal, require_evidence = options.require_evidence,
         lines = std::move(lines), spent = std::move(spent)]() mutable {
          return PrepareChunk(publisher, principal, require_evidence, std::move(lines), std::move(spent));
        }));
    spent = std::vector<PreparedLine>();
    lines = std::move(free_lines);
    free_lines = std::vector<FeedLine>();
    used = 0;
  };
  while (true) {
    if (used == lines.size()) lines.emplace_back();
    const FeedReader::Result r = (*reader)->Next(&lines[used], &stop);
    if (r == FeedReader::Result::kEnd) break;
    if (r == FeedReader::Result::kCaughtUp) {  // what a growing file has so far goes out now
      submit();
      while (!pending.empty()) take_oldest();
      continue;
    }
    if (++used == kChunkLines) submit();
  }
  submit();
  while (!pending.empty()) take_oldest();
  return session.Drain(absl::Now() + options.delivery_timeout + absl::Seconds(5));
}

}  // namespace talentflow::ingest
