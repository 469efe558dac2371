// LocalQueryServer serves a view database in-process (talentflowctl --db): the same
// QueryServiceImpl the query server runs, over a read-only ViewSource, reached through an
// in-process channel — so local and remote reads take the same code path.
#pragma once

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/base/aliases.h"
#include "query/query_service.h"
#include "query/view_source.h"

namespace talentflow::ctl {

class LocalQueryServer {
 public:
  // Opens the view database at `db_path` read-only and starts serving it (no listening port).
  // Waits up to `ready_timeout` for the views to be readable; on failure returns the last reason
  // they were not (Unavailable "views not ready: …" for a missing or empty database).
  static absl::StatusOr<std::unique_ptr<LocalQueryServer>> Start(const std::string& db_path,
                                                                 absl::Duration ready_timeout = absl::Seconds(5));

  // Shuts the server down (cancelling calls still running, e.g. a watch) and closes the database.
  ~LocalQueryServer();

  // A channel to the server. REQUIRES: no call is made on it once the server is destroyed (gRPC's
  // in-process channels crash then): destroy stubs first.
  std::shared_ptr<grpc::Channel> channel();

 private:
  explicit LocalQueryServer(const std::string& db_path);

  Aliases aliases_;  // empty: the server resolves names case-insensitively
  query::ViewSource source_;
  query::QueryServiceImpl service_;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace talentflow::ctl
