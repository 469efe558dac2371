// The fold: how one event changes the views. Pure and deterministic — no Kafka, no RocksDB, no
// clock, no randomness; the same log applied to the same state yields byte-identical state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "talentflow/v1/event.pb.h"
#include "talentflow/v1/view.pb.h"

namespace talentflow::views {

// ViewState is the key-value state of one Kafka partition as the fold sees it (keys as in
// keys.h, without the partition prefix). Implementations: the RocksDB batch in view_store.h and
// an in-memory map in tests. Get must see this state's own earlier Put and Delete calls.
class ViewState {
 public:
  virtual ~ViewState() = default;
  virtual std::optional<std::string> Get(const std::string& key) = 0;
  virtual void Put(const std::string& key, std::string value) = 0;
  virtual void Delete(const std::string& key) = 0;
};

// Where a record sits in the log.
struct RecordMeta {
  int32_t partition = 0;
  int64_t offset = 0;
};

// What Apply did with an event; mirrors v1::EventStatus.
enum class Outcome {
  kApplied,
  kDuplicate,
  kRetractionApplied,
  kRetractionPending,
  kRetractionNoop,
};

// Applies `event`, read at `meta`, to `state`:
//   - a new idempotency key (and event id): its effect goes into the day bucket of its effective
//     day, its timeline (priority, budget, compute, retention, team change, headcount) or flows;
//   - a known key or event id, or a move whose story (views/story.h: org, team, kind, person,
//     date at its precision) an applied move tells already: recorded as a duplicate, no effect;
//     its HistoryEntry's duplicate_of names the applied event and its note why ("duplicate of
//     evt-0041: same departure of jane-doe on 2026-02-18"); a story's later reports add the
//     person's id (when the story had none) and names to its identity;
//   - an applied move files its story in the StoryIndex of its team, kind and period;
//   - a retraction: undoes its target's effect (buckets are decremented, timeline and flow
//     entries removed, empty buckets deleted) and frees the target's idempotency key and story; a target
//     not seen yet is remembered and retracted on arrival; a target already retracted, a
//     duplicate or a retraction is recorded as a no-op.
// Every event gets a HistoryEntry and counts in its TeamState.
// Returns InvalidArgument, changing nothing, for an event that cannot apply (missing id, key,
// org, team, effective time or payload); the caller dead-letters it.
absl::StatusOr<Outcome> Apply(const v1::Event& event, const RecordMeta& meta, ViewState& state);

}  // namespace talentflow::views
