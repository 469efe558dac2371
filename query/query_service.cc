#include "query/query_service.h"

#include <algorithm>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "common/rpc/grpc_status.h"
#include "common/base/slug.h"
#include "common/base/status.h"
#include "common/base/time_util.h"
#include "views/keys.h"

namespace talentflow::query {
namespace {

absl::Status CheckSlug(const std::string& value, absl::string_view field) {
  if (!IsSlug(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", value, "\" is not a slug ([a-z0-9][a-z0-9-]{0,62})"));
  }
  return absl::OkStatus();
}

int64_t Today() { return DayOf(absl::Now()); }

// The UTC day of an optional timestamp; `fallback` when unset.
absl::StatusOr<int64_t> DayOrDefault(bool has, const google::protobuf::Timestamp& ts, int64_t fallback,
                                     absl::string_view field) {
  if (!has) return fallback;
  if (ts.seconds() < 0 || ts.seconds() > 253402300799) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": out of range"));
  }
  return DayOf(ts);
}

absl::Time DeadlineOf(grpc::ServerContext* ctx) {
  const auto d = ctx->deadline();
  if (d == std::chrono::system_clock::time_point::max()) return absl::Now() + absl::Seconds(30);
  return absl::FromChrono(d);
}

// Waits for min_offsets (read-your-writes), then takes a consistent read.
absl::StatusOr<std::unique_ptr<ReadHandle>> Read(ViewSource* source, grpc::ServerContext* ctx,
                                                 const v1::MinOffsets& min) {
  if (!min.offsets().empty()) {
    std::map<int32_t, int64_t> wanted(min.offsets().begin(), min.offsets().end());
    RETURN_IF_ERROR(source->WaitFor(wanted, DeadlineOf(ctx)));
  }
  return source->Acquire();
}

void FillWatermark(const std::map<int32_t, v1::PartitionOffset>& applied, const std::map<int32_t, int64_t>& ends,
                   v1::Watermark* out) {
  int64_t newest = 0;
  for (const auto& [p, o] : applied) {
    auto* pw = out->add_partitions();
    pw->set_partition(p);
    pw->set_applied_offset(o.next_offset());
    auto it = ends.find(p);
    pw->set_end_offset(it == ends.end() ? -1 : it->second);
    pw->set_lag(it == ends.end() ? -1 : std::max<int64_t>(0, it->second - o.next_offset()));
    newest = std::max(newest, o.last_timestamp_ms());
  }
  if (newest > 0) *out->mutable_last_applied_time() = ToTimestamp(absl::FromUnixMillis(newest));
}

void FillWatermark(const ReadHandle& h, v1::Watermark* out) { FillWatermark(h.watermark(), {}, out); }

double Attrition90(const v1::TeamHealth& h) {
  return h.windows_size() > 1 && h.windows(1).attrition_known() ? h.windows(1).annualised_attrition() : -1.0;
}

// Sort key of a team in a listing; page tokens carry the key of the last team returned.
std::string SortKey(const v1::TeamHealth& h, v1::ListTeamsRequest::OrderBy order) {
  switch (order) {
    case v1::ListTeamsRequest::ORDER_BY_NAME:
      return h.team();
    case v1::ListTeamsRequest::ORDER_BY_ATTRITION:
      // Highest first: invert a fixed-width rendering of the attrition in basis points.
      return absl::StrCat(absl::StrFormat("%012d", 999999999999LL - static_cast<int64_t>((Attrition90(h) + 1) * 10000)),
                          "/", h.team());
    default:
      return absl::StrCat(absl::StrFormat("%03d", h.score()), "/", h.team());
  }
}

}  // namespace

