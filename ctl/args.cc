#include "ctl/args.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/match.h"
#include "common/base/status.h"
#include "common/base/time_util.h"

namespace talentflow::ctl {
namespace {

// A name as the query service takes it: the server resolves it to a slug (aliases, case, spacing).
absl::StatusOr<std::string> ParseName(absl::string_view what, absl::string_view text) {
  const absl::string_view name = absl::StripAsciiWhitespace(text);
  if (name.empty()) return absl::InvalidArgumentError(absl::StrCat(what, ": empty name"));
  if (name.size() > 200) {
    return absl::InvalidArgumentError(absl::StrCat(what, " \"", name.substr(0, 20), "…\": longer than 200 bytes"));
  }
  return std::string(name);
}

}  // namespace

absl::StatusOr<std::string> ParseOrg(absl::string_view text) {
  if (absl::StrContains(text, '/')) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\": expected an org, e.g. openai (no \"/\")"));
  }
  return ParseName("org", text);
}

absl::StatusOr<TeamRef> ParseTeamRef(absl::string_view text) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, '/');
  if (parts.size() != 2) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\": expected ORG/TEAM, e.g. openai/superalignment"));
  }
  ASSIGN_OR_RETURN(std::string org, ParseName("org", parts[0]));
  ASSIGN_OR_RETURN(std::string team, ParseName("team", parts[1]));
  return TeamRef{std::move(org), std::move(team)};
}

absl::StatusOr<google::protobuf::Timestamp> ParseDate(absl::string_view text, DayBound bound) {
  absl::StatusOr<absl::Time> t = ParseTime(text);
  if (!t.ok()) return t.status();
  const bool bare_date = text.size() == 10;  // ParseTime accepts exactly 10 characters only as YYYY-MM-DD
  if (bare_date && bound == DayBound::kEnd) return ToTimestamp(*t + absl::Hours(24) - absl::Nanoseconds(1));
  return ToTimestamp(*t);
}

absl::StatusOr<std::map<int32_t, int64_t>> ParseOffsets(absl::string_view text) {
  std::map<int32_t, int64_t> offsets;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    item = absl::StripAsciiWhitespace(item);
    std::pair<absl::string_view, absl::string_view> po = absl::StrSplit(item, absl::MaxSplits(':', 1));
    int32_t partition = 0;
    int64_t offset = 0;
    if (!absl::SimpleAtoi(po.first, &partition) || !absl::SimpleAtoi(po.second, &offset) || partition < 0 ||
        offset < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", item, "\": expected PARTITION:OFFSET pairs separated by commas, e.g. 0:41,3:7"));
    }
    auto [it, inserted] = offsets.emplace(partition, offset);
    if (!inserted) it->second = std::max(it->second, offset);
  }
  if (offsets.empty()) return absl::InvalidArgumentError("expected PARTITION:OFFSET pairs, e.g. 0:41,3:7");
  return offsets;
}

std::string FormatOffsets(const std::map<int32_t, int64_t>& offsets) {
  return absl::StrJoin(offsets, ",", [](std::string* out, const auto& po) {
    absl::StrAppend(out, po.first, ":", po.second);
  });
}

absl::StatusOr<std::vector<v1::HealthStatus>> ParseStatuses(absl::string_view text) {
  std::vector<v1::HealthStatus> statuses;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(item));
    std::replace(name.begin(), name.end(), '-', '_');
    v1::HealthStatus status;
    if (!v1::HealthStatus_Parse("HEALTH_STATUS_" + absl::AsciiStrToUpper(name), &status) ||
        status == v1::HEALTH_STATUS_UNSPECIFIED) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", item, "\": expected a list of healthy, watch, at_risk, critical"));
    }
    if (std::find(statuses.begin(), statuses.end(), status) == statuses.end()) statuses.push_back(status);
  }
  if (statuses.empty()) return absl::InvalidArgumentError("expected a list of healthy, watch, at_risk, critical");
  return statuses;
}

absl::StatusOr<v1::ListTeamsRequest::OrderBy> ParseOrderBy(absl::string_view text) {
  if (text == "score") return v1::ListTeamsRequest::ORDER_BY_SCORE;
  if (text == "attrition") return v1::ListTeamsRequest::ORDER_BY_ATTRITION;
  if (text == "name") return v1::ListTeamsRequest::ORDER_BY_NAME;
  return absl::InvalidArgumentError(absl::StrCat("\"", text, "\": expected score, attrition or name"));
}

