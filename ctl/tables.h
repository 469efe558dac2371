// Rendering of QueryService responses for a terminal: aligned tables that fit the screen's width,
// and proto3 JSON for scripts. Pure functions: no I/O, no clock; the same message always renders
// the same text. With `color`, health statuses carry ANSI colour escapes (callers pass true only
// when standard output is a terminal); without it the output is plain ASCII apart from "…", which
// marks a value cut to fit. A `width` of kUnlimited (standard output is not a terminal, or --wide)
// cuts and wraps nothing: every value whole, one line per row, so grep finds a row by any value.
#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "talentflow/v1/health.pb.h"
#include "talentflow/v1/query.pb.h"

namespace talentflow::ctl {

// The screen width when the terminal's is unknown: every line the table renderers produce is at
// most `width` columns wide (a value that does not fit is cut and ends in "…").
inline constexpr int kScreenWidth = 80;
// A width without limit.
inline constexpr int kUnlimited = 0;

// The width tables are rendered to: kUnlimited when standard output is not a terminal (`tty`
// false) or with --wide; else $COLUMNS (`columns_env`, when a positive number), else the
// terminal's (`terminal_columns`, from ioctl; 0 when unknown), else kScreenWidth.
// Example: TableWidth(true, false, "60", 120) -> 60; TableWidth(false, false, "60", 120) -> kUnlimited.
int TableWidth(bool tty, bool wide, const char* columns_env, int terminal_columns);

// `message` as one line of proto3 JSON (lowerCamelCase names, fields at their default values
// included) followed by "\n". Internal when protobuf cannot print it (e.g. an out-of-range
// Timestamp).
absl::StatusOr<std::string> RenderJson(const google::protobuf::Message& message);

// One team in detail: status and score, headcount, priority, budget, the 30/90/365-day windows
// side by side, the reasons for the score and the top destinations.
std::string RenderTeamHealth(const v1::TeamHealth& health, bool color, int width = kScreenWidth);

// One row per team, in the given order: team, heads (headcount), dep90 and sen90 (departures and
// senior departures in 90 days), attr% (annualised 90-day attrition), priority, budget, score,
// status ("inactive" for a merged or dissolved team). "-" marks an unknown value.
// "no teams\n" when `teams` is empty.
std::string RenderTeamList(const google::protobuf::RepeatedPtrField<v1::TeamHealth>& teams, bool color,
                           int width = kScreenWidth);

// A title line ("<org> as of <day>"), the team table of RenderTeamList ending in the org's totals
// row, then the rest of the org totals: "teams: …" (active, inactive, without headcount), "90d: …"
// (hires, departures, senior and leadership departures) and "status: …" (active teams per status).
std::string RenderOrgSnapshot(const v1::GetOrgSnapshotResponse& snapshot, bool color, int width = kScreenWidth);

// One row per point: date (end of the period), heads, hires, departures, score, status.
std::string RenderTrend(const v1::GetTeamTrendResponse& trend, bool color, int width = kScreenWidth);

// One row per edge: from, to, people, and the movers ("name (YYYY-MM)", cut to fit).
std::string RenderFlows(const v1::GetTalentFlowsResponse& flows, int width = kScreenWidth);

// GetTalentFlows with FLOW_GRANULARITY_MONTH: a title naming `request`'s org and counterparty,
// then one row per month (in, out, net = in - out) and a total row.
std::string RenderFlowMonths(const v1::GetTalentFlowsRequest& request, const v1::GetTalentFlowsResponse& flows,
                             int width = kScreenWidth);

// GetTeamMovement: a title, the team's (one team asked for) or the org totals' hires and
// departures by seniority (a row per seniority and a total row; hires/departures in the 30, 90 and
// 365-day windows, transfers in and out in 365 days), the senior departures of each window with
// how many were backfilled, then one row per senior departure of the 365-day window: the day, its
// team (org only), who left (name), seniority, the backfill ("2026-02-01 hire: Name (staff)" or
// "open") and the days to it (open: the days from the departure to as_of).
std::string RenderMovement(const v1::GetTeamMovementResponse& movement, int width = kScreenWidth);

// One row per event record: event id (never cut), effective date (at its precision), type, person,
// status and a note (what the event did, then the projector's note — a duplicate's names the story
// it joined —, then "outlets: A, B" when the move's story has two or more), which continues on the
// following lines rather than being cut (on one line at kUnlimited width).
std::string RenderEvents(const google::protobuf::RepeatedPtrField<v1::EventRecord>& events,
                         int width = kScreenWidth);

// One row per org: org, teams (how many the views hold). "no orgs: the views hold no events yet\n"
// when there is none.
std::string RenderOrgs(const v1::ListOrgsResponse& orgs, int width = kScreenWidth);

// One row per partition: applied offset, log end, lag ("-" when unknown); then the broker time of
// the newest applied record.
std::string RenderWatermark(const v1::Watermark& watermark);

// The screen of `talentflowctl watch`: a title ("<org> as of <day>, views at <time>") and the team
// table of the latest health of every team seen, by team slug.
std::string RenderWatch(const std::string& org, const std::map<std::string, v1::TeamHealth>& latest,
                        const v1::Watermark& watermark, bool color, int width = kScreenWidth);

// GetPerson: a title (name, id, title, seniority), then one row per move in time order: date (at
// its precision), org/team, the move ("departure to google-deepmind"), evidence (confidence and
// the story's outlets: "reported: Bloomberg, Reuters"), status with corroboration ("applied,
// corroborated (2 outlets, counterpart evt-…)", "applied, not corroborated", "retracted") and event
// id (never cut; long values wrap); then one line per counterpart and one per move with a note.
std::string RenderPerson(const v1::GetPersonResponse& person, int width = kScreenWidth);

// ListPeople: one row per move, grouped by person (named on their first row): person, date, team,
// move, status with corroboration (as RenderPerson), event id.
std::string RenderPeople(const v1::ListPeopleResponse& people, int width = kScreenWidth);

}  // namespace talentflow::ctl
