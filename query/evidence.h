// Evidence filters (issue 19 items 2 and 3): which applied events a read counts under a
// v1::EvidenceFilter, and a team's views rebuilt from only those events. Computed on read from the
// stored histories, so replays stay byte-identical and corroboration that arrives later (a second
// outlet, a counterpart filed elsewhere) moves the figures on the next read. Pure functions over
// history records; the query service feeds them from the views.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "query/people.h"
#include "talentflow/v1/query.pb.h"
#include "talentflow/v1/view.pb.h"
#include "views/health.h"

namespace talentflow::query {

// The order of confidences: a report that states none ranks as RUMOR (the weakest claim), so
// `min_confidence` RUMOR passes every report, REPORTED drops rumours and unstated ones.
int ConfidenceRank(v1::Confidence confidence);

// Whether `filter` counts every report (min_confidence UNSPECIFIED or RUMOR, not corroborated_only):
// the stored figures answer it unchanged.
bool IsDefault(const v1::EvidenceFilter& filter);

// InvalidArgument naming `field`.min_confidence for a value that is not a Confidence.
absl::Status CheckFilter(const v1::EvidenceFilter& filter, const std::string& field = "evidence");

// "reported or better, corroborated only", "confirmed", "corroborated only"; "" for the default.
std::string DescribeFilter(const v1::EvidenceFilter& filter);

// What the filters know of the applied events among the history records they were given. A
// story is an applied event and the reports that repeat it (people.h StoryNames): its outlets are
// the distinct outlets (case-insensitive) of all its records, its confidence the highest of theirs.
class EvidenceIndex {
 public:
  // Adds one history record. REQUIRES: the records of each team are added in log order (as a scan
  // of the views or a team's history gives them), every record of each story added is added (a
  // story is filed under one team: a team's whole history does), and, for counterparts, every
  // move of each person whose moves are added (every record of the views does).
  void Add(const v1::HistoryEntry& entry);
  // Adds an APPLIED move filed outside the histories added (a counterpart candidate, as people.h
  // MovesOf gives it: its person id the story's when the report gave none; from this DB or gathered
  // from another instance) for linking only; any other move, or one already added, changes nothing.
  void AddMove(const v1::PersonMove& move);
  // The person ids of the applied moves added: a move's own, else its story's (the first report of
  // the story that gave one, so a move published without the id and corrected later counts).
  std::set<std::string> People() const;
  // Links the moves added (people.h LinkMoves: counterparts within kCounterpartDays). Call once
  // after the last Add and before Passes.
  void Finish();

  // Whether the APPLIED event `event_id` passes `filter`. False for an id not added, or added with
  // another status (retracted events, duplicates and retractions never count themselves).
  bool Passes(const std::string& event_id, const v1::EvidenceFilter& filter) const;
  // Whether the APPLIED event is corroborated (see v1::EvidenceFilter.corroborated_only).
  bool Corroborated(const std::string& event_id) const;

 private:
  struct Story {
    v1::Confidence confidence = v1::CONFIDENCE_UNSPECIFIED;
    std::string first_outlet;  // lower-cased
    bool two_outlets = false;  // a second distinct outlet was seen
    std::string person_id;     // of its first report (log order) that gave one
  };
  struct AppliedMove {
    std::string story;
    v1::PersonMove move;  // its person id the report's (Finish fills in the story's)
  };
  struct Applied {
    std::string story;
    bool move = false;
  };
  StoryNames names_;
  std::map<std::string, Story> stories_;
  std::map<std::string, Applied> applied_;
  std::vector<AppliedMove> applied_moves_;  // of Add, linked in Finish
  // Applied moves with a person id, by person id (LinkMoves pairs them).
  std::map<std::string, std::vector<v1::PersonMove>> moves_;
  std::set<std::string> with_counterpart_;  // event ids
  std::set<std::string> linked_;            // event ids of the moves in moves_
};

// A team's views rebuilt from the APPLIED events of its `history` (every record of the team, log
// order) for which `passes(event_id)` holds, each folded with views::Apply at its own partition
// and offset into an empty in-memory state, as they reach ComputeHealth for `as_of_day`
// (TeamInputs' contract: buckets and timeline up to as_of, outbound flows of the months of the
// 365-day window). The state's record counters (events, duplicates, retracted) stay those of the
// whole history: they count records, not evidence. A team none of whose events passes keeps its
// org and team with nothing applied (unscored: status UNKNOWN).
views::TeamInputs FilteredInputs(const std::string& org, const std::string& team,
                                 const std::vector<v1::HistoryEntry>& history,
                                 absl::FunctionRef<bool(const std::string& event_id)> passes, int64_t as_of_day);

}  // namespace talentflow::query
