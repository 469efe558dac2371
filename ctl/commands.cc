#include "ctl/commands.h"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/client_interceptor.h>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/rpc/grpc_status.h"
#include "common/log/logging.h"
#include "common/rpc/server_security.h"
#include "common/base/status.h"
#include "common/base/time_util.h"
#include "ctl/audit.h"
#include "ctl/csv.h"
#include "ctl/explain.h"
#include "ctl/publish_views.h"
#include "ctl/tables.h"
#include "ingest/feed_source.h"
#include "query/evidence.h"
#include "views/health.h"

namespace talentflow::ctl {
namespace {

void SetDeadline(grpc::ClientContext& ctx, absl::Duration timeout) {
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
}

void SetMinOffsets(const ReadOptions& read, v1::MinOffsets* min) {
  for (const auto& [p, o] : read.min_offsets) (*min->mutable_offsets())[p] = o;
}

// "evidence: reported or better, corroborated only\n" above a table read under an evidence
// filter; "" for the default (every report).
std::string EvidenceLine(const ReadOptions& read) {
  const std::string what = query::DescribeFilter(read.evidence);
  return what.empty() ? "" : absl::StrCat("evidence: ", what, "\n");
}

// Writes `response` as JSON, as the CSV `csv` makes of it (ReadOptions::csv), or as the table
// `render` makes of it.
int Emit(const ReadOptions& read, const google::protobuf::Message& response, const std::function<std::string()>& render,
         const std::function<std::string()>& csv, std::ostream& out, std::ostream& err) {
  if (read.csv && !read.json && csv) {
    out << csv();
  } else if (read.json) {
    absl::StatusOr<std::string> json = RenderJson(response);
    if (!json.ok()) return ReportError(json.status(), err);
    out << *json;
  } else {
    out << EvidenceLine(read) << render();
  }
  out.flush();
  return kExitOk;
}

// The same for a read without CSV.
int Emit(const ReadOptions& read, const google::protobuf::Message& response, const std::function<std::string()>& render,
         std::ostream& out, std::ostream& err) {
  return Emit(read, response, render, nullptr, out, err);
}

grpc::Status RepeatedToken(absl::string_view rpc) {
  return grpc::Status(grpc::StatusCode::INTERNAL, absl::StrCat(rpc, " returned the page token it was given"));
}

bool Reached(const v1::Watermark& wm, const std::map<int32_t, int64_t>& min_offsets) {
  for (const auto& [partition, offset] : min_offsets) {
    bool ok = false;
    for (const auto& p : wm.partitions()) ok = ok || (p.partition() == partition && p.applied_offset() > offset);
    if (!ok) return false;
  }
  return true;
}

std::string StatusCodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

}  // namespace

grpc::ChannelArguments ClientChannelArguments() {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  return args;
}

namespace {

// Adds the bearer token to the initial metadata of every call.
class BearerTokenInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit BearerTokenInterceptor(const std::string* header) : header_(header) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->insert({"authorization", *header_});
    }
    methods->Proceed();
  }

 private:
  const std::string* header_;
};

class BearerTokenInterceptorFactory : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit BearerTokenInterceptorFactory(std::string token) : header_("Bearer " + std::move(token)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(grpc::experimental::ClientRpcInfo* info) override {
    return new BearerTokenInterceptor(&header_);
  }

 private:
  const std::string header_;  // outlives the interceptors: the channel owns this factory
};

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::Channel>> CreateClientChannel(const std::string& address,
                                                                   const ClientSecurityOptions& security) {
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (security.tls_cert_path.empty() != security.tls_key_path.empty()) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key go together");
  }
  if (UsesTls(security)) {
    grpc::SslCredentialsOptions ssl;
    if (!security.tls_ca_path.empty()) {
      ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadPem(security.tls_ca_path, "--tls-ca"));
    }
    if (!security.tls_cert_path.empty()) {
      ASSIGN_OR_RETURN(ssl.pem_cert_chain, ReadPem(security.tls_cert_path, "--tls-cert"));
      ASSIGN_OR_RETURN(ssl.pem_private_key, ReadPem(security.tls_key_path, "--tls-key"));
    }
    credentials = grpc::SslCredentials(ssl);
  }
  const bool tls = UsesTls(security);
  if (!security.token.empty() && !tls && !IsLoopbackAddress(address)) {
    spdlog::warn("sending the bearer token to {} without TLS (--tls-ca)", address);
  }
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  if (!security.token.empty()) interceptors.push_back(std::make_unique<BearerTokenInterceptorFactory>(security.token));
  return grpc::experimental::CreateCustomChannelWithInterceptors(address, credentials, ClientChannelArguments(),
                                                                 std::move(interceptors));
}

