// talentflowctl event, retract, audit pending.
#include <iostream>
#include <memory>
#include <string>

#include "ctl/cli.h"
#include "ctl/cli_flags.h"
#include "ctl/retractions.h"

namespace talentflow::ctl {

void AddRetractCommands(CLI::App& app, CliContext& context) {
  {
    struct Command {
      EventOptions options;
      ReadFlags read;
    };
    auto cmd = std::make_shared<Command>();
    auto* event = app.add_subcommand("event", "one event by id, whatever its team: where it is and its status (GetEvent)");
    event->add_option("event_id", cmd->options.event_id, "the event id (as `events` or publish --json shows it)")
        ->type_name("EVENT_ID")
        ->required();
    AddReadFlags(event, &cmd->read);
    context.OnRun(event, [&context, cmd] {
      return RunRead(context, cmd->read, [&](const ReadOptions& read, v1::QueryService::StubInterface& stub) {
        return RunEvent(cmd->options, read, stub, std::cout, std::cerr);
      });
    });
  }
  {
    struct Command {
      RetractOptions options;
      double timeout_seconds = 60;
    };
    auto cmd = std::make_shared<Command>();
    auto* retract = app.add_subcommand("retract", "publish a retraction of an event, under its team (GetEvent, then Publish)");
    retract->add_option("event_id", cmd->options.event_id, "the event to retract")->type_name("EVENT_ID")->required();
    retract->add_option("--reason", cmd->options.reason, "why it is retracted (kept with the retraction)")
        ->type_name("TEXT")
        ->required();
    retract->add_flag("--dry-run", cmd->options.dry_run, "validate through the service only; nothing written");
    retract->add_option("--timeout", cmd->timeout_seconds, "deadline of each call, in seconds")
        ->check(Quiet(CLI::PositiveNumber))
        ->type_name("SECONDS")
        ->capture_default_str();
    retract->footer(
        "Prints \"retracted EVENT_ID (...) with RETRACTION_ID\" and \"offsets: P:O\" (pass to --min-offsets).\n"
        "Exit: 0; 2 when the event is a retraction, already retracted or a duplicate; 1 when a call failed\n"
        "(NOT_FOUND: unknown id); 3 when ingest rejected the retraction.");
    context.OnRun(retract, [&context, cmd] {
      cmd->options.timeout = absl::Seconds(cmd->timeout_seconds);
      auto query_channel = CreateClientChannel(context.query_addr, context.security);
      if (!query_channel.ok()) return ReportError(query_channel.status(), std::cerr);
      auto ingest_channel = CreateClientChannel(context.ingest_addr, context.security);
      if (!ingest_channel.ok()) return ReportError(ingest_channel.status(), std::cerr);
      auto query = v1::QueryService::NewStub(*query_channel);
      auto ingest = v1::IngestService::NewStub(*ingest_channel);
      return RunRetract(cmd->options, *query, *ingest, std::cout, std::cerr);
    });
  }
}

void AddAuditPendingCommand(CLI::App& audit, CliContext& context) {
  struct Command {
    PendingOptions options;
    int64_t older_than_days = 7;
    ReadFlags read;
  };
  auto cmd = std::make_shared<Command>();
  auto* pending = audit.add_subcommand("pending", "retractions waiting for their target for more than --older-than days");
  pending->add_option("--older-than", cmd->older_than_days, "days a retraction has waited (since recorded)")
      ->check(Quiet(CLI::NonNegativeNumber))
      ->type_name("DAYS")
      ->capture_default_str();
  AddReadFlags(pending, &cmd->read);
  context.OnRun(pending, [&context, cmd] {
    cmd->options.older_than = absl::Hours(24 * cmd->older_than_days);
    return RunRead(context, cmd->read, [&](const ReadOptions& read, v1::QueryService::StubInterface& stub) {
      return RunAuditPending(cmd->options, read, stub, absl::Now(), std::cout, std::cerr);
    });
  });
}

}  // namespace talentflow::ctl
