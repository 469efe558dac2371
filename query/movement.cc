#include "query/movement.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <tuple>

#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/base/time_util.h"

namespace talentflow::query {
namespace {

void Count(v1::Seniority s, v1::SeniorityCounts* c) {
  switch (s) {
    case v1::SENIORITY_JUNIOR: c->set_junior(c->junior() + 1); break;
    case v1::SENIORITY_MID: c->set_mid(c->mid() + 1); break;
    case v1::SENIORITY_SENIOR: c->set_senior(c->senior() + 1); break;
    case v1::SENIORITY_STAFF: c->set_staff(c->staff() + 1); break;
    case v1::SENIORITY_PRINCIPAL: c->set_principal(c->principal() + 1); break;
    case v1::SENIORITY_LEADERSHIP: c->set_leadership(c->leadership() + 1); break;
    default: c->set_unspecified(c->unspecified() + 1); break;
  }
  c->set_total(c->total() + 1);
}

void Add(const v1::SeniorityCounts& a, v1::SeniorityCounts* sum) {
  sum->set_unspecified(sum->unspecified() + a.unspecified());
  sum->set_junior(sum->junior() + a.junior());
  sum->set_mid(sum->mid() + a.mid());
  sum->set_senior(sum->senior() + a.senior());
  sum->set_staff(sum->staff() + a.staff());
  sum->set_principal(sum->principal() + a.principal());
  sum->set_leadership(sum->leadership() + a.leadership());
  sum->set_total(sum->total() + a.total());
}

// SENIOR, STAFF, PRINCIPAL, LEADERSHIP (README: "senior" in every metric).
bool IsSenior(v1::Seniority s) { return s >= v1::SENIORITY_SENIOR; }

int64_t Day(const v1::PersonMove& m) { return DayOf(m.effective_time()); }

// Effective day, then log order: the order backfills are matched in.
bool Earlier(const v1::PersonMove* a, const v1::PersonMove* b) {
  return std::make_tuple(Day(*a), a->partition(), a->offset()) < std::make_tuple(Day(*b), b->partition(), b->offset());
}

std::string MonthText(absl::CivilMonth m) { return absl::StrFormat("%04d-%02d", m.year(), m.month()); }

absl::CivilMonth MonthOfDay(int64_t day) { return absl::CivilMonth(absl::CivilDay(1970, 1, 1) + day); }

}  // namespace

v1::TeamMovement TeamMovementOf(const std::string& team, const std::vector<v1::PersonMove>& moves, int64_t as_of_day) {
  v1::TeamMovement out;
  out.set_team(team);
  std::vector<const v1::PersonMove*> counted;
  for (const auto& m : moves) {
    if (m.status() == v1::EVENT_STATUS_APPLIED && m.team() == team && Day(m) <= as_of_day) counted.push_back(&m);
  }
  std::sort(counted.begin(), counted.end(), Earlier);

  // Backfills over the whole history up to as_of: departures in order, each taking the first free
  // hire that qualifies.
  std::vector<const v1::PersonMove*> hires;
  for (const auto* m : counted) {
    if (m->kind() == v1::MOVE_KIND_HIRE || m->kind() == v1::MOVE_KIND_TRANSFER_IN) hires.push_back(m);
  }
  std::vector<bool> taken(hires.size(), false);
  // Every senior departure up to as_of, in order, with its day.
  std::vector<std::pair<int64_t, v1::Backfill>> backfills;
  for (const auto* d : counted) {
    if (d->kind() != v1::MOVE_KIND_DEPARTURE || !IsSenior(d->person().seniority())) continue;
    v1::Backfill& b = backfills.emplace_back(Day(*d), v1::Backfill()).second;
    b.set_team(team);
    b.set_departure_event_id(d->event_id());
    b.set_departure_day(FormatDay(Day(*d)));
    *b.mutable_person() = d->person();
    b.set_open(true);
    b.set_days(as_of_day - Day(*d));
    for (size_t i = 0; i < hires.size(); ++i) {
      const v1::PersonMove* h = hires[i];
      if (taken[i] || Day(*h) < Day(*d) || h->person().seniority() < d->person().seniority()) continue;
      taken[i] = true;
      b.set_open(false);
      b.set_hire_event_id(h->event_id());
      b.set_hire_day(FormatDay(Day(*h)));
      b.set_hire_kind(h->kind());
      *b.mutable_hire_person() = h->person();
      b.set_days(Day(*h) - Day(*d));
      break;
    }
  }

  for (int days : kMovementWindowDays) {
    const int64_t from = as_of_day - days + 1;
    v1::MovementWindow* w = out.add_windows();
    w->set_days(days);
    w->set_from(FormatDay(from));
    for (const auto* m : counted) {
      if (Day(*m) < from) continue;
      const v1::Seniority s = m->person().seniority();
      switch (m->kind()) {
        case v1::MOVE_KIND_HIRE: Count(s, w->mutable_hires()); break;
        case v1::MOVE_KIND_DEPARTURE: Count(s, w->mutable_departures()); break;
        case v1::MOVE_KIND_TRANSFER_IN: Count(s, w->mutable_transfers_in()); break;
        case v1::MOVE_KIND_TRANSFER_OUT: Count(s, w->mutable_transfers_out()); break;
        default: break;
      }
    }
    for (const auto& [day, b] : backfills) {
      if (day < from) continue;
      w->set_senior_departures(w->senior_departures() + 1);
      if (b.open()) {
        w->set_open(w->open() + 1);
      } else {
        w->set_backfilled(w->backfilled() + 1);
      }
    }
  }
  const int64_t first_day = as_of_day - kMovementWindowDays[std::size(kMovementWindowDays) - 1] + 1;
  for (auto& [day, b] : backfills) {
    if (day >= first_day) *out.add_backfills() = std::move(b);
  }
  return out;
}

v1::TeamMovement SumMovement(const std::vector<v1::TeamMovement>& teams) {
  v1::TeamMovement sum;
  for (int days : kMovementWindowDays) sum.add_windows()->set_days(days);
  std::vector<std::tuple<std::string, std::string, size_t, const v1::Backfill*>> backfills;
  for (const auto& t : teams) {
    for (int i = 0; i < t.windows_size() && i < sum.windows_size(); ++i) {
      const v1::MovementWindow& w = t.windows(i);
      v1::MovementWindow* s = sum.mutable_windows(i);
      s->set_from(w.from());
      Add(w.hires(), s->mutable_hires());
      Add(w.departures(), s->mutable_departures());
      Add(w.transfers_in(), s->mutable_transfers_in());
      Add(w.transfers_out(), s->mutable_transfers_out());
      s->set_senior_departures(s->senior_departures() + w.senior_departures());
      s->set_backfilled(s->backfilled() + w.backfilled());
      s->set_open(s->open() + w.open());
    }
    for (int i = 0; i < t.backfills_size(); ++i) {
      backfills.emplace_back(t.backfills(i).departure_day(), t.team(), i, &t.backfills(i));
    }
  }
  std::sort(backfills.begin(), backfills.end());
  for (const auto& b : backfills) *sum.add_backfills() = *std::get<3>(b);
  return sum;
}

absl::StatusOr<std::vector<v1::FlowMonth>> FlowMonths(const std::string& org,
                                                      const google::protobuf::RepeatedPtrField<v1::FlowEdge>& edges,
                                                      int64_t from_day, int64_t to_day) {
  const absl::CivilMonth first = MonthOfDay(from_day), last = MonthOfDay(to_day);
  if (last - first >= 1000) return absl::InvalidArgumentError("from/to: more than 1,000 months");
  std::map<std::string, v1::FlowMonth> months;  // YYYY-MM -> its counts
  for (absl::CivilMonth m = first; m <= last; ++m) months[MonthText(m)].set_month(MonthText(m));
  for (const auto& e : edges) {
    const bool outbound = e.from_org() == org;
    const bool inbound = e.to_org() == org;
    if (outbound == inbound) continue;  // neither end is `org` (or both): not a flow of it
    // The first month of each person on this edge; movers without an id count each.
    std::map<std::string, std::string> first_month;
    std::vector<std::string> anonymous;
    for (const auto& p : e.movers()) {
      if (p.id().empty()) {
        anonymous.push_back(p.month());
        continue;
      }
      auto [it, added] = first_month.emplace(p.id(), p.month());
      if (!added) it->second = std::min(it->second, p.month());
    }
    auto add = [&](const std::string& month) {
      auto it = months.find(month);
      if (it == months.end()) return;  // outside [from, to]: the flows read by month never return one
      v1::FlowMonth& fm = it->second;
      if (outbound) {
        fm.set_outbound(fm.outbound() + 1);
      } else {
        fm.set_inbound(fm.inbound() + 1);
      }
    };
    for (const auto& [id, month] : first_month) add(month);
    for (const auto& month : anonymous) add(month);
  }
  std::vector<v1::FlowMonth> out;
  for (auto& [key, fm] : months) {
    fm.set_net(fm.inbound() - fm.outbound());
    out.push_back(std::move(fm));
  }
  return out;
}

}  // namespace talentflow::query