grpc::Status QueryServiceImpl::GetTeamHealth(grpc::ServerContext* ctx, const v1::GetTeamHealthRequest* req,
                                             v1::GetTeamHealthResponse* resp) {
  auto admitted = gate_->Admit(*ctx, auth::Role::kReader);
  if (!admitted.ok()) return ToGrpc(admitted.status());
  if (auto s = CheckSlug(req->org(), "org"); !s.ok()) return ToGrpc(s);
  if (auto s = CheckSlug(req->team(), "team"); !s.ok()) return ToGrpc(s);
  auto day = DayOrDefault(req->has_as_of(), req->as_of(), Today(), "as_of");
  if (!day.ok()) return ToGrpc(day.status());
  auto h = Read(source_, ctx, req->min_offsets());
  if (!h.ok()) return ToGrpc(h.status());
  auto health = (*h)->reader().TeamHealth(req->org(), req->team(), *day);
  if (!health.ok()) return ToGrpc(health.status());
  *resp->mutable_health() = *std::move(health);
  FillWatermark(**h, resp->mutable_watermark());
  return grpc::Status::OK;
}

grpc::Status QueryServiceImpl::ListTeams(grpc::ServerContext* ctx, const v1::ListTeamsRequest* req,
                                         v1::ListTeamsResponse* resp) {
  auto admitted = gate_->Admit(*ctx, auth::Role::kReader);
  if (!admitted.ok()) return ToGrpc(admitted.status());
  if (auto s = CheckSlug(req->org(), "org"); !s.ok()) return ToGrpc(s);
  if (req->page_size() < 0 || req->page_size() > 500) {
    return ToGrpc(absl::InvalidArgumentError("page_size: must be 0..500"));
  }
  const int page_size = req->page_size() == 0 ? 50 : req->page_size();
  const v1::ListTeamsRequest::OrderBy order = req->order_by();
  std::string after;
  if (!req->page_token().empty()) {
    if (!absl::StartsWith(req->page_token(), "after:")) {
      return ToGrpc(absl::InvalidArgumentError("page_token: not a token from a previous ListTeams response"));
    }
    after = req->page_token().substr(6);
  }
  auto day = DayOrDefault(req->has_as_of(), req->as_of(), Today(), "as_of");
  if (!day.ok()) return ToGrpc(day.status());
  auto h = Read(source_, ctx, req->min_offsets());
  if (!h.ok()) return ToGrpc(h.status());
  auto teams = (*h)->reader().OrgHealth(req->org(), *day);
  if (!teams.ok()) return ToGrpc(teams.status());
  if (teams->empty()) return ToGrpc(absl::NotFoundError(absl::StrCat("org ", req->org(), " not found")));
  const std::set<int> statuses(req->status().begin(), req->status().end());
  std::vector<std::pair<std::string, v1::TeamHealth*>> keyed;
  for (auto& t : *teams) {
    if (!t.active() && !req->include_inactive()) continue;
    if (!statuses.empty() && !statuses.contains(t.status())) continue;
    keyed.emplace_back(SortKey(t, order), &t);
  }
  std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  auto it = after.empty() ? keyed.begin()
                          : std::upper_bound(keyed.begin(), keyed.end(), after,
                                             [](const std::string& k, const auto& e) { return k < e.first; });
  for (; it != keyed.end() && resp->teams_size() < page_size; ++it) *resp->add_teams() = *it->second;
  if (it != keyed.end()) resp->set_next_page_token(absl::StrCat("after:", std::prev(it)->first));
  FillWatermark(**h, resp->mutable_watermark());
  return grpc::Status::OK;
}

grpc::Status QueryServiceImpl::GetOrgSnapshot(grpc::ServerContext* ctx, const v1::GetOrgSnapshotRequest* req,
                                              v1::GetOrgSnapshotResponse* resp) {
  auto admitted = gate_->Admit(*ctx, auth::Role::kReader);
  if (!admitted.ok()) return ToGrpc(admitted.status());
  if (auto s = CheckSlug(req->org(), "org"); !s.ok()) return ToGrpc(s);
  auto day = DayOrDefault(req->has_as_of(), req->as_of(), Today(), "as_of");
  if (!day.ok()) return ToGrpc(day.status());
  auto h = Read(source_, ctx, req->min_offsets());
  if (!h.ok()) return ToGrpc(h.status());
  auto teams = (*h)->reader().OrgHealth(req->org(), *day);  // one snapshot: the handle's
  if (!teams.ok()) return ToGrpc(teams.status());
  if (teams->empty()) return ToGrpc(absl::NotFoundError(absl::StrCat("org ", req->org(), " not found")));
  resp->set_org(req->org());
  resp->set_as_of(FormatDay(*day));
  v1::OrgTotals* totals = resp->mutable_totals();
  for (auto& t : *teams) {
    if (!t.active()) {
      totals->set_inactive_teams(totals->inactive_teams() + 1);
    } else {
      totals->set_teams(totals->teams() + 1);
      if (t.headcount_known()) {
        totals->set_headcount(totals->headcount() + t.headcount());
      } else {
        totals->set_teams_without_headcount(totals->teams_without_headcount() + 1);
      }
      const auto& w90 = t.windows(1);
      totals->set_hires_90d(totals->hires_90d() + w90.hires());
      totals->set_departures_90d(totals->departures_90d() + w90.departures());
      totals->set_senior_departures_90d(totals->senior_departures_90d() + w90.senior_departures());
      totals->set_leadership_departures_90d(totals->leadership_departures_90d() + w90.leadership_departures());
      (*totals->mutable_status_counts())[views::ShortName(t.status())] += 1;
    }
    *resp->add_teams() = std::move(t);
  }
  FillWatermark(**h, resp->mutable_watermark());
  return grpc::Status::OK;
}

