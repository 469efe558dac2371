#include "query/people.h"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <map>
#include <set>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/base/time_util.h"
#include "query/evidence.h"

namespace talentflow::query {
namespace {

v1::MoveKind KindOf(const v1::Event& e) {
  switch (e.payload_case()) {
    case v1::Event::kHire: return v1::MOVE_KIND_HIRE;
    case v1::Event::kDeparture: return v1::MOVE_KIND_DEPARTURE;
    case v1::Event::kTransferIn: return v1::MOVE_KIND_TRANSFER_IN;
    case v1::Event::kTransferOut: return v1::MOVE_KIND_TRANSFER_OUT;
    default: return v1::MOVE_KIND_UNSPECIFIED;
  }
}


bool IsOut(v1::MoveKind k) { return k == v1::MOVE_KIND_DEPARTURE || k == v1::MOVE_KIND_TRANSFER_OUT; }

// Whether `in` is the move `out` led to (kinds and places; person, status and dates apart).
bool Pairs(const v1::PersonMove& out, const v1::PersonMove& in) {
  if (out.kind() == v1::MOVE_KIND_DEPARTURE) {
    return in.kind() == v1::MOVE_KIND_HIRE && !out.to_org().empty() && in.org() == out.to_org() &&
           in.from_org() == out.org();
  }
  return out.kind() == v1::MOVE_KIND_TRANSFER_OUT && in.kind() == v1::MOVE_KIND_TRANSFER_IN &&
         in.org() == out.org() && in.team() == out.to_team() && in.from_team() == out.team();
}

}  // namespace

bool IsMove(const v1::Event& event) { return KindOf(event) != v1::MOVE_KIND_UNSPECIFIED; }

v1::PersonMove MoveOf(const v1::HistoryEntry& entry) {
  const v1::Event& e = entry.event();
  v1::PersonMove m;
  m.set_event_id(e.event_id());
  m.set_org(e.org());
  m.set_team(e.team());
  m.set_kind(KindOf(e));
  *m.mutable_effective_time() = e.effective_time();
  m.set_date_precision(e.date_precision());
  switch (e.payload_case()) {
    case v1::Event::kHire:
      m.set_from_org(e.hire().from_org());
      m.set_to_org(e.org());
      m.set_to_team(e.team());
      break;
    case v1::Event::kDeparture:
      m.set_from_org(e.org());
      m.set_from_team(e.team());
      m.set_to_org(e.departure().destination_org());
      m.set_destination_kind(e.departure().destination_kind());
      break;
    case v1::Event::kTransferIn:
      m.set_from_org(e.org());
      m.set_from_team(e.transfer_in().from_team());
      m.set_to_org(e.org());
      m.set_to_team(e.team());
      break;
    case v1::Event::kTransferOut:
      m.set_from_org(e.org());
      m.set_from_team(e.team());
      m.set_to_org(e.org());
      m.set_to_team(e.transfer_out().to_team());
      break;
    default:
      break;
  }
  *m.mutable_person() = e.person();
  m.set_confidence(e.confidence());
  m.set_status(entry.status());
  m.set_note(entry.note());
  m.set_partition(entry.partition());
  m.set_offset(entry.offset());
  return m;
}

void StoryNames::Learn(const v1::HistoryEntry& entry) {
  const v1::Event& e = entry.event();
  if (IsApplied(entry)) applied_by_key_.try_emplace(Key{e.org(), e.team(), e.idempotency_key()}, e.event_id());
}

std::string StoryNames::Of(const v1::HistoryEntry& entry) const {
  const v1::Event& e = entry.event();
  const std::string team = absl::StrCat(e.org(), "/", e.team(), "/");
  if (IsApplied(entry)) return absl::StrCat(team, "evt:", e.event_id());
  if (!entry.duplicate_of().empty()) return absl::StrCat(team, "evt:", entry.duplicate_of());
  auto it = applied_by_key_.find(Key{e.org(), e.team(), e.idempotency_key()});
  if (it != applied_by_key_.end()) return absl::StrCat(team, "evt:", it->second);
  return absl::StrCat(team, "key:", e.idempotency_key());
}

bool StoryNames::IsApplied(const v1::HistoryEntry& entry) {
  return entry.status() == v1::EVENT_STATUS_APPLIED || entry.status() == v1::EVENT_STATUS_RETRACTED;
}

std::vector<v1::PersonMove> MovesOf(const std::vector<v1::HistoryEntry>& entries) {
  std::vector<const v1::HistoryEntry*> sorted;
  for (const auto& e : entries) {
    if (IsMove(e.event())) sorted.push_back(&e);
  }
  std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
    return std::make_pair(a->partition(), a->offset()) < std::make_pair(b->partition(), b->offset());
  });
  StoryNames names;
  for (const auto* entry : sorted) names.Learn(*entry);
  // Story -> its outlets, first spelling in log order, and its confidence (the highest).
  std::map<std::string, std::vector<std::string>> outlets;
  std::map<std::string, std::set<std::string>> seen;
  std::map<std::string, v1::Confidence> confidence;
  // Story -> the person id of its first report that had one (views/story.h: a story takes the id of
  // a later report, the journalist's correction), so a report filed without the id still links.
  std::map<std::string, std::string> person_id;
  for (const auto* entry : sorted) {
    const std::string s = names.Of(*entry);
    if (const std::string& id = entry->event().person().id(); !id.empty()) person_id.try_emplace(s, id);
    v1::Confidence& c = confidence[s];
    if (c == v1::CONFIDENCE_UNSPECIFIED || ConfidenceRank(entry->event().confidence()) > ConfidenceRank(c)) {
      c = entry->event().confidence();
    }
    for (const auto& ev : entry->event().evidence()) {
      if (ev.outlet().empty()) continue;
      if (seen[s].insert(absl::AsciiStrToLower(ev.outlet())).second) outlets[s].push_back(ev.outlet());
    }
  }
  std::vector<v1::PersonMove> moves;
  for (const auto* entry : sorted) {
    v1::PersonMove& m = moves.emplace_back(MoveOf(*entry));
    const std::string s = names.Of(*entry);
    for (const auto& o : outlets[s]) m.add_outlets(o);
    if (m.person().id().empty()) {
      if (auto it = person_id.find(s); it != person_id.end()) m.mutable_person()->set_id(it->second);
    }
    m.set_story_confidence(confidence[s]);
  }
  return moves;
}

