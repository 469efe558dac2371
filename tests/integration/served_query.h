// The query integration tests' server: an in-process gRPC server running QueryServiceImpl over a
// ViewSource (no router, no access control), and a stub to it.
#pragma once

#include <chrono>
#include <memory>

#include <grpcpp/grpcpp.h>

#include "query/query_service.h"
#include "query/view_source.h"

namespace talentflow::query {

struct Served {
  // `source` must outlive the server.
  explicit Served(ViewSource* source) : service(source, {}) {
    grpc::ServerBuilder b;
    b.RegisterService(&service);
    server = b.BuildAndStart();
    stub = v1::QueryService::NewStub(server->InProcessChannel(grpc::ChannelArguments()));
  }
  ~Served() { server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5)); }
  QueryServiceImpl service;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<v1::QueryService::Stub> stub;
};

}  // namespace talentflow::query
