#include "views/health.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/base/time_util.h"

namespace talentflow::views {
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

DayTotals TotalsOf(const v1::DayBucket& b) {
  DayTotals t;
  t.hires = b.hires();
  t.departures = b.departures();
  t.transfers_in = b.transfers_in();
  t.transfers_out = b.transfers_out();
  t.regretted_departures = b.regretted_departures();
  const int seniorities = b.departures_by_seniority_size();
  for (int s = 0; s < seniorities; ++s) {
    if (IsSenior(s)) t.senior_departures += b.departures_by_seniority(s);
  }
  if (seniorities > v1::SENIORITY_LEADERSHIP) t.leadership_departures = b.departures_by_seniority(v1::SENIORITY_LEADERSHIP);
  for (int k = 0; k < b.departures_by_destination_kind_size() && k < 6; ++k) {
    t.departures_by_destination_kind[k] = b.departures_by_destination_kind(k);
  }
  return t;
}

void NormalizeDays(std::vector<std::pair<int64_t, DayTotals>>& days, int64_t as_of) {
  bool normal = true;
  for (size_t i = 0; i < days.size() && normal; ++i) {
    normal = days[i].first <= as_of && (i == 0 || days[i - 1].first < days[i].first);
  }
  if (normal) return;
  // As a std::map filled in input order would hold them: the last entry of a day wins.
  std::stable_sort(days.begin(), days.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::pair<int64_t, DayTotals>> kept;
  for (size_t i = 0; i < days.size(); ++i) {
    if (days[i].first > as_of) continue;
    if (i + 1 < days.size() && days[i + 1].first == days[i].first) continue;
    kept.push_back(days[i]);
  }
  days = std::move(kept);
}

int64_t FirstBucketDay(absl::Span<const v1::TimelineEntry> timeline, int64_t as_of) {
  const int64_t window_start = as_of - 364;
  int64_t first = window_start;
  bool report = false;
  for (const v1::TimelineEntry& t : timeline) {
    if (t.change_case() != v1::TimelineEntry::kHeadcountReport || t.effective_day() > window_start) continue;
    first = report ? std::max(first, t.effective_day()) : t.effective_day();
    report = true;
  }
  return first;
}

void DestinationTally::Add(absl::string_view destination_org, const v1::FlowBucket& bucket) {
  for (const auto& m : bucket.movers()) {
    if (m.person_id().empty()) {
      auto a = anonymous_.find(destination_org);
      if (a == anonymous_.end()) a = anonymous_.emplace(std::string(destination_org), 0).first;
      ++a->second;
    } else {
      auto p = people_.find(destination_org);
      if (p == people_.end()) p = people_.emplace(std::string(destination_org), std::set<std::string, std::less<>>()).first;
      if (!p->second.contains(m.person_id())) p->second.insert(m.person_id());
    }
  }
}

std::vector<std::pair<int64_t, std::string>> DestinationTally::Top(size_t n) const {
  std::vector<std::pair<int64_t, std::string>> ranked;
  for (const auto& [dest, set] : people_) {
    auto a = anonymous_.find(dest);
    ranked.emplace_back(static_cast<int64_t>(set.size()) + (a == anonymous_.end() ? 0 : a->second), dest);
  }
  for (const auto& [dest, count] : anonymous_) {
    if (!people_.contains(dest)) ranked.emplace_back(count, dest);
  }
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  if (ranked.size() > n) ranked.resize(n);
  return ranked;
}

namespace {

// A headcount report: (day, headcount of the last report that day).
using Report = std::pair<int64_t, int64_t>;

// Stage 1, the timeline: the latest entry of each kind with day <= as_of wins (entries arrive in
// order) and sets priority, budget, compute moved out, retention actions, name and activity on `h`.
// Returns the headcount reports up to as_of, ascending by day, one per day.
std::vector<Report> ApplyTimeline(absl::Span<const v1::TimelineEntry> timeline, int64_t as_of, v1::TeamHealth& h) {
  // The "since" days are formatted once, at the end.
  std::optional<int64_t> priority_since, budget_since, inactive_since;
  std::vector<Report> reports;
  bool reports_sorted = true;
  for (const v1::TimelineEntry& t : timeline) {
    if (t.effective_day() > as_of) continue;
    switch (t.change_case()) {
      case v1::TimelineEntry::kReprioritisation:
        h.set_priority(t.reprioritisation().priority());
        priority_since = t.effective_day();
        break;
      case v1::TimelineEntry::kBudgetChange:
        h.set_budget(t.budget_change().status());
        budget_since = t.effective_day();
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
          inactive_since = t.effective_day();
        } else if (c.kind() == v1::TEAM_CHANGE_KIND_CREATED) {
          h.set_active(true);
          h.clear_successor();
          inactive_since.reset();
        }
        break;
      }
      case v1::TimelineEntry::kHeadcountReport:
        if (!reports.empty() && reports.back().first == t.effective_day()) {
          reports.back().second = t.headcount_report().headcount();
        } else {
          if (!reports.empty() && reports.back().first > t.effective_day()) reports_sorted = false;
          reports.emplace_back(t.effective_day(), t.headcount_report().headcount());
        }
        break;
      case v1::TimelineEntry::CHANGE_NOT_SET:
        break;
    }
  }
  if (priority_since) h.set_priority_since(FormatDay(*priority_since));
  if (budget_since) h.set_budget_since(FormatDay(*budget_since));
  if (inactive_since) h.set_inactive_since(FormatDay(*inactive_since));
  if (!reports_sorted) {
    // Out-of-order days (not what a range read yields): day -> the last report of that day.
    std::map<int64_t, int64_t> by_day;
    for (const auto& [day, headcount] : reports) by_day[day] = headcount;
    reports.assign(by_day.begin(), by_day.end());
  }
  return reports;
}

// The estimated headcount of each day of the 365-day window ending at as_of.
struct DailyHeadcount {
  std::array<int64_t, 365> headcount;  // headcount[i]: on as_of - 364 + i, when known[i]
  std::array<bool, 365> known{};
};

// Stage 2, headcount: the last report on or before a day, plus the net moves of the days after it
// (the report's own day is taken to include that day's moves). Sets headcount, headcount_known and
// headcount_reported_on on `h`.
DailyHeadcount EstimateHeadcount(const std::vector<Report>& reports,
                                 absl::Span<const std::pair<int64_t, DayTotals>> days, int64_t as_of,
                                 v1::TeamHealth& h) {
  const int64_t window_start = as_of - 364;
  DailyHeadcount out;
  // From the last report on or before the window (each report restarts the estimate, so the days
  // before it cannot change a day in the window), else from the window's first day.
  auto report = std::upper_bound(reports.begin(), reports.end(), window_start,
                                 [](int64_t d, const Report& r) { return d < r.first; });
  if (report != reports.begin()) --report;
  const int64_t from = report != reports.end() && report->first <= window_start ? report->first : window_start;
  std::optional<int64_t> hc;
  auto bucket = std::lower_bound(days.begin(), days.end(), from,
                                 [](const auto& e, int64_t d) { return e.first < d; });
  for (int64_t d = from; d <= as_of; ++d) {
    const DayTotals* b = nullptr;
    if (bucket != days.end() && bucket->first == d) b = &(bucket++)->second;
    if (report != reports.end() && report->first == d) {
      hc = report->second;
      ++report;
    } else if (hc && b) {
      *hc += b->hires + b->transfers_in - b->departures - b->transfers_out;
    }
    if (d >= window_start && hc) {
      out.headcount[d - window_start] = *hc;
      out.known[d - window_start] = true;
    }
  }
  if (!reports.empty()) h.set_headcount_reported_on(FormatDay(reports.back().first));
  if (hc) {
    h.set_headcount_known(true);
    h.set_headcount(*hc);
  }
  return out;
}

// Stage 3, windows: the moves of the last `days_in_window` days up to as_of, and their attrition
// over the window's average known headcount, appended to `h`'s windows.
void AddWindow(int days_in_window, absl::Span<const std::pair<int64_t, DayTotals>> days,
               const DailyHeadcount& daily, int64_t as_of, v1::TeamHealth& h) {
  DayTotals sum;
  for (auto it = std::lower_bound(days.begin(), days.end(), as_of - days_in_window + 1,
                                  [](const auto& e, int64_t d) { return e.first < d; });
       it != days.end(); ++it) {
    const DayTotals& b = it->second;
    sum.hires += b.hires;
    sum.departures += b.departures;
    sum.regretted_departures += b.regretted_departures;
    sum.transfers_in += b.transfers_in;
    sum.transfers_out += b.transfers_out;
    sum.senior_departures += b.senior_departures;
    sum.leadership_departures += b.leadership_departures;
    for (int k = 0; k < 6; ++k) sum.departures_by_destination_kind[k] += b.departures_by_destination_kind[k];
  }
  v1::WindowStats* w = h.add_windows();
  w->set_days(days_in_window);
  w->set_hires(sum.hires);
  w->set_departures(sum.departures);
  w->set_regretted_departures(sum.regretted_departures);
  w->set_transfers_in(sum.transfers_in);
  w->set_transfers_out(sum.transfers_out);
  w->set_senior_departures(sum.senior_departures);
  w->set_leadership_departures(sum.leadership_departures);
  w->mutable_departures_by_destination_kind()->Reserve(6);
  for (int k = 0; k < 6; ++k) w->add_departures_by_destination_kind(sum.departures_by_destination_kind[k]);
  w->set_net_flow(w->hires() - w->departures());
  int64_t total = 0, n = 0;
  for (int i = 365 - days_in_window; i < 365; ++i) {
    if (daily.known[i]) {
      total += daily.headcount[i];
      ++n;
    }
  }
  if (n > 0 && total > 0) {
    w->set_attrition_known(true);
    w->set_average_headcount(static_cast<double>(total) / n);
    w->set_attrition(w->departures() / w->average_headcount());
    w->set_annualised_attrition(w->attrition() * 365.0 / days_in_window);
  }
}

// Stage 4, score version 1, from the 90-day window, priority and budget: additive terms, each that
// fires is a reason (worded only when it fires). Sets score and status on `h`.
void Score(v1::TeamHealth& h) {
  const v1::WindowStats& w90 = h.windows(1);
  int score = 100;
  auto term = [&](int points, auto reason) {
    if (points == 0) return;
    score += points;
    h.add_reasons(absl::StrCat(reason(), " (", points > 0 ? "+" : "", points, ")"));
  };
  const int64_t senior = w90.senior_departures();
  const int64_t other = w90.departures() - senior;
  term(-static_cast<int>(std::min<int64_t>(40, 10 * senior)),
       [&] { return absl::StrCat(Plural(senior, "senior departure", "senior departures"), " in 90 days"); });
  term(-static_cast<int>(std::min<int64_t>(20, 4 * other)),
       [&] { return absl::StrCat(Plural(other, "other departure", "other departures"), " in 90 days"); });
  term(-PriorityPenalty(h.priority()),
       [&] { return absl::StrCat("priority ", ShortName(h.priority()), " since ", h.priority_since()); });
  term(-BudgetPenalty(h.budget()),
       [&] { return absl::StrCat("budget ", ShortName(h.budget()), " since ", h.budget_since()); });
  if (w90.attrition_known()) {
    const double a = w90.annualised_attrition();
    const int threshold = a > 0.40 ? 40 : 20;
    term(a > 0.40 ? -20 : (a > 0.20 ? -10 : 0),
         [&] { return absl::StrFormat("annualised 90-day attrition %.1f%% > %d%%", a * 100.0, threshold); });
  }
  term(static_cast<int>(std::min<int64_t>(10, 2 * w90.hires())),
       [&] { return absl::StrCat(Plural(w90.hires(), "hire", "hires"), " in 90 days"); });
  score = std::clamp(score, 0, 100);
  h.set_score(score);
  h.set_status(StatusForScore(score));
}

// Whether the team had an applied event in the 365 days up to as_of: a move (counted in the
// 365-day window `w365`) or a timeline entry (priority, budget, compute, retention, team change,
// headcount report).
bool HasEventInYear(absl::Span<const v1::TimelineEntry> timeline, const v1::WindowStats& w365, int64_t as_of) {
  if (w365.hires() + w365.departures() + w365.transfers_in() + w365.transfers_out() > 0) return true;
  return std::any_of(timeline.begin(), timeline.end(), [&](const v1::TimelineEntry& t) {
    return t.effective_day() <= as_of && t.effective_day() > as_of - 365;
  });
}

// Stage 5, the reasons that are not score terms: low confidence (for a scored team) ...
void AddLowConfidence(v1::TeamHealth& h) {
  if (!h.headcount_known()) {
    h.set_low_confidence(true);
    h.add_reasons("low confidence: no headcount report yet");
  } else if (h.headcount() < 10) {
    h.set_low_confidence(true);
    h.add_reasons(absl::StrCat("low confidence: fewer than 10 people (", h.headcount(), ")"));
  }
}

// ... and inactivity (for every team).
void AddInactive(v1::TeamHealth& h) {
  if (!h.active()) {
    h.add_reasons(h.successor().empty()
                      ? absl::StrCat("dissolved on ", h.inactive_since(), " (inactive)")
                      : absl::StrCat("merged into ", h.successor(), " on ", h.inactive_since(), " (inactive)"));
  }
}

}  // namespace

