// talentflowctl: publish feeds and read team health from the command line. Parses flags and wires
// the parts; the subcommands live in ctl/commands.h.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>
#include <grpcpp/grpcpp.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include "common/log/logging.h"
#include "common/base/process.h"
#include "common/base/time_util.h"
#include "ctl/args.h"
#include "ctl/audit.h"
#include "ctl/synthetic_source.h"
#include "ctl/commands.h"
#include "ctl/local_query_server.h"

namespace {

// Adds option `name` whose text `parse` turns into `*out`; a parse error is a usage error that
// names `label` ("--as-of: bad time …").
template <typename T, typename Parse>
CLI::Option* AddParsed(CLI::App* app, const std::string& name, const std::string& label, T* out, Parse parse,
                       const std::string& help) {
  return app->add_option_function<std::string>(
      name,
      [label, out, parse](const std::string& text) {
        auto value = parse(text);
        if (!value.ok()) throw CLI::ValidationError(label, std::string(value.status().message()));
        *out = *std::move(value);
      },
      help);
}

// `validator` without its description, which CLI11 would append to the option's type in --help.
CLI::Validator Quiet(CLI::Validator validator) { return validator.description(""); }

// Adds `--NAME DATE` (YYYY-MM-DD or RFC 3339).
CLI::Option* AddDate(CLI::App* app, const std::string& name, std::optional<google::protobuf::Timestamp>* out,
                     const std::string& help, talentflow::ctl::DayBound bound = talentflow::ctl::DayBound::kStart) {
  return AddParsed(app, name, name, out, [bound](const std::string& s) { return talentflow::ctl::ParseDate(s, bound); },
                   help + " (YYYY-MM-DD or RFC 3339)")
      ->type_name("DATE");
}

}  // namespace

