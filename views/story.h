// A move's story identity: which reports tell the same move (issue 19 item 5). Pure.
//
// A move (hire, departure, transfer out, transfer in) is one story per org, team, kind, person
// and effective date at its precision (the day; the month for MONTH; the quarter for QUARTER).
// The person is person.id, else the normalised name. Reports match across id and no id:
//   - a report with name N and no id matches a story of name N, with or without an id;
//   - a report with id X matches the story with id X, else a story of its name that has no id;
//   - two reports with different ids never match (a story takes the id of the first report of
//     it that had one).
// A report with neither id nor name has no story identity.
#pragma once

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "talentflow/v1/event.pb.h"
#include "talentflow/v1/view.pb.h"

namespace talentflow::views {

// `name` in lower case (ASCII letters), runs of whitespace as one space, trimmed.
// Example: NormalisedName("  Jane   DOE ") == "jane doe".
std::string NormalisedName(absl::string_view name);

// The effective date of `event` at its precision: "2026-02-18", "2026-02" or "2026-Q1".
std::string DateAtPrecision(const v1::Event& event);

// The kind of a move as its payload field is named ("hire", "departure", "transfer_in",
// "transfer_out"); empty when `event` is not a move.
std::string MoveKindName(const v1::Event& event);

// The key (keys::Stories) of the StoryIndex `event` is filed in, or nullopt when `event` is not a
// move or has no person id and no name.
std::optional<std::string> StoryIndexKey(const v1::Event& event);

// The story of `index` that `event` tells (the rules above; the first in apply order when
// several fit), or nullptr. REQUIRES: `index` is the record at StoryIndexKey(event).
v1::StoryIndex::Story* FindStory(v1::StoryIndex& index, const v1::Event& event);

// Adds what `event`, a report of `story`, tells about the person: its id when the story had
// none, its normalised name when new to the story.
void JoinStory(v1::StoryIndex::Story& story, const v1::Event& event);

// "same departure of jane-doe on 2026-02-18": why `event` repeats a story (the person as id, else
// name, as the report gave it).
std::string SameStoryReason(const v1::Event& event);

}  // namespace talentflow::views
