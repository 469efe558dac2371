// Reading scraper feeds: JSON Lines, one proto3-JSON talentflow.v1.Event per line.
#pragma once

#include <cstdio>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "talentflow/v1/event.pb.h"

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

}  // namespace talentflow::ingest
