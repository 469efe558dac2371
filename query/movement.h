// Movement (GetTeamMovement, and GetTalentFlows' monthly series): who joined and left a team by
// seniority in the trailing windows, whether each senior departure was backfilled, and a talent
// flow month by month. Pure functions over moves (people.h MovesOf) and flow edges, so a caller
// can pass only the moves that pass an evidence filter, and a routed read computes from what it
// gathered exactly as one instance does. The formulas are README's "Movement".
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "talentflow/v1/query.pb.h"

namespace talentflow::query {

// The trailing windows (days), TeamHealth's.
inline constexpr int kMovementWindowDays[] = {30, 90, 365};

// The movement of `team` at `as_of_day` (days since 1970-01-01) from `moves`: the team's moves in
// any order and of any status (MovesOf of its history). Only APPLIED moves filed under `team`
// with an effective day <= as_of_day count, each on the UTC day of its stored effective time
// (a MONTH- or QUARTER-precision report on the day the feed gave, as every metric counts it).
// Windows: hires, departures, transfers in and out by seniority; senior departures, backfilled
// and open. Backfills: every departure of SENIOR or above, in effective-day order then log order
// (partition, offset), takes the first hire or transfer in (by day, then log order) on or after
// its day with seniority >= its own that no earlier departure took; matched over the whole
// history up to as_of, listed for the 365-day window.
v1::TeamMovement TeamMovementOf(const std::string& team, const std::vector<v1::PersonMove>& moves, int64_t as_of_day);

// Org totals of `teams` (TeamMovementOf of each, same as_of): windows summed; backfills of every
// team by departure day, then team, then their order in the team. `team` left empty.
v1::TeamMovement SumMovement(const std::vector<v1::TeamMovement>& teams);

// The monthly series of the flows `edges` (BuildEdges' edges of `org`: every mover with its
// month) for every calendar month from `from_day`'s to `to_day`'s. An edge from `org` is outbound,
// one to it inbound. A person (by id; a mover without one counts each) counts once per edge, in
// the first month of its movers. InvalidArgument for more than 1,000 months.
absl::StatusOr<std::vector<v1::FlowMonth>> FlowMonths(const std::string& org,
                                                      const google::protobuf::RepeatedPtrField<v1::FlowEdge>& edges,
                                                      int64_t from_day, int64_t to_day);

}  // namespace talentflow::query
