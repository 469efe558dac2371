#include "query/query_service.h"

#include <algorithm>
#include <set>

#include "absl/functional/function_ref.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/base/slug.h"
#include "common/base/status.h"
#include "common/base/time_util.h"
#include "common/rpc/serve.h"
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

// Waits for `min` (read-your-writes, up to the call's deadline), takes one consistent read of the
// views, lets `answer` fill the response from it and writes the watermark of that read to
// `watermark`. The first error of the three is returned.
absl::Status Answer(ViewSource* source, grpc::ServerContext* ctx, const v1::MinOffsets& min, v1::Watermark* watermark,
                    absl::FunctionRef<absl::Status(const views::Reader&)> answer) {
  if (!min.offsets().empty()) {
    std::map<int32_t, int64_t> wanted(min.offsets().begin(), min.offsets().end());
    RETURN_IF_ERROR(source->WaitFor(wanted, DeadlineOf(ctx)));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<ReadHandle> h, source->Acquire());
  RETURN_IF_ERROR(answer(h->reader()));
  FillWatermark(*h, watermark);
  return absl::OkStatus();
}

// The day a request's optional `as_of` names; today when unset.
template <typename Request>
absl::StatusOr<int64_t> AsOfDay(const Request& req) {
  return DayOrDefault(req.has_as_of(), req.as_of(), Today(), "as_of");
}

// The days of a request's optional `from` and `to`, both inclusive: `to` defaults to today, `from`
// to the `default_days` days ending on `to`. InvalidArgument when `from` is after `to`.
struct DayRange {
  int64_t from;
  int64_t to;
};
template <typename Request>
absl::StatusOr<DayRange> DaysOf(const Request& req, int64_t default_days) {
  ASSIGN_OR_RETURN(const int64_t to, DayOrDefault(req.has_to(), req.to(), Today(), "to"));
  ASSIGN_OR_RETURN(const int64_t from, DayOrDefault(req.has_from(), req.from(), to - (default_days - 1), "from"));
  if (from > to) return absl::InvalidArgumentError("from: after to");
  return DayRange{from, to};
}

// A request's page size: `fallback` for 0; InvalidArgument outside 0..`max`.
absl::StatusOr<int> PageSize(int32_t requested, int fallback, int max) {
  if (requested < 0 || requested > max) return absl::InvalidArgumentError(absl::StrCat("page_size: must be 0..", max));
  return requested == 0 ? fallback : requested;
}

// The health of every team of `org` on `day`; NotFound when the org has no team.
absl::StatusOr<std::vector<v1::TeamHealth>> OrgTeams(const views::Reader& reader, const std::string& org, int64_t day) {
  ASSIGN_OR_RETURN(std::vector<v1::TeamHealth> teams, reader.OrgHealth(org, day));
  if (teams.empty()) return absl::NotFoundError(absl::StrCat("org ", org, " not found"));
  return teams;
}

// The API's record of a stored history entry (the stored record stays internal to the views).
void ToEventRecord(v1::HistoryEntry&& stored, v1::EventRecord* out) {
  *out->mutable_event() = std::move(*stored.mutable_event());
  out->set_status(stored.status());
  *out->mutable_note() = std::move(*stored.mutable_note());
  out->set_partition(stored.partition());
  out->set_offset(stored.offset());
}

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

grpc::Status QueryServiceImpl::Serve(const grpc::ServerContext& ctx, absl::FunctionRef<absl::Status()> body) {
  return rpc::Serve(*gate_, ctx, auth::Role::kReader, body);
}

grpc::Status QueryServiceImpl::GetTeamHealth(grpc::ServerContext* ctx, const v1::GetTeamHealthRequest* req,
                                             v1::GetTeamHealthResponse* resp) {
  return Serve(*ctx, [&]() -> absl::Status {
    RETURN_IF_ERROR(CheckSlug(req->org(), "org"));
    RETURN_IF_ERROR(CheckSlug(req->team(), "team"));
    ASSIGN_OR_RETURN(const int64_t day, AsOfDay(*req));
    return Answer(source_, ctx, req->min_offsets(), resp->mutable_watermark(),
                  [&](const views::Reader& reader) -> absl::Status {
                    ASSIGN_OR_RETURN(*resp->mutable_health(), reader.TeamHealth(req->org(), req->team(), day));
                    return absl::OkStatus();
                  });
  });
}

