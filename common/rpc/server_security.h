// How a talentflow gRPC server is exposed: TLS (optionally mTLS) credentials, the tokens file,
// the bound on concurrent calls, and the rule that a server without access control listens on
// loopback only. ingest/main.cc and query/main.cc both build their servers through this.
#pragma once

#include <memory>
#include <string>

#include <grpcpp/security/server_credentials.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/rpc/auth.h"

namespace talentflow {

struct ServerSecurityOptions {
  // Tokens file (format in common/rpc/auth.h). Empty: no access control, loopback only. Default: none.
  std::string tokens_path;
  // PEM server certificate chain and private key; both or neither. Empty: plaintext. Default: none.
  std::string tls_cert_path;
  std::string tls_key_path;
  // PEM CA bundle: clients must present a certificate it signed (mTLS). Needs tls_cert_path.
  // Default: none.
  std::string tls_client_ca_path;
  // Calls admitted at once; more answer RESOURCE_EXHAUSTED. 0: no limit. Default: 64.
  int max_in_flight = 64;

  // Reads TALENTFLOW_TOKENS, TALENTFLOW_TLS_CERT, TALENTFLOW_TLS_KEY, TALENTFLOW_TLS_CLIENT_CA and
  // TALENTFLOW_MAX_IN_FLIGHT over the defaults.
  static ServerSecurityOptions FromEnv();
};

// True for an address a remote host cannot reach: 127.0.0.0/8, [::1], localhost, unix: sockets.
// Example: IsLoopbackAddress("127.0.0.1:7401") is true; IsLoopbackAddress("0.0.0.0:7401") is false.
bool IsLoopbackAddress(absl::string_view listen);

// The loopback rule for one listen address: OK when `options` has a tokens file or `listen` is
// loopback; else InvalidArgument "<flag> <listen>: no --tokens file, so … only a loopback address …".
// MakeServerSecurity applies it to --listen; the query service also to --http-listen.
absl::Status CheckLoopbackWithoutTokens(const ServerSecurityOptions& options, absl::string_view flag,
                                        absl::string_view listen);

// The parts a server is built from.
struct ServerSecurity {
  std::shared_ptr<grpc::ServerCredentials> credentials;
  std::unique_ptr<auth::CallGate> gate;
  // For the start-up log line, e.g. "TLS with client certificates, 3 principals, at most 64 calls in flight".
  // Never contains a secret.
  std::string description;
};

// Loads the tokens file and the TLS files and applies the loopback rule for `listen`.
// InvalidArgument when `listen` is not loopback and there is no tokens file, when only one of
// cert/key is given, when a client CA is given without a certificate, or for a bad tokens file;
// NotFound for a file that cannot be read. Does not log the contents of any file.
absl::StatusOr<ServerSecurity> MakeServerSecurity(const ServerSecurityOptions& options, absl::string_view listen);

// The text of the PEM file at `path`. NotFound "<what> <path>: cannot be read", or InvalidArgument
// "<what> <path>: not a PEM file" (`what` names the flag, e.g. "--tls-ca").
absl::StatusOr<std::string> ReadPem(const std::string& path, absl::string_view what);

}  // namespace talentflow
