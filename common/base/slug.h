// Canonical slugs of orgs and teams.
#pragma once

#include "absl/strings/string_view.h"

namespace talentflow {

// True for a canonical slug: [a-z0-9][a-z0-9-]{0,62}.
inline bool IsSlug(absl::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  auto ok = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!ok(s[0])) return false;
  for (char c : s.substr(1)) {
    if (!ok(c) && c != '-') return false;
  }
  return true;
}

}  // namespace talentflow