grpc::Status QueryServiceImpl::ListTeams(grpc::ServerContext* ctx, const v1::ListTeamsRequest* req,
                                         v1::ListTeamsResponse* resp) {
  return Serve(*ctx, [&]() -> absl::Status {
    RETURN_IF_ERROR(CheckSlug(req->org(), "org"));
    ASSIGN_OR_RETURN(const int page_size, PageSize(req->page_size(), 50, 500));
    const v1::ListTeamsRequest::OrderBy order = req->order_by();
    std::string after;
    if (!req->page_token().empty()) {
      if (!absl::StartsWith(req->page_token(), "after:")) {
        return absl::InvalidArgumentError("page_token: not a token from a previous ListTeams response");
      }
      after = req->page_token().substr(6);
    }
    ASSIGN_OR_RETURN(const int64_t day, AsOfDay(*req));
    return Answer(source_, ctx, req->min_offsets(), resp->mutable_watermark(),
                  [&](const views::Reader& reader) -> absl::Status {
      ASSIGN_OR_RETURN(std::vector<v1::TeamHealth> teams, OrgTeams(reader, req->org(), day));
      const std::set<int> statuses(req->status().begin(), req->status().end());
      std::vector<std::pair<std::string, v1::TeamHealth*>> keyed;
      for (auto& t : teams) {
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
      return absl::OkStatus();
    });
  });
}

grpc::Status QueryServiceImpl::GetOrgSnapshot(grpc::ServerContext* ctx, const v1::GetOrgSnapshotRequest* req,
                                              v1::GetOrgSnapshotResponse* resp) {
  return Serve(*ctx, [&]() -> absl::Status {
    RETURN_IF_ERROR(CheckSlug(req->org(), "org"));
    ASSIGN_OR_RETURN(const int64_t day, AsOfDay(*req));
    return Answer(source_, ctx, req->min_offsets(), resp->mutable_watermark(),
                  [&](const views::Reader& reader) -> absl::Status {
      ASSIGN_OR_RETURN(std::vector<v1::TeamHealth> teams, OrgTeams(reader, req->org(), day));
      resp->set_org(req->org());
      resp->set_as_of(FormatDay(day));
      v1::OrgTotals* totals = resp->mutable_totals();
      for (auto& t : teams) {
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
      return absl::OkStatus();
    });
  });
}

grpc::Status QueryServiceImpl::GetTeamTrend(grpc::ServerContext* ctx, const v1::GetTeamTrendRequest* req,
                                            v1::GetTeamTrendResponse* resp) {
  return Serve(*ctx, [&]() -> absl::Status {
    RETURN_IF_ERROR(CheckSlug(req->org(), "org"));
    RETURN_IF_ERROR(CheckSlug(req->team(), "team"));
    ASSIGN_OR_RETURN(const DayRange days, DaysOf(*req, 90));
    // Period ends, newest last.
    std::vector<int64_t> ends;
    switch (req->granularity()) {
      case v1::GetTeamTrendRequest::GRANULARITY_WEEK:
        for (int64_t d = days.to; d >= days.from; d -= 7) ends.push_back(d);
        break;
      case v1::GetTeamTrendRequest::GRANULARITY_MONTH: {
        ends.push_back(days.to);
        absl::CivilDay c = absl::CivilDay(1970, 1, 1) + days.to;
        for (absl::CivilDay m = absl::CivilDay(absl::CivilMonth(c)) - 1; m - absl::CivilDay(1970, 1, 1) >= days.from;
             m = absl::CivilDay(absl::CivilMonth(m)) - 1) {
          ends.push_back(m - absl::CivilDay(1970, 1, 1));
        }
        break;
      }
      default:
        for (int64_t d = days.to; d >= days.from; --d) ends.push_back(d);
    }
    if (ends.size() > 1000) return absl::InvalidArgumentError("from/to: more than 1,000 points");
    std::reverse(ends.begin(), ends.end());
    return Answer(source_, ctx, req->min_offsets(), resp->mutable_watermark(),
                  [&](const views::Reader& reader) -> absl::Status {
      // One read of the team's views up to `to`; every point is computed from it.
      ASSIGN_OR_RETURN(const views::TeamInputs inputs, reader.Inputs(req->org(), req->team(), days.to));
      auto b = inputs.buckets.begin();
      for (size_t i = 0; i < ends.size(); ++i) {
        const v1::TeamHealth health = views::ComputeHealth(req->org(), req->team(), inputs, ends[i]);
        // The period: the days after the previous point up to this one; the first point's period is
        // its own day, week or calendar month.
        int64_t period_start = ends[i];
        if (i > 0) {
          period_start = ends[i - 1] + 1;
        } else if (req->granularity() == v1::GetTeamTrendRequest::GRANULARITY_WEEK) {
          period_start = ends[i] - 6;
        } else if (req->granularity() == v1::GetTeamTrendRequest::GRANULARITY_MONTH) {
          period_start =
              absl::CivilDay(absl::CivilMonth(absl::CivilDay(1970, 1, 1) + ends[i])) - absl::CivilDay(1970, 1, 1);
        }
        v1::TrendPoint* p = resp->add_points();
        p->set_date(FormatDay(ends[i]));
        p->set_headcount_known(health.headcount_known());
        p->set_headcount(health.headcount());
        p->set_score(health.score());
        p->set_status(health.status());
        for (; b != inputs.buckets.end() && b->first <= ends[i]; ++b) {
          if (b->first < period_start) continue;
          p->set_hires(p->hires() + b->second.hires());
          p->set_departures(p->departures() + b->second.departures());
        }
      }
      return absl::OkStatus();
    });
  });
}

grpc::Status QueryServiceImpl::GetTalentFlows(grpc::ServerContext* ctx, const v1::GetTalentFlowsRequest* req,
                                              v1::GetTalentFlowsResponse* resp) {
  return Serve(*ctx, [&]() -> absl::Status {
    RETURN_IF_ERROR(CheckSlug(req->org(), "org"));
    ASSIGN_OR_RETURN(const DayRange days, DaysOf(*req, 365));
    const auto dir = req->direction();
    const bool inbound = dir != v1::GetTalentFlowsRequest::DIRECTION_OUTBOUND;
    const bool outbound = dir != v1::GetTalentFlowsRequest::DIRECTION_INBOUND;
    return Answer(source_, ctx, req->min_offsets(), resp->mutable_watermark(),
                  [&](const views::Reader& reader) -> absl::Status {
      ASSIGN_OR_RETURN(const std::vector<views::Reader::Flow> flows, reader.Flows(MonthKey(days.from), MonthKey(days.to)));
      std::map<std::pair<std::string, std::string>, v1::FlowEdge> edges;
      std::map<std::pair<std::string, std::string>, std::set<std::string>> people;
      for (const auto& f : flows) {
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
      std::stable_sort(sorted.begin(), sorted.end(),
                       [](const auto& a, const auto& b) { return a.people() > b.people(); });
      for (auto& e : sorted) *resp->add_edges() = std::move(e);
      return absl::OkStatus();
    });
  });
}

grpc::Status QueryServiceImpl::ListEvents(grpc::ServerContext* ctx, const v1::ListEventsRequest* req,
                                          v1::ListEventsResponse* resp) {
  return Serve(*ctx, [&]() -> absl::Status {
    RETURN_IF_ERROR(CheckSlug(req->org(), "org"));
    RETURN_IF_ERROR(CheckSlug(req->team(), "team"));
    ASSIGN_OR_RETURN(const int page_size, PageSize(req->page_size(), 100, 1000));
    int64_t after = -1;
    if (!req->page_token().empty() &&
        (!absl::StartsWith(req->page_token(), "offset:") || !absl::SimpleAtoi(req->page_token().substr(7), &after))) {
      return absl::InvalidArgumentError("page_token: not a token from a previous ListEvents response");
    }
    if (req->has_from() && req->has_to() && ToAbslTime(req->from()) > ToAbslTime(req->to())) {
      return absl::InvalidArgumentError("from: after to");
    }
    return Answer(source_, ctx, req->min_offsets(), resp->mutable_watermark(),
                  [&](const views::Reader& reader) -> absl::Status {
      ASSIGN_OR_RETURN(std::vector<v1::HistoryEntry> history, reader.History(req->org(), req->team()));
      if (history.empty()) return absl::NotFoundError(absl::StrCat("team ", req->org(), "/", req->team(), " not found"));
      for (auto& e : history) {
        if (e.offset() <= after) continue;
        const absl::Time t = ToAbslTime(e.event().effective_time());
        if (req->has_from() && t < ToAbslTime(req->from())) continue;
        if (req->has_to() && t > ToAbslTime(req->to())) continue;
        if (resp->events_size() == page_size) {
          resp->set_next_page_token(absl::StrCat("offset:", resp->events(page_size - 1).offset()));
          break;
        }
        ToEventRecord(std::move(e), resp->add_events());
      }
      return absl::OkStatus();
    });
  });
}

grpc::Status QueryServiceImpl::WatchTeamHealth(grpc::ServerContext* ctx, const v1::WatchTeamHealthRequest* req,
                                               grpc::ServerWriter<v1::TeamHealthUpdate>* writer) {
  return Serve(*ctx, [&]() -> absl::Status {  // admitted for the stream's whole life
    RETURN_IF_ERROR(CheckSlug(req->org(), "org"));
    for (const auto& t : req->teams()) RETURN_IF_ERROR(CheckSlug(t, "teams"));
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
          if (!writer->Write(update)) return absl::OkStatus();
          last_sent[t.team()] = std::move(bytes);
        }
      }
      source_->WaitForChange(seen, absl::Now() + absl::Seconds(1));  // wakes at least every second for cancellation
    }
    return absl::OkStatus();
  });
}

grpc::Status QueryServiceImpl::GetWatermark(grpc::ServerContext* ctx, const v1::GetWatermarkRequest* req,
                                            v1::Watermark* resp) {
  return Serve(*ctx, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::unique_ptr<ReadHandle> h, source_->Acquire());
    FillWatermark(h->watermark(), log_ends_ ? log_ends_() : std::map<int32_t, int64_t>(), resp);
    return absl::OkStatus();
  });
}

}  // namespace talentflow::query
