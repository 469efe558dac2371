// IngestServiceImpl is talentflow.v1.IngestService over a Publisher.
#pragma once

#include <grpcpp/grpcpp.h>

#include "ingest/publisher.h"
#include "talentflow/v1/ingest.grpc.pb.h"

namespace talentflow::ingest {

class IngestServiceImpl final : public v1::IngestService::Service {
 public:
  // Does not own `publisher`.
  explicit IngestServiceImpl(Publisher* publisher) : publisher_(publisher) {}

  grpc::Status Publish(grpc::ServerContext* context, const v1::PublishRequest* request,
                       v1::PublishResponse* response) override;
  grpc::Status PublishStream(grpc::ServerContext* context,
                             grpc::ServerReaderWriter<v1::PublishResponse, v1::PublishRequest>* stream) override;

 private:
  Publisher* publisher_;
};

}  // namespace talentflow::ingest
