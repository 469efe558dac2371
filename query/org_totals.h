// Org totals count a person once per window (issue 19 item 4). Two feeds may file the same
// departure of one person under two teams of an org (a "Sora" report and a "DALL-E" report of
// the same person leaving on the same day): the fold keeps both, since a story is per team
// (views/story.h), and each team counts it, which is right for the teams. An org total of people
// must count that person once. Pure functions over the window's movers, so a cluster read can
// count the movers it gathered from several instances exactly as one instance counts its own.
//
// The rule (README "Metrics", org totals; "Movement"): within one trailing window, the APPLIED
// moves of one kind (hire, departure, transfer in, transfer out) by the same person in the org's
// teams count once, at the highest seniority reported among them. A person is known by person.id,
// else by the normalised name (views::NormalisedName, the story identity's): a mover with a name
// and no id is the person with an id and that name (the smallest such id when several have it),
// else the people without an id of that name are one person. A move with neither id nor name has
// no identity and counts each time. The teams' own figures do not change.
//
// The totals are computed as the plain sums of the teams' figures minus what the sums count more
// than once, so an org where no person repeats keeps its figures exactly.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "talentflow/v1/query.pb.h"
#include "talentflow/v1/view.pb.h"

namespace talentflow::query {

// The trailing window of GetOrgSnapshot's totals (TeamHealth's 90-day window).
inline constexpr int kOrgTotalsWindowDays = 90;

// The movers among `moves` (people.h MoveOf/MovesOf of any teams' histories): APPLIED moves with a
// person id or a non-empty name, effective UTC day in [as_of_day - window_days + 1, as_of_day], as
// TeamHealth's and TeamMovement's windows count them. `backfilled` set on the departures whose
// event id is in `backfilled` (movement.h TeamMovementOf's backfills that are not open).
std::vector<v1::WindowMover> WindowMoversOf(const std::vector<v1::PersonMove>& moves, int64_t as_of_day,
                                            int window_days, const std::set<std::string>& backfilled = {});

// The movers of the 90-day window in the APPLIED moves of `history` (a team's history records, any
// order). Reads no outlets (cheaper than MovesOf).
std::vector<v1::WindowMover> WindowMoversOfHistory(const std::vector<v1::HistoryEntry>& history, int64_t as_of_day);

// The person of each mover, by index: "id:<person id>" or "name:<normalised name>" (the rule
// above; the same key for the same person).
std::vector<std::string> PersonKeysOf(const std::vector<v1::WindowMover>& movers);

// Makes `totals` (query service AddTotals: plain sums of the 90-day windows of the org's active
// teams at `as_of_day`) count each person once: hires_90d, departures_90d, senior_departures_90d
// (the person's highest seniority is SENIOR or above) and leadership_departures_90d. `movers`:
// the 90-day movers of the org's teams (any teams; those not in `active_teams` are skipped, as
// AddTotals skips inactive teams).
void CountPeopleOnce(const std::vector<v1::WindowMover>& movers, const std::set<std::string>& active_teams,
                     int64_t as_of_day, v1::OrgTotals& totals);

// Makes `totals` (movement.h SumMovement of the org's teams at `as_of_day`) count each person
// once per window and kind: hires, departures, transfers in and out by seniority (the person in
// the highest seniority reported), senior_departures (highest SENIOR or above), backfilled (any
// of the person's senior departures was backfilled) and open (none was). Backfill rows stay per
// team. `movers`: the 365-day movers of the teams, `backfilled` set on senior departures.
void CountPeopleOnce(const std::vector<v1::WindowMover>& movers, int64_t as_of_day, v1::TeamMovement& totals);

}  // namespace talentflow::query
