// talentflowctl's command line. main.cc makes the CLI11 app and its global flags (logging, the
// servers' addresses, TLS and token, Kafka) into a CliContext; each cli_*.cc file adds its own
// subcommands and the action each runs; after parsing, CliContext::Run runs the one chosen.
// Not thread-safe: used by main's thread only.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/kafka/kafka.h"
#include "ctl/commands.h"

namespace talentflow::ctl {

class CliContext {
 public:
  // Global flags, filled by main.cc before parsing and read by the actions.
  std::string query_addr;   // --query
  std::string ingest_addr;  // --ingest
  ClientSecurityOptions security;
  KafkaOptions kafka;

  // Runs `run` when `subcommand` is the one parsed; its result is the process's exit code.
  // `subcommand` is owned by the app and must outlive this context's Run.
  void OnRun(const CLI::App* subcommand, std::function<int()> run) {
    actions_.emplace_back(subcommand, std::move(run));
  }

  // Runs the action of the subcommand parsed. REQUIRES: app.parse() succeeded and chose a
  // subcommand that has an action (every leaf subcommand registers one).
  int Run() const;

 private:
  std::vector<std::pair<const CLI::App*, std::function<int()>>> actions_;
};

// Each adds subcommands to `app`, in the order `talentflowctl --help` lists them, and registers their
// actions with `context`, which must outlive parsing and Run.

// publish (cli_publish.cc).
void AddPublishCommand(CLI::App& app, CliContext& context);
// team, teams, org, trend, flows, events, watch, lag: the QueryService's reads (cli_query.cc).
void AddQueryCommands(CLI::App& app, CliContext& context);
// gen (cli_gen.cc).
void AddGenCommand(CLI::App& app, CliContext& context);
// replay, digest (cli_replay.cc).
void AddReplayCommands(CLI::App& app, CliContext& context);
// audit verify|snapshot|history (cli_audit.cc).
void AddAuditCommands(CLI::App& app, CliContext& context);
// event, retract (cli_retract.cc).
void AddRetractCommands(CLI::App& app, CliContext& context);
// audit pending, under `audit` (cli_retract.cc; AddAuditCommands calls it).
void AddAuditPendingCommand(CLI::App& audit, CliContext& context);

}  // namespace talentflow::ctl