std::vector<v1::MoveCounterpart> LinkMoves(std::vector<v1::PersonMove>& moves) {
  std::sort(moves.begin(), moves.end(), [](const v1::PersonMove& a, const v1::PersonMove& b) {
    return std::make_tuple(ToAbslTime(a.effective_time()), a.partition(), a.offset()) <
           std::make_tuple(ToAbslTime(b.effective_time()), b.partition(), b.offset());
  });
  for (auto& m : moves) {
    m.clear_counterpart_event_id();
    m.clear_counterpart_outlets();
    m.clear_corroborated();
    m.clear_corroborated_by();
  }
  std::vector<v1::MoveCounterpart> pairs;
  std::vector<bool> used(moves.size(), false);
  auto linkable = [](const v1::PersonMove& m) {
    return m.status() == v1::EVENT_STATUS_APPLIED && !m.person().id().empty();
  };
  for (size_t i = 0; i < moves.size(); ++i) {
    const v1::PersonMove& out = moves[i];
    if (!IsOut(out.kind()) || !linkable(out)) continue;
    const int64_t out_day = DayOf(out.effective_time());
    std::optional<size_t> best;
    int64_t best_days = 0;
    for (size_t j = 0; j < moves.size(); ++j) {
      const v1::PersonMove& in = moves[j];
      if (used[j] || !linkable(in) || in.person().id() != out.person().id() || !Pairs(out, in)) continue;
      const int64_t days = std::llabs(DayOf(in.effective_time()) - out_day);
      if (days > kCounterpartDays) continue;
      if (!best || days < best_days) {
        best = j;
        best_days = days;
      }
    }
    if (!best) continue;
    used[*best] = true;
    v1::PersonMove& in = moves[*best];
    v1::PersonMove& o = moves[i];
    o.set_counterpart_event_id(in.event_id());
    *o.mutable_counterpart_outlets() = in.outlets();
    in.set_counterpart_event_id(o.event_id());
    *in.mutable_counterpart_outlets() = o.outlets();
    v1::MoveCounterpart& c = pairs.emplace_back();
    c.set_out_event_id(o.event_id());
    c.set_in_event_id(in.event_id());
    c.set_days_apart(best_days);
  }
  for (auto& m : moves) {
    if (m.status() != v1::EVENT_STATUS_APPLIED) continue;
    if (m.outlets_size() >= 2) m.add_corroborated_by(absl::StrCat(m.outlets_size(), " outlets"));
    if (m.story_confidence() == v1::CONFIDENCE_CONFIRMED) m.add_corroborated_by("confirmed");
    if (!m.counterpart_event_id().empty()) m.add_corroborated_by(absl::StrCat("counterpart ", m.counterpart_event_id()));
    m.set_corroborated(!m.corroborated_by().empty());
  }
  return pairs;
}

std::string PersonKey(const v1::Person& person) {
  if (!person.id().empty()) return absl::StrCat("id:", person.id());
  return absl::StrCat("name:", absl::AsciiStrToLower(person.name()));
}

}  // namespace talentflow::query
