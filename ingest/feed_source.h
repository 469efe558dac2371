// Reading scraper feeds: JSON Lines, one proto3-JSON talentflow.v1.Event per line.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "talentflow/v1/event.pb.h"
#include "talentflow/v1/ingest.pb.h"

namespace talentflow::ingest {

// Parses one feed line (proto3 JSON mapping of Event; unknown fields are an error). A UTF-8 BOM
// at the start is skipped. A FieldError ("line: …" for JSON syntax, the field for mapping errors)
// on failure.
absl::StatusOr<v1::Event> ParseFeedLine(absl::string_view line);
// The same into `*event`, which is cleared first; the strings and repeated elements it already holds
// are reused (feed mode recycles the events of published lines). On failure `*event` is unspecified.
absl::Status ParseFeedLineInto(absl::string_view line, v1::Event* event);

// LineReader reads lines of at most `max_line_bytes` from a FILE*, so one huge line cannot grow
// memory: a longer line is consumed to its end and reported as oversize. Not thread-safe.
class LineReader {
 public:
  // Does not take ownership of `file`. Default max_line_bytes: 256 KiB.
  explicit LineReader(FILE* file, size_t max_line_bytes = 256 * 1024)
      : file_(file), max_line_bytes_(max_line_bytes) {}

  enum class Result { kLine, kOversize, kEof };
  // Reads the next line (without its '\n' or a trailing '\r') into `line`; NUL bytes are kept.
  // kEof when nothing remains; a final line without '\n' is returned as a line (so --follow feeds
  // must append whole lines).
  Result Next(std::string* line);
  // 1-based number of the line last returned.
  int64_t line_number() const { return line_number_; }
  // After kEof: clears the EOF state so a growing file can be read further (--follow).
  void ClearEof() { clearerr(file_); }

 private:
  FILE* file_;
  size_t max_line_bytes_;
  int64_t line_number_ = 0;
  std::string buffer_;  // bytes read but not yet returned are buffer_[pos_, size)
  size_t pos_ = 0;
};

// The longest feed line: a longer one is rejected whole ("line: longer than 256 KiB").
inline constexpr size_t kMaxFeedLineBytes = 256 * 1024;

// One line of a feed as FeedReader read it.
struct FeedLine {
  int64_t number = 0;     // 1-based
  bool oversize = false;  // longer than kMaxFeedLineBytes; `text` is then empty
  std::string text;       // without its '\n' or a trailing '\r'
};

// ParseFeedLineInto for a line as read: an oversize line is the FieldError "line: longer than 256 KiB".
absl::Status ParseFeedLineInto(const FeedLine& line, v1::Event* event);

// FeedReader is the one reader of JSON Lines feeds, for `talentflow-ingest feed` and `talentflowctl
// publish`: numbered lines of at most kMaxFeedLineBytes (LineReader), blank lines and CRLF endings
// as LineReader returns them, and with `follow` the file read further as it grows. Not thread-safe.
class FeedReader {
 public:
  // Opens `path`, or reads standard input for "-". The errno's status, "cannot open <path>: <reason>",
  // when the file cannot be opened.
  static absl::StatusOr<std::unique_ptr<FeedReader>> Open(const std::string& path, bool follow = false);
  ~FeedReader();  // closes the file (not standard input)

  enum class Result {
    kLine,      // `*line` holds the next line
    kCaughtUp,  // with `follow` only: no more lines for now; the next call waits for the file to grow
    kEnd,       // the end of the feed, or `stop` was set
  };
  // Reads the next line into `*line` (reusing its buffer). `stop`, when given, is checked before each
  // line and while waiting for a growing file.
  Result Next(FeedLine* line, const std::atomic<bool>* stop = nullptr);

 private:
  FeedReader(FILE* file, bool follow) : file_(file), follow_(follow), lines_(file, kMaxFeedLineBytes) {}

  FILE* file_;
  bool follow_;
  bool caught_up_ = false;  // the last call returned kCaughtUp
  LineReader lines_;
};

// FeedSummary counts the lines of one feed run and says how it ended: the summary line and exit code
// of `talentflow-ingest feed` and `talentflowctl publish`.
struct FeedSummary {
  int64_t accepted = 0;     // lines whose every record the broker acknowledged
  // Valid lines whose idempotency key an earlier line of this run had: published (not in a dry
  // run) for their evidence like any other (issue 19), also counted in accepted or not_delivered;
  // the views count each as a DUPLICATE of its story.
  int64_t repeats = 0;
  int64_t rejected = 0;     // lines that failed validation (nothing written)
  int64_t not_delivered = 0;
  int64_t first_not_delivered_line = 0;  // 0 when every valid line was delivered, or when it is not known
  bool dry_run = false;     // nothing was written: valid lines count in `valid`, not `accepted`
  int64_t valid = 0;        // dry run: lines that would be accepted
  int64_t without_evidence = 0;  // accepted (in a dry run: valid) lines that carry no evidence entry

  // Counts one line by its result: ACCEPTED, VALID or REJECTED; any other status is not delivered.
  // (Repeats are counted apart, by whoever knows the keys.)
  void Count(v1::EventResult::Status status);
  // "accepted N, rejected R", then ", K lines repeat a story of this run (published for their
  // evidence)" when some did (", 1 line repeats … (published for its evidence)" for one), then
  // ", E lines without evidence" when some were (", 1 line without evidence" for one), then
  // ", not delivered F" when some were not, followed by " (first not acknowledged: line L; rerun
  // from there: tail -n +L)" when that line is known. A dry run: "dry run, nothing written: valid N,
  // rejected R", and the same tail ("(would be published for …)"). Says nothing of what the views make of the lines (a line may
  // repeat a story published earlier, or told under another key): `talentflowctl publish --views` does.
  std::string ToString() const;
  // 0 when all lines were accepted, 3 when some were rejected, 1 when some were
  // not delivered.
  int ExitCode() const;
};

}  // namespace talentflow::ingest
