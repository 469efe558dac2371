#include "ingest/ingest_service.h"

#include "common/base/status.h"
#include "common/rpc/serve.h"

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
  // Not admitted: nothing is written.
  return rpc::Serve(*gate_, *context, auth::Role::kPublisher, [&](const std::string& principal) -> absl::Status {
    RETURN_IF_ERROR(publisher_->CheckBatch(*request));
    // At the client's deadline the call ends and frees its slot. The client sees DEADLINE_EXCEEDED
    // (never ACCEPTED for a record the broker has not acknowledged) and may republish: the
    // idempotency keys make a record that lands after all count once.
    const absl::Time deadline = DeadlineOf(*context);
    // gRPC's sync API hands the request over as const, but it is this call's own message, created
    // non-const and destroyed after we return: moving its events out instead of copying them is
    // sound and saves a copy and a destruction per event (docs/PERFORMANCE.md, session 4).
    *response = publisher_->Publish(*const_cast<v1::PublishRequest*>(request), principal, deadline);
    if (response->not_delivered() > 0 && absl::Now() >= deadline) {
      return absl::DeadlineExceededError("the broker did not acknowledge every record in time");
    }
    return absl::OkStatus();
  });
}

grpc::Status IngestServiceImpl::PublishStream(
    grpc::ServerContext* context, grpc::ServerReaderWriter<v1::PublishResponse, v1::PublishRequest>* stream) {
  // Admitted for the stream's life.
  return rpc::Serve(*gate_, *context, auth::Role::kPublisher, [&](const std::string& principal) -> absl::Status {
    v1::PublishRequest request;
    while (stream->Read(&request)) {
      RETURN_IF_ERROR(publisher_->CheckBatch(request));
      if (!stream->Write(publisher_->Publish(request, principal, DeadlineOf(*context)))) {
        break;
      }
    }
    return absl::OkStatus();
  });
}

}  // namespace talentflow::ingest
