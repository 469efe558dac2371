// CSV of QueryService responses (`--csv` on every read), for spreadsheets: one implementation,
// RFC 4180 quoting (a field holding a comma, a double quote, CR or LF is quoted, its quotes
// doubled), a header row, LF line ends. Every value whole (no cutting, no colour); ids, orgs,
// teams, origin/destination orgs and kinds as columns where the data has them. Pure functions.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "talentflow/v1/health.pb.h"
#include "talentflow/v1/query.pb.h"

namespace talentflow::ctl {

// One field, quoted when RFC 4180 requires it. Example: `say "hi", ok` -> `"say ""hi"", ok"`.
std::string CsvField(absl::string_view value);
// The fields joined by commas, each through CsvField, ending in "\n".
std::string CsvRow(const std::vector<std::string>& fields);

// Teams (team, teams, org, watch): org,team,as_of,active,status,score,headcount,departures_90d,
// senior_departures_90d,annualised_attrition_90d_pct,priority,budget — "" for an unknown value.
std::string TeamsCsv(const google::protobuf::RepeatedPtrField<v1::TeamHealth>& teams);
// A trend of `org`/`team`: org,team,date,headcount,hires,departures,score,status.
std::string TrendCsv(const std::string& org, const std::string& team, const v1::GetTeamTrendResponse& trend);
// Talent flows, one row per mover: from_org,to_org,team,month,person_id,person_name,seniority
// (team: the team whose event recorded the move).
std::string FlowsCsv(const v1::GetTalentFlowsResponse& flows);
// Event records (events, audit history): event_id,org,team,kind,effective_date,date_precision,
// person_id,person_name,seniority,origin_org,destination_org,destination_kind,target_event_id,
// status,note,partition,offset,recorded_time,confidence,evidence. kind is the payload's feed name
// (hire, departure, retraction, …); origin_org a hire's from_org; destination_org and
// destination_kind a departure's; target_event_id a retraction's; evidence "outlet <url>" joined
// by " | ".
std::string EventsCsv(const google::protobuf::RepeatedPtrField<v1::EventRecord>& events);
// A watermark (lag): partition,applied_offset,end_offset,lag,instance,standby ("" for an unknown
// end or lag).
std::string WatermarkCsv(const v1::Watermark& watermark);
// Orgs: org,teams.
std::string OrgsCsv(const v1::ListOrgsResponse& orgs);

// Moves (person, people), one row per move: person_id,person_name,org,team,kind,effective_date,
// date_precision,from_org,from_team,to_org,to_team,confidence,outlets,status,corroborated,
// corroborated_by,counterpart_event_id,counterpart_outlets,event_id,note. kind is the payload's feed
// name (hire, departure, transferIn, transferOut); outlets joined by " | ", corroborated_by by "; ".
std::string MovesCsv(const std::vector<const v1::PersonMove*>& moves);

// GetTalentFlows' monthly series (flows --monthly): org,counterparty,month,inbound,outbound,net
// (counterparty "" for every org).
std::string FlowMonthsCsv(const v1::GetTalentFlowsRequest& request, const v1::GetTalentFlowsResponse& flows);

// GetTeamMovement's seniority mix, one row per team, window and kind (hires, departures,
// transfers_in, transfers_out): org,team,as_of,window_days,window_from,kind,unspecified,junior,mid,
// senior,staff,principal,leadership,total; for an org also the totals' rows (team "").
std::string MovementCsv(const v1::GetTeamMovementResponse& movement);
// GetTeamMovement's backfills (movement --backfills), one row per senior departure of the 365-day
// window: org,team,departure_event_id,departure_day,person_id,person_name,seniority,status (open or
// backfilled),hire_event_id,hire_day,hire_kind,hire_person_id,hire_person_name,hire_seniority,days.
std::string BackfillsCsv(const v1::GetTeamMovementResponse& movement);

}  // namespace talentflow::ctl