absl::StatusOr<v1::GetTeamTrendRequest::Granularity> ParseGranularity(absl::string_view text) {
  if (text == "day") return v1::GetTeamTrendRequest::GRANULARITY_DAY;
  if (text == "week") return v1::GetTeamTrendRequest::GRANULARITY_WEEK;
  if (text == "month") return v1::GetTeamTrendRequest::GRANULARITY_MONTH;
  return absl::InvalidArgumentError(absl::StrCat("\"", text, "\": expected day, week or month"));
}

absl::StatusOr<v1::Confidence> ParseConfidence(absl::string_view text) {
  if (text == "rumor") return v1::CONFIDENCE_RUMOR;
  if (text == "reported") return v1::CONFIDENCE_REPORTED;
  if (text == "confirmed") return v1::CONFIDENCE_CONFIRMED;
  return absl::InvalidArgumentError(absl::StrCat("\"", text, "\": expected rumor, reported or confirmed"));
}

absl::StatusOr<WatchTarget> ParseWatchTarget(const std::vector<std::string>& args) {
  WatchTarget target;
  bool whole_org = false;
  for (const std::string& arg : args) {
    std::string org;
    if (arg.find('/') == std::string::npos) {
      absl::StatusOr<std::string> parsed = ParseOrg(arg);
      if (!parsed.ok()) return parsed.status();
      org = *parsed;
      whole_org = true;
    } else {
      absl::StatusOr<TeamRef> ref = ParseTeamRef(arg);
      if (!ref.ok()) return ref.status();
      org = ref->org;
      if (std::find(target.teams.begin(), target.teams.end(), ref->team) == target.teams.end()) {
        target.teams.push_back(ref->team);
      }
    }
    if (!target.org.empty() && absl::AsciiStrToLower(org) != absl::AsciiStrToLower(target.org)) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", arg, "\": one org at a time (already watching ", target.org, ")"));
    }
    target.org = org;
  }
  if (target.org.empty()) return absl::InvalidArgumentError("expected ORG or ORG/TEAM ...");
  if (whole_org) target.teams.clear();  // the org covers its teams
  return target;
}

absl::StatusOr<std::vector<std::string>> ParseEventTypes(absl::string_view text) {
  const google::protobuf::OneofDescriptor* payload = v1::Event::descriptor()->FindOneofByName("payload");
  std::vector<std::string> kinds;
  for (int i = 0; i < payload->field_count(); ++i) kinds.push_back(payload->field(i)->name());
  std::vector<std::string> types;
  auto add = [&](const std::string& kind) {
    if (std::find(types.begin(), types.end(), kind) == types.end()) types.push_back(kind);
  };
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    const std::string name(absl::StripAsciiWhitespace(item));
    if (name == "transfer") {
      add("transfer_out");
      add("transfer_in");
      continue;
    }
    const google::protobuf::FieldDescriptor* field = nullptr;
    for (int i = 0; i < payload->field_count() && field == nullptr; ++i) {
      if (payload->field(i)->name() == name || payload->field(i)->json_name() == name) field = payload->field(i);
    }
    if (field == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("\"", name, "\": expected a list of ", absl::StrJoin(kinds, ", "),
                                                     " (or transfer for both transfers)"));
    }
    add(field->name());
  }
  if (types.empty()) return absl::InvalidArgumentError(absl::StrCat("expected a list of ", absl::StrJoin(kinds, ", ")));
  return types;
}

absl::StatusOr<std::vector<v1::EventStatus>> ParseEventStatuses(absl::string_view text) {
  constexpr char kExpected[] =
      "expected a list of applied, duplicate, retracted, retraction_applied, retraction_pending (or pending), "
      "retraction_noop";
  std::vector<v1::EventStatus> statuses;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(item));
    std::replace(name.begin(), name.end(), '-', '_');
    if (name == "pending") name = "retraction_pending";
    v1::EventStatus status;
    if (!v1::EventStatus_Parse("EVENT_STATUS_" + absl::AsciiStrToUpper(name), &status) ||
        status == v1::EVENT_STATUS_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat("\"", item, "\": ", kExpected));
    }
    if (std::find(statuses.begin(), statuses.end(), status) == statuses.end()) statuses.push_back(status);
  }
  if (statuses.empty()) return absl::InvalidArgumentError(kExpected);
  return statuses;
}

}  // namespace talentflow::ctl
