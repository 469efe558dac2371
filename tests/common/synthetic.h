// Synthetic events for tests: ctl's generator (ctl/synthetic_source.h), with the test defaults
// of 20 orgs × 10 teams so teams see many events.
#pragma once

#include "ctl/synthetic_source.h"

namespace talentflow::testing {

struct SyntheticOptions {
  int events = 1000;
  int orgs = 20;
  int teams_per_org = 10;
  uint64_t seed = 42;
};

inline std::vector<v1::Event> Synthetic(const SyntheticOptions& o) {
  return ctl::Synthetic({.events = o.events, .orgs = o.orgs, .teams_per_org = o.teams_per_org, .seed = o.seed});
}

}  // namespace talentflow::testing
