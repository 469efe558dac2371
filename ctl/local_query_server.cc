#include "ctl/local_query_server.h"

#include <chrono>
#include <thread>

#include "ctl/commands.h"
#include "query/names.h"

namespace talentflow::ctl {

LocalQueryServer::LocalQueryServer(const std::string& db_path)
    : source_(query::ViewSourceOptions{.db_path = db_path, .read_only = true}),
      service_(&source_, query::LogEndsFn()) {}

absl::StatusOr<std::unique_ptr<LocalQueryServer>> LocalQueryServer::Start(const std::string& db_path,
                                                                          absl::Duration ready_timeout) {
  std::unique_ptr<LocalQueryServer> local(new LocalQueryServer(db_path));
  local->source_.Start();
  const absl::Time deadline = absl::Now() + ready_timeout;
  while (true) {
    absl::Status ready = local->source_.Acquire().status();  // the handle, and its lock, go at once
    if (ready.ok()) break;
    if (absl::Now() >= deadline) return ready;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  grpc::ServerBuilder builder;
  builder.RegisterService(&local->service_);
  // Names resolve as on the query server (no alias table here: case and spacing only).
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(query::NameResolvingInterceptors(&local->aliases_));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  local->server_ = builder.BuildAndStart();
  if (local->server_ == nullptr) return absl::InternalError("cannot start the in-process query server");
  return local;
}

std::shared_ptr<grpc::Channel> LocalQueryServer::channel() {
  return server_->InProcessChannel(ClientChannelArguments());
}

LocalQueryServer::~LocalQueryServer() {
  if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  source_.Stop();
}

}  // namespace talentflow::ctl
