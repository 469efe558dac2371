// IngestServiceImpl is talentflow.v1.IngestService over a Publisher. Every call needs the
// `publisher` role (auth::CallGate); the caller's principal is stamped into `recordedBy`.
#pragma once

#include <grpcpp/grpcpp.h>

#include "common/rpc/auth.h"
#include "ingest/publisher.h"
#include "talentflow/v1/ingest.grpc.pb.h"

namespace talentflow::ingest {

class IngestServiceImpl final : public v1::IngestService::Service {
 public:
  // Does not own `publisher` or `gate`. A null `gate` admits every call as auth::kAnonymous,
  // without limit (tests, in-process use).
  explicit IngestServiceImpl(Publisher* publisher, auth::CallGate* gate = nullptr)
      : publisher_(publisher), gate_(gate != nullptr ? gate : &open_gate_) {}

  grpc::Status Publish(grpc::ServerContext* context, const v1::PublishRequest* request,
                       v1::PublishResponse* response) override;
  grpc::Status PublishStream(grpc::ServerContext* context,
                             grpc::ServerReaderWriter<v1::PublishResponse, v1::PublishRequest>* stream) override;

 private:
  Publisher* publisher_;
  auth::CallGate open_gate_;
  auth::CallGate* gate_;
};

}  // namespace talentflow::ingest