int main(int argc, char** argv) {
  using namespace talentflow;
  CLI::App app{"talentflowctl: publish event feeds and read team health from talentflow"};
  app.require_subcommand(1);
  app.fallthrough();  // global flags may follow the subcommand
  LoggingOptions logging;  // --log-format, --log-level; warnings and errors only by default
  logging.level = spdlog::level::warn;
  AddLoggingOptions(app, &logging);
  std::string query_addr = EnvOr("TALENTFLOW_QUERY_ADDR", "127.0.0.1:7402");
  std::string ingest_addr = EnvOr("TALENTFLOW_INGEST_ADDR", "127.0.0.1:7401");
  app.add_option("--query", query_addr, "QueryService address (env TALENTFLOW_QUERY_ADDR)")
      ->type_name("HOST:PORT")
      ->capture_default_str();
  app.add_option("--ingest", ingest_addr, "IngestService address (env TALENTFLOW_INGEST_ADDR)")
      ->type_name("HOST:PORT")
      ->capture_default_str();
  ctl::ClientSecurityOptions security;
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

  // Options of every read; only one subcommand runs, so they share these variables.
  ctl::ReadOptions read;
  double timeout_seconds = 10;
  std::string db_path;
  auto add_read_options = [&](CLI::App* sub) {
    sub->add_flag("--json", read.json, "print the response as proto3 JSON");
    AddParsed(sub, "--min-offsets", "--min-offsets", &read.min_offsets,
              [](const std::string& s) { return ctl::ParseOffsets(s); },
              "read your writes: wait until the views include these records (as printed by publish)")
        ->type_name("P:O,...");
    sub->add_option("--timeout", timeout_seconds, "deadline of each call, in seconds")
        ->check(Quiet(CLI::PositiveNumber))
        ->type_name("SECONDS")
        ->capture_default_str();
    sub->add_option("--db", db_path,
                    "read this view database in-process (read-only, as it is when opened) instead of calling --query")
        ->check(Quiet(CLI::ExistingDirectory))
        ->type_name("DIR");
  };
  auto add_org = [](CLI::App* sub, std::string* org) {
    AddParsed(sub, "org", "ORG", org, [](const std::string& s) { return ctl::ParseOrg(s); }, "org slug")
        ->type_name("ORG")
        ->required();
  };
  auto add_team = [](CLI::App* sub, ctl::TeamRef* team) {
    AddParsed(sub, "team", "ORG/TEAM", team, [](const std::string& s) { return ctl::ParseTeamRef(s); },
              "team, as org/team")
        ->type_name("ORG/TEAM")
        ->required();
  };
  const std::string kColumns =
      "Columns: heads = headcount; dep90, sen90 = departures and senior departures in the last 90 days;\n"
      "attr% = annualised 90-day attrition; \"-\" = unknown.";

  auto* publish = app.add_subcommand("publish", "publish a JSON Lines feed through the IngestService");
  ctl::PublishOptions publish_options;
  double publish_timeout_seconds = 60;
  publish->add_option("file", publish_options.path, "feed file (one JSON event per line), or - for stdin")
      ->type_name("FILE|-")
      ->required();
  publish->add_option("--batch-size", publish_options.batch_events, "events per Publish call (1..1000)")
      ->check(Quiet(CLI::Range(1, 1000)))
      ->type_name("N")
      ->capture_default_str();
  publish->add_option("--timeout", publish_timeout_seconds, "deadline of each Publish call, in seconds")
      ->check(Quiet(CLI::PositiveNumber))
      ->type_name("SECONDS")
      ->capture_default_str();
  publish->footer(
      "Prints \"accepted N, duplicates D, rejected R\" and \"offsets: P:O,...\" (pass to --min-offsets).\n"
      "Exit: 0; 3 when some line was rejected; 1 when a call failed or an event was not delivered.");

  auto* team = app.add_subcommand("team", "one team's health in detail (GetTeamHealth)");
  ctl::TeamOptions team_options;
  add_team(team, &team_options.team);
  AddDate(team, "--as-of", &team_options.as_of, "valid time of the answer; default today");
  add_read_options(team);

  auto* teams = app.add_subcommand("teams", "an org's teams, every page (ListTeams)");
  ctl::TeamsOptions teams_options;
  add_org(teams, &teams_options.org);
  AddParsed(teams, "--status", "--status", &teams_options.statuses,
            [](const std::string& s) { return ctl::ParseStatuses(s); }, "only teams with one of these statuses")
      ->type_name("healthy,watch,at_risk,critical");
  AddParsed(teams, "--sort", "--sort", &teams_options.order_by,
            [](const std::string& s) { return ctl::ParseOrderBy(s); },
            "score (lowest first), attrition (highest first) or name; default score")
      ->type_name("score|attrition|name");
  teams->add_flag("--all", teams_options.include_inactive, "include merged and dissolved teams");
  AddDate(teams, "--as-of", &teams_options.as_of, "valid time of the answer; default today");
  add_read_options(teams);
  teams->footer(kColumns);

  auto* org = app.add_subcommand("org", "an org's teams and totals from one snapshot (GetOrgSnapshot)");
  ctl::OrgOptions org_options;
  add_org(org, &org_options.org);
  AddDate(org, "--as-of", &org_options.as_of, "valid time of the answer; default today");
  add_read_options(org);
  org->footer(kColumns);

  auto* trend = app.add_subcommand("trend", "a team's headcount, flows and score over time (GetTeamTrend)");
  ctl::TrendOptions trend_options;
  add_team(trend, &trend_options.team);
  AddDate(trend, "--from", &trend_options.from, "first day; default 89 days before --to");
  AddDate(trend, "--to", &trend_options.to, "last day; default today");
  AddParsed(trend, "--by", "--by", &trend_options.granularity,
            [](const std::string& s) { return ctl::ParseGranularity(s); },
            "one point per day, week (7 days ending on --to) or calendar month; default day")
      ->type_name("day|week|month");
  add_read_options(trend);

  auto* flows = app.add_subcommand("flows", "people moving into and out of an org, by org (GetTalentFlows)");
  ctl::FlowsOptions flows_options;
  bool flows_in = false, flows_out = false;
  add_org(flows, &flows_options.org);
  auto* in_flag = flows->add_flag("--in", flows_in, "only hires into the org, by origin");
  flows->add_flag("--out", flows_out, "only departures from the org, by destination")->excludes(in_flag);
  AddDate(flows, "--from", &flows_options.from, "first month (by effective time); default 12 months before --to");
  AddDate(flows, "--to", &flows_options.to, "last month; default today");
  add_read_options(flows);

  auto* events = app.add_subcommand("events", "a team's audit history in log order, every page (ListEvents)");
  ctl::EventsOptions events_options;
  add_team(events, &events_options.team);
  AddDate(events, "--from", &events_options.from, "only events effective at or after this");
  AddDate(events, "--to", &events_options.to, "only events effective at or before this (a date: its end)",
          ctl::DayBound::kEnd);
  add_read_options(events);

  auto* watch = app.add_subcommand("watch", "follow team health as it changes, until Ctrl-C (WatchTeamHealth)");
  ctl::WatchOptions watch_options;
  watch
      ->add_option_function<std::vector<std::string>>(
          "targets",
          [&](const std::vector<std::string>& args) {
            auto target = ctl::ParseWatchTarget(args);
            if (!target.ok()) throw CLI::ValidationError("ORG[/TEAM]", std::string(target.status().message()));
            watch_options.target = *std::move(target);
          },
          "an org (every team), or teams of one org as org/team")
      ->type_name("ORG[/TEAM]...")
      ->required();
  add_read_options(watch);
  watch->footer(kColumns);

  auto* lag = app.add_subcommand("lag", "how far the views are behind the log (GetWatermark)");
  add_read_options(lag);

  auto* gen = app.add_subcommand("gen", "write seeded synthetic events as JSON Lines (for benchmarks)");
  ctl::SyntheticOptions gen_options;
  bool gen_keyed = false;
  gen->add_option("--events", gen_options.events, "how many")->capture_default_str();
  gen->add_option("--orgs", gen_options.orgs, "distinct orgs")->capture_default_str();
  gen->add_option("--teams", gen_options.teams_per_org, "teams per org")->capture_default_str();
  gen->add_option("--seed", gen_options.seed, "random seed")->capture_default_str();
  gen->add_flag("--keyed", gen_keyed, "prefix each line with its record key and a tab (kcat -K '\\t')");
  bool gen_produce = false;
  gen->add_flag("--produce", gen_produce,
                "write the records ingest would write straight to --topic on --kafka-brokers (no JSON)");

  // Replay and audit: these read Kafka and RocksDB directly, with the projector's own fold.
  talentflow::KafkaOptions kafka = talentflow::KafkaOptions::FromEnv();
  talentflow::AddKafkaFlags(app, &kafka, ", for replay and audit");
  ctl::ReplayOptions replay_options;
  std::optional<google::protobuf::Timestamp> known_at;
  auto* replay = app.add_subcommand("replay", "rebuild the views from offset 0 into a fresh DB; prints the state digest");
  replay->add_option("--db", replay_options.db, "the new view DB (must not exist yet)")->required()->type_name("DIR");
  replay->add_option("--fold-threads", replay_options.fold_threads, "partitions rebuilt at once (default 2)")
      ->check(CLI::Range(1, 16));
  AddParsed(replay, "--until-offsets", "--until-offsets", &replay_options.until,
            [](const std::string& s) { return ctl::ParseOffsets(s); }, "stop each partition before this offset")
      ->type_name("P:O,...");
  AddDate(replay, "--known-at", &known_at, "only records the broker had accepted by then (transaction time)",
          ctl::DayBound::kEnd);

  auto* digest = app.add_subcommand("digest", "print the state digest of a view DB (xxh3-128 over every record)");
  std::string digest_db;
  digest->add_option("--db", digest_db, "view DB (may be in use by a running projector)")->required()->type_name("DIR");

  auto* audit = app.add_subcommand("audit", "verify the live views, snapshot what was known when, list a team's history");
  audit->require_subcommand(1);
  auto* verify = audit->add_subcommand("verify", "replay up to the live views' watermark and compare digests (exit 4 on mismatch)");
  std::string verify_db = EnvOr("TALENTFLOW_DB", EnvOr("TALENTFLOW_HOME", "./var") + "/views");
  verify->add_option("--db", verify_db, "the live view DB (env TALENTFLOW_DB)")->type_name("DIR")->capture_default_str();
  auto* snapshot = audit->add_subcommand("snapshot", "rebuild the views from what the broker had accepted by --known-at");
  std::optional<google::protobuf::Timestamp> snapshot_at;
  AddDate(snapshot, "--known-at", &snapshot_at, "transaction time", ctl::DayBound::kEnd)->required();
  snapshot->add_option("--out", replay_options.db, "the new view DB (must not exist yet)")->required()->type_name("DIR");
  auto* history = audit->add_subcommand("history", "every event that touched a team, in log order, with status and evidence");
  add_team(history, &events_options.team);
  history->add_flag("--csv", events_options.csv, "CSV for spreadsheets");
  add_read_options(history);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);  // --help
    std::cerr << "error: " << e.what() << std::endl;
    return ctl::kExitUsage;
  }
  for (const absl::Status& s : {ctl::CheckRange(trend_options.from, trend_options.to),
                                ctl::CheckRange(flows_options.from, flows_options.to),
                                ctl::CheckRange(events_options.from, events_options.to)}) {
    if (!s.ok()) {
      std::cerr << "error: " << s.message() << std::endl;
      return ctl::kExitUsage;
    }
  }
  read.timeout = absl::Seconds(timeout_seconds);
  read.color = !read.json && isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
  publish_options.timeout = absl::Seconds(publish_timeout_seconds);
  if (flows_in) flows_options.direction = v1::GetTalentFlowsRequest::DIRECTION_INBOUND;
  if (flows_out) flows_options.direction = v1::GetTalentFlowsRequest::DIRECTION_OUTBOUND;
  watch_options.clear_screen = !read.json && isatty(STDOUT_FILENO);
  // Logs (e.g. of the in-process server) go to stderr, so that stdout holds only the answer.
  spdlog::set_default_logger(spdlog::stderr_color_mt("talentflowctl"));
  ConfigureLogging(logging, "talentflowctl");

  if (*replay || *snapshot) {
    replay_options.kafka = kafka;
    replay_options.progress = &std::cerr;
    replay_options.tty = isatty(STDERR_FILENO);
    if (*snapshot) return ctl::RunSnapshot(replay_options, talentflow::ToAbslTime(*snapshot_at), std::cout, std::cerr);
    if (known_at) return ctl::RunSnapshot(replay_options, talentflow::ToAbslTime(*known_at), std::cout, std::cerr);
    return ctl::RunReplay(replay_options, std::cout, std::cerr);
  }
  if (*gen) {
    return gen_produce ? ctl::RunGenProduce(gen_options, kafka, std::cerr) : ctl::RunGen(gen_options, gen_keyed, std::cout);
  }
  if (*digest) return ctl::RunDigest(digest_db, std::cout, std::cerr);
  if (*verify) return ctl::RunVerify(kafka, verify_db, std::cout, std::cerr);

  if (*publish) {
    auto ingest_channel = ctl::CreateClientChannel(ingest_addr, security);
    if (!ingest_channel.ok()) return ctl::ReportError(ingest_channel.status(), std::cerr);
    auto stub = v1::IngestService::NewStub(*ingest_channel);
    return ctl::RunPublish(publish_options, *stub, std::cout, std::cerr);
  }

  std::unique_ptr<ctl::LocalQueryServer> local;  // outlives the stub
  std::shared_ptr<grpc::Channel> channel;
  if (!db_path.empty()) {
    auto started = ctl::LocalQueryServer::Start(db_path);
    if (!started.ok()) return ctl::ReportError(started.status(), std::cerr);
    local = *std::move(started);
    channel = local->channel();
  } else {
    auto remote = ctl::CreateClientChannel(query_addr, security);
    if (!remote.ok()) return ctl::ReportError(remote.status(), std::cerr);
    channel = *std::move(remote);
  }
  std::unique_ptr<v1::QueryService::Stub> stub = v1::QueryService::NewStub(channel);

  if (*team) return ctl::RunTeam(team_options, read, *stub, std::cout, std::cerr);
  if (*teams) return ctl::RunTeams(teams_options, read, *stub, std::cout, std::cerr);
  if (*org) return ctl::RunOrg(org_options, read, *stub, std::cout, std::cerr);
  if (*trend) return ctl::RunTrend(trend_options, read, *stub, std::cout, std::cerr);
  if (*flows) return ctl::RunFlows(flows_options, read, *stub, std::cout, std::cerr);
  if (*events || *history) return ctl::RunEvents(events_options, read, *stub, std::cout, std::cerr);
  if (*watch) {
    StopOnSignals();
    return ctl::RunWatch(watch_options, read, *stub, g_stop, std::cout, std::cerr);
  }
  return ctl::RunLag(read, *stub, std::cout, std::cerr);
}
