// IngestServiceImpl is talentflow.v1.IngestService over a Publisher. Every call needs the
// `publisher` role (auth::CallGate); the caller's principal is stamped into `recordedBy`.
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/message_allocator.h>

#include "common/rpc/auth.h"
#include "ingest/publisher.h"
#include "talentflow/v1/ingest.grpc.pb.h"

namespace talentflow::ingest {

// Publish runs on gRPC's callback API, without blocking a thread while the broker acknowledges, its
// response on a protobuf arena per call (ArenaAllocator); PublishStream on the sync API.
class IngestServiceImpl final : public v1::IngestService::WithCallbackMethod_Publish<v1::IngestService::Service> {
 public:
  // Does not own `publisher` or `gate`. A null `gate` admits every call as auth::kAnonymous,
  // without limit (tests, in-process use).
  explicit IngestServiceImpl(Publisher* publisher, auth::CallGate* gate = nullptr)
      : publisher_(publisher), gate_(gate != nullptr ? gate : &open_gate_) {
    SetMessageAllocatorFor_Publish(&allocator_);
  }

  grpc::ServerUnaryReactor* Publish(grpc::CallbackServerContext* context, const v1::PublishRequest* request,
                                    v1::PublishResponse* response) override;
  grpc::Status PublishStream(grpc::ServerContext* context,
                             grpc::ServerReaderWriter<v1::PublishResponse, v1::PublishRequest>* stream) override;

 private:
  Publisher* publisher_;
  auth::CallGate open_gate_;
  auth::CallGate* gate_;
  class ArenaAllocator : public grpc::MessageAllocator<v1::PublishRequest, v1::PublishResponse> {
   public:
    grpc::MessageHolder<v1::PublishRequest, v1::PublishResponse>* AllocateMessages() override;
  };
  ArenaAllocator allocator_;
};

}  // namespace talentflow::ingest
