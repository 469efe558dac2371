#include "ingest/ingest_service.h"

#include "common/grpc_status.h"

namespace talentflow::ingest {

grpc::Status IngestServiceImpl::Publish(grpc::ServerContext* context, const v1::PublishRequest* request,
                                        v1::PublishResponse* response) {
  auto admitted = gate_->Admit(*context, auth::Role::kPublisher);
  if (!admitted.ok()) return ToGrpc(admitted.status());  // nothing is written
  if (auto s = publisher_->CheckBatch(*request); !s.ok()) return ToGrpc(s);
  *response = publisher_->Publish(*request, admitted->principal());
  return grpc::Status::OK;
}

grpc::Status IngestServiceImpl::PublishStream(
    grpc::ServerContext* context, grpc::ServerReaderWriter<v1::PublishResponse, v1::PublishRequest>* stream) {
  auto admitted = gate_->Admit(*context, auth::Role::kPublisher);  // held for the stream's life
  if (!admitted.ok()) return ToGrpc(admitted.status());
  v1::PublishRequest request;
  while (stream->Read(&request)) {
    if (auto s = publisher_->CheckBatch(request); !s.ok()) return ToGrpc(s);
    if (!stream->Write(publisher_->Publish(request, admitted->principal()))) break;
  }
  return grpc::Status::OK;
}

}  // namespace talentflow::ingest
