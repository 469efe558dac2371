// Parsing of talentflowctl's command-line values: team references, dates, offsets and enum names.
// Pure functions; each error is InvalidArgument with a message that does not name the flag (the
// caller prefixes it), e.g. "bad time \"2026-13-01\": expected YYYY-MM-DD or RFC 3339 (…)".
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/timestamp.pb.h"
#include "talentflow/v1/health.pb.h"
#include "talentflow/v1/query.pb.h"

namespace talentflow::ctl {

// A team named on the command line as "ORG/TEAM".
struct TeamRef {
  std::string org;
  std::string team;
};

// An org as named on the command line: a slug ("openai") or a name the server resolves to one
// ("OpenAI", "Open AI": aliases, case and spacing, as ingest does), surrounding spaces dropped.
// InvalidArgument when empty, longer than 200 bytes, or holding a "/".
absl::StatusOr<std::string> ParseOrg(absl::string_view text);

// "openai/superalignment", or names the server resolves ("OpenAI/Sora"). InvalidArgument unless
// there are two non-empty halves.
absl::StatusOr<TeamRef> ParseTeamRef(absl::string_view text);

// Which instant a bare date ("2026-02-10") stands for.
enum class DayBound {
  kStart,  // 00:00:00 UTC: for `--as-of`, `--from`, and wherever only the day counts
  kEnd,    // the last nanosecond of the UTC day: for inclusive upper bounds on exact times
};

// Parses "YYYY-MM-DD" or RFC 3339 ("2026-02-10T12:00:00Z"). An RFC 3339 time is taken as given,
// whatever `bound`.
absl::StatusOr<google::protobuf::Timestamp> ParseDate(absl::string_view text, DayBound bound = DayBound::kStart);

// Parses "P:O,P:O" (partition:offset, as printed by `talentflowctl publish`).
// Example: "0:41,3:7" -> {{0, 41}, {3, 7}}. Duplicate partitions keep the highest offset.
absl::StatusOr<std::map<int32_t, int64_t>> ParseOffsets(absl::string_view text);

// "0:41,3:7"; "" for an empty map. The inverse of ParseOffsets.
std::string FormatOffsets(const std::map<int32_t, int64_t>& offsets);

// "healthy,watch,at_risk,critical" (any subset, any order; "at-risk" is accepted too).
absl::StatusOr<std::vector<v1::HealthStatus>> ParseStatuses(absl::string_view text);

// "score", "attrition" or "name".
absl::StatusOr<v1::ListTeamsRequest::OrderBy> ParseOrderBy(absl::string_view text);

// "day", "week" or "month".
absl::StatusOr<v1::GetTeamTrendRequest::Granularity> ParseGranularity(absl::string_view text);

// --min-confidence: "rumor", "reported" or "confirmed".
absl::StatusOr<v1::Confidence> ParseConfidence(absl::string_view text);

// The teams `watch` follows: every team of one org ("openai"), or some of them
// ("openai/alignment openai/superalignment").
struct WatchTarget {
  std::string org;
  std::vector<std::string> teams;  // empty: every team of `org`
};

// Parses the arguments of `watch`. InvalidArgument when they name more than one org.
absl::StatusOr<WatchTarget> ParseWatchTarget(const std::vector<std::string>& args);

// Event payload kinds for `events --type`: a comma list of Event payload field names, in the
// proto's or the feed's spelling ("transfer_out" or "transferOut"); "transfer" is both transfers.
// Example: "departure,transfer" -> {"departure", "transfer_out", "transfer_in"}.
absl::StatusOr<std::vector<std::string>> ParseEventTypes(absl::string_view text);

// Event statuses for `events --status`: "applied", "duplicate", "retracted", "retraction_applied",
// "retraction_pending" (or "pending"), "retraction_noop".
absl::StatusOr<std::vector<v1::EventStatus>> ParseEventStatuses(absl::string_view text);

}  // namespace talentflow::ctl