grpc::Status QueryServiceImpl::GetTeamTrend(grpc::ServerContext* ctx, const v1::GetTeamTrendRequest* req,
                                            v1::GetTeamTrendResponse* resp) {
  auto admitted = gate_->Admit(*ctx, auth::Role::kReader);
  if (!admitted.ok()) return ToGrpc(admitted.status());
  if (auto s = CheckSlug(req->org(), "org"); !s.ok()) return ToGrpc(s);
  if (auto s = CheckSlug(req->team(), "team"); !s.ok()) return ToGrpc(s);
  auto to = DayOrDefault(req->has_to(), req->to(), Today(), "to");
  if (!to.ok()) return ToGrpc(to.status());
  auto from = DayOrDefault(req->has_from(), req->from(), *to - 89, "from");
  if (!from.ok()) return ToGrpc(from.status());
  if (*from > *to) return ToGrpc(absl::InvalidArgumentError("from: after to"));
  // Period ends, newest last.
  std::vector<int64_t> ends;
  switch (req->granularity()) {
    case v1::GetTeamTrendRequest::GRANULARITY_WEEK:
      for (int64_t d = *to; d >= *from; d -= 7) ends.push_back(d);
      break;
    case v1::GetTeamTrendRequest::GRANULARITY_MONTH: {
      ends.push_back(*to);
      absl::CivilDay c = absl::CivilDay(1970, 1, 1) + *to;
      for (absl::CivilDay m = absl::CivilDay(absl::CivilMonth(c)) - 1; m - absl::CivilDay(1970, 1, 1) >= *from;
           m = absl::CivilDay(absl::CivilMonth(m)) - 1) {
        ends.push_back(m - absl::CivilDay(1970, 1, 1));
      }
      break;
    }
    default:
      for (int64_t d = *to; d >= *from; --d) ends.push_back(d);
  }
  if (ends.size() > 1000) return ToGrpc(absl::InvalidArgumentError("from/to: more than 1,000 points"));
  std::reverse(ends.begin(), ends.end());
  auto h = Read(source_, ctx, req->min_offsets());
  if (!h.ok()) return ToGrpc(h.status());
  // One read of the team's views up to `to`; every point is computed from it.
  auto inputs = (*h)->reader().Inputs(req->org(), req->team(), *to);
  if (!inputs.ok()) return ToGrpc(inputs.status());
  auto b = inputs->buckets.begin();
  for (size_t i = 0; i < ends.size(); ++i) {
    const v1::TeamHealth health = views::ComputeHealth(req->org(), req->team(), *inputs, ends[i]);
    // The period: the days after the previous point up to this one; the first point's period is
    // its own day, week or calendar month.
    int64_t period_start = ends[i];
    if (i > 0) {
      period_start = ends[i - 1] + 1;
    } else if (req->granularity() == v1::GetTeamTrendRequest::GRANULARITY_WEEK) {
      period_start = ends[i] - 6;
    } else if (req->granularity() == v1::GetTeamTrendRequest::GRANULARITY_MONTH) {
      period_start = absl::CivilDay(absl::CivilMonth(absl::CivilDay(1970, 1, 1) + ends[i])) - absl::CivilDay(1970, 1, 1);
    }
    v1::TrendPoint* p = resp->add_points();
    p->set_date(FormatDay(ends[i]));
    p->set_headcount_known(health.headcount_known());
    p->set_headcount(health.headcount());
    p->set_score(health.score());
    p->set_status(health.status());
    for (; b != inputs->buckets.end() && b->first <= ends[i]; ++b) {
      if (b->first < period_start) continue;
      p->set_hires(p->hires() + b->second.hires());
      p->set_departures(p->departures() + b->second.departures());
    }
  }
  FillWatermark(**h, resp->mutable_watermark());
  return grpc::Status::OK;
}

