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

std::vector<v1::PersonMove> MovesOf(const std::vector<v1::HistoryEntry>& entries) {
  // A story is named by its org, team and applied event ("evt:<id>"); reports of a story whose
  // applied event is not among `entries` (or DUPLICATEs of a DB written before duplicate_of,
  // whose key matches no applied event here) by their idempotency key ("key:<key>").
  using Story = std::tuple<std::string, std::string, std::string>;
  std::vector<const v1::HistoryEntry*> sorted;
  for (const auto& e : entries) {
    if (IsMove(e.event())) sorted.push_back(&e);
  }
  std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
    return std::make_pair(a->partition(), a->offset()) < std::make_pair(b->partition(), b->offset());
  });
  auto applied = [](const v1::HistoryEntry& h) {
    return h.status() == v1::EVENT_STATUS_APPLIED || h.status() == v1::EVENT_STATUS_RETRACTED;
  };
  std::map<Story, std::string> applied_by_key;  // (org, team, idempotency key) -> first applied event
  for (const auto* entry : sorted) {
    const v1::Event& e = entry->event();
    if (applied(*entry)) applied_by_key.try_emplace(Story{e.org(), e.team(), e.idempotency_key()}, e.event_id());
  }
  auto story = [&](const v1::HistoryEntry& h) {
    const v1::Event& e = h.event();
    if (applied(h)) return Story{e.org(), e.team(), absl::StrCat("evt:", e.event_id())};
    if (!h.duplicate_of().empty()) return Story{e.org(), e.team(), absl::StrCat("evt:", h.duplicate_of())};
    auto it = applied_by_key.find(Story{e.org(), e.team(), e.idempotency_key()});
    if (it != applied_by_key.end()) return Story{e.org(), e.team(), absl::StrCat("evt:", it->second)};
    return Story{e.org(), e.team(), absl::StrCat("key:", e.idempotency_key())};
  };
  // Story -> its outlets, first spelling in log order.
  std::map<Story, std::vector<std::string>> outlets;
  std::map<Story, std::set<std::string>> seen;
  for (const auto* entry : sorted) {
    const Story s = story(*entry);
    for (const auto& ev : entry->event().evidence()) {
      if (ev.outlet().empty()) continue;
      if (seen[s].insert(absl::AsciiStrToLower(ev.outlet())).second) outlets[s].push_back(ev.outlet());
    }
  }
  std::vector<v1::PersonMove> moves;
  for (const auto* entry : sorted) {
    v1::PersonMove& m = moves.emplace_back(MoveOf(*entry));
    for (const auto& o : outlets[story(*entry)]) m.add_outlets(o);
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
    if (m.confidence() == v1::CONFIDENCE_CONFIRMED) m.add_corroborated_by("confirmed");
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
