// talentflow-projector: `run` folds talentflow.events into the RocksDB views, exactly once.
#include <csignal>
#include <cstdlib>
#include <thread>

#include <CLI/CLI.hpp>

#include "absl/strings/match.h"
#include "common/http/http_endpoint.h"
#include "common/http/metrics.h"
#include "common/log/logging.h"
#include "common/base/process.h"
#include "projector/announcer.h"
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
  options.instance_id = EnvOr("TALENTFLOW_INSTANCE_ID", "");
  options.standby = EnvOr("TALENTFLOW_STANDBY", "0") == "1";
  std::string advertise = EnvOr("TALENTFLOW_ADVERTISE", EnvOr("TALENTFLOW_QUERY_LISTEN", "127.0.0.1:7402"));
  AddKafkaFlags(app, &options.kafka);
  auto* run = app.add_subcommand("run", "consume the log and keep the views up to date");
  run->add_option("--db", store_options.path, "view database directory (env TALENTFLOW_DB; default $TALENTFLOW_HOME/views)");
  run->add_option("--group", options.group, "consumer group (env TALENTFLOW_GROUP)");
  run->add_option("--instance-id", options.instance_id,
                  "this instance's name: static group membership and its key in <topic>.instances; unique per "
                  "process (env TALENTFLOW_INSTANCE_ID; default <group>-1)");
  run->add_option("--advertise", advertise,
                  "host:port of the query service serving this DB, announced to every query instance (env "
                  "TALENTFLOW_ADVERTISE; default $TALENTFLOW_QUERY_LISTEN or 127.0.0.1:7402)");
  run->add_option("--http-port", http_port, "/metrics and /healthz port on 127.0.0.1 (env TALENTFLOW_PROJECTOR_HTTP_PORT)");
  run->add_flag("--drop-revoked-state", options.drop_revoked_state,
                "delete a partition's views when it moves to another projector instance");
  run->add_flag("--standby", options.standby,
                "keep a warm copy of every partition this instance does not own (fast failover; reads with "
                "max_lag may use it) (env TALENTFLOW_STANDBY=1)");
  run->add_option("--rebuild-threshold", options.rebuild_threshold,
                  "rebuild a newly assigned partition at least this many records behind through table files before "
                  "the live consumer takes it (0: never; default 10000)")
      ->check(CLI::NonNegativeNumber);
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
  if (absl::StartsWith(advertise, "0.0.0.0:") || absl::StartsWith(advertise, "[::]:")) {
    spdlog::warn("--advertise {}: other instances cannot reach a wildcard address; set the host name they reach "
                 "this instance's query service at (docs/SCALING.md)",
                 advertise);
  }
  auto announcer = projector::Announcer::Create(options.kafka);
  if (!announcer.ok()) {
    spdlog::error("{}", announcer.status().message());
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
  const std::string instance_id = projector::InstanceId(options);
  std::atomic<bool> announcing_stop{false};
  std::thread announcing([&] {
    (*announcer)->Run(
        [&] {
          v1::InstanceStatus status;
          status.set_instance_id(instance_id);
          status.set_query_address(advertise);
          status.set_partition_count((*projector)->partition_count());
          for (v1::OwnedPartition& p : (*projector)->Owned()) *status.add_partitions() = std::move(p);
          return status;
        },
        announcing_stop);
  });
  absl::Status s = (*projector)->Run(g_stop);
  announcing_stop = true;
  announcing.join();
  if (!s.ok()) {
    // /healthz says 503 with the reason until the process is gone; the tombstone is not written:
    // after a fence the id belongs to the other process.
    spdlog::critical("{}", s.message());
    http.Stop();
    return 1;
  }
  if (auto w = (*announcer)->Withdraw(instance_id); !w.ok()) spdlog::warn("{}", w.message());
  http.Stop();
  spdlog::info("stopped: last batch committed");
  return 0;
}
