// Team-health metrics (score_version 1): pure functions from a team's stored views to TeamHealth.
// The formulas are documented in README.md ("Metrics") and unit-tested in tests/views.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

#include "talentflow/v1/health.pb.h"
#include "talentflow/v1/view.pb.h"

namespace talentflow::views {

inline constexpr int kScoreVersion = 1;
inline constexpr int kWindows[] = {30, 90, 365};

// A team's stored views up to an as_of day, as loaded by the ViewStore.
struct TeamInputs {
  v1::TeamState state;
  // Day buckets in ascending day order, every stored one with day <= as_of.
  std::vector<std::pair<int64_t, v1::DayBucket>> buckets;
  // Timeline entries in log order within ascending day, every one with day <= as_of.
  std::vector<v1::TimelineEntry> timeline;
  // Outbound flows of the team (destination org, bucket) for the months overlapping the 365-day
  // window ending at as_of.
  std::vector<std::pair<std::string, v1::FlowBucket>> outbound_flows;
};

// Computes the TeamHealth of `org`/`team` at UTC day `as_of_day` (days since 1970-01-01).
v1::TeamHealth ComputeHealth(const std::string& org, const std::string& team, const TeamInputs& inputs,
                             int64_t as_of_day);

// The counts of one day bucket that the metrics sum.
struct DayTotals {
  int64_t hires = 0, departures = 0, transfers_in = 0, transfers_out = 0, regretted_departures = 0;
  // Departures of SENIOR and above, and of LEADERSHIP.
  int64_t senior_departures = 0, leadership_departures = 0;
  // By DestinationKind enum value (values past the sixth are not counted).
  std::array<int64_t, 6> departures_by_destination_kind{};
};
DayTotals TotalsOf(const v1::DayBucket& bucket);

// Sorts `days` by day (stable), keeps the last entry of each day and drops days after
// `as_of_day`: what ComputeHealth makes of TeamInputs::buckets. Cheap when `days` already is
// ascending with one entry per day and nothing after as_of (as a range read of stored buckets is).
void NormalizeDays(std::vector<std::pair<int64_t, DayTotals>>& days, int64_t as_of_day);

// The first day whose bucket ComputeHealth reads for a team with this timeline: the first day of
// the 365-day window (as_of_day − 364), or the day of the last headcount report on or before it
// (the estimate restarts at each report, so earlier moves never count).
int64_t FirstBucketDay(absl::Span<const v1::TimelineEntry> timeline, int64_t as_of_day);

// The people who left a team for each destination org, counted as the top destinations count
// them: distinct person ids, plus one for each mover without an id. Add buckets in any order.
class DestinationTally {
 public:
  void Add(absl::string_view destination_org, const v1::FlowBucket& bucket);
  // Up to `n` (people, org), most people first, ties by org name.
  std::vector<std::pair<int64_t, std::string>> Top(size_t n) const;

 private:
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> people_;
  std::map<std::string, int64_t, std::less<>> anonymous_;
};

// A team's views as the metrics read them; TeamInputs with each bucket reduced to its DayTotals.
// The Reader builds it straight from storage, without keeping a DayBucket per day.
struct HealthSource {
  const v1::TeamState* state = nullptr;  // required
  // Ascending day, one per day, none after as_of (see NormalizeDays); every stored one from
  // FirstBucketDay(timeline, as_of) on (earlier ones may be left out).
  absl::Span<const std::pair<int64_t, DayTotals>> days;
  absl::Span<const v1::TimelineEntry> timeline;
  // The team's outbound flows (TeamInputs::outbound_flows) tallied; null when there are none.
  const DestinationTally* destinations = nullptr;
};

// The same result as ComputeHealth over the TeamInputs `source` was made from (that overload
// calls this one).
// A team with neither a headcount estimate nor an applied event in the 365 days up to as_of is
// not scored: status UNKNOWN, score 0, low confidence, and one reason ("no data: …") plus the
// inactive note when it was merged or dissolved.
v1::TeamHealth ComputeHealth(const std::string& org, const std::string& team, const HealthSource& source,
                             int64_t as_of_day);

// The status band of a score: HEALTHY >= 75 > WATCH >= 55 > AT_RISK >= 35 > CRITICAL.
v1::HealthStatus StatusForScore(int score);

// "lowered" for PRIORITY_LOWERED, "frozen" for BUDGET_STATUS_FROZEN, …
std::string ShortName(v1::Priority p);
std::string ShortName(v1::BudgetStatus b);
std::string ShortName(v1::HealthStatus s);

}  // namespace talentflow::views
