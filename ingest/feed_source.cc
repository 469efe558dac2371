#include "ingest/feed_source.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/base/utf8.h"
#include "ingest/json_event.h"
#include "ingest/json_event_check.h"
#include "ingest/validator.h"

namespace talentflow::ingest {

namespace {

// The offset of the first byte that is not part of well-formed UTF-8 (RFC 3629), or npos.
size_t InvalidUtf8At(absl::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = Utf8SequenceLength(s.substr(i));
    if (n == 0) return i;
    i += n;
  }
  return absl::string_view::npos;
}

// True when every byte of `s` is ASCII and none is NUL: then it is valid UTF-8 without NUL bytes,
// and the byte-by-byte checks below need not run. Eight bytes at a time.
bool AsciiWithoutNul(absl::string_view s) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (((w & kHigh) | ((w - kOnes) & ~w & kHigh)) != 0) return false;  // a byte >= 0x80, or a zero byte
  }
  for (; i < s.size(); ++i) {
    if (s[i] == '\0' || (static_cast<unsigned char>(s[i]) & 0x80) != 0) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<v1::Event> ParseFeedLine(absl::string_view line) {
  v1::Event event;
  if (auto s = ParseFeedLineInto(line, &event); !s.ok()) return s;
  return event;
}

absl::Status ParseFeedLineInto(absl::string_view line, v1::Event* event) {
  if (line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
  if (line.find_first_not_of(" \t") == absl::string_view::npos) return FieldError("line", "empty line");
  if (!AsciiWithoutNul(line)) {
    if (const size_t bad = InvalidUtf8At(line); bad != absl::string_view::npos) {
      return FieldError("line", absl::StrCat("invalid UTF-8 at byte ", bad + 1));
    }
    if (line.find('\0') != absl::string_view::npos) return FieldError("line", "contains a NUL byte");
  }
  // The fast parser takes the lines it fully understands; every other line, and so every rejection,
  // goes through the field-by-field check (json_event_check.h).
  if (ParseEventJsonFast(line, event)) return absl::OkStatus();
  return ParseEventJsonChecked(line, event);
}

LineReader::Result LineReader::Next(std::string* line) {
  line->clear();
  bool oversize = false;
  bool any = false;  // saw at least one byte of this line
  while (true) {
    if (pos_ == buffer_.size()) {
      buffer_.resize(64 * 1024);
      size_t n = std::fread(buffer_.data(), 1, buffer_.size(), file_);
      buffer_.resize(n);
      pos_ = 0;
      if (n == 0) {
        if (!any) return Result::kEof;
        break;  // a final line without '\n'
      }
    }
    any = true;
    const char* begin = buffer_.data() + pos_;
    const size_t avail = buffer_.size() - pos_;
    const void* nl = std::memchr(begin, '\n', avail);
    const size_t take = nl ? static_cast<const char*>(nl) - begin : avail;
    if (!oversize) {
      if (line->size() + take > max_line_bytes_) {
        oversize = true;
        std::string().swap(*line);
      } else {
        line->append(begin, take);
      }
    }
    pos_ += take;
    if (nl) {
      ++pos_;
      break;
    }
  }
  ++line_number_;
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return oversize ? Result::kOversize : Result::kLine;
}

absl::Status ParseFeedLineInto(const FeedLine& line, v1::Event* event) {
  if (line.oversize) return FieldError("line", absl::StrCat("longer than ", kMaxFeedLineBytes / 1024, " KiB"));
  return ParseFeedLineInto(line.text, event);
}

absl::StatusOr<std::unique_ptr<FeedReader>> FeedReader::Open(const std::string& path, bool follow) {
  FILE* file = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (file == nullptr) return absl::ErrnoToStatus(errno, absl::StrCat("cannot open ", path));
  return std::unique_ptr<FeedReader>(new FeedReader(file, follow));
}

FeedReader::~FeedReader() {
  if (file_ != stdin) std::fclose(file_);
}

FeedReader::Result FeedReader::Next(FeedLine* line, const std::atomic<bool>* stop) {
  if (stop != nullptr && stop->load()) return Result::kEnd;
  if (caught_up_) {
    caught_up_ = false;
    lines_.ClearEof();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // tail -f: poll the growing file
    if (stop != nullptr && stop->load()) return Result::kEnd;
  }
  const LineReader::Result r = lines_.Next(&line->text);
  if (r == LineReader::Result::kEof) {
    if (!follow_) return Result::kEnd;
    caught_up_ = true;
    return Result::kCaughtUp;
  }
  line->number = lines_.line_number();
  line->oversize = r == LineReader::Result::kOversize;
  return Result::kLine;
}

void FeedSummary::Count(v1::EventResult::Status status) {
  switch (status) {
    case v1::EventResult::STATUS_ACCEPTED: ++accepted; break;
    case v1::EventResult::STATUS_VALID: ++valid; break;
    case v1::EventResult::STATUS_REJECTED: ++rejected; break;
    default: ++not_delivered; break;
  }
}

std::string FeedSummary::ToString() const {
  std::string s = dry_run ? absl::StrCat("dry run, nothing written: valid ", valid)
                          : absl::StrCat("accepted ", accepted);
  absl::StrAppend(&s, ", rejected ", rejected);
  if (repeats > 0) {
    absl::StrAppend(&s, ", ", repeats, repeats == 1 ? " line repeats" : " lines repeat",
                    " a story of this run (", dry_run ? "would be " : "", "published for ", repeats == 1 ? "its" : "their",
                    " evidence)");
  }
  if (without_evidence > 0) {
    absl::StrAppend(&s, ", ", without_evidence, without_evidence == 1 ? " line" : " lines", " without evidence");
  }
  if (not_delivered > 0) absl::StrAppend(&s, ", not delivered ", not_delivered);
  if (not_delivered > 0 && first_not_delivered_line > 0) {
    absl::StrAppend(&s, " (first not acknowledged: line ", first_not_delivered_line, "; rerun from there: tail -n +",
                    first_not_delivered_line, ")");
  }
  return s;
}

int FeedSummary::ExitCode() const {
  if (not_delivered > 0) return 1;
  if (rejected > 0) return 3;
  return 0;
}

}  // namespace talentflow::ingest
