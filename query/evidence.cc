#include "query/evidence.h"

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/base/time_util.h"
#include "query/people.h"
#include "views/fold.h"
#include "views/keys.h"
#include "views/map_state.h"

namespace talentflow::query {
int ConfidenceRank(v1::Confidence confidence) {
  switch (confidence) {
    case v1::CONFIDENCE_CONFIRMED: return 3;
    case v1::CONFIDENCE_REPORTED: return 2;
    default: return 1;  // RUMOR, or none stated
  }
}

bool IsDefault(const v1::EvidenceFilter& filter) {
  return ConfidenceRank(filter.min_confidence()) <= 1 && !filter.corroborated_only();
}

absl::Status CheckFilter(const v1::EvidenceFilter& filter, const std::string& field) {
  if (!v1::Confidence_IsValid(filter.min_confidence())) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".min_confidence: ", filter.min_confidence(),
                                                   " is not a confidence (RUMOR, REPORTED or CONFIRMED)"));
  }
  return absl::OkStatus();
}

std::string DescribeFilter(const v1::EvidenceFilter& filter) {
  std::vector<std::string> parts;
  switch (filter.min_confidence()) {
    case v1::CONFIDENCE_REPORTED: parts.push_back("reported or better"); break;
    case v1::CONFIDENCE_CONFIRMED: parts.push_back("confirmed"); break;
    default: break;  // RUMOR and unset: every report
  }
  if (filter.corroborated_only()) parts.push_back("corroborated only");
  return absl::StrJoin(parts, ", ");
}

void EvidenceIndex::Add(const v1::HistoryEntry& entry) {
  const v1::Event& e = entry.event();
  if (e.has_retraction()) return;  // a retraction is not a report of a story
  // In log order an applied event comes before the reports that repeat it, so one pass names them.
  names_.Learn(entry);
  const std::string name = names_.Of(entry);
  Story& story = stories_[name];
  if (story.person_id.empty()) story.person_id = e.person().id();
  if (story.confidence == v1::CONFIDENCE_UNSPECIFIED || ConfidenceRank(e.confidence()) > ConfidenceRank(story.confidence)) {
    story.confidence = e.confidence();
  }
  for (const auto& ev : e.evidence()) {
    if (ev.outlet().empty() || story.two_outlets) continue;
    std::string outlet = absl::AsciiStrToLower(ev.outlet());
    if (story.first_outlet.empty()) {
      story.first_outlet = std::move(outlet);
    } else if (outlet != story.first_outlet) {
      story.two_outlets = true;
    }
  }
  if (entry.status() != v1::EVENT_STATUS_APPLIED) return;
  applied_[e.event_id()] = Applied{name, IsMove(e)};
  // The story's person id may come from a later report (a DUPLICATE added after): Finish resolves it.
  if (IsMove(e)) applied_moves_.push_back(AppliedMove{name, MoveOf(entry)});
}

void EvidenceIndex::AddMove(const v1::PersonMove& move) {
  if (move.status() != v1::EVENT_STATUS_APPLIED || move.kind() == v1::MOVE_KIND_UNSPECIFIED ||
      move.person().id().empty()) {
    return;
  }
  if (!linked_.insert(move.event_id()).second) return;
  moves_[move.person().id()].push_back(move);
}

std::set<std::string> EvidenceIndex::People() const {
  std::set<std::string> people;
  for (const auto& [person, moves] : moves_) people.insert(person);
  for (const auto& a : applied_moves_) {
    const std::string& id = a.move.person().id().empty() ? stories_.at(a.story).person_id : a.move.person().id();
    if (!id.empty()) people.insert(id);
  }
  return people;
}

void EvidenceIndex::Finish() {
  for (auto& a : applied_moves_) {
    if (a.move.person().id().empty()) a.move.mutable_person()->set_id(stories_.at(a.story).person_id);
    AddMove(a.move);
  }
  applied_moves_.clear();
  with_counterpart_.clear();
  for (auto& [person, moves] : moves_) {
    for (const auto& c : LinkMoves(moves)) {
      with_counterpart_.insert(c.out_event_id());
      with_counterpart_.insert(c.in_event_id());
    }
  }
}

bool EvidenceIndex::Corroborated(const std::string& event_id) const {
  auto it = applied_.find(event_id);
  if (it == applied_.end()) return false;
  const Story& story = stories_.at(it->second.story);
  if (story.two_outlets || story.confidence == v1::CONFIDENCE_CONFIRMED) return true;
  return it->second.move && with_counterpart_.contains(event_id);
}

bool EvidenceIndex::Passes(const std::string& event_id, const v1::EvidenceFilter& filter) const {
  auto it = applied_.find(event_id);
  if (it == applied_.end()) return false;
  if (ConfidenceRank(stories_.at(it->second.story).confidence) < ConfidenceRank(filter.min_confidence())) return false;
  return !filter.corroborated_only() || Corroborated(event_id);
}

views::TeamInputs FilteredInputs(const std::string& org, const std::string& team,
                                 const std::vector<v1::HistoryEntry>& history,
                                 absl::FunctionRef<bool(const std::string& event_id)> passes, int64_t as_of_day) {
  views::MapState state;
  int64_t duplicates = 0, retracted = 0;
  for (const v1::HistoryEntry& e : history) {
    duplicates += e.status() == v1::EVENT_STATUS_DUPLICATE;
    retracted += e.status() == v1::EVENT_STATUS_RETRACTED;
    if (e.status() != v1::EVENT_STATUS_APPLIED || !passes(e.event().event_id())) continue;
    // Every record here was applied once already; Apply cannot refuse it.
    (void)views::Apply(e.event(), views::RecordMeta{e.partition(), e.offset()}, state);
  }
  views::TeamInputs in;
  if (auto t = state.Get(views::keys::Team(org, team)); t) {
    in.state.ParseFromString(*t);
  } else {
    in.state.set_org(org);
    in.state.set_team(team);
  }
  in.state.set_events(static_cast<int64_t>(history.size()));
  in.state.set_duplicates(duplicates);
  in.state.set_retracted(retracted);
  const std::string end_day = DayKey(as_of_day);
  state.Scan(views::keys::TeamPrefix('b', org, team), [&](absl::string_view day, const std::string& v) {
    if (day > end_day) return;
    auto& b = in.buckets.emplace_back(ParseDayKey(day).value_or(0), v1::DayBucket());
    b.second.ParseFromString(v);
  });
  state.Scan(views::keys::TeamPrefix('l', org, team), [&](absl::string_view rest, const std::string& v) {
    if (rest.substr(0, rest.find('/')) > end_day) return;
    in.timeline.emplace_back().ParseFromString(v);
  });
  // f/<org>/<to_org>/<yyyymm>/<team>: the team's departures, by destination (as Reader::Inputs).
  const std::string first_month = MonthKey(as_of_day - 364), last_month = MonthKey(as_of_day);
  state.Scan(views::keys::OrgPrefix('f', org), [&](absl::string_view rest, const std::string& v) {
    const size_t a = rest.find('/');
    const size_t b = rest.find('/', a + 1);
    if (a == absl::string_view::npos || b == absl::string_view::npos) return;
    const absl::string_view month = rest.substr(a + 1, b - a - 1);
    if (rest.substr(b + 1) != team || month < first_month || month > last_month) return;
    in.outbound_flows.emplace_back(std::string(rest.substr(0, a)), v1::FlowBucket()).second.ParseFromString(v);
  });
  return in;
}

}  // namespace talentflow::query
