// HttpEndpoint serves /metrics (Prometheus text) and /healthz for a service, on its own thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"

namespace httplib { class Server; }

namespace talentflow {

class MetricsRegistry;

class HttpEndpoint {
 public:
  // Serves `metrics->Render()` on /metrics. Does not own `metrics`, which must outlive the endpoint.
  // `health` returns OK when healthy, else the reason (answered with 503); it is called on the
  // endpoint's thread and must be thread-safe.
  HttpEndpoint(const MetricsRegistry* metrics, std::function<absl::Status()> health);
  ~HttpEndpoint();

  // Binds host:port and serves in the background. Unavailable when the port cannot be bound.
  absl::Status Start(const std::string& host, int port);
  void Stop();

 private:
  const MetricsRegistry* metrics_;
  std::function<absl::Status()> health_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace talentflow
