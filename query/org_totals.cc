#include "query/org_totals.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"

#include "common/base/time_util.h"
#include "query/people.h"
#include "views/story.h"

namespace talentflow::query {
namespace {

// A seniority this build has no name for counts as unspecified in SeniorityCounts, as movement.cc
// counts it (and as senior, as every "senior" metric does).
v1::Seniority Known(v1::Seniority s) {
  return s >= v1::SENIORITY_UNSPECIFIED && s <= v1::SENIORITY_LEADERSHIP ? s : v1::SENIORITY_UNSPECIFIED;
}

// SENIOR and above (views/health.cc and movement.cc's rule).
bool IsSenior(v1::Seniority s) { return s >= v1::SENIORITY_SENIOR; }

// Adds `n` (may be negative) to the count of seniority `s` and to the total.
void AddCount(v1::Seniority s, int64_t n, v1::SeniorityCounts& c) {
  switch (s) {
    case v1::SENIORITY_JUNIOR: c.set_junior(c.junior() + n); break;
    case v1::SENIORITY_MID: c.set_mid(c.mid() + n); break;
    case v1::SENIORITY_SENIOR: c.set_senior(c.senior() + n); break;
    case v1::SENIORITY_STAFF: c.set_staff(c.staff() + n); break;
    case v1::SENIORITY_PRINCIPAL: c.set_principal(c.principal() + n); break;
    case v1::SENIORITY_LEADERSHIP: c.set_leadership(c.leadership() + n); break;
    default: c.set_unspecified(c.unspecified() + n); break;
  }
  c.set_total(c.total() + n);
}

// The movers of one kind by one person in one window.
using Groups = std::map<std::pair<v1::MoveKind, std::string>, std::vector<const v1::WindowMover*>>;

// Groups the movers with day in [from_day, to_day] for which `keep` holds.
template <typename Keep>
Groups GroupByPerson(const std::vector<v1::WindowMover>& movers, const std::vector<std::string>& keys,
                     int64_t from_day, int64_t to_day, Keep keep) {
  Groups groups;
  for (size_t i = 0; i < movers.size(); ++i) {
    const v1::WindowMover& m = movers[i];
    if (m.day() < from_day || m.day() > to_day || !keep(m)) continue;
    groups[{m.kind(), keys[i]}].push_back(&m);
  }
  return groups;
}

// Whether some person may have two movers of one kind. The common case is no, and then the sums
// stand: this answers it with one hash lookup per id and name, before any key is built. A mover's
// id and its name are both looked up, so every repeat answers true (and so do some movers that are
// not one person, e.g. two ids with one name: the full count sorts them out).
bool MayRepeat(const std::vector<v1::WindowMover>& movers) {
  absl::flat_hash_set<std::tuple<int, bool, absl::string_view>> seen;
  seen.reserve(movers.size() * 2);
  for (const auto& m : movers) {
    if (!m.person_id().empty() && !seen.insert({m.kind(), true, m.person_id()}).second) return true;
    if (!m.person_name().empty() && !seen.insert({m.kind(), false, m.person_name()}).second) return true;
  }
  return false;
}

}  // namespace

std::vector<v1::WindowMover> WindowMoversOf(const std::vector<v1::PersonMove>& moves, int64_t as_of_day,
                                            int window_days, const std::set<std::string>& backfilled) {
  std::vector<v1::WindowMover> out;
  const int64_t from = as_of_day - window_days + 1;
  for (const v1::PersonMove& m : moves) {
    if (m.status() != v1::EVENT_STATUS_APPLIED) continue;
    const int64_t day = DayOf(m.effective_time());
    if (day < from || day > as_of_day) continue;
    std::string name = views::NormalisedName(m.person().name());
    if (m.person().id().empty() && name.empty()) continue;  // no identity: counts each time
    v1::WindowMover& w = out.emplace_back();
    w.set_team(m.team());
    w.set_kind(m.kind());
    w.set_day(day);
    w.set_seniority(m.person().seniority());
    w.set_person_id(m.person().id());
    w.set_person_name(std::move(name));
    w.set_backfilled(m.kind() == v1::MOVE_KIND_DEPARTURE && backfilled.contains(m.event_id()));
  }
  return out;
}

std::vector<v1::WindowMover> WindowMoversOfHistory(const std::vector<v1::HistoryEntry>& history, int64_t as_of_day) {
  std::vector<v1::PersonMove> moves;
  for (const v1::HistoryEntry& e : history) {
    if (e.status() != v1::EVENT_STATUS_APPLIED || !IsMove(e.event())) continue;
    const int64_t day = DayOf(e.event().effective_time());
    if (day > as_of_day || day <= as_of_day - kOrgTotalsWindowDays) continue;
    moves.push_back(MoveOf(e));
  }
  return WindowMoversOf(moves, as_of_day, kOrgTotalsWindowDays);
}

std::vector<std::string> PersonKeysOf(const std::vector<v1::WindowMover>& movers) {
  // A name without an id is the person with an id and that name, the smallest such id.
  std::map<std::string, std::string> id_of_name;
  for (const auto& m : movers) {
    if (m.person_id().empty() || m.person_name().empty()) continue;
    auto [it, added] = id_of_name.emplace(m.person_name(), m.person_id());
    if (!added && m.person_id() < it->second) it->second = m.person_id();
  }
  std::vector<std::string> keys;
  keys.reserve(movers.size());
  for (const auto& m : movers) {
    if (!m.person_id().empty()) {
      keys.push_back("id:" + m.person_id());
    } else if (auto it = id_of_name.find(m.person_name()); it != id_of_name.end()) {
      keys.push_back("id:" + it->second);
    } else {
      keys.push_back("name:" + m.person_name());
    }
  }
  return keys;
}

void CountPeopleOnce(const std::vector<v1::WindowMover>& movers, const std::set<std::string>& active_teams,
                     int64_t as_of_day, v1::OrgTotals& totals) {
  if (!MayRepeat(movers)) return;
  const std::vector<std::string> keys = PersonKeysOf(movers);
  const Groups groups =
      GroupByPerson(movers, keys, as_of_day - kOrgTotalsWindowDays + 1, as_of_day, [&](const v1::WindowMover& m) {
        return active_teams.contains(m.team());
      });
  for (const auto& [key, group] : groups) {
    const int64_t n = static_cast<int64_t>(group.size());
    if (key.first == v1::MOVE_KIND_HIRE) {
      totals.set_hires_90d(totals.hires_90d() - (n - 1));
    } else if (key.first == v1::MOVE_KIND_DEPARTURE) {
      totals.set_departures_90d(totals.departures_90d() - (n - 1));
      int64_t senior = 0, leadership = 0;
      for (const auto* m : group) {
        if (IsSenior(m->seniority())) ++senior;
        if (m->seniority() == v1::SENIORITY_LEADERSHIP) ++leadership;
      }
      if (senior > 1) totals.set_senior_departures_90d(totals.senior_departures_90d() - (senior - 1));
      if (leadership > 1) totals.set_leadership_departures_90d(totals.leadership_departures_90d() - (leadership - 1));
    }
  }
}

void CountPeopleOnce(const std::vector<v1::WindowMover>& movers, int64_t as_of_day, v1::TeamMovement& totals) {
  if (!MayRepeat(movers)) return;
  const std::vector<std::string> keys = PersonKeysOf(movers);
  for (v1::MovementWindow& w : *totals.mutable_windows()) {
    const Groups groups =
        GroupByPerson(movers, keys, as_of_day - w.days() + 1, as_of_day, [](const v1::WindowMover&) { return true; });
    for (const auto& [key, group] : groups) {
      if (group.size() < 2) continue;
      v1::SeniorityCounts* counts = nullptr;
      switch (key.first) {
        case v1::MOVE_KIND_HIRE: counts = w.mutable_hires(); break;
        case v1::MOVE_KIND_DEPARTURE: counts = w.mutable_departures(); break;
        case v1::MOVE_KIND_TRANSFER_IN: counts = w.mutable_transfers_in(); break;
        case v1::MOVE_KIND_TRANSFER_OUT: counts = w.mutable_transfers_out(); break;
        default: continue;
      }
      // Each filing counted once in the sum; the person counts once, at the highest seniority.
      v1::Seniority highest = v1::SENIORITY_UNSPECIFIED;
      for (const auto* m : group) {
        AddCount(Known(m->seniority()), -1, *counts);
        highest = std::max(highest, Known(m->seniority()));
      }
      AddCount(highest, 1, *counts);
      if (key.first != v1::MOVE_KIND_DEPARTURE) continue;
      int64_t senior = 0, backfilled = 0;
      for (const auto* m : group) {
        if (!IsSenior(m->seniority())) continue;
        ++senior;
        if (m->backfilled()) ++backfilled;
      }
      if (senior < 2) continue;
      w.set_senior_departures(w.senior_departures() - (senior - 1));
      if (backfilled > 0) {  // backfilled in some team: the person counts as backfilled
        w.set_backfilled(w.backfilled() - (backfilled - 1));
        w.set_open(w.open() - (senior - backfilled));
      } else {
        w.set_open(w.open() - (senior - 1));
      }
    }
  }
}

}  // namespace talentflow::query
