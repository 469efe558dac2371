#include "common/rpc/standard_services.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include "grpc/health/v1/health.pb.h"

namespace talentflow::rpc {

void EnableHealthAndReflection() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  // Referencing the generated file links it in (it is in a static library), and its descriptors are
  // registered with the generated pool before this returns.
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
}

}  // namespace talentflow::rpc