int ReportError(const grpc::Status& status, std::ostream& err) {
  WriteError(absl::StrCat(StatusCodeName(status.error_code()), ": ", status.error_message()), err);
  return kExitFailed;
}

int ReportError(const absl::Status& status, std::ostream& err) {
  if (IsExplained(status)) {
    WriteError(std::string(status.message()), err);
    return kExitFailed;
  }
  return ReportError(ToGrpc(status), err);
}

absl::Status WaitForOffsets(const ReadOptions& read, v1::QueryService::StubInterface& stub, v1::Watermark* wm) {
  const absl::Time deadline = absl::Now() + read.timeout;
  v1::Watermark last;  // the last watermark the views answered (none yet: empty)
  while (true) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(deadline));
    wm->Clear();
    grpc::Status s = stub.GetWatermark(&ctx, v1::GetWatermarkRequest(), wm);
    if (s.ok()) {
      if (Reached(*wm, read.min_offsets)) return absl::OkStatus();
      last = *wm;
    } else if (read.min_offsets.empty()) {
      return FromGrpc(s);
    } else if (s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
      // The time ran out during a call (a slow service or machine): still name who was behind.
      return OffsetsNotReached(read.min_offsets, last, read.timeout);
    } else if (s.error_code() != grpc::StatusCode::UNAVAILABLE) {
      return FromGrpc(s);
    }
    if (absl::Now() + absl::Milliseconds(100) >= deadline) {
      // The last watermark says which partitions were behind (none when the views never answered).
      return OffsetsNotReached(read.min_offsets, last, read.timeout);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

absl::Status CheckRange(const std::optional<google::protobuf::Timestamp>& from,
                        const std::optional<google::protobuf::Timestamp>& to) {
  if (from && to && ToAbslTime(*from) > ToAbslTime(*to)) {
    return absl::InvalidArgumentError("--from: after --to");
  }
  return absl::OkStatus();
}

int RunTeam(const TeamOptions& options, const ReadOptions& read, v1::QueryService::StubInterface& stub,
            std::ostream& out, std::ostream& err) {
  v1::GetTeamHealthRequest req;
  req.set_org(options.team.org);
  req.set_team(options.team.team);
  if (options.as_of) *req.mutable_as_of() = *options.as_of;
  SetMinOffsets(read, req.mutable_min_offsets());
  *req.mutable_evidence() = read.evidence;
  req.set_max_lag(read.max_lag);
  grpc::ClientContext ctx;
  SetDeadline(ctx, read.timeout);
  v1::GetTeamHealthResponse resp;
  if (grpc::Status s = stub.GetTeamHealth(&ctx, req, &resp); !s.ok()) return ReportError(s, err);
  return Emit(read, resp, [&] { return RenderTeamHealth(resp.health(), read.color, read.width); },
              [&] {
                google::protobuf::RepeatedPtrField<v1::TeamHealth> one;
                *one.Add() = resp.health();
                return TeamsCsv(one);
              },
              out, err);
}

int RunTeams(const TeamsOptions& options, const ReadOptions& read, v1::QueryService::StubInterface& stub,
             std::ostream& out, std::ostream& err) {
  v1::ListTeamsRequest req;
  req.set_org(options.org);
  for (v1::HealthStatus s : options.statuses) req.add_status(s);
  req.set_order_by(options.order_by);
  req.set_page_size(options.page_size);
  req.set_include_inactive(options.include_inactive);
  if (options.as_of) *req.mutable_as_of() = *options.as_of;
  SetMinOffsets(read, req.mutable_min_offsets());
  *req.mutable_evidence() = read.evidence;
  req.set_max_lag(read.max_lag);
  v1::ListTeamsResponse all;  // every page; the watermark of the last
  do {
    grpc::ClientContext ctx;
    SetDeadline(ctx, read.timeout);
    v1::ListTeamsResponse page;
    if (grpc::Status s = stub.ListTeams(&ctx, req, &page); !s.ok()) return ReportError(s, err);
    if (!page.next_page_token().empty() && page.next_page_token() == req.page_token()) {
      return ReportError(RepeatedToken("ListTeams"), err);
    }
    for (auto& t : *page.mutable_teams()) *all.add_teams() = std::move(t);
    *all.mutable_watermark() = page.watermark();
    all.set_latest_event_day(page.latest_event_day());
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  return Emit(read, all, [&] {
    if (all.teams().empty()) {
      return WhyNoTeams(options.org, options.statuses, DayOrToday(options.as_of), all.latest_event_day());
    }
    return RenderTeamList(all.teams(), read.color, read.width);
  }, [&] { return TeamsCsv(all.teams()); }, out, err);
}

namespace {

// The org table without merged or dissolved teams (the README's "left out of listings"; the totals
// already leave them out), then a line naming them: they are still readable with `team`.
std::string RenderActiveOrgSnapshot(const v1::GetOrgSnapshotResponse& snapshot, bool color, int width) {
  v1::GetOrgSnapshotResponse active = snapshot;
  active.clear_teams();
  std::vector<std::string> inactive;
  for (const auto& t : snapshot.teams()) {
    if (t.active()) {
      *active.add_teams() = t;
      continue;
    }
    std::string what = t.successor().empty() ? "dissolved" : absl::StrCat("merged into ", t.successor());
    if (!t.inactive_since().empty()) absl::StrAppend(&what, " on ", t.inactive_since());
    inactive.push_back(absl::StrCat(t.team(), " (", what, ")"));
  }
  std::string out = RenderOrgSnapshot(active, color, width);
  if (!inactive.empty()) absl::StrAppend(&out, "left out, inactive: ", absl::StrJoin(inactive, ", "), "\n");
  return out;
}

// `org --compare`: `now` was read at --as-of; reads the org again at options.compare and prints
// both side by side (--json: the two responses, the earlier date's first).
int RunOrgCompare(const OrgOptions& options, const ReadOptions& read, const v1::GetOrgSnapshotRequest& now_req,
                  const v1::GetOrgSnapshotResponse& now, v1::QueryService::StubInterface& stub, std::ostream& out,
                  std::ostream& err) {
  v1::GetOrgSnapshotRequest req = now_req;
  *req.mutable_as_of() = *options.compare;
  grpc::ClientContext ctx;
  SetDeadline(ctx, read.timeout);
  v1::GetOrgSnapshotResponse then;
  if (grpc::Status s = stub.GetOrgSnapshot(&ctx, req, &then); !s.ok()) return ReportError(s, err);
  if (read.json) {
    for (const v1::GetOrgSnapshotResponse* r : {static_cast<const v1::GetOrgSnapshotResponse*>(&then), &now}) {
      if (int code = Emit(read, *r, [] { return std::string(); }, out, err); code != kExitOk) return code;
    }
    return kExitOk;
  }
  out << EvidenceLine(read) << RenderOrgCompare(then, now) << std::flush;
  return kExitOk;
}

}  // namespace

int RunOrg(const OrgOptions& options, const ReadOptions& read, v1::QueryService::StubInterface& stub,
           std::ostream& out, std::ostream& err) {
  v1::GetOrgSnapshotRequest req;
  req.set_org(options.org);
  if (options.as_of) *req.mutable_as_of() = *options.as_of;
  SetMinOffsets(read, req.mutable_min_offsets());
  *req.mutable_evidence() = read.evidence;
  req.set_max_lag(read.max_lag);
  grpc::ClientContext ctx;
  SetDeadline(ctx, read.timeout);
  v1::GetOrgSnapshotResponse resp;
  if (grpc::Status s = stub.GetOrgSnapshot(&ctx, req, &resp); !s.ok()) return ReportError(s, err);
  if (options.compare) return RunOrgCompare(options, read, req, resp, stub, out, err);
  return Emit(read, resp, [&] { return RenderActiveOrgSnapshot(resp, read.color, read.width); },
              [&] { return TeamsCsv(resp.teams()); }, out, err);
}

int RunTrend(const TrendOptions& options, const ReadOptions& read, v1::QueryService::StubInterface& stub,
             std::ostream& out, std::ostream& err) {
  v1::GetTeamTrendRequest req;
  req.set_org(options.team.org);
  req.set_team(options.team.team);
  if (options.from) *req.mutable_from() = *options.from;
  if (options.to) *req.mutable_to() = *options.to;
  req.set_granularity(options.granularity);
  SetMinOffsets(read, req.mutable_min_offsets());
  *req.mutable_evidence() = read.evidence;
  req.set_max_lag(read.max_lag);
  grpc::ClientContext ctx;
  SetDeadline(ctx, read.timeout);
  v1::GetTeamTrendResponse resp;
  if (grpc::Status s = stub.GetTeamTrend(&ctx, req, &resp); !s.ok()) return ReportError(s, err);
  return Emit(read, resp, [&] {
    return RenderTrend(resp, read.color, read.width) + WhyTrendIsFlat(options.team.org, options.team.team, resp);
  }, [&] { return TrendCsv(req.org(), req.team(), resp); }, out, err);
}

int RunFlows(const FlowsOptions& options, const ReadOptions& read, v1::QueryService::StubInterface& stub,
             std::ostream& out, std::ostream& err) {
  v1::GetTalentFlowsRequest req;
  req.set_org(options.org);
  req.set_direction(options.direction);
  req.set_team(options.team);
  req.set_counterparty(options.counterparty);
  if (options.monthly) req.set_granularity(v1::FLOW_GRANULARITY_MONTH);
  if (options.from) *req.mutable_from() = *options.from;
  if (options.to) *req.mutable_to() = *options.to;
  SetMinOffsets(read, req.mutable_min_offsets());
  *req.mutable_evidence() = read.evidence;
  req.set_max_lag(read.max_lag);
  grpc::ClientContext ctx;
  SetDeadline(ctx, read.timeout);
  v1::GetTalentFlowsResponse resp;
  if (grpc::Status s = stub.GetTalentFlows(&ctx, req, &resp); !s.ok()) return ReportError(s, err);
  return Emit(read, resp, [&] {
    if (resp.edges().empty()) return WhyNoFlows(req, resp.latest_month());
    return options.monthly ? RenderFlowMonths(req, resp, read.width) : RenderFlows(resp, read.width);
  }, [&] { return options.monthly ? FlowMonthsCsv(req, resp) : FlowsCsv(resp); }, out, err);
}

int RunEvents(const EventsOptions& options, const ReadOptions& read, v1::QueryService::StubInterface& stub,
              std::ostream& out, std::ostream& err) {
  v1::ListEventsRequest req;
  req.set_org(options.team.org);
  req.set_team(options.team.team);
  if (options.from) *req.mutable_from() = *options.from;
  if (options.to) *req.mutable_to() = *options.to;
  req.set_page_size(options.page_size);
  SetMinOffsets(read, req.mutable_min_offsets());
  *req.mutable_evidence() = read.evidence;
  req.set_max_lag(read.max_lag);
  for (const auto& t : options.types) req.add_types(t);
  for (v1::EventStatus s : options.statuses) req.add_statuses(s);
  v1::ListEventsResponse all;  // every page; the watermark of the last
  do {
    grpc::ClientContext ctx;
    SetDeadline(ctx, read.timeout);
    v1::ListEventsResponse page;
    if (grpc::Status s = stub.ListEvents(&ctx, req, &page); !s.ok()) return ReportError(s, err);
    if (!page.next_page_token().empty() && page.next_page_token() == req.page_token()) {
      return ReportError(RepeatedToken("ListEvents"), err);
    }
    for (auto& e : *page.mutable_events()) *all.add_events() = std::move(e);
    *all.mutable_watermark() = page.watermark();
    all.set_latest_event_day(page.latest_event_day());
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  ReadOptions as_csv = read;
  as_csv.csv = read.csv || options.csv;
  return Emit(as_csv, all, [&] {
    return all.events().empty() ? WhyNoEvents(req, all.latest_event_day()) : RenderEvents(all.events(), read.width);
  }, [&] { return EventsCsv(all.events()); }, out, err);
}

int RunWatch(const WatchOptions& options, const ReadOptions& read, v1::QueryService::StubInterface& stub,
             const std::atomic<bool>& stop, std::ostream& out, std::ostream& err) {
  if (!read.min_offsets.empty()) {
    v1::Watermark wm;
    if (absl::Status s = WaitForOffsets(read, stub, &wm); !s.ok()) return ReportError(s, err);
  }
  v1::WatchTeamHealthRequest req;
  req.set_org(options.target.org);
  for (const auto& t : options.target.teams) req.add_teams(t);
  *req.mutable_evidence() = read.evidence;
  grpc::ClientContext ctx;  // no deadline: the stream lasts until cancelled
  std::unique_ptr<grpc::ClientReaderInterface<v1::TeamHealthUpdate>> reader = stub.WatchTeamHealth(&ctx, req);

  // The stream is read on its own thread so that this one can notice `stop` and cancel it.
  std::mutex mu;
  std::condition_variable cv;
  std::deque<v1::TeamHealthUpdate> pending;
  bool done = false;
  std::thread receiver([&] {
    v1::TeamHealthUpdate update;
    while (reader->Read(&update)) {
      std::lock_guard<std::mutex> lock(mu);
      pending.push_back(std::move(update));
      cv.notify_one();
    }
    std::lock_guard<std::mutex> lock(mu);
    done = true;
    cv.notify_one();
  });

  std::map<std::string, v1::TeamHealth> latest;
  v1::Watermark watermark;
  int code = kExitOk;
  std::unique_lock<std::mutex> lock(mu);
  while (true) {
    cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return !pending.empty() || done || stop.load(); });
    if (stop.load() || (done && pending.empty())) break;
    if (pending.empty()) continue;
    // Updates that arrive together (the first round sends one per team) are shown once.
    cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return done || stop.load(); });
    std::deque<v1::TeamHealthUpdate> batch;
    batch.swap(pending);
    lock.unlock();
    for (auto& u : batch) {
      if (read.json) {
        absl::StatusOr<std::string> json = RenderJson(u);
        if (!json.ok()) {
          code = ReportError(json.status(), err);
          break;
        }
        out << *json;
      }
      watermark = u.watermark();
      latest[u.health().team()] = std::move(*u.mutable_health());
    }
    if (!read.json && code == kExitOk) {
      if (options.clear_screen) out << "\x1b[H\x1b[2J";
      out << EvidenceLine(read) << RenderWatch(options.target.org, latest, watermark, read.color, read.width);
    }
    out.flush();
    lock.lock();
    if (code != kExitOk) break;
  }
  lock.unlock();
  ctx.TryCancel();  // no-op when the stream already ended
  receiver.join();
  grpc::Status s = reader->Finish();
  if (code != kExitOk || stop.load()) return code;
  if (!s.ok()) return ReportError(s, err);
  return kExitOk;
}