v1::TeamHealth ComputeHealth(const std::string& org, const std::string& team, const TeamInputs& in,
                             int64_t as_of) {
  DestinationTally destinations;
  for (const auto& [dest, flow] : in.outbound_flows) destinations.Add(dest, flow);
  std::vector<std::pair<int64_t, DayTotals>> days;
  days.reserve(in.buckets.size());
  for (const auto& [day, bucket] : in.buckets) days.emplace_back(day, TotalsOf(bucket));
  NormalizeDays(days, as_of);
  HealthSource source;
  source.state = &in.state;
  source.days = days;
  source.timeline = in.timeline;
  if (!in.outbound_flows.empty()) source.destinations = &destinations;
  return ComputeHealth(org, team, source, as_of);
}

v1::TeamHealth ComputeHealth(const std::string& org, const std::string& team, const HealthSource& in,
                             int64_t as_of) {
  v1::TeamHealth h;
  h.set_org(org);
  h.set_team(team);
  h.set_display_name(team);
  h.set_as_of(FormatDay(as_of));
  h.set_active(true);
  h.set_score_version(kScoreVersion);
  const v1::TeamState& state = *in.state;
  h.set_events(state.events());
  h.set_duplicates(state.duplicates());
  h.set_retracted(state.retracted());
  if (state.applied() > 0) h.set_last_event_day(FormatDay(std::min(state.last_effective_day(), as_of)));

  const std::vector<Report> reports = ApplyTimeline(in.timeline, as_of, h);
  const DailyHeadcount daily = EstimateHeadcount(reports, in.days, as_of, h);
  for (int days_in_window : kWindows) AddWindow(days_in_window, in.days, daily, as_of, h);
  if (h.headcount_known() || HasEventInYear(in.timeline, h.windows(2), as_of)) {
    Score(h);
    AddLowConfidence(h);
  } else {
    // Nothing to score: a perfect 100 would claim a health nobody reported.
    h.set_status(v1::HEALTH_STATUS_UNKNOWN);
    h.set_low_confidence(true);
    h.add_reasons(absl::StrCat("no data: no headcount report and no event in the 365 days up to ", h.as_of()));
  }
  AddInactive(h);
  // Top destinations: distinct people per destination org over the window's months.
  if (in.destinations != nullptr) {
    for (const auto& [people, org] : in.destinations->Top(5)) {
      auto* d = h.add_top_destinations();
      d->set_org(org);
      d->set_people(people);
    }
  }
  return h;
}

}  // namespace talentflow::views
