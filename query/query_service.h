// QueryServiceImpl is talentflow.v1.QueryService over a ViewSource. Every call needs the `reader`
// role (admitted by rpc::Serve). Its messages are the API's own (query.proto): the records stored
// in the views (view.proto) are converted, never returned.
//
// With a Router (several instances share the partitions), every call answers for every team: a
// team's reads go to its partition's owner (this DB or one hop), org-wide reads gather a part from
// each owner and merge them, and the watermark lists every partition that went into the answer.
// A partition nobody serves makes the answer Unavailable naming it; NotFound only means unknown.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

#include "common/rpc/auth.h"
#include "query/health_cache.h"
#include "query/router.h"
#include "query/view_source.h"
#include "talentflow/v1/query.grpc.pb.h"

namespace talentflow::query {

// The partitions a local answer covers: nullopt for every partition in the DB (one instance, or a
// DB nobody writes); else those this instance serves.
using Scope = std::optional<std::set<int32_t>>;

// Finds the moves (people.h MovesOf: outlets, the story's person id) of `people` in every
// partition, for an index of the moves filed under `orgs` (corroborated_only: counterpart
// candidates). `reader` is the answering part's read of this DB.
using CounterpartSource = absl::FunctionRef<absl::StatusOr<std::vector<v1::PersonMove>>(
    const views::Reader& reader, const std::set<std::string>& people, const std::set<std::string>& orgs)>;

// The end offset of every partition of the log, or an empty map when the broker cannot be asked.
using LogEndsFn = std::function<std::map<int32_t, int64_t>()>;

class QueryServiceImpl final : public v1::QueryService::Service {
 public:
  // Does not own `source`, `gate` or `router`. `log_ends` may be empty (lag is then reported as
  // unknown). A null `gate` admits every call without limit (tests, talentflowctl --db). A null
  // `router`: this DB holds every partition (one instance, or a DB nobody writes). Org-wide reads
  // keep teams' healths in a HealthCache with `cache` options.
  QueryServiceImpl(ViewSource* source, LogEndsFn log_ends, auth::CallGate* gate = nullptr, Router* router = nullptr,
                   HealthCacheOptions cache = {})
      : source_(source),
        log_ends_(std::move(log_ends)),
        gate_(gate != nullptr ? gate : &open_gate_),
        router_(router),
        health_cache_(cache) {}

  // The healths kept between org-wide reads (its counts go to /metrics).
  const HealthCache& health_cache() const { return health_cache_; }

  grpc::Status GetTeamHealth(grpc::ServerContext* ctx, const v1::GetTeamHealthRequest* req,
                             v1::GetTeamHealthResponse* resp) override;
  grpc::Status ListTeams(grpc::ServerContext* ctx, const v1::ListTeamsRequest* req,
                         v1::ListTeamsResponse* resp) override;
  grpc::Status GetOrgSnapshot(grpc::ServerContext* ctx, const v1::GetOrgSnapshotRequest* req,
                              v1::GetOrgSnapshotResponse* resp) override;
  grpc::Status GetTeamTrend(grpc::ServerContext* ctx, const v1::GetTeamTrendRequest* req,
                            v1::GetTeamTrendResponse* resp) override;
  grpc::Status GetTalentFlows(grpc::ServerContext* ctx, const v1::GetTalentFlowsRequest* req,
                              v1::GetTalentFlowsResponse* resp) override;
  grpc::Status ListEvents(grpc::ServerContext* ctx, const v1::ListEventsRequest* req,
                          v1::ListEventsResponse* resp) override;
  grpc::Status WatchTeamHealth(grpc::ServerContext* ctx, const v1::WatchTeamHealthRequest* req,
                               grpc::ServerWriter<v1::TeamHealthUpdate>* writer) override;
  grpc::Status GetWatermark(grpc::ServerContext* ctx, const v1::GetWatermarkRequest* req,
                            v1::Watermark* resp) override;
  grpc::Status GetEvent(grpc::ServerContext* ctx, const v1::GetEventRequest* req,
                        v1::GetEventResponse* resp) override;
  grpc::Status ListPendingRetractions(grpc::ServerContext* ctx, const v1::ListPendingRetractionsRequest* req,
                                     v1::ListPendingRetractionsResponse* resp) override;
  grpc::Status ListOrgs(grpc::ServerContext* ctx, const v1::ListOrgsRequest* req,
                        v1::ListOrgsResponse* resp) override;
  grpc::Status GetPerson(grpc::ServerContext* ctx, const v1::GetPersonRequest* req,
                         v1::GetPersonResponse* resp) override;
  grpc::Status ListPeople(grpc::ServerContext* ctx, const v1::ListPeopleRequest* req,
                          v1::ListPeopleResponse* resp) override;
  grpc::Status GetTeamMovement(grpc::ServerContext* ctx, const v1::GetTeamMovementRequest* req,
                               v1::GetTeamMovementResponse* resp) override;

 private:
  // Admits the call as a reader and runs `body` (rpc::Serve).
  grpc::Status Serve(const grpc::ServerContext& ctx, absl::FunctionRef<absl::Status()> body);
  // The same for a read of `req`'s org and team (its fields `org`, `team`): a NotFound answer
  // names the nearest orgs or teams the views hold ("team openai/soraa not found; did you mean
  // openai/sora?"), asked of every owner when routed; a forwarded call leaves that to its caller.
  grpc::Status Serve(grpc::ServerContext* ctx, const google::protobuf::Message& req,
                     absl::FunctionRef<absl::Status()> body);
  // "; did you mean …?" for an unknown `org` (or `team` of it, when not empty); "" when nothing
  // known is near or the names cannot be read.
  std::string Suggestion(grpc::ServerContext* ctx, const std::string& org, const std::string& team);
  // "; did you mean …?" over the person ids of this DB's histories nearest to `id`; "" for none.
  std::string PersonSuggestion(const std::string& id);
  // Every org with its team count (ListOrgs), gathered from every owner when routed.
  absl::Status GatherOrgs(grpc::ServerContext* ctx, const v1::MinOffsets& min, int64_t max_lag,
                          std::map<std::string, int64_t>* orgs, v1::Watermark* watermark);

