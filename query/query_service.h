// QueryServiceImpl is talentflow.v1.QueryService over a ViewSource. Every call needs the `reader`
// role (admitted by rpc::Serve). Its messages are the API's own (query.proto): the records stored
// in the views (view.proto) are converted, never returned.
#pragma once

#include <functional>
#include <map>

#include <grpcpp/grpcpp.h>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"

#include "common/rpc/auth.h"
#include "query/view_source.h"
#include "talentflow/v1/query.grpc.pb.h"

namespace talentflow::query {

// The end offset of every partition of the log, or an empty map when the broker cannot be asked.
using LogEndsFn = std::function<std::map<int32_t, int64_t>()>;

class QueryServiceImpl final : public v1::QueryService::Service {
 public:
  // Does not own `source` or `gate`. `log_ends` may be empty (lag is then reported as unknown).
  // A null `gate` admits every call without limit (tests, talentflowctl --db).
  QueryServiceImpl(ViewSource* source, LogEndsFn log_ends, auth::CallGate* gate = nullptr)
      : source_(source), log_ends_(std::move(log_ends)), gate_(gate != nullptr ? gate : &open_gate_) {}

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

 private:
  // Admits the call as a reader and runs `body` (rpc::Serve).
  grpc::Status Serve(const grpc::ServerContext& ctx, absl::FunctionRef<absl::Status()> body);

  ViewSource* source_;
  LogEndsFn log_ends_;
  auth::CallGate open_gate_;
  auth::CallGate* gate_;
};

}  // namespace talentflow::query
