// Ingest's name for the alias table, which lives in common/base (the query service resolves the
// same names on reads).
#pragma once

#include "common/base/aliases.h"
#include "common/base/slug.h"

namespace talentflow::ingest {

using ::talentflow::Aliases;
using ::talentflow::IsSlug;

}  // namespace talentflow::ingest
