// The standard gRPC services every talentflow server offers beside its own: health checking
// (grpc.health.v1.Health) and server reflection, so that `grpcurl list`, `grpcurl describe` and
// `grpcurl … grpc.health.v1.Health/Check` work against either service.
#pragma once

namespace talentflow::rpc {

// Turns on gRPC's default health service and the server reflection plugin for every server built
// after it, and puts the health protocol's descriptors (proto/grpc/health/v1/health.proto) into
// the generated pool that reflection answers from: gRPC's health service has none of its own, so
// reflection listed it but could not describe it. Call once in main, before building a server.
void EnableHealthAndReflection();

}  // namespace talentflow::rpc
