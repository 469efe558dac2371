// HttpEndpoint serves /metrics (Prometheus text) and /healthz for a service, on its own thread.
// A service may add routes of its own (the query service's HTTP/JSON gateway) and serve HTTPS.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"

namespace httplib { class Server; }

namespace talentflow {

class MetricsRegistry;

struct HttpEndpointOptions {
  // PEM certificate chain and private key: serve HTTPS. Both or neither. Default: none (HTTP).
  std::string tls_cert_path;
  std::string tls_key_path;
  // PEM CA bundle: clients must present a certificate it signed. Needs the two above. Default: none.
  std::string tls_client_ca_path;
  // Requests served at once; a connection beyond waits. Each open connection holds one (also while
  // idle between keep-alive requests, and a streamed answer for its whole life). Default: 8.
  int threads = 8;
};

class HttpEndpoint {
 public:
  // Serves `metrics->Render()` on /metrics. Does not own `metrics`, which must outlive the endpoint.
  // `health` returns OK when healthy, else the reason (answered with 503); it is called on the
  // endpoint's threads and must be thread-safe.
  HttpEndpoint(const MetricsRegistry* metrics, std::function<absl::Status()> health,
               const HttpEndpointOptions& options = {});
  ~HttpEndpoint();

  // The server, to add routes before Start (routes are matched in the order they were added;
  // /metrics and /healthz come first).
  httplib::Server& server() { return *server_; }

  // Binds host:port and serves in the background. Unavailable when the port cannot be bound;
  // InvalidArgument when the TLS files of the options cannot be loaded.
  absl::Status Start(const std::string& host, int port);
  void Stop();

 private:
  const MetricsRegistry* metrics_;
  std::function<absl::Status()> health_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace talentflow
