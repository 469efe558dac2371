// People (GetPerson, ListPeople): a person's moves read from the teams' histories, with their
// stories' outlets, and the counterparts that link a departure to the hire it led to. Pure
// functions over history records and moves, so a routed read can link the moves it gathered from
// several instances exactly as one instance links its own.
#pragma once

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "talentflow/v1/query.pb.h"
#include "talentflow/v1/view.pb.h"

namespace talentflow::query {

// Effective dates of a move and its counterpart are at most this many days apart (issue 19).
inline constexpr int64_t kCounterpartDays = 90;

// Whether `event` is a move: a hire, departure, transfer in or transfer out.
bool IsMove(const v1::Event& event);

// The move of one history record of a move (IsMove), its outlets, story confidence, counterpart
// and corroboration unset.
v1::PersonMove MoveOf(const v1::HistoryEntry& entry);

// The story of each history record: "<org>/<team>/evt:<applied event id>". A story is an APPLIED
// (or since RETRACTED) event and every DUPLICATE whose duplicate_of names it; a DUPLICATE without
// duplicate_of (written before the field existed) belongs to the applied event of its org, team
// and idempotency key, and one whose applied event was not learnt is named
// "<org>/<team>/key:<idempotency key>". Learn every record first, then ask Of.
class StoryNames {
 public:
  void Learn(const v1::HistoryEntry& entry);
  std::string Of(const v1::HistoryEntry& entry) const;

 private:
  static bool IsApplied(const v1::HistoryEntry& entry);
  using Key = std::tuple<std::string, std::string, std::string>;  // org, team, idempotency key
  std::map<Key, std::string> applied_by_key_;                      // -> the first applied event
};

// The moves among `entries` (history records of any teams; others are skipped), each with the
// outlets of its story: the distinct outlets (case-insensitive, first spelling in log order) of
// its records among `entries` (StoryNames), and its story_confidence (the highest of theirs,
// evidence.h ConfidenceRank). A move whose report gave no person id takes its story's: that of
// the first of its records among `entries` (log order) that gave one. REQUIRES: `entries`
// holds every record of each story it holds part of (a story is filed under one team, so the
// records of a whole partition, or every record of one person, do). Counterparts and
// corroboration are left unset (LinkMoves sets them).
std::vector<v1::PersonMove> MovesOf(const std::vector<v1::HistoryEntry>& entries);

// Sorts `moves` by effective time, then partition and offset, sets each one's counterpart,
// counterpart outlets and corroboration (clearing what they held), and returns the counterparts
// in the order of their out-moves. A departure from A to B pairs with a hire at B from A, a
// transfer out of T1 to T2 with a transfer in at T2 from T1 of the same org: same person id, both
// APPLIED, effective days at most kCounterpartDays apart; each move pairs at most once, with the
// candidate nearest in days (then first in order). An APPLIED move is corroborated when its story
// has >= 2 outlets, or its story_confidence is CONFIRMED, or it has a counterpart; other moves never are.
std::vector<v1::MoveCounterpart> LinkMoves(std::vector<v1::PersonMove>& moves);

// The key of a person's row in ListPeople: "id:<person id>", else "name:<name lower-cased>" (so
// rows with an id sort first).
std::string PersonKey(const v1::Person& person);

}  // namespace talentflow::query
