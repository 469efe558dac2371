// Serve is the one way a guarded RPC handler runs: the call is admitted by the server's CallGate
// (authenticated, authorised for a role, counted against --max-in-flight), the handler's body
// runs while the admission is held, and the body's absl::Status becomes the call's grpc::Status.
//
// Why not an interceptor or an AuthMetadataProcessor: with gRPC 1.51 a server interceptor cannot
// end a call before its handler runs (Hijack is client-only), and an AuthMetadataProcessor cannot
// be set on insecure (plaintext) credentials and sees no end of the call to release a slot.
//
// Example:
//   grpc::Status MyService::Get(grpc::ServerContext* ctx, const GetRequest* req, GetResponse* resp) {
//     return rpc::Serve(*gate_, *ctx, auth::Role::kReader, [&]() -> absl::Status {
//       RETURN_IF_ERROR(Check(*req));
//       ...
//       return absl::OkStatus();
//     });
//   }
#pragma once

#include <string>

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "common/rpc/auth.h"

namespace talentflow::rpc {

// Admits the call (CallGate::Admit with `required`) and, once admitted, runs `body` with the
// caller's principal, holding the in-flight slot until `body` returns (a stream's whole life).
// Returns the admission's error (Unauthenticated, PermissionDenied, ResourceExhausted; `body` does
// not run) or `body`'s status, as a grpc::Status with the same code and message.
grpc::Status Serve(auth::CallGate& gate, const grpc::ServerContextBase& context, auth::Role required,
                   absl::FunctionRef<absl::Status(const std::string& principal)> body);
// The same for a body that does not need the principal.
grpc::Status Serve(auth::CallGate& gate, const grpc::ServerContextBase& context, auth::Role required,
                   absl::FunctionRef<absl::Status()> body);

}  // namespace talentflow::rpc
