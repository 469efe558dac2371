// talentflowctl's reads of the QueryService: team, teams, org, trend, flows, events, person, people,
// movement, watch, orgs, lag.
#include <unistd.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "common/base/process.h"
#include "common/base/status.h"
#include "ctl/cli.h"
#include "ctl/cli_flags.h"
#include "ctl/explain.h"

namespace talentflow::ctl {
namespace {

// Prints a usage error for a --from after --to; kExitOk when the range is fine.
int CheckRangeFlags(const std::optional<google::protobuf::Timestamp>& from,
                    const std::optional<google::protobuf::Timestamp>& to) {
  absl::Status s = CheckRange(from, to);
  if (s.ok()) return kExitOk;
  WriteError(std::string(s.message()), std::cerr);
  return kExitUsage;
}

// Options of one read subcommand and of its reads; owned by the action, CLI11 writes into them.
template <typename Options>
struct ReadCommand {
  Options options;
  ReadFlags read;
};

}  // namespace

void AddQueryCommands(CLI::App& app, CliContext& context) {
  {
    auto cmd = std::make_shared<ReadCommand<TeamOptions>>();
    auto* team = app.add_subcommand("team", "one team's health in detail (GetTeamHealth)");
    AddTeam(team, &cmd->options.team);
    AddDate(team, "--as-of", &cmd->options.as_of, "valid time of the answer; default today");
    AddReadFlags(team, &cmd->read);
    AddEvidenceFlags(team, &cmd->read.read);
    context.OnRun(team, [&context, cmd] {
      return RunRead(context, cmd->read, [&](const ReadOptions& read, v1::QueryService::StubInterface& stub) {
        return RunTeam(cmd->options, read, stub, std::cout, std::cerr);
      });
    });
  }
  {
    auto cmd = std::make_shared<ReadCommand<TeamsOptions>>();
    auto* teams = app.add_subcommand("teams", "an org's teams, every page (ListTeams)");
    AddOrg(teams, &cmd->options.org);
    AddParsed(teams, "--status", "--status", &cmd->options.statuses,
              [](const std::string& s) { return ParseStatuses(s); }, "only teams with one of these statuses")
        ->type_name("healthy,watch,at_risk,critical");
    AddParsed(teams, "--sort", "--sort", &cmd->options.order_by, [](const std::string& s) { return ParseOrderBy(s); },
              "score (lowest first), attrition (highest first) or name; default score")
        ->type_name("score|attrition|name");
    teams->add_flag("--all", cmd->options.include_inactive, "include merged and dissolved teams");
    AddDate(teams, "--as-of", &cmd->options.as_of, "valid time of the answer; default today");
    AddReadFlags(teams, &cmd->read);
    AddEvidenceFlags(teams, &cmd->read.read);
    teams->footer(kColumnsFooter);
    context.OnRun(teams, [&context, cmd] {
      return RunRead(context, cmd->read, [&](const ReadOptions& read, v1::QueryService::StubInterface& stub) {
        return RunTeams(cmd->options, read, stub, std::cout, std::cerr);
      });
    });
  }
  {
    auto cmd = std::make_shared<ReadCommand<OrgOptions>>();
    auto* org = app.add_subcommand("org", "an org's teams and totals from one snapshot (GetOrgSnapshot)");
    AddOrg(org, &cmd->options.org);
    AddDate(org, "--as-of", &cmd->options.as_of, "valid time of the answer; default today");
    AddDate(org, "--compare", &cmd->options.compare, "also read the org at this day and show each team's change to --as-of");
    AddReadFlags(org, &cmd->read);
    AddEvidenceFlags(org, &cmd->read.read);
    org->footer(kColumnsFooter);
    context.OnRun(org, [&context, cmd] {
      return RunRead(context, cmd->read, [&](const ReadOptions& read, v1::QueryService::StubInterface& stub) {
        return RunOrg(cmd->options, read, stub, std::cout, std::cerr);
      });
    });
  }
  {
    auto cmd = std::make_shared<ReadCommand<TrendOptions>>();
    auto* trend = app.add_subcommand("trend", "a team's headcount, flows and score over time (GetTeamTrend)");
    AddTeam(trend, &cmd->options.team);
    AddDate(trend, "--from", &cmd->options.from, "first day; default 89 days before --to");
    AddDate(trend, "--to", &cmd->options.to, "last day; default today");
    AddParsed(trend, "--by", "--by", &cmd->options.granularity,
              [](const std::string& s) { return ParseGranularity(s); },
              "one point per day, week (7 days ending on --to) or calendar month; default day")
        ->type_name("day|week|month");
    AddReadFlags(trend, &cmd->read);
    AddEvidenceFlags(trend, &cmd->read.read);
    context.OnRun(trend, [&context, cmd] {
      if (int code = CheckRangeFlags(cmd->options.from, cmd->options.to); code != kExitOk) return code;
      return RunRead(context, cmd->read, [&](const ReadOptions& read, v1::QueryService::StubInterface& stub) {
        return RunTrend(cmd->options, read, stub, std::cout, std::cerr);
      });
    });
  }
  {
    struct Flows {
      FlowsOptions options;
      ReadFlags read;
      bool in = false, out = false;
    };
    auto cmd = std::make_shared<Flows>();
    auto* flows = app.add_subcommand("flows", "people moving into and out of an org, by org (GetTalentFlows)");
    AddOrg(flows, &cmd->options.org);
    auto* in_flag = flows->add_flag("--in", cmd->in, "only hires into the org, by origin");
    flows->add_flag("--out", cmd->out, "only departures from the org, by destination")->excludes(in_flag);
    AddDate(flows, "--from", &cmd->options.from, "first month (by effective time); default 12 months before --to");
    AddDate(flows, "--to", &cmd->options.to, "last month; default today");
    AddParsed(flows, "--team", "--team", &cmd->options.team, [](const std::string& s) { return ParseOrg(s); },
              "only people who left or joined this team of the org (its departures and hires)")
        ->type_name("TEAM");
    AddParsed(flows, "--with", "--with", &cmd->options.counterparty, [](const std::string& s) { return ParseOrg(s); },
              "only flows between the org and this org")
        ->type_name("ORG");
    flows->add_flag("--monthly", cmd->options.monthly, "one row per calendar month: people in, out and net");
    AddReadFlags(flows, &cmd->read);
    AddEvidenceFlags(flows, &cmd->read.read);
    context.OnRun(flows, [&context, cmd] {
      if (int code = CheckRangeFlags(cmd->options.from, cmd->options.to); code != kExitOk) return code;
      if (cmd->in) cmd->options.direction = v1::GetTalentFlowsRequest::DIRECTION_INBOUND;
      if (cmd->out) cmd->options.direction = v1::GetTalentFlowsRequest::DIRECTION_OUTBOUND;
      return RunRead(context, cmd->read, [&](const ReadOptions& read, v1::QueryService::StubInterface& stub) {
        return RunFlows(cmd->options, read, stub, std::cout, std::cerr);
      });
    });
  }
  {
    auto cmd = std::make_shared<ReadCommand<EventsOptions>>();
    auto* events = app.add_subcommand("events", "a team's audit history in log order, every page (ListEvents)");
    AddTeam(events, &cmd->options.team);
    AddDate(events, "--from", &cmd->options.from, "only events effective at or after this");
    AddDate(events, "--to", &cmd->options.to, "only events effective at or before this (a date: its end)",
            DayBound::kEnd);
    AddParsed(events, "--type", "--type", &cmd->options.types, [](const std::string& s) { return ParseEventTypes(s); },
              "only events of these kinds (transfer = transfer_out and transfer_in)")
        ->type_name("departure,hire,transfer,retraction,...");
    AddParsed(events, "--status", "--status", &cmd->options.statuses,
              [](const std::string& s) { return ParseEventStatuses(s); }, "only events with these statuses")
        ->type_name("applied,duplicate,retracted,pending,...");
    AddReadFlags(events, &cmd->read);
    AddEvidenceFlags(events, &cmd->read.read);
    context.OnRun(events, [&context, cmd] {
      if (int code = CheckRangeFlags(cmd->options.from, cmd->options.to); code != kExitOk) return code;
      return RunRead(context, cmd->read, [&](const ReadOptions& read, v1::QueryService::StubInterface& stub) {
        return RunEvents(cmd->options, read, stub, std::cout, std::cerr);
      });
    });
  }
  {
    auto cmd = std::make_shared<ReadCommand<PersonOptions>>();
    auto* person = app.add_subcommand("person", "one person's moves across orgs, with their evidence (GetPerson)");
    person->add_option("id", cmd->options.person_id, "the person's id (the feed's person.id)")
        ->type_name("ID")
        ->required();
    AddReadFlags(person, &cmd->read);
    AddEvidenceFlags(person, &cmd->read.read);
    context.OnRun(person, [&context, cmd] {
      return RunRead(context, cmd->read, [&](const ReadOptions& read, v1::QueryService::StubInterface& stub) {
        return RunPerson(cmd->options, read, stub, std::cout, std::cerr);
      });
    });
  }
  {
    auto cmd = std::make_shared<ReadCommand<PeopleOptions>>();
    auto* people = app.add_subcommand("people", "who moved into or out of an org or team, by person (ListPeople)");
    AddParsed(people, "target", "ORG[/TEAM]", &cmd->options.target,
              [](const std::string& s) -> absl::StatusOr<TeamRef> {
                if (s.find('/') != std::string::npos) return ParseTeamRef(s);
                ASSIGN_OR_RETURN(std::string org, ParseOrg(s));
                return TeamRef{std::move(org), ""};
              },
              "an org, or one team of it as org/team (slugs or names)")
        ->type_name("ORG[/TEAM]")
        ->required();
    AddDate(people, "--from", &cmd->options.from, "first day (by effective time); default 364 days before --to");
    AddDate(people, "--to", &cmd->options.to, "last day; default today");
    AddReadFlags(people, &cmd->read);
    AddEvidenceFlags(people, &cmd->read.read);
    context.OnRun(people, [&context, cmd] {
      if (int code = CheckRangeFlags(cmd->options.from, cmd->options.to); code != kExitOk) return code;
      return RunRead(context, cmd->read, [&](const ReadOptions& read, v1::QueryService::StubInterface& stub) {
        return RunPeople(cmd->options, read, stub, std::cout, std::cerr);
      });
    });
  }
  {
    auto cmd = std::make_shared<ReadCommand<MovementOptions>>();
    auto* movement = app.add_subcommand(
        "movement", "hires and departures by seniority, and backfills of senior departures (GetTeamMovement)");
    AddParsed(movement, "target", "ORG[/TEAM]", &cmd->options.target,
              [](const std::string& s) -> absl::StatusOr<TeamRef> {
                if (s.find('/') != std::string::npos) return ParseTeamRef(s);
                ASSIGN_OR_RETURN(std::string org, ParseOrg(s));
                return TeamRef{std::move(org), ""};
              },
              "an org (its totals), or one team of it as org/team (slugs or names)")
        ->type_name("ORG[/TEAM]")
        ->required();
    AddDate(movement, "--as-of", &cmd->options.as_of, "valid time of the answer; default today");
    movement->add_flag("--backfills", cmd->options.backfills, "with --csv: one row per senior departure instead");
    AddReadFlags(movement, &cmd->read);
    AddEvidenceFlags(movement, &cmd->read.read);
    context.OnRun(movement, [&context, cmd] {
      return RunRead(context, cmd->read, [&](const ReadOptions& read, v1::QueryService::StubInterface& stub) {
        return RunMovement(cmd->options, read, stub, std::cout, std::cerr);
      });
    });
  }
  {
    auto cmd = std::make_shared<ReadCommand<WatchOptions>>();
    auto* watch = app.add_subcommand("watch", "follow team health as it changes, until Ctrl-C (WatchTeamHealth)");
    watch
        ->add_option_function<std::vector<std::string>>(
            "targets",
            [options = &cmd->options](const std::vector<std::string>& args) {
              auto target = ParseWatchTarget(args);
              if (!target.ok()) throw CLI::ValidationError("ORG[/TEAM]", std::string(target.status().message()));
              options->target = *std::move(target);
            },
            "an org (every team), or teams of one org as org/team")
        ->type_name("ORG[/TEAM]...")
        ->required();
    AddReadFlags(watch, &cmd->read);
    AddEvidenceFlags(watch, &cmd->read.read);
    watch->footer(kColumnsFooter);
    context.OnRun(watch, [&context, cmd] {
      if (cmd->read.read.csv) {
        std::cerr << "error: watch has no --csv (a CSV has one header); --json prints one line per update" << std::endl;
        return kExitUsage;
      }
      cmd->options.clear_screen = !cmd->read.read.json && isatty(STDOUT_FILENO);
      return RunRead(context, cmd->read, [&](const ReadOptions& read, v1::QueryService::StubInterface& stub) {
        StopOnSignals();
        return RunWatch(cmd->options, read, stub, g_stop, std::cout, std::cerr);
      });
    });
  }
  {
    auto read = std::make_shared<ReadFlags>();
    auto* orgs = app.add_subcommand("orgs", "every org the views know, with its team count (ListOrgs)");
    AddReadFlags(orgs, read.get());
    context.OnRun(orgs, [&context, read] {
      return RunRead(context, *read, [](const ReadOptions& options, v1::QueryService::StubInterface& stub) {
        return RunOrgs(options, stub, std::cout, std::cerr);
      });
    });
  }
  {
    auto read = std::make_shared<ReadFlags>();
    auto* lag = app.add_subcommand("lag", "how far the views are behind the log (GetWatermark)");
    AddReadFlags(lag, read.get());
    context.OnRun(lag, [&context, read] {
      return RunRead(context, *read, [](const ReadOptions& options, v1::QueryService::StubInterface& stub) {
        return RunLag(options, stub, std::cout, std::cerr);
      });
    });
  }
}

}  // namespace talentflow::ctl
