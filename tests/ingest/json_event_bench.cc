// Not a test: CPU cost per line of the feed parsers, single-threaded, over a JSON Lines file.
//   json_event_bench FEED.jsonl [ROUNDS] [fast]   ("fast": only the fast parser, for profiling it)
// Prints CPU ns/line for protobuf's JsonStringToMessage, for ParseEventJsonFast into a reused event,
// and for ParseFeedLine (checks + fast parser + fallback, a fresh event per line as before).
#include <ctime>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>


#include "ingest/feed_source.h"
#include "ingest/json_event.h"

namespace {

template <typename Fn>
void Time(const char* what, const std::vector<std::string>& lines, int rounds, Fn fn) {
  // CPU time of this thread, not wall time: the machine is shared.
  timespec t0, t1;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
  size_t ok = 0;
  for (int r = 0; r < rounds; ++r) {
    for (const std::string& line : lines) ok += fn(line) ? 1 : 0;
  }
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
  const double ns = (t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec);
  std::printf("%-40s %8.0f CPU ns/line  (%zu of %zu accepted)\n", what, ns / (lines.size() * rounds), ok,
              lines.size() * rounds);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FEED.jsonl [ROUNDS]\n", argv[0]);
    return 2;
  }
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 1;
  std::ifstream in(argv[1], std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  using talentflow::v1::Event;
  const bool only_fast = argc > 3 && std::string(argv[3]) == "fast";
  if (!only_fast) Time("JsonStringToMessage (fresh event)", lines, rounds, [](const std::string& line) {
    Event e;
    return talentflow::ingest::ParseEventJsonReference(line, &e).ok();
  });
  Event reused;
  Time("ParseEventJsonFast (reused event)", lines, rounds,
       [&](const std::string& line) { return talentflow::ingest::ParseEventJsonFast(line, &reused); });
  Time("ParseEventJsonFast (fresh event)", lines, rounds, [](const std::string& line) {
    Event e;
    return talentflow::ingest::ParseEventJsonFast(line, &e);
  });
  Time("ParseFeedLineInto (reused event)", lines, rounds,
       [&](const std::string& line) { return talentflow::ingest::ParseFeedLineInto(line, &reused).ok(); });
  return 0;
}
