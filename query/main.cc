// talentflow-query: `serve` runs talentflow.v1.QueryService over the projector's views.
#include <csignal>
#include <cstdlib>

#include <CLI/CLI.hpp>
#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/base/status.h"
#include "common/http/http_endpoint.h"
#include "common/http/metrics.h"
#include "common/log/logging.h"
#include "common/base/process.h"
#include "common/rpc/call_gate_metrics.h"
#include "common/rpc/server_security.h"
#include "common/rpc/standard_services.h"
#include "common/rpc/server_security_flags.h"
#include "query/http_gateway.h"
#include "query/log_ends.h"
#include "query/membership.h"
#include "query/names.h"
#include "query/query_service.h"
#include "query/pending_retractions.h"
#include "query/router.h"
#include "query/web_files.h"

int main(int argc, char** argv) {
  using namespace talentflow;
  CLI::App app{"talentflow-query: serve team-health views over gRPC"};
  app.require_subcommand(1);
  app.fallthrough();
  LoggingOptions logging;  // --log-format, --log-level
  AddLoggingOptions(app, &logging);
  KafkaOptions kafka = KafkaOptions::FromEnv();
  query::ViewSourceOptions options;
  options.db_path = EnvOr("TALENTFLOW_DB", EnvOr("TALENTFLOW_HOME", "./var") + "/views");
  std::string listen = EnvOr("TALENTFLOW_QUERY_LISTEN", "127.0.0.1:7402");
  int http_port = std::atoi(EnvOr("TALENTFLOW_QUERY_HTTP_PORT", "7413").c_str());
  std::string http_listen = EnvOr("TALENTFLOW_QUERY_HTTP_LISTEN", "");
  std::string web_dir = EnvOr("TALENTFLOW_WEB_DIR", "");
  AddKafkaFlags(app, &kafka, ", for lag and routing");
  std::string instance_id = EnvOr("TALENTFLOW_INSTANCE_ID", "");
  std::string peer_ca = EnvOr("TALENTFLOW_PEER_TLS_CA", "");
  std::string aliases_path = EnvOr("TALENTFLOW_ALIASES", "");
  query::HealthCacheOptions cache;
  cache.max_teams = std::atoll(EnvOr("TALENTFLOW_QUERY_HEALTH_CACHE_TEAMS", "20000").c_str());
  auto* serve = app.add_subcommand("serve", "serve the QueryService");
  serve->add_option("--db", options.db_path, "view database directory (env TALENTFLOW_DB; default $TALENTFLOW_HOME/views)");
  serve->add_flag("--read-only", options.read_only, "serve a database nobody writes (an audit snapshot or replay)");
  serve->add_option("--listen", listen, "gRPC address (env TALENTFLOW_QUERY_LISTEN)");
  serve->add_option("--http-port", http_port,
                    "HTTP port on 127.0.0.1 (/metrics, /healthz, the HTTP/JSON API, the dashboard) when --http-listen "
                    "is not given (env TALENTFLOW_QUERY_HTTP_PORT)");
  serve->add_option("--http-listen", http_listen,
                    "HTTP address HOST:PORT; HTTPS with --tls-cert; non-loopback needs --tokens "
                    "(env TALENTFLOW_QUERY_HTTP_LISTEN; default 127.0.0.1:<--http-port>)");
  serve->add_option("--web", web_dir,
                    "the built web dashboard folder served on GET (env TALENTFLOW_WEB_DIR; default: web/ beside the "
                    "binary's folder, build/web)");
  serve->add_option("--instance-id", instance_id,
                    "the instance this service belongs to (its projector's --instance-id): routes every read to "
                    "the partitions' owners, announced in <topic>.instances; unset: this DB holds every partition "
                    "(env TALENTFLOW_INSTANCE_ID)");
  serve->add_option("--peer-tls-ca", peer_ca,
                    "PEM CA that signed the other instances' query certificates; dial them with TLS (env "
                    "TALENTFLOW_PEER_TLS_CA; default: plaintext, or this server's --tls-cert when it has one)");
  serve->add_option("--aliases", aliases_path,
                    "org/team aliases JSON, as ingest's: reads resolve the names the feed takes "
                    "(env TALENTFLOW_ALIASES)");
  serve->add_option("--health-cache-teams", cache.max_teams,
                    "team healths kept between org-wide reads (GetOrgSnapshot, ListTeams), least recently used "
                    "dropped first; 0: none (env TALENTFLOW_QUERY_HEALTH_CACHE_TEAMS; default 20000)");
  ServerSecurityOptions security_options = ServerSecurityOptions::FromEnv();
  AddServerSecurityFlags(serve, &security_options);
  CLI11_PARSE(app, argc, argv);
  ConfigureLogging(logging, "talentflow-query");
  // Debian's Abseil is built without NDEBUG, so every absl::Mutex lock (gRPC takes several per
  // call) would also update a global lock-order graph for deadlock detection, under a lock all
  // threads share (docs/PERFORMANCE.md, session 3).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  StopOnSignals();

  absl::StatusOr<ServerSecurity> security = MakeServerSecurity(security_options, listen);
  if (!security.ok()) {
    spdlog::error("{}", security.status().message());
    return 2;
  }
  if (http_listen.empty()) http_listen = absl::StrCat("127.0.0.1:", http_port);
  const auto http_address = query::ParseHostPort(http_listen, "--http-listen");
  if (absl::Status s = http_address.ok() ? CheckLoopbackWithoutTokens(security_options, "--http-listen", http_listen)
                                         : http_address.status();
      !s.ok()) {
    spdlog::error("{}", s.message());
    return 2;
  }
  Aliases aliases;  // empty: names still resolve case-insensitively
  if (!aliases_path.empty()) {
    auto loaded = Aliases::Load(aliases_path);
    if (!loaded.ok()) {
      spdlog::error("--aliases: {}", loaded.status().message());
      return 2;
    }
    aliases = *std::move(loaded);
  }
  std::unique_ptr<query::Membership> membership;
  std::unique_ptr<query::Router> router;
  if (!instance_id.empty() && !options.read_only) {
    auto m = query::Membership::Create(kafka);
    if (!m.ok()) {
      spdlog::error("{}", m.status().message());
      return 2;
    }
    membership = *std::move(m);
    membership->Start();
    if (peer_ca.empty()) peer_ca = security_options.tls_cert_path;
    std::shared_ptr<grpc::ChannelCredentials> peers = grpc::InsecureChannelCredentials();
    if (!peer_ca.empty()) {
      auto pem = ReadPem(peer_ca, "--peer-tls-ca");
      if (!pem.ok()) {
        spdlog::error("{}", pem.status().message());
        return 2;
      }
      grpc::SslCredentialsOptions ssl;
      ssl.pem_root_certs = *pem;
      peers = grpc::SslCredentials(ssl);
    }
    router = std::make_unique<query::Router>(membership.get(), instance_id, peers);
  }
  query::ViewSource source(options);
  source.Start();
  query::QueryServiceImpl service(&source, options.read_only ? query::LogEndsFn() : query::MakeLogEnds(kafka),
                                  security->gate.get(), router.get(), cache);
  rpc::EnableHealthAndReflection();  // health and reflection stay open (no token needed)
  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen, security->credentials);
  builder.RegisterService(&service);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(query::NameResolvingInterceptors(&aliases));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  builder.SetMaxReceiveMessageSize(64 * 1024);  // query requests are small (names, dates, offsets)
  // The sync server keeps between MIN and MAX threads waiting for calls. gRPC's defaults (1 and 2)
  // make it start a thread for nearly every call under load and end it afterwards
  // (docs/PERFORMANCE.md, session 3).
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 2);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, 32);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) {
    spdlog::error("cannot listen on {}", listen);
    return 2;
  }
  MetricsRegistry metrics;
  rpc::RegisterCallGateMetrics(metrics, *security->gate);
  metrics.AddCounter("talentflow_query_catch_ups_total", "times the views caught up with the projector's writes")
      .Add([&] { return source.catch_ups(); });
  metrics.AddCounter("talentflow_query_watermark_version", "times the views' watermark moved")
      .Add([&] { return source.version(); });
  metrics.AddCounter("talentflow_query_health_cache_hits_total", "team healths of org-wide reads taken from the cache")
      .Add([&] { return service.health_cache().hits(); });
  metrics.AddCounter("talentflow_query_health_cache_misses_total", "team healths of org-wide reads computed")
      .Add([&] { return service.health_cache().misses(); });
  metrics.AddGauge("talentflow_query_health_cache_teams", "team healths the cache keeps")
      .Add([&] { return service.health_cache().teams(); });
  // Retractions whose target has not arrived in 7 days: most likely filed under the wrong team or
  // with a mistyped target id (`talentflowctl audit pending` lists them). Routed: this instance's
  // partitions only; sum the instances.
  metrics.AddGauge("talentflow_pending_retractions_stale", "retractions waiting for their target for more than 7 days")
      .Add([&] {
        const query::Scope scope = router ? query::Scope(router->LocalPartitions()) : std::nullopt;
        absl::StatusOr<int64_t> stale = query::CountStalePending(source, scope, absl::Now());
        return stale.ok() ? *stale : 0;
      });
  if (router) {
    metrics.AddCounter("talentflow_query_forwarded_calls_total", "calls forwarded to the instance serving the partitions")
        .Add([&] { return router->forwarded(); });
    metrics.AddGauge("talentflow_query_partitions_without_owner",
                     "partitions no live instance serves (reads that need them answer UNAVAILABLE)")
        .Add([&] {
          const query::Ownership o = router->membership().Current();
          return static_cast<int64_t>(o.partition_count - static_cast<int32_t>(o.serving.size()));
        });
  }
  // Healthy: this service can answer. Routed, that needs the instances' statuses and, when some
  // partitions are this instance's, its views. A partition nobody serves is not this instance's
  // fault: reads that need it answer UNAVAILABLE naming it, while the others (and reads with
  // max_lag) go on, so a load balancer must not take every instance out.
  HttpEndpointOptions http_options;  // the gRPC port's TLS
  http_options.tls_cert_path = security_options.tls_cert_path;
  http_options.tls_key_path = security_options.tls_key_path;
  http_options.tls_client_ca_path = security_options.tls_client_ca_path;
  // A thread per open connection: room for every admitted call (a watching page holds one for
  // its life) and for /metrics and /healthz beside them.
  http_options.threads = security_options.max_in_flight > 0 ? security_options.max_in_flight + 8 : 64;
  HttpEndpoint http(&metrics, [&]() -> absl::Status {
    if (!router) return source.Acquire().status();
    if (router->membership().Current().partition_count <= 0) {
      return absl::UnavailableError(absl::StrCat("no instance has announced itself in ", kafka.instances_topic(), " yet"));
    }
    if (router->LocalPartitions().empty()) return absl::OkStatus();
    return source.Acquire().status();
  }, http_options);
  query::HttpGateway gateway(server->InProcessChannel(grpc::ChannelArguments()),
                             {.web_dir = web_dir.empty() ? query::DefaultWebDir() : web_dir});
  gateway.Register(http.server());
  if (auto s = http.Start(http_address->first, http_address->second); !s.ok()) {
    spdlog::error("{}", s.message());
    return 2;
  }
  spdlog::info("talentflow-query serving {} on {} ({}), HTTP/JSON, dashboard and metrics on {}://{}{}", options.db_path,
               listen, security->description, security_options.tls_cert_path.empty() ? "http" : "https", http_listen,
               router ? absl::StrCat("; instance ", instance_id, ", routing by ", kafka.instances_topic()) : "");
  while (!g_stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  spdlog::info("shutting down");
  gateway.Stop();  // ends the HTTP streams, which http.Stop() would wait for
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  http.Stop();
  source.Stop();
  if (membership) membership->Stop();
  return 0;
}
