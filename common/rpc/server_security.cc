#include "common/rpc/server_security.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <grpcpp/security/server_credentials.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/base/process.h"
#include "common/base/status.h"

namespace talentflow {
absl::StatusOr<std::string> ReadPem(const std::string& path, absl::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(what, " ", path, ": cannot be read"));
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().find("-----BEGIN ") == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(what, " ", path, ": not a PEM file"));
  }
  return text.str();
}

ServerSecurityOptions ServerSecurityOptions::FromEnv() {
  ServerSecurityOptions o;
  o.tokens_path = EnvOr("TALENTFLOW_TOKENS", "");
  o.tls_cert_path = EnvOr("TALENTFLOW_TLS_CERT", "");
  o.tls_key_path = EnvOr("TALENTFLOW_TLS_KEY", "");
  o.tls_client_ca_path = EnvOr("TALENTFLOW_TLS_CLIENT_CA", "");
  int max_in_flight = 0;
  if (absl::SimpleAtoi(EnvOr("TALENTFLOW_MAX_IN_FLIGHT", ""), &max_in_flight)) o.max_in_flight = max_in_flight;
  return o;
}

bool IsLoopbackAddress(absl::string_view listen) {
  if (absl::StartsWith(listen, "unix:") || absl::StartsWith(listen, "unix-abstract:")) return true;
  (void)(absl::ConsumePrefix(&listen, "ipv4:") || absl::ConsumePrefix(&listen, "ipv6:"));
  std::string host;
  if (absl::StartsWith(listen, "[")) {
    size_t end = listen.find(']');
    if (end == absl::string_view::npos) return false;
    host = std::string(listen.substr(1, end - 1));
  } else {
    size_t colon = listen.rfind(':');
    host = std::string(colon == absl::string_view::npos ? listen : listen.substr(0, colon));
  }
  if (host == "localhost") return true;
  unsigned char buf[16];
  if (inet_pton(AF_INET, host.c_str(), buf) == 1) return buf[0] == 127;
  if (inet_pton(AF_INET6, host.c_str(), buf) == 1) {
    static constexpr unsigned char kLoopback6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    return std::equal(buf, buf + 16, kLoopback6);
  }
  return false;  // "", "0.0.0.0", "[::]", host names: reachable from elsewhere, or unknown
}

absl::Status CheckLoopbackWithoutTokens(const ServerSecurityOptions& options, absl::string_view flag,
                                        absl::string_view listen) {
  if (!options.tokens_path.empty() || IsLoopbackAddress(listen)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      flag, " ", listen, ": no --tokens file, so there is no access control and only a loopback address "
      "(127.0.0.1, [::1], localhost) may be used"));
}

absl::StatusOr<ServerSecurity> MakeServerSecurity(const ServerSecurityOptions& options, absl::string_view listen) {
  ServerSecurity out;
  if (options.max_in_flight < 0) return absl::InvalidArgumentError("--max-in-flight: must be >= 0");
  auth::CallGateOptions gate;
  gate.max_in_flight = options.max_in_flight;
  std::string access;
  if (!options.tokens_path.empty()) {
    ASSIGN_OR_RETURN(auth::TokenStore tokens, auth::TokenStore::Load(options.tokens_path));
    access = absl::StrCat("bearer tokens of ", tokens.size(), " principal(s) from ", options.tokens_path);
    gate.tokens = std::make_shared<const auth::TokenStore>(std::move(tokens));
  } else {
    RETURN_IF_ERROR(CheckLoopbackWithoutTokens(options, "--listen", listen));
    access = "NO access control (no --tokens file; loopback only)";
  }

  std::string transport;
  if (options.tls_cert_path.empty() != options.tls_key_path.empty()) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key go together");
  }
  if (!options.tls_client_ca_path.empty() && options.tls_cert_path.empty()) {
    return absl::InvalidArgumentError("--tls-client-ca needs --tls-cert and --tls-key");
  }
  if (options.tls_cert_path.empty()) {
    out.credentials = grpc::InsecureServerCredentials();
    transport = "plaintext";
  } else {
    ASSIGN_OR_RETURN(std::string cert, ReadPem(options.tls_cert_path, "--tls-cert"));
    ASSIGN_OR_RETURN(std::string key, ReadPem(options.tls_key_path, "--tls-key"));
    grpc::SslServerCredentialsOptions ssl(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    ssl.pem_key_cert_pairs.push_back({std::move(key), std::move(cert)});
    transport = "TLS";
    if (!options.tls_client_ca_path.empty()) {
      ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadPem(options.tls_client_ca_path, "--tls-client-ca"));
      ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
      transport = "TLS, client certificates required (mTLS)";
    }
    out.credentials = grpc::SslServerCredentials(ssl);
  }
  out.description = absl::StrCat(transport, ", ", access, ", ",
                                 options.max_in_flight > 0 ? absl::StrCat("at most ", options.max_in_flight)
                                                           : std::string("unlimited"),
                                 " calls in flight");
  out.gate = std::make_unique<auth::CallGate>(std::move(gate));
  return out;
}

}  // namespace talentflow
