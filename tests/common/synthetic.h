// Synthetic events for tests and benchmarks: a seeded, deterministic mix of talentflow events
// over `orgs` × `teams_per_org` teams (hires, departures, transfers, reprioritisations, budget
// changes, headcount reports), with second reports of earlier stories (duplicates) and
// retractions of earlier events of the same team.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/common/event_builders.h"

namespace talentflow::testing {

struct SyntheticOptions {
  int events = 1000;
  int orgs = 20;
  int teams_per_org = 10;
  uint64_t seed = 42;
};

inline std::vector<v1::Event> Synthetic(const SyntheticOptions& o) {
  std::mt19937_64 rng(o.seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  const absl::Time start = Day(2024, 1, 1);
  std::vector<v1::Event> out;
  out.reserve(o.events);
  for (int i = 0; i < o.events; ++i) {
    const std::string org = absl::StrCat("org", pick(o.orgs));
    const int team_no = pick(o.teams_per_org);
    const std::string team = absl::StrCat("team", team_no);
    const absl::Time when = start + absl::Hours(24 * pick(1000)) + absl::Minutes(pick(1440));
    const std::string id = absl::StrCat("syn-", o.seed, "-", i);
    const int roll = pick(100);
    v1::Event e;
    if (roll < 5 && !out.empty()) {  // a second outlet reports an earlier story
      e = out[pick(static_cast<int>(out.size()))];
      e.set_event_id(id);
      e.mutable_evidence(0)->set_outlet("Second Outlet");
    } else if (roll < 7 && !out.empty()) {  // a retraction of an earlier event of some team
      const v1::Event& target = out[pick(static_cast<int>(out.size()))];
      e = Retraction(id, target.team(), when, target.event_id());
      e.set_org(target.org());
    } else if (roll < 45) {
      const auto seniority = static_cast<v1::Seniority>(1 + pick(6));
      const auto kind = static_cast<v1::DestinationKind>(1 + pick(5));
      e = Departure(id, team, when, absl::StrCat("p", rng() % 100000), seniority,
                    absl::StrCat("org", pick(o.orgs)), kind);
    } else if (roll < 75) {
      e = Hire(id, team, when, absl::StrCat("p", rng() % 100000), absl::StrCat("org", pick(o.orgs)));
    } else if (roll < 85) {
      e = HeadcountReport(id, team, when, 10 + pick(400));
    } else if (roll < 90) {
      e = Reprioritisation(id, team, when, static_cast<v1::Priority>(1 + pick(6)));
    } else if (roll < 95) {
      e = Budget(id, team, when, static_cast<v1::BudgetStatus>(1 + pick(4)));
    } else {
      e = BaseEvent(id, org, team, when);
      e.mutable_person()->set_id(absl::StrCat("p", rng() % 100000));
      e.mutable_transfer_out()->set_to_team(absl::StrCat("team", (team_no + 1) % o.teams_per_org));
    }
    if (roll >= 7) e.set_org(org);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace talentflow::testing