grpc::Status QueryServiceImpl::GetTalentFlows(grpc::ServerContext* ctx, const v1::GetTalentFlowsRequest* req,
                                              v1::GetTalentFlowsResponse* resp) {
  auto admitted = gate_->Admit(*ctx, auth::Role::kReader);
  if (!admitted.ok()) return ToGrpc(admitted.status());
  if (auto s = CheckSlug(req->org(), "org"); !s.ok()) return ToGrpc(s);
  auto to = DayOrDefault(req->has_to(), req->to(), Today(), "to");
  if (!to.ok()) return ToGrpc(to.status());
  auto from = DayOrDefault(req->has_from(), req->from(), *to - 364, "from");
  if (!from.ok()) return ToGrpc(from.status());
  if (*from > *to) return ToGrpc(absl::InvalidArgumentError("from: after to"));
  const auto dir = req->direction();
  const bool inbound = dir != v1::GetTalentFlowsRequest::DIRECTION_OUTBOUND;
  const bool outbound = dir != v1::GetTalentFlowsRequest::DIRECTION_INBOUND;
  auto h = Read(source_, ctx, req->min_offsets());
  if (!h.ok()) return ToGrpc(h.status());
  auto flows = (*h)->reader().Flows(MonthKey(*from), MonthKey(*to));
  if (!flows.ok()) return ToGrpc(flows.status());
  std::map<std::pair<std::string, std::string>, v1::FlowEdge> edges;
  std::map<std::pair<std::string, std::string>, std::set<std::string>> people;
  for (const auto& f : *flows) {
    if (!((outbound && f.from_org == req->org()) || (inbound && f.to_org == req->org()))) continue;
    const auto key = std::make_pair(f.from_org, f.to_org);
    v1::FlowEdge& e = edges[key];
    e.set_from_org(f.from_org);
    e.set_to_org(f.to_org);
    for (const auto& m : f.bucket.movers()) {
      auto* p = e.add_movers();
      p->set_id(m.person_id());
      p->set_name(m.name());
      p->set_seniority(m.seniority());
      p->set_team(f.team);
      p->set_month(f.month.substr(0, 4) + "-" + f.month.substr(4, 2));
      if (m.person_id().empty() || people[key].insert(m.person_id()).second) e.set_people(e.people() + 1);
    }
  }
  std::vector<v1::FlowEdge> sorted;
  for (auto& [k, e] : edges) sorted.push_back(std::move(e));
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.people() > b.people(); });
  for (auto& e : sorted) *resp->add_edges() = std::move(e);
  FillWatermark(**h, resp->mutable_watermark());
  return grpc::Status::OK;
}