int RunLag(const ReadOptions& read, v1::QueryService::StubInterface& stub, std::ostream& out, std::ostream& err) {
  v1::Watermark wm;
  if (absl::Status s = WaitForOffsets(read, stub, &wm); !s.ok()) return ReportError(s, err);
  return Emit(read, wm, [&] { return RenderWatermark(wm); }, [&] { return WatermarkCsv(wm); }, out, err);
}

int RunPublish(const PublishOptions& options, v1::IngestService::StubInterface& stub, std::ostream& out,
               std::ostream& err) {
  absl::StatusOr<std::unique_ptr<ingest::FeedReader>> reader = ingest::FeedReader::Open(options.path);
  if (!reader.ok()) {
    WriteError(absl::StrCat("FILE: ", reader.status().message()), err);
    return kExitUsage;
  }

  // first_not_delivered_line stays unknown: the summary names no line to rerun from.
  ingest::FeedSummary counts;
  counts.dry_run = options.dry_run;
  std::map<int32_t, int64_t> offsets;  // highest offset written per partition
  absl::flat_hash_set<std::string> keys;  // idempotency keys of the lines written (or valid) so far
  std::vector<PublishedEvent> published;  // for options.views
  // After a failed call the summary is printed only when an earlier call got through: when the
  // first fails (the service is down), the error is the whole answer.
  bool delivered_a_call = false;
  auto summary = [&] {
    out << counts.ToString() << "\n"
        << (offsets.empty() ? "offsets:" : "offsets: " + FormatOffsets(offsets)) << std::endl;
  };

  v1::PublishRequest batch;
  std::vector<int64_t> lines;  // the line of each event of `batch`
  // Rejections wait for the answer to their batch, so that `err` lists them in line order: a line the
  // client could not parse is reported among the service's rejections of the lines around it.
  std::vector<std::pair<int64_t, std::string>> rejections;  // line, "<field>: <reason>"
  auto report = [&] {
    std::stable_sort(rejections.begin(), rejections.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [number, text] : rejections) WriteDiagnostic(absl::StrCat("line ", number, ": ", text), err);
    rejections.clear();
  };
  auto send = [&]() -> grpc::Status {
    if (batch.events().empty()) {
      report();
      return grpc::Status::OK;
    }
    grpc::ClientContext ctx;
    SetDeadline(ctx, options.timeout);
    v1::PublishResponse resp;
    batch.set_dry_run(options.dry_run);
    batch.set_require_evidence(options.require_evidence);
    grpc::Status s = stub.Publish(&ctx, batch, &resp);
    if (!s.ok()) {
      report();
      return s;
    }
    delivered_a_call = true;
    counts.without_evidence += resp.without_evidence();
    for (int i = 0; i < resp.results_size() && i < static_cast<int>(lines.size()); ++i) {
      const v1::EventResult& r = resp.results(i);
      counts.Count(r.status());
      if (r.status() == v1::EventResult::STATUS_ACCEPTED || r.status() == v1::EventResult::STATUS_VALID) {
        // Across batches too, which the service (one session per batch) cannot see.
        if (!keys.insert(r.idempotency_key()).second) ++counts.repeats;
      }
      switch (r.status()) {
        case v1::EventResult::STATUS_ACCEPTED:
          for (const auto& rec : r.records()) {
            auto [it, inserted] = offsets.emplace(rec.partition(), rec.offset());
            if (!inserted) it->second = std::max(it->second, rec.offset());
          }
          if (options.views != nullptr) published.push_back({lines[i], r.event_id()});
          break;
        case v1::EventResult::STATUS_VALID:
          break;
        case v1::EventResult::STATUS_REJECTED:
          // The reason usually names the field already ("org: …"); name it only when it does not.
          rejections.emplace_back(
              lines[i], absl::StrCat(r.field().empty() || absl::StartsWith(r.reason(), r.field() + ":") ? ""
                                                                                                        : r.field() + ": ",
                                     r.reason()));
          break;
        default:
          rejections.emplace_back(lines[i], absl::StrCat("not delivered: ", r.reason()));
      }
    }
    report();
    if (resp.results_size() != batch.events_size()) {
      return grpc::Status(grpc::StatusCode::INTERNAL, absl::StrCat("Publish returned ", resp.results_size(),
                                                                   " results for ", batch.events_size(), " events"));
    }
    batch.Clear();
    lines.clear();
    return grpc::Status::OK;
  };

  ingest::FeedLine line;
  while ((*reader)->Next(&line) == ingest::FeedReader::Result::kLine) {
    v1::Event event;
    if (absl::Status parsed = ingest::ParseFeedLineInto(line, &event); !parsed.ok()) {
      counts.Count(v1::EventResult::STATUS_REJECTED);
      rejections.emplace_back(line.number, std::string(parsed.message()));
      continue;
    }
    if (options.retraction_check != nullptr) {
      if (absl::Status checked = options.retraction_check->Check(event); !checked.ok()) {
        counts.Count(v1::EventResult::STATUS_REJECTED);
        rejections.emplace_back(line.number, std::string(checked.message()));
        continue;
      }
      options.retraction_check->Note(event);
    }
    if (!batch.events().empty() && batch.ByteSizeLong() + event.ByteSizeLong() + 16 > options.batch_bytes) {
      if (grpc::Status s = send(); !s.ok()) {
        if (delivered_a_call) summary();
        return ReportError(s, err);
      }
    }
    *batch.add_events() = std::move(event);
    lines.push_back(line.number);
    if (batch.events_size() >= static_cast<int>(options.batch_events)) {
      if (grpc::Status s = send(); !s.ok()) {
        if (delivered_a_call) summary();
        return ReportError(s, err);
      }
    }
  }
  if (grpc::Status s = send(); !s.ok()) {
    if (delivered_a_call) summary();
    return ReportError(s, err);
  }
  summary();
  if (options.views != nullptr && !published.empty() &&
      !ReportViews(published, offsets, *options.views, options.timeout, out, err)) {
    return kExitFailed;
  }
  // FeedSummary's exit codes are talentflowctl's: kExitOk, kExitRejected, kExitFailed.
  return counts.ExitCode();
}

