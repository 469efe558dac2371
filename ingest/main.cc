// talentflow-ingest: `serve` runs the gRPC IngestService; `feed FILE|-` publishes a JSON Lines feed.
#include <csignal>
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>
#include <grpcpp/grpcpp.h>

#include "common/http/http_endpoint.h"
#include "common/http/metrics.h"
#include "ingest/feed.h"
#include "ingest/ingest_service.h"
#include "common/log/logging.h"
#include "common/base/process.h"
#include "common/rpc/call_gate_metrics.h"
#include "common/rpc/server_security.h"
#include "common/rpc/standard_services.h"
#include "common/rpc/server_security_flags.h"

namespace {

void RegisterMetrics(talentflow::MetricsRegistry& metrics, const talentflow::ingest::IngestCounters& c,
                     const talentflow::ingest::KafkaSink& sink) {
  metrics.AddCounter("talentflow_ingest_events_total", "events received, by what became of them")
      .Add({{"result", "accepted"}}, &c.accepted)
      .Add({{"result", "rejected"}}, &c.rejected)
      .Add({{"result", "not_delivered"}}, &c.not_delivered);
  metrics.AddCounter("talentflow_ingest_repeated_keys_total",
                     "accepted events whose idempotency key an earlier event of their run or batch had")
      .Add(&c.repeats);
  metrics.AddCounter("talentflow_ingest_records_written_total", "records the broker acknowledged")
      .Add(&c.records_written);
  metrics.AddGauge("talentflow_ingest_records_in_flight", "records produced and not yet acknowledged or failed")
      .Add([&sink] { return sink.in_flight(); });
}

}  // namespace

