// Aliases maps the names scrapers and readers write ("Open AI", "Google DeepMind") to canonical slugs.
// Ingest normalises every event through it and the query service every request, so a name the
// feed takes is a name reads take.
#pragma once

#include <string>
#include "absl/strings/string_view.h"

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "common/base/slug.h"

namespace talentflow {

class Aliases {
 public:
  Aliases() = default;

  // Loads a JSON file {"orgs": {"Open AI": "openai", …}, "teams": {"Core LLM": "chatgpt", …}}.
  // Every value must be a slug. NotFound / InvalidArgument naming the file and entry otherwise.
  static absl::StatusOr<Aliases> Load(const std::string& path);
  // Same, from JSON text.
  static absl::StatusOr<Aliases> Parse(absl::string_view json);

  // The canonical org / team slug of `raw`: its alias (matched case-insensitively, surrounding
  // whitespace ignored), else `raw` lower-cased when that is a slug. InvalidArgument otherwise.
  absl::StatusOr<std::string> Org(absl::string_view raw) const;
  absl::StatusOr<std::string> Team(absl::string_view raw) const;

 private:
  absl::flat_hash_map<std::string, std::string> orgs_;   // lower-cased alias -> slug
  absl::flat_hash_map<std::string, std::string> teams_;  // lower-cased alias -> slug
};

}  // namespace talentflow
