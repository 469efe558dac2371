#include "ingest/ingest_service.h"

#include "common/grpc_status.h"

namespace talentflow::ingest {

// Until access control exists every caller publishes as "anonymous" (services bind to loopback).
static constexpr char kPrincipal[] = "anonymous";

grpc::Status IngestServiceImpl::Publish(grpc::ServerContext* context, const v1::PublishRequest* request,
                                        v1::PublishResponse* response) {
  if (auto s = publisher_->CheckBatch(*request); !s.ok()) return ToGrpc(s);
  *response = publisher_->Publish(*request, kPrincipal);
  return grpc::Status::OK;
}

grpc::Status IngestServiceImpl::PublishStream(
    grpc::ServerContext* context, grpc::ServerReaderWriter<v1::PublishResponse, v1::PublishRequest>* stream) {
  v1::PublishRequest request;
  while (stream->Read(&request)) {
    if (auto s = publisher_->CheckBatch(request); !s.ok()) return ToGrpc(s);
    if (!stream->Write(publisher_->Publish(request, kPrincipal))) break;
  }
  return grpc::Status::OK;
}

}  // namespace talentflow::ingest
