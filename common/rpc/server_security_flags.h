// The command-line flags of ServerSecurityOptions, shared by `talentflow-ingest serve` and
// `talentflow-query serve` (header-only, so that only the binaries depend on CLI11 for it).
#pragma once

#include <CLI/CLI.hpp>

#include "common/rpc/server_security.h"

namespace talentflow {

// Adds --tokens, --tls-cert, --tls-key, --tls-client-ca and --max-in-flight to `app`, writing to
// `options` (whose values, e.g. from ServerSecurityOptions::FromEnv(), are the defaults).
inline void AddServerSecurityFlags(CLI::App* app, ServerSecurityOptions* options) {
  app->add_option("--tokens", options->tokens_path,
                  "bearer tokens file: '<principal> <sha256-hex> <role>[,<role>...]' per line (env TALENTFLOW_TOKENS); "
                  "without it only a loopback --listen is allowed");
  app->add_option("--tls-cert", options->tls_cert_path, "PEM server certificate chain; enables TLS (env TALENTFLOW_TLS_CERT)");
  app->add_option("--tls-key", options->tls_key_path, "PEM private key of --tls-cert (env TALENTFLOW_TLS_KEY)");
  app->add_option("--tls-client-ca", options->tls_client_ca_path,
                  "PEM CA bundle; clients must present a certificate it signed (mTLS) (env TALENTFLOW_TLS_CLIENT_CA)");
  app->add_option("--max-in-flight", options->max_in_flight,
                  "calls served at once; more answer RESOURCE_EXHAUSTED, 0 = no limit (env TALENTFLOW_MAX_IN_FLIGHT)")
      ->capture_default_str();
}

}  // namespace talentflow
