// HttpEndpoint serves /metrics (Prometheus text) and /healthz for a service, on its own thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"

namespace httplib { class Server; }

namespace talentflow {

class HttpEndpoint {
 public:
  // `metrics` returns the Prometheus text; `health` returns OK when healthy, else the reason
  // (answered with 503). Both are called on the endpoint's thread and must be thread-safe.
  HttpEndpoint(std::function<std::string()> metrics, std::function<absl::Status()> health);
  ~HttpEndpoint();

  // Binds host:port and serves in the background. Unavailable when the port cannot be bound.
  absl::Status Start(const std::string& host, int port);
  void Stop();

 private:
  std::function<std::string()> metrics_;
  std::function<absl::Status()> health_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace talentflow
