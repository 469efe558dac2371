#include "common/http/http_endpoint.h"

#include <httplib.h>

#include "absl/strings/str_cat.h"
#include "common/http/metrics.h"

namespace talentflow {

namespace {

std::unique_ptr<httplib::Server> MakeServer(const HttpEndpointOptions& options) {
  std::unique_ptr<httplib::Server> server;
  if (options.tls_cert_path.empty()) {
    server = std::make_unique<httplib::Server>();
  } else {
    server = std::make_unique<httplib::SSLServer>(
        options.tls_cert_path.c_str(), options.tls_key_path.c_str(),
        options.tls_client_ca_path.empty() ? nullptr : options.tls_client_ca_path.c_str());
  }
  const int threads = options.threads > 0 ? options.threads : 1;
  server->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  return server;
}

}  // namespace

HttpEndpoint::HttpEndpoint(const MetricsRegistry* metrics, std::function<absl::Status()> health,
                           const HttpEndpointOptions& options)
    : metrics_(metrics), health_(std::move(health)), server_(MakeServer(options)) {
  server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics_->Render(), "text/plain; version=0.0.4");
  });
  server_->Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    absl::Status s = health_();
    res.status = s.ok() ? 200 : 503;
    res.set_content(s.ok() ? "ok\n" : absl::StrCat(s.message(), "\n"), "text/plain");
  });
}

HttpEndpoint::~HttpEndpoint() { Stop(); }

absl::Status HttpEndpoint::Start(const std::string& host, int port) {
  if (!server_->is_valid()) {
    return absl::InvalidArgumentError("http endpoint: the TLS certificate, key or client CA cannot be loaded");
  }
  if (!server_->bind_to_port(host.c_str(), port)) {
    return absl::UnavailableError(absl::StrCat("http endpoint: cannot bind ", host, ":", port));
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return absl::OkStatus();
}

void HttpEndpoint::Stop() {
  if (thread_.joinable()) {
    server_->stop();
    thread_.join();
  }
}

}  // namespace talentflow
