// The one place where absl::Status becomes grpc::Status (codes are the same numbers).
#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace talentflow {

inline grpc::Status ToGrpc(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
}

}  // namespace talentflow
