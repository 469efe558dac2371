// talentflowctl audit verify|snapshot|history.
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "common/base/process.h"
#include "common/base/time_util.h"
#include "ctl/audit.h"
#include "ctl/cli.h"
#include "ctl/cli_flags.h"

namespace talentflow::ctl {

void AddAuditCommands(CLI::App& app, CliContext& context) {
  auto* audit = app.add_subcommand("audit", "verify the live views, snapshot what was known when, list a team's history or pending retractions");
  audit->require_subcommand(1);

  auto* verify = audit->add_subcommand("verify", "replay up to the live views' watermark and compare digests (exit 4 on mismatch)");
  auto live_db = std::make_shared<std::string>(EnvOr("TALENTFLOW_DB", EnvOr("TALENTFLOW_HOME", "./var") + "/views"));
  verify->add_option("--db", *live_db, "the live view DB (env TALENTFLOW_DB)")->type_name("DIR")->capture_default_str();
  context.OnRun(verify, [&context, live_db] { return RunVerify(context.kafka, *live_db, std::cout, std::cerr); });

  struct Snapshot {
    ReplayOptions options;
    std::optional<google::protobuf::Timestamp> known_at;
  };
  auto snap = std::make_shared<Snapshot>();
  auto* snapshot = audit->add_subcommand("snapshot", "rebuild the views from what the broker had accepted by --known-at");
  AddDate(snapshot, "--known-at", &snap->known_at, "transaction time", DayBound::kEnd)->required();
  snapshot->add_option("--out", snap->options.db, "the new view DB (must not exist yet)")->required()->type_name("DIR");
  context.OnRun(snapshot, [&context, snap] {
    PrepareReplay(context, snap->options);
    return RunSnapshot(snap->options, ToAbslTime(*snap->known_at), std::cout, std::cerr);
  });

  struct History {
    EventsOptions options;
    ReadFlags read;
  };
  auto hist = std::make_shared<History>();
  auto* history = audit->add_subcommand("history", "every event that touched a team, in log order, with status and evidence");
  AddTeam(history, &hist->options.team);
  AddReadFlags(history, &hist->read);
  context.OnRun(history, [&context, hist] {
    return RunRead(context, hist->read, [&](const ReadOptions& read, v1::QueryService::StubInterface& stub) {
      return RunEvents(hist->options, read, stub, std::cout, std::cerr);
    });
  });

  AddAuditPendingCommand(*audit, context);
}

}  // namespace talentflow::ctl
