// Shared by the fuzz targets and fuzz_seed_events: the record framing of fold_fuzzer inputs, the
// fixed ingest stamp, and a crash-on-violation check.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <google/protobuf/stubs/logging.h>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ingest/validator.h"

namespace talentflow::fuzz {

// Aborts (a libFuzzer crash, saved as a regression input) with `what` when `ok` is false.
inline void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
    std::abort();
  }
}

// Drops libprotobuf's log lines (e.g. "invalid UTF-8 data when parsing"): at thousands of inputs
// a second they would drown the fuzzer's output. Its errors still reach the code as failed parses.
inline void QuietProtobufLogs() {
  google::protobuf::SetLogHandler([](google::protobuf::LogLevel, const char*, int, const std::string&) {});
}

// fold_fuzzer input: a sequence of records, each a 2-byte little-endian length followed by that
// many bytes (a serialized v1::Event, or garbage). A final record shorter than its length takes
// the bytes that remain.
// Example: "\x03\x00abc\x01\x00d" -> {"abc", "d"}.
inline std::vector<absl::string_view> SplitRecords(const uint8_t* data, size_t size) {
  std::vector<absl::string_view> out;
  size_t i = 0;
  while (i + 2 <= size) {
    size_t len = data[i] | (static_cast<size_t>(data[i + 1]) << 8);
    i += 2;
    if (len > size - i) len = size - i;
    out.emplace_back(reinterpret_cast<const char*>(data) + i, len);
    i += len;
  }
  return out;
}

// The framing of one record for SplitRecords. REQUIRES: record.size() <= 65535.
inline std::string FrameRecord(absl::string_view record) {
  std::string out;
  out.push_back(static_cast<char>(record.size() & 0xff));
  out.push_back(static_cast<char>(record.size() >> 8));
  out.append(record.data(), record.size());
  return out;
}

// The ingest stamp the fuzzers use: a fixed clock (2026-12-31T00:00:00Z), so runs are reproducible.
inline ingest::Stamp FixedStamp() {
  return ingest::Stamp{absl::FromCivil(absl::CivilDay(2026, 12, 31), absl::UTCTimeZone()), "fuzz", "evt-fuzz"};
}

// A small aliases table in deploy/aliases.json's format, so the alias path is exercised too.
inline constexpr char kAliasesJson[] =
    R"({"orgs": {"Open AI": "openai", "Google DeepMind": "google-deepmind", "Anthropic PBC": "anthropic"},)"
    R"( "teams": {"Core LLM": "chatgpt", "Video": "sora"}})";

}  // namespace talentflow::fuzz
