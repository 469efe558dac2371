// Synthetic events for benchmarks and tests: a seeded, deterministic mix of talentflow events over
// `orgs` × `teams_per_org` teams — departures 38 %, hires 30 %, headcount reports 10 %,
// reprioritisations 5 %, budget changes 5 %, transfers 5 %, second reports of earlier stories
// (duplicates) 5 %, retractions of earlier events 2 % — effective 2024-01-01 … 2026-09-26,
// with one evidence entry each (about 300 bytes as protobuf).
#pragma once

#include <cstdint>
#include <ostream>
#include <vector>

#include "talentflow/v1/event.pb.h"

namespace talentflow::ctl {

struct SyntheticOptions {
  int events = 1000;
  int orgs = 500;
  int teams_per_org = 20;
  uint64_t seed = 42;
};

// The same options always give the same events (ids "syn-<seed>-<i>").
std::vector<v1::Event> Synthetic(const SyntheticOptions& options);

// `talentflowctl gen`: writes the events as JSON Lines (the feed format); with `keyed`, each line is
// "<org>/<team>\t<json>" (for `kcat -P -K '\t'`). Returns the exit code.
int RunGen(const SyntheticOptions& options, bool keyed, std::ostream& out);

}  // namespace talentflow::ctl
