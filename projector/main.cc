// talentflow-projector: `run` folds talentflow.events into the RocksDB views, exactly once.
#include <csignal>
#include <cstdlib>

#include <CLI/CLI.hpp>

#include "common/http/http_endpoint.h"
#include "common/http/metrics.h"
#include "common/log/logging.h"
#include "common/base/process.h"
#include "projector/consumer.h"

int main(int argc, char** argv) {
  using namespace talentflow;
  CLI::App app{"talentflow-projector: fold the talentflow event log into RocksDB team-health views"};
  app.require_subcommand(1);
  app.fallthrough();  // global flags may follow the subcommand
  LoggingOptions logging;  // --log-format, --log-level
  AddLoggingOptions(app, &logging);
  projector::ProjectorOptions options;
  options.kafka = KafkaOptions::FromEnv();
  options.group = EnvOr("TALENTFLOW_GROUP", options.group);
  views::ViewStoreOptions store_options;
  store_options.path = EnvOr("TALENTFLOW_DB", EnvOr("TALENTFLOW_HOME", "./var") + "/views");
  int http_port = std::atoi(EnvOr("TALENTFLOW_PROJECTOR_HTTP_PORT", "7412").c_str());
  AddKafkaFlags(app, &options.kafka);
  auto* run = app.add_subcommand("run", "consume the log and keep the views up to date");
  run->add_option("--db", store_options.path, "view database directory (env TALENTFLOW_DB; default $TALENTFLOW_HOME/views)");
  run->add_option("--group", options.group, "consumer group (env TALENTFLOW_GROUP)");
  run->add_option("--http-port", http_port, "/metrics and /healthz port on 127.0.0.1 (env TALENTFLOW_PROJECTOR_HTTP_PORT)");
  run->add_flag("--drop-revoked-state", options.drop_revoked_state,
                "delete a partition's views when it moves to another projector instance");
  run->add_flag("--sync", store_options.sync, "fsync every batch (survive power loss, not only crashes)");
  run->add_option("--fold-threads", options.fold_threads, "threads folding each batch (default 2)")->check(CLI::Range(1, 16));
  CLI11_PARSE(app, argc, argv);
  ConfigureLogging(logging, "talentflow-projector");

  StopOnSignals();
  auto store = views::ViewStore::Open(store_options);
  if (!store.ok()) {
    spdlog::error("{}", store.status().message());
    return 2;
  }
  auto projector = projector::Projector::Create(options, store->get());
  if (!projector.ok()) {
    spdlog::error("{}", projector.status().message());
    return 2;
  }
  MetricsRegistry metrics;
  (*projector)->RegisterMetrics(metrics);
  HttpEndpoint http(&metrics, [&] { return (*projector)->Health(); });
  if (auto s = http.Start("127.0.0.1", http_port); !s.ok()) {
    spdlog::error("{}", s.message());
    return 2;
  }
  spdlog::info("talentflow-projector: {} -> {} (metrics on 127.0.0.1:{})", options.kafka.topic, store_options.path,
               http_port);
  absl::Status s = (*projector)->Run(g_stop);
  http.Stop();
  if (!s.ok()) {
    spdlog::error("{}", s.message());
    return 1;
  }
  spdlog::info("stopped: last batch committed");
  return 0;
}
