// Team-health metrics (score_version 1): pure functions from a team's stored views to TeamHealth.
// The formulas are documented in README.md ("Metrics") and unit-tested in tests/projector.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "talentflow/v1/health.pb.h"
#include "talentflow/v1/view.pb.h"

namespace talentflow::projector {

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

// The status band of a score: HEALTHY >= 75 > WATCH >= 55 > AT_RISK >= 35 > CRITICAL.
v1::HealthStatus StatusForScore(int score);

// "lowered" for PRIORITY_LOWERED, "frozen" for BUDGET_STATUS_FROZEN, …
std::string ShortName(v1::Priority p);
std::string ShortName(v1::BudgetStatus b);
std::string ShortName(v1::HealthStatus s);

}  // namespace talentflow::projector