int RunOrgs(const ReadOptions& read, v1::QueryService::StubInterface& stub, std::ostream& out, std::ostream& err) {
  v1::ListOrgsRequest req;
  SetMinOffsets(read, req.mutable_min_offsets());
  req.set_max_lag(read.max_lag);
  grpc::ClientContext ctx;
  SetDeadline(ctx, read.timeout);
  v1::ListOrgsResponse resp;
  if (grpc::Status s = stub.ListOrgs(&ctx, req, &resp); !s.ok()) return ReportError(s, err);
  return Emit(read, resp, [&] { return RenderOrgs(resp, read.width); }, [&] { return OrgsCsv(resp); }, out, err);
}

int RunPerson(const PersonOptions& options, const ReadOptions& read, v1::QueryService::StubInterface& stub,
              std::ostream& out, std::ostream& err) {
  v1::GetPersonRequest req;
  req.set_person_id(options.person_id);
  SetMinOffsets(read, req.mutable_min_offsets());
  *req.mutable_evidence() = read.evidence;
  req.set_max_lag(read.max_lag);
  grpc::ClientContext ctx;
  SetDeadline(ctx, read.timeout);
  v1::GetPersonResponse resp;
  if (grpc::Status s = stub.GetPerson(&ctx, req, &resp); !s.ok()) return ReportError(s, err);
  std::vector<const v1::PersonMove*> moves;
  for (const auto& m : resp.moves()) moves.push_back(&m);
  return Emit(read, resp, [&] { return RenderPerson(resp, read.width); }, [&] { return MovesCsv(moves); }, out, err);
}

