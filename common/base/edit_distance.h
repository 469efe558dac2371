// How far apart two names are, for "did you mean …?" hints (feed fields and enum names, org and
// team names on reads).
#pragma once

#include <cstddef>

#include "absl/strings/string_view.h"

namespace talentflow {

// The optimal string alignment distance between `a` and `b`: the fewest insertions, deletions,
// substitutions and swaps of neighbouring characters that turn one into the other, each counted
// once. Case-sensitive, byte-wise. Example: EditDistance("sroa", "sora") == 1.
size_t EditDistance(absl::string_view a, absl::string_view b);

}  // namespace talentflow
