// Synthetic events for benchmarks and tests: a seeded, deterministic mix of talentflow events over
// `orgs` × `teams_per_org` teams — departures 38 %, hires 30 %, headcount reports 10 %,
// reprioritisations 5 %, budget changes 5 %, transfers 5 %, second reports of earlier stories
// (duplicates) 5 %, retractions of earlier events 2 % — effective 2024-01-01 … 2026-09-26,
// with one evidence entry each (about 300 bytes as protobuf).
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <vector>

#include "common/kafka/kafka.h"
#include "talentflow/v1/event.pb.h"

namespace talentflow::ctl {

struct SyntheticOptions {
  int events = 1000;
  int orgs = 500;
  int teams_per_org = 20;
  uint64_t seed = 42;
};

// Calls `fn` with each event in order; stops early when `fn` returns false. Memory is bounded:
// duplicates and retractions pick from the last kSyntheticHistory events (all earlier events while
// there are fewer), kept serialized (~350 MB at most).
inline constexpr int kSyntheticHistory = 1 << 20;
void ForEachSynthetic(const SyntheticOptions& options, const std::function<bool(const v1::Event&)>& fn);

// The same options always give the same events (ids "syn-<seed>-<i>"). Holds them all in memory:
// for tests and small sizes; ForEachSynthetic streams.
std::vector<v1::Event> Synthetic(const SyntheticOptions& options);

// `talentflowctl gen`: writes the events as JSON Lines (the feed format); with `keyed`, each line is
// "<org>/<team>\t<json>" (for `kcat -P -K '\t'`). Returns the exit code.
int RunGen(const SyntheticOptions& options, bool keyed, std::ostream& out);

// `talentflowctl gen --produce`: writes the events straight to `kafka.topic` as the records
// `talentflow-ingest feed` would write for the same lines (Publisher::Prepare with principal "feed":
// key "<org>/<team>", a transferOut as its transferOut + transferIn pair, repeated idempotency keys
// published too and counted; the ingest producer settings), without the JSON parsing. For loading large
// benchmark topics quickly. Prints a summary to `err`; returns 0 when every record was acknowledged.
int RunGenProduce(const SyntheticOptions& options, const KafkaOptions& kafka, std::ostream& err);

}  // namespace talentflow::ctl
