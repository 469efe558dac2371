#include "common/rpc/serve.h"

#include "common/rpc/grpc_status.h"

namespace talentflow::rpc {

grpc::Status Serve(auth::CallGate& gate, const grpc::ServerContextBase& context, auth::Role required,
                   absl::FunctionRef<absl::Status(const std::string& principal)> body) {
  absl::StatusOr<auth::CallGate::Admission> admitted = gate.Admit(context, required);
  if (!admitted.ok()) return ToGrpc(admitted.status());
  return ToGrpc(body(admitted->principal()));
}

grpc::Status Serve(auth::CallGate& gate, const grpc::ServerContextBase& context, auth::Role required,
                   absl::FunctionRef<absl::Status()> body) {
  return Serve(gate, context, required, [&](const std::string&) { return body(); });
}

}  // namespace talentflow::rpc
