#include "common/base/aliases.h"

#include <fstream>
#include <sstream>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace talentflow {

static std::string Fold(absl::string_view raw) {
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(raw));
}

absl::StatusOr<Aliases> Aliases::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("aliases file ", path, ": cannot open"));
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = Parse(text.str());
  if (!parsed.ok()) return absl::InvalidArgumentError(absl::StrCat(path, ": ", parsed.status().message()));
  return parsed;
}

absl::StatusOr<Aliases> Aliases::Parse(absl::string_view json) {
  google::protobuf::Struct root;
  auto st = google::protobuf::util::JsonStringToMessage(std::string(json), &root);
  if (!st.ok()) return absl::InvalidArgumentError(absl::StrCat("bad JSON: ", st.message().as_string()));
  Aliases a;
  for (const auto& [section, target] : {std::pair<std::string, decltype(&a.orgs_)>{"orgs", &a.orgs_},
                                        {"teams", &a.teams_}}) {
    auto it = root.fields().find(section);
    if (it == root.fields().end()) continue;
    if (!it->second.has_struct_value()) {
      return absl::InvalidArgumentError(absl::StrCat("\"", section, "\" must be an object"));
    }
    for (const auto& [alias, value] : it->second.struct_value().fields()) {
      if (!value.has_string_value() || !IsSlug(value.string_value())) {
        return absl::InvalidArgumentError(
            absl::StrCat(section, ".\"", alias, "\": value must be a slug [a-z0-9][a-z0-9-]{0,62}"));
      }
      (*target)[Fold(alias)] = value.string_value();
    }
  }
  return a;
}

static absl::StatusOr<std::string> Resolve(const absl::flat_hash_map<std::string, std::string>& map,
                                           absl::string_view raw) {
  std::string folded = Fold(raw);
  if (auto it = map.find(folded); it != map.end()) return it->second;
  if (IsSlug(folded)) return folded;
  return absl::InvalidArgumentError(
      absl::StrCat("\"", raw, "\" is not a slug ([a-z0-9][a-z0-9-]{0,62}) and has no alias"));
}

absl::StatusOr<std::string> Aliases::Org(absl::string_view raw) const { return Resolve(orgs_, raw); }
absl::StatusOr<std::string> Aliases::Team(absl::string_view raw) const { return Resolve(teams_, raw); }

}  // namespace talentflow
