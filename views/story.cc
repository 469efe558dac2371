#include "views/story.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/base/time_util.h"
#include "views/keys.h"

namespace talentflow::views {
namespace {

bool HasName(const v1::StoryIndex::Story& story, const std::string& name) {
  for (const auto& n : story.names()) {
    if (n == name) return true;
  }
  return false;
}

}  // namespace

std::string NormalisedName(absl::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool space = false;
  for (char c : name) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string DateAtPrecision(const v1::Event& event) {
  const int64_t day = DayOf(event.effective_time());
  switch (event.date_precision()) {
    case v1::DATE_PRECISION_MONTH: return FormatMonth(day);
    case v1::DATE_PRECISION_QUARTER: return FormatQuarter(day);
    default: return FormatDay(day);
  }
}

std::string MoveKindName(const v1::Event& event) {
  switch (event.payload_case()) {
    case v1::Event::kHire: return "hire";
    case v1::Event::kDeparture: return "departure";
    case v1::Event::kTransferIn: return "transfer_in";
    case v1::Event::kTransferOut: return "transfer_out";
    default: return "";
  }
}

std::optional<std::string> StoryIndexKey(const v1::Event& event) {
  const std::string kind = MoveKindName(event);
  if (kind.empty()) return std::nullopt;
  if (event.person().id().empty() && NormalisedName(event.person().name()).empty()) return std::nullopt;
  return keys::Stories(event.org(), event.team(), kind, DateAtPrecision(event));
}

v1::StoryIndex::Story* FindStory(v1::StoryIndex& index, const v1::Event& event) {
  const std::string& id = event.person().id();
  const std::string name = NormalisedName(event.person().name());
  if (!id.empty()) {
    for (auto& s : *index.mutable_stories()) {
      if (s.person_id() == id) return &s;
    }
  }
  if (name.empty()) return nullptr;
  for (auto& s : *index.mutable_stories()) {
    if ((id.empty() || s.person_id().empty()) && HasName(s, name)) return &s;
  }
  return nullptr;
}

void JoinStory(v1::StoryIndex::Story& story, const v1::Event& event) {
  if (story.person_id().empty()) story.set_person_id(event.person().id());
  std::string name = NormalisedName(event.person().name());
  if (!name.empty() && !HasName(story, name)) story.add_names(std::move(name));
}

std::string SameStoryReason(const v1::Event& event) {
  const std::string& who = event.person().id().empty() ? event.person().name() : event.person().id();
  return absl::StrCat("same ", absl::StrReplaceAll(MoveKindName(event), {{"_", " "}}), " of ", who, " on ",
                      DateAtPrecision(event));
}

}  // namespace talentflow::views