  // The moves (people.h MovesOf) of every history record for which `keep` holds, gathered from
  // every owner when routed (`remote` asks one owner and appends its moves); unlinked. Every kept
  // record's bytes contain `needle` (the person id, the org): the others are skipped unparsed.
  absl::Status GatherMoves(grpc::ServerContext* ctx, int64_t max_lag, const v1::MinOffsets& min,
                           v1::Watermark* watermark, absl::string_view needle,
                           absl::FunctionRef<bool(const v1::Event&)> keep,
                           absl::FunctionRef<absl::Status(const Router::Target& target, v1::Watermark* part,
                                                          std::vector<v1::PersonMove>* moves)> remote,
                           std::vector<v1::PersonMove>* moves);
  // The counterpart source (CounterpartSource) of an evidence-filtered read made in `ctx`:
  // unrouted, every partition of this DB; routed, forwarded calls included, the partitions this
  // instance answers for from `reader` and every other from its owner (a forwarded ListPeople of each
  // org; one level more, never a chain), so a --corroborated figure is the same on every instance.
  // Unavailable naming the partitions nobody serves. The owners' watermarks are not merged into the
  // answer's (it names the partitions whose figures it gives).
  using Counterparts = std::function<absl::StatusOr<std::vector<v1::PersonMove>>(
      const views::Reader&, const std::set<std::string>&, const std::set<std::string>&)>;
  Counterparts CounterpartsFor(grpc::ServerContext* ctx, int64_t max_lag, const v1::MinOffsets& min);
  // Where a team's read is answered: `remote` (the owner's address), or here over `scope` (routed:
  // the team's partition only, which this instance serves).
  struct Route {
    std::optional<std::string> remote;
    Scope scope;
    std::set<int32_t> partitions;  // with `remote`: the team's partition, which the remote answers for
  };
  // With `min` (read-your-writes), a partition not served yet is waited for up to the deadline.
  absl::StatusOr<Route> RouteTeam(const grpc::ServerContext& ctx, const std::string& org, const std::string& team,
                                  int64_t max_lag, const v1::MinOffsets& min);
  // Waits for `min` (read-your-writes, up to the call's deadline; only the scope's partitions),
  // takes one consistent read of the views, lets `answer` fill the response from it and writes the
  // watermark of that read to `watermark` (routed: naming this instance, and which partitions were
  // standby copies). The first error of the three is returned.
  absl::Status Answer(grpc::ServerContext* ctx, const v1::MinOffsets& min, const Scope& scope, v1::Watermark* watermark,
                      absl::FunctionRef<absl::Status(const views::Reader&)> answer);
  // Routed: names this instance on each partition of a local part's watermark, and which were
  // standby copies.
  void Annotate(v1::Watermark* watermark) const;
  // Calls `method` on the instance at `address` as a forwarded call answering for `partitions`
  // (router_ required).
  template <typename Request, typename Response>
  absl::Status Forward(grpc::Status (v1::QueryService::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                       const grpc::ServerContext& ctx, const std::string& address,
                       const std::set<int32_t>& partitions, const Request& req, Response* resp);
  // An org-wide read: `local` answers over a scope of this DB, `remote` asks one owner (a forwarded
  // call; or a copy, within max_lag); each writes its part's watermark. Unrouted or forwarded calls are answered locally.
  // Routed ones gather a part from every owner (concurrently) and fail unless the parts' watermarks
  // cover every partition once; `watermark` gets their union, by partition.
  absl::Status Gather(grpc::ServerContext* ctx, int64_t max_lag, const v1::MinOffsets& min, v1::Watermark* watermark,
                      absl::FunctionRef<absl::Status(const Scope& scope, v1::Watermark* watermark)> local,
                      absl::FunctionRef<absl::Status(const Router::Target& target, v1::Watermark* watermark)> remote);
  // Every team of `org` at `day` that the gather covers, by team slug (empty when none).
  // Under `filter` (query.proto EvidenceFilter; the default reads the health cache). `movers`
  // (optional) gets the teams' hires and departures of the 90-day window that pass the filter
  // (org_totals.h), from every owner when routed.
  absl::Status GatherOrg(grpc::ServerContext* ctx, const std::string& org, int64_t day, const v1::MinOffsets& min,
                         int64_t max_lag, const v1::EvidenceFilter& filter, std::vector<v1::TeamHealth>* teams,
                         v1::Watermark* watermark, std::vector<v1::WindowMover>* movers = nullptr);
  // The teams a watch follows, today (unknown teams left out).
  absl::StatusOr<std::vector<v1::TeamHealth>> WatchedTeams(grpc::ServerContext* ctx, const v1::WatchTeamHealthRequest& req,
                                                           v1::Watermark* watermark);

  ViewSource* source_;
  LogEndsFn log_ends_;
  auth::CallGate open_gate_;
  auth::CallGate* gate_;
  Router* router_;
  HealthCache health_cache_;
};

}  // namespace talentflow::query
