// talentflowctl: publish feeds and read team health from the command line. Makes the app and its
// global flags; each subcommand is registered from its own ctl/cli_*.cc (ctl/cli.h) and does its
// work through ctl/commands.h.
#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>

#include "common/base/process.h"
#include "common/log/logging.h"
#include "ctl/cli.h"
#include "ctl/explain.h"

int main(int argc, char** argv) {
  using namespace talentflow;
  CLI::App app{"talentflowctl: publish event feeds and read team health from talentflow"};
  app.require_subcommand(1);
  app.fallthrough();  // global flags may follow the subcommand
  LoggingOptions logging;  // --log-format, --log-level; warnings and errors only by default
  logging.level = spdlog::level::warn;
  AddLoggingOptions(app, &logging);
  ctl::CliContext context;
  context.query_addr = EnvOr("TALENTFLOW_QUERY_ADDR", "127.0.0.1:7402");
  context.ingest_addr = EnvOr("TALENTFLOW_INGEST_ADDR", "127.0.0.1:7401");
  app.add_option("--query", context.query_addr, "QueryService address (env TALENTFLOW_QUERY_ADDR)")
      ->type_name("HOST:PORT")
      ->capture_default_str();
  app.add_option("--ingest", context.ingest_addr, "IngestService address (env TALENTFLOW_INGEST_ADDR)")
      ->type_name("HOST:PORT")
      ->capture_default_str();
  ctl::ClientSecurityOptions& security = context.security;
  security.tls_ca_path = EnvOr("TALENTFLOW_TLS_CA", "");
  security.tls_cert_path = EnvOr("TALENTFLOW_CLIENT_TLS_CERT", "");
  security.tls_key_path = EnvOr("TALENTFLOW_CLIENT_TLS_KEY", "");
  security.token = EnvOr("TALENTFLOW_TOKEN", "");
  app.add_option("--tls-ca", security.tls_ca_path, "PEM CA that signed the servers' certificates; use TLS (env TALENTFLOW_TLS_CA)")
      ->type_name("FILE");
  app.add_option("--tls-cert", security.tls_cert_path, "PEM client certificate, for servers that require one (env TALENTFLOW_CLIENT_TLS_CERT)")
      ->type_name("FILE");
  app.add_option("--tls-key", security.tls_key_path, "PEM key of --tls-cert (env TALENTFLOW_CLIENT_TLS_KEY)")
      ->type_name("FILE");
  app.add_option("--token", security.token, "bearer token sent on every call (env TALENTFLOW_TOKEN)")
      ->type_name("TOKEN");
  // Replay, audit and gen --produce read or write Kafka directly.
  context.kafka = KafkaOptions::FromEnv();
  AddKafkaFlags(app, &context.kafka, ", for replay and audit");

  ctl::AddPublishCommand(app, context);
  ctl::AddQueryCommands(app, context);
  ctl::AddGenCommand(app, context);
  ctl::AddReplayCommands(app, context);
  ctl::AddAuditCommands(app, context);
  ctl::AddRetractCommands(app, context);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);  // --help
    ctl::SetErrorFormat(logging.format);
    ctl::WriteError(e.what(), std::cerr);
    return ctl::kExitUsage;
  }
  // Logs (e.g. of the in-process server) go to stderr, so that stdout holds only the answer.
  spdlog::set_default_logger(spdlog::stderr_color_mt("talentflowctl"));
  ConfigureLogging(logging, "talentflowctl");
  ctl::SetErrorFormat(logging.format);  // errors are log lines too: one JSON object each under json
  return context.Run();
}