int main(int argc, char** argv) {
  using namespace talentflow;
  CLI::App app{"talentflow-ingest: validate scraper events and publish them to the talentflow log"};
  app.require_subcommand(1);
  app.fallthrough();  // global flags may follow the subcommand
  LoggingOptions logging;  // --log-format, --log-level
  AddLoggingOptions(app, &logging);
  KafkaOptions kafka = KafkaOptions::FromEnv();
  ingest::SinkOptions sink_options;
  std::string aliases_path = EnvOr("TALENTFLOW_ALIASES", "");
  int delivery_timeout_ms = std::atoi(EnvOr("TALENTFLOW_DELIVERY_TIMEOUT_MS", "30000").c_str());
  AddKafkaFlags(app, &kafka);
  app.add_option("--aliases", aliases_path, "org/team aliases JSON (env TALENTFLOW_ALIASES)");
  app.add_option("--delivery-timeout", delivery_timeout_ms, "ms the broker may take to acknowledge a record (env TALENTFLOW_DELIVERY_TIMEOUT_MS)");

  auto* serve = app.add_subcommand("serve", "run the gRPC IngestService");
  std::string listen = EnvOr("TALENTFLOW_INGEST_LISTEN", "127.0.0.1:7401");
  std::string http_host = "127.0.0.1";
  int http_port = std::atoi(EnvOr("TALENTFLOW_INGEST_HTTP_PORT", "7411").c_str());
  serve->add_option("--listen", listen, "gRPC address (env TALENTFLOW_INGEST_LISTEN)");
  serve->add_option("--http-port", http_port, "/metrics and /healthz port on 127.0.0.1 (env TALENTFLOW_INGEST_HTTP_PORT)");
  ServerSecurityOptions security_options = ServerSecurityOptions::FromEnv();
  AddServerSecurityFlags(serve, &security_options);

  auto* feed = app.add_subcommand("feed", "publish a JSON Lines feed");
  ingest::FeedOptions feed_options;
  feed->add_option("file", feed_options.path, "feed file, or - for stdin")->required();
  feed->add_option("--rejects", feed_options.rejects_path, "write rejected lines with their reasons here");
  feed->add_flag("--follow", feed_options.follow, "keep reading as the file grows (until SIGINT/SIGTERM)");
  feed->add_flag("--dry-run", feed_options.dry_run,
                 "validate and dedupe only: same summary and exit codes, nothing written (needs no broker)");
  std::string feed_query = EnvOr("TALENTFLOW_QUERY_ADDR", "");
  ingest::RetractionCheckOptions check_options;
  feed->add_option("--query", feed_query,
                   "QueryService to check every retraction's target against before publishing (plaintext; env "
                   "TALENTFLOW_QUERY_ADDR); default: no check")
      ->type_name("HOST:PORT");
  feed->add_flag("--allow-pending", check_options.allow_pending,
                 "with --query: publish a retraction of an unknown target anyway (pending until it arrives)");
  feed->add_flag("--require-evidence", feed_options.require_evidence,
                 "reject lines without evidence (otherwise they are only counted in the summary)");
  CLI11_PARSE(app, argc, argv);
  ConfigureLogging(logging, "talentflow-ingest");

  StopOnSignals();
  sink_options.delivery_timeout = absl::Milliseconds(delivery_timeout_ms);
  feed_options.delivery_timeout = sink_options.delivery_timeout;

  // serve: the loopback rule, the tokens file and the TLS files are checked before anything starts.
  absl::StatusOr<ServerSecurity> security = absl::FailedPreconditionError("not serving");
  if (*serve) {
    security = MakeServerSecurity(security_options, listen);
    if (!security.ok()) {
      spdlog::error("{}", security.status().message());
      return 2;
    }
  }
  ingest::Aliases aliases;
  if (!aliases_path.empty()) {
    auto loaded = ingest::Aliases::Load(aliases_path);
    if (!loaded.ok()) {
      spdlog::error("{}", loaded.status().message());
      return 2;
    }
    aliases = *std::move(loaded);
  }
  // A dry-run feed writes nothing, so it needs no broker.
  std::unique_ptr<ingest::KafkaSink> sink;
  if (!(*feed && feed_options.dry_run)) {
    auto created = ingest::KafkaSink::Create(kafka, sink_options);
    if (!created.ok()) {
      spdlog::error("{}", created.status().message());
      return 2;
    }
    sink = *std::move(created);
  }
  ingest::IngestCounters counters;
  ingest::Publisher publisher(sink.get(), &aliases, &counters);

  if (*feed) {
    std::unique_ptr<v1::QueryService::Stub> query;
    std::unique_ptr<ingest::RetractionCheck> check;
    if (!feed_query.empty()) {
      query = v1::QueryService::NewStub(grpc::CreateChannel(feed_query, grpc::InsecureChannelCredentials()));
      check = std::make_unique<ingest::RetractionCheck>(query.get(), &aliases, check_options);
      feed_options.retraction_check = check.get();
    }
    auto summary = ingest::RunFeed(publisher, feed_options, g_stop);
    if (!summary.ok()) {
      spdlog::error("{}", summary.status().message());
      return 2;
    }
    std::cout << summary->ToString() << std::endl;
    return summary->ExitCode();
  }

  ingest::IngestServiceImpl service(&publisher, security->gate.get());
  rpc::EnableHealthAndReflection();  // health and reflection stay open (no token needed)
  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen, security->credentials);
  builder.RegisterService(&service);
  builder.SetMaxReceiveMessageSize(5 * 1024 * 1024);  // a 4 MiB batch (PublisherOptions) plus framing
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) {
    spdlog::error("cannot listen on {}", listen);
    return 2;
  }
  MetricsRegistry metrics;
  RegisterMetrics(metrics, counters, *sink);
  rpc::RegisterCallGateMetrics(metrics, *security->gate);
  HttpEndpoint http(&metrics, [] { return absl::OkStatus(); });
  if (auto s = http.Start(http_host, http_port); !s.ok()) {
    spdlog::error("{}", s.message());
    return 2;
  }
  spdlog::info("talentflow-ingest serving gRPC on {} ({}), metrics on {}:{}", listen, security->description,
               http_host, http_port);
  while (!g_stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  spdlog::info("shutting down: finishing in-flight calls");
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(10));
  http.Stop();
  return 0;
}