int RunPeople(const PeopleOptions& options, const ReadOptions& read, v1::QueryService::StubInterface& stub,
              std::ostream& out, std::ostream& err) {
  v1::ListPeopleRequest req;
  req.set_org(options.target.org);
  req.set_team(options.target.team);
  if (options.from) *req.mutable_from() = *options.from;
  if (options.to) *req.mutable_to() = *options.to;
  req.set_page_size(options.page_size);
  SetMinOffsets(read, req.mutable_min_offsets());
  *req.mutable_evidence() = read.evidence;
  req.set_max_lag(read.max_lag);
  v1::ListPeopleResponse all;  // every page; the watermark of the last
  do {
    grpc::ClientContext ctx;
    SetDeadline(ctx, read.timeout);
    v1::ListPeopleResponse page;
    if (grpc::Status s = stub.ListPeople(&ctx, req, &page); !s.ok()) return ReportError(s, err);
    if (!page.next_page_token().empty() && page.next_page_token() == req.page_token()) {
      return ReportError(RepeatedToken("ListPeople"), err);
    }
    for (auto& p : *page.mutable_people()) *all.add_people() = std::move(p);
    *all.mutable_watermark() = page.watermark();
    if (all.people().empty()) all.set_latest_move_day(page.latest_move_day());
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  std::vector<const v1::PersonMove*> moves;
  for (const auto& row : all.people()) {
    for (const auto& m : row.moves()) moves.push_back(&m);
  }
  return Emit(read, all, [&] {
    return all.people().empty() ? WhyNoPeople(req, all.latest_move_day()) : RenderPeople(all, read.width);
  }, [&] { return MovesCsv(moves); }, out, err);
}

int RunMovement(const MovementOptions& options, const ReadOptions& read, v1::QueryService::StubInterface& stub,
                std::ostream& out, std::ostream& err) {
  v1::GetTeamMovementRequest req;
  req.set_org(options.target.org);
  req.set_team(options.target.team);
  if (options.as_of) *req.mutable_as_of() = *options.as_of;
  SetMinOffsets(read, req.mutable_min_offsets());
  *req.mutable_evidence() = read.evidence;
  req.set_max_lag(read.max_lag);
  grpc::ClientContext ctx;
  SetDeadline(ctx, read.timeout);
  v1::GetTeamMovementResponse resp;
  if (grpc::Status s = stub.GetTeamMovement(&ctx, req, &resp); !s.ok()) return ReportError(s, err);
  return Emit(read, resp, [&] { return RenderMovement(resp, read.width); },
              [&] { return options.backfills ? BackfillsCsv(resp) : MovementCsv(resp); }, out, err);
}

}  // namespace talentflow::ctl