grpc::Status QueryServiceImpl::ListEvents(grpc::ServerContext* ctx, const v1::ListEventsRequest* req,
                                          v1::ListEventsResponse* resp) {
  auto admitted = gate_->Admit(*ctx, auth::Role::kReader);
  if (!admitted.ok()) return ToGrpc(admitted.status());
  if (auto s = CheckSlug(req->org(), "org"); !s.ok()) return ToGrpc(s);
  if (auto s = CheckSlug(req->team(), "team"); !s.ok()) return ToGrpc(s);
  if (req->page_size() < 0 || req->page_size() > 1000) {
    return ToGrpc(absl::InvalidArgumentError("page_size: must be 0..1000"));
  }
  const int page_size = req->page_size() == 0 ? 100 : req->page_size();
  int64_t after = -1;
  if (!req->page_token().empty() &&
      (!absl::StartsWith(req->page_token(), "offset:") || !absl::SimpleAtoi(req->page_token().substr(7), &after))) {
    return ToGrpc(absl::InvalidArgumentError("page_token: not a token from a previous ListEvents response"));
  }
  if (req->has_from() && req->has_to() && ToAbslTime(req->from()) > ToAbslTime(req->to())) {
    return ToGrpc(absl::InvalidArgumentError("from: after to"));
  }
  auto h = Read(source_, ctx, req->min_offsets());
  if (!h.ok()) return ToGrpc(h.status());
  auto history = (*h)->reader().History(req->org(), req->team());
  if (!history.ok()) return ToGrpc(history.status());
  if (history->empty()) {
    return ToGrpc(absl::NotFoundError(absl::StrCat("team ", req->org(), "/", req->team(), " not found")));
  }
  for (auto& e : *history) {
    if (e.offset() <= after) continue;
    const absl::Time t = ToAbslTime(e.event().effective_time());
    if (req->has_from() && t < ToAbslTime(req->from())) continue;
    if (req->has_to() && t > ToAbslTime(req->to())) continue;
    if (resp->events_size() == page_size) {
      resp->set_next_page_token(absl::StrCat("offset:", resp->events(page_size - 1).offset()));
      break;
    }
    *resp->add_events() = std::move(e);
  }
  FillWatermark(**h, resp->mutable_watermark());
  return grpc::Status::OK;
}

grpc::Status QueryServiceImpl::WatchTeamHealth(grpc::ServerContext* ctx, const v1::WatchTeamHealthRequest* req,
                                               grpc::ServerWriter<v1::TeamHealthUpdate>* writer) {
  auto admitted = gate_->Admit(*ctx, auth::Role::kReader);
  if (!admitted.ok()) return ToGrpc(admitted.status());
  if (auto s = CheckSlug(req->org(), "org"); !s.ok()) return ToGrpc(s);
  for (const auto& t : req->teams()) {
    if (auto s = CheckSlug(t, "teams"); !s.ok()) return ToGrpc(s);
  }
  std::map<std::string, std::string> last_sent;  // team -> serialized TeamHealth last sent
  uint64_t seen = source_->version() + 1;        // forces the first round
  while (!ctx->IsCancelled()) {
    const uint64_t version = source_->version();
    if (version != seen) {
      seen = version;
      std::vector<v1::TeamHealth> teams;
      v1::Watermark watermark;
      if (auto h = source_->Acquire(); h.ok()) {
        const int64_t today = Today();
        if (req->teams().empty()) {
          if (auto all = (*h)->reader().OrgHealth(req->org(), today); all.ok()) teams = *std::move(all);
        } else {
          for (const auto& t : req->teams()) {
            if (auto one = (*h)->reader().TeamHealth(req->org(), t, today); one.ok()) teams.push_back(*std::move(one));
          }
        }
        FillWatermark(**h, &watermark);
      }  // the views are released before writing to a possibly slow client
      for (auto& t : teams) {
        std::string bytes = t.SerializeAsString();
        if (last_sent[t.team()] == bytes) continue;
        v1::TeamHealthUpdate update;
        *update.mutable_health() = t;
        *update.mutable_watermark() = watermark;
        if (!writer->Write(update)) return grpc::Status::OK;
        last_sent[t.team()] = std::move(bytes);
      }
    }
    source_->WaitForChange(seen, absl::Now() + absl::Seconds(1));  // wakes at least every second for cancellation
  }
  return grpc::Status::OK;
}

grpc::Status QueryServiceImpl::GetWatermark(grpc::ServerContext* ctx, const v1::GetWatermarkRequest* req,
                                            v1::Watermark* resp) {
  auto admitted = gate_->Admit(*ctx, auth::Role::kReader);
  if (!admitted.ok()) return ToGrpc(admitted.status());
  auto h = source_->Acquire();
  if (!h.ok()) return ToGrpc(h.status());
  FillWatermark((*h)->watermark(), log_ends_ ? log_ends_() : std::map<int32_t, int64_t>(), resp);
  return grpc::Status::OK;
}

}  // namespace talentflow::query
