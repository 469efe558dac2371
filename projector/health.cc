#include "projector/health.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/time_util.h"

namespace talentflow::projector {
namespace {

bool IsSenior(int seniority) { return seniority >= v1::SENIORITY_SENIOR; }

std::string Plural(int64_t n, const char* one, const char* many) {
  return absl::StrCat(n, " ", n == 1 ? one : many);
}

// The lower-cased enum value name without its prefix; "unknown" for a value this build has no
// name for (proto3 keeps unknown enum values, so a record in the log may carry one).
std::string StripPrefix(const std::string& name, const std::string& prefix) {
  if (name.size() < prefix.size()) return "unknown";
  return absl::AsciiStrToLower(name.substr(prefix.size()));
}

int PriorityPenalty(v1::Priority p) {
  switch (p) {
    case v1::PRIORITY_LOWERED: return 15;
    case v1::PRIORITY_MAINTENANCE: return 20;
    case v1::PRIORITY_SUNSET: return 40;
    case v1::PRIORITY_VARIABLE: return 5;
    default: return 0;
  }
}

int BudgetPenalty(v1::BudgetStatus b) {
  switch (b) {
    case v1::BUDGET_STATUS_FROZEN: return 15;
    case v1::BUDGET_STATUS_CUT: return 25;
    default: return 0;
  }
}

}  // namespace

std::string ShortName(v1::Priority p) { return StripPrefix(v1::Priority_Name(p), "PRIORITY_"); }
std::string ShortName(v1::BudgetStatus b) { return StripPrefix(v1::BudgetStatus_Name(b), "BUDGET_STATUS_"); }
std::string ShortName(v1::HealthStatus s) { return StripPrefix(v1::HealthStatus_Name(s), "HEALTH_STATUS_"); }

v1::HealthStatus StatusForScore(int score) {
  if (score >= 75) return v1::HEALTH_STATUS_HEALTHY;
  if (score >= 55) return v1::HEALTH_STATUS_WATCH;
  if (score >= 35) return v1::HEALTH_STATUS_AT_RISK;
  return v1::HEALTH_STATUS_CRITICAL;
}

v1::TeamHealth ComputeHealth(const std::string& org, const std::string& team, const TeamInputs& in,
                             int64_t as_of) {
  v1::TeamHealth h;
  h.set_org(org);
  h.set_team(team);
  h.set_display_name(team);
  h.set_as_of(FormatDay(as_of));
  h.set_active(true);
  h.set_score_version(kScoreVersion);
  h.set_events(in.state.events());
  h.set_duplicates(in.state.duplicates());
  h.set_retracted(in.state.retracted());
  if (in.state.applied() > 0) h.set_last_event_day(FormatDay(std::min(in.state.last_effective_day(), as_of)));

  // Timeline: the latest entry of each kind with day <= as_of wins (entries arrive in order).
  std::map<int64_t, int64_t> reports;  // day -> headcount of the last report that day
  for (const v1::TimelineEntry& t : in.timeline) {
    if (t.effective_day() > as_of) continue;
    const std::string day = FormatDay(t.effective_day());
    switch (t.change_case()) {
      case v1::TimelineEntry::kReprioritisation:
        h.set_priority(t.reprioritisation().priority());
        h.set_priority_since(day);
        break;
      case v1::TimelineEntry::kBudgetChange:
        h.set_budget(t.budget_change().status());
        h.set_budget_since(day);
        break;
      case v1::TimelineEntry::kComputeReallocation:
        h.set_compute_share_moved_out(h.compute_share_moved_out() + t.compute_reallocation().share());
        break;
      case v1::TimelineEntry::kRetentionAction:
        h.set_retention_actions(h.retention_actions() + 1);
        break;
      case v1::TimelineEntry::kTeamChange: {
        const auto& c = t.team_change();
        if (!c.new_name().empty()) h.set_display_name(c.new_name());
        if (c.kind() == v1::TEAM_CHANGE_KIND_MERGED || c.kind() == v1::TEAM_CHANGE_KIND_DISSOLVED) {
          h.set_active(false);
          h.set_successor(c.into_team());
          h.set_inactive_since(day);
        } else if (c.kind() == v1::TEAM_CHANGE_KIND_CREATED) {
          h.set_active(true);
          h.clear_successor();
          h.clear_inactive_since();
        }
        break;
      }
      case v1::TimelineEntry::kHeadcountReport:
        reports[t.effective_day()] = t.headcount_report().headcount();
        break;
      case v1::TimelineEntry::CHANGE_NOT_SET:
        break;
    }
  }

  // Daily headcount over the 365-day window: the last report on or before the day, plus the net
  // moves of the days after it (the report's own day is taken to include that day's moves).
  const int64_t window_start = as_of - 364;
  std::map<int64_t, const v1::DayBucket*> by_day;
  for (const auto& [day, bucket] : in.buckets) {
    if (day <= as_of) by_day[day] = &bucket;
  }
  std::vector<std::optional<int64_t>> daily(365);  // daily[i] = headcount on window_start + i
  {
    int64_t from = window_start;
    if (!reports.empty()) from = std::min(from, reports.begin()->first);
    std::optional<int64_t> hc;
    auto report = reports.begin();
    auto bucket = by_day.lower_bound(from);
    for (int64_t d = from; d <= as_of; ++d) {
      const v1::DayBucket* b = nullptr;
      if (bucket != by_day.end() && bucket->first == d) b = (bucket++)->second;
      if (report != reports.end() && report->first == d) {
        hc = report->second;
        h.set_headcount_reported_on(FormatDay(d));
        ++report;
      } else if (hc && b) {
        *hc += b->hires() + b->transfers_in() - b->departures() - b->transfers_out();
      }
      if (d >= window_start) daily[d - window_start] = hc;
    }
    if (hc) {
      h.set_headcount_known(true);
      h.set_headcount(*hc);
    }
  }

  for (int days : kWindows) {
    v1::WindowStats* w = h.add_windows();
    w->set_days(days);
    for (int k = 0; k < 6; ++k) w->add_departures_by_destination_kind(0);
    for (auto it = by_day.lower_bound(as_of - days + 1); it != by_day.end(); ++it) {
      const v1::DayBucket& b = *it->second;
      w->set_hires(w->hires() + b.hires());
      w->set_departures(w->departures() + b.departures());
      w->set_regretted_departures(w->regretted_departures() + b.regretted_departures());
      w->set_transfers_in(w->transfers_in() + b.transfers_in());
      w->set_transfers_out(w->transfers_out() + b.transfers_out());
      for (int s = 0; s < b.departures_by_seniority_size(); ++s) {
        if (IsSenior(s)) w->set_senior_departures(w->senior_departures() + b.departures_by_seniority(s));
      }
      if (b.departures_by_seniority_size() > v1::SENIORITY_LEADERSHIP) {
        w->set_leadership_departures(w->leadership_departures() + b.departures_by_seniority(v1::SENIORITY_LEADERSHIP));
      }
      for (int k = 0; k < b.departures_by_destination_kind_size() && k < 6; ++k) {
        w->set_departures_by_destination_kind(k, w->departures_by_destination_kind(k) + b.departures_by_destination_kind(k));
      }
    }
    w->set_net_flow(w->hires() - w->departures());
    int64_t sum = 0, known = 0;
    for (int i = 365 - days; i < 365; ++i) {
      if (daily[i]) {
        sum += *daily[i];
        ++known;
      }
    }
    if (known > 0 && sum > 0) {
      w->set_attrition_known(true);
      w->set_average_headcount(static_cast<double>(sum) / known);
      w->set_attrition(w->departures() / w->average_headcount());
      w->set_annualised_attrition(w->attrition() * 365.0 / days);
    }
  }

  // Score, version 1: additive terms, each that fires is a reason.
  const v1::WindowStats& w90 = h.windows(1);
  int score = 100;
  auto term = [&](int points, std::string reason) {
    if (points == 0) return;
    score += points;
    h.add_reasons(absl::StrCat(reason, " (", points > 0 ? "+" : "", points, ")"));
  };
  const int64_t senior = w90.senior_departures();
  const int64_t other = w90.departures() - senior;
  term(-static_cast<int>(std::min<int64_t>(40, 10 * senior)),
       absl::StrCat(Plural(senior, "senior departure", "senior departures"), " in 90 days"));
  term(-static_cast<int>(std::min<int64_t>(20, 4 * other)),
       absl::StrCat(Plural(other, "other departure", "other departures"), " in 90 days"));
  term(-PriorityPenalty(h.priority()), absl::StrCat("priority ", ShortName(h.priority()), " since ", h.priority_since()));
  term(-BudgetPenalty(h.budget()), absl::StrCat("budget ", ShortName(h.budget()), " since ", h.budget_since()));
  if (w90.attrition_known()) {
    const double a = w90.annualised_attrition();
    const int threshold = a > 0.40 ? 40 : 20;
    term(a > 0.40 ? -20 : (a > 0.20 ? -10 : 0),
         absl::StrFormat("annualised 90-day attrition %.1f%% > %d%%", a * 100.0, threshold));
  }
  term(static_cast<int>(std::min<int64_t>(10, 2 * w90.hires())),
       absl::StrCat(Plural(w90.hires(), "hire", "hires"), " in 90 days"));
  score = std::clamp(score, 0, 100);
  h.set_score(score);
  h.set_status(StatusForScore(score));

  if (!h.headcount_known()) {
    h.set_low_confidence(true);
    h.add_reasons("low confidence: no headcount report yet");
  } else if (h.headcount() < 10) {
    h.set_low_confidence(true);
    h.add_reasons(absl::StrCat("low confidence: fewer than 10 people (", h.headcount(), ")"));
  }
  if (!h.active()) {
    h.add_reasons(h.successor().empty()
                      ? absl::StrCat("dissolved on ", h.inactive_since(), " (inactive)")
                      : absl::StrCat("merged into ", h.successor(), " on ", h.inactive_since(), " (inactive)"));
  }

  // Top destinations: distinct people per destination org over the window's months.
  std::map<std::string, std::set<std::string>> people;
  std::map<std::string, int64_t> anonymous;
  for (const auto& [dest, flow] : in.outbound_flows) {
    for (const auto& m : flow.movers()) {
      if (m.person_id().empty()) {
        ++anonymous[dest];
      } else {
        people[dest].insert(m.person_id());
      }
    }
  }
  std::vector<std::pair<int64_t, std::string>> ranked;
  for (const auto& [dest, set] : people) ranked.emplace_back(static_cast<int64_t>(set.size()) + anonymous[dest], dest);
  for (const auto& [dest, n] : anonymous) {
    if (!people.contains(dest)) ranked.emplace_back(n, dest);
  }
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (size_t i = 0; i < ranked.size() && i < 5; ++i) {
    auto* d = h.add_top_destinations();
    d->set_org(ranked[i].second);
    d->set_people(ranked[i].first);
  }
  return h;
}

}  // namespace talentflow::projector
