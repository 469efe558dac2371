// fuzz_seed_events FEED.jsonl OUT_DIR: writes fold_fuzzer seed inputs made from a feed — each
// line's validated, stamped records (as ingest writes them to Kafka) framed as fold_fuzzer reads
// them (fuzz_support.h): OUT_DIR/line-<n> with one line's records, and OUT_DIR/seq-<k> with
// consecutive lines' records in feed order, each file at most `kSeqBytes`, so duplicates and
// retractions meet their targets. Rejected lines are skipped. Exit status 0, or 1 on an I/O error.
#include <fstream>
#include <iostream>
#include <string>

#include "absl/strings/str_cat.h"
#include "ingest/aliases.h"
#include "ingest/feed_source.h"
#include "ingest/validator.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

constexpr size_t kSeqBytes = 8000;  // below deploy/fuzz.sh's -max_len for fold_fuzzer

bool Write(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace talentflow;
  if (argc != 3) {
    std::cerr << "usage: fuzz_seed_events FEED.jsonl OUT_DIR\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::cerr << argv[1] << ": cannot open\n";
    return 1;
  }
  auto aliases = ingest::Aliases::Parse(fuzz::kAliasesJson);
  if (!aliases.ok()) return 1;
  const std::string dir = argv[2];
  std::string line, seq;
  int n = 0, k = 0;
  while (std::getline(in, line)) {
    ++n;
    auto event = ingest::ParseFeedLine(line);
    if (!event.ok()) continue;
    ingest::Stamp stamp = fuzz::FixedStamp();
    stamp.event_id = absl::StrCat("evt-seed-", n);
    auto records = ingest::Normalise(*std::move(event), *aliases, stamp);
    if (!records.ok()) continue;
    std::string framed;
    for (const v1::Event& r : *records) framed += fuzz::FrameRecord(r.SerializeAsString());
    if (!Write(absl::StrCat(dir, "/line-", n), framed)) return 1;
    if (!seq.empty() && seq.size() + framed.size() > kSeqBytes) {
      if (!Write(absl::StrCat(dir, "/seq-", ++k), seq)) return 1;
      seq.clear();
    }
    seq += framed;
  }
  if (!seq.empty() && !Write(absl::StrCat(dir, "/seq-", ++k), seq)) return 1;
  return 0;
}
