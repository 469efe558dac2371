#include "ctl/cli_flags.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <memory>

#include "ctl/explain.h"
#include "ctl/local_query_server.h"
#include "ctl/tables.h"

namespace talentflow::ctl {

namespace {

// The terminal's width from the kernel (0 when stdout is not a terminal or it does not say).
int TerminalColumns() {
  winsize size{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0) return 0;
  return size.ws_col;
}

}  // namespace

const char kColumnsFooter[] =
    "Columns: heads = headcount; dep90, sen90 = departures and senior departures in the last 90 days;\n"
    "attr% = annualised 90-day attrition; \"-\" = unknown.";

CLI::Validator Quiet(CLI::Validator validator) { return validator.description(""); }

CLI::Option* AddDate(CLI::App* app, const std::string& name, std::optional<google::protobuf::Timestamp>* out,
                     const std::string& help, DayBound bound) {
  return AddParsed(app, name, name, out, [bound](const std::string& s) { return ParseDate(s, bound); },
                   help + " (YYYY-MM-DD or RFC 3339)")
      ->type_name("DATE");
}

void AddOrg(CLI::App* app, std::string* org) {
  AddParsed(app, "org", "ORG", org, [](const std::string& s) { return ParseOrg(s); },
            "org: a slug or a name the server resolves (OpenAI)")
      ->type_name("ORG")
      ->required();
}

void AddTeam(CLI::App* app, TeamRef* team) {
  AddParsed(app, "team", "ORG/TEAM", team, [](const std::string& s) { return ParseTeamRef(s); },
            "team, as org/team (slugs or names: OpenAI/Sora)")
      ->type_name("ORG/TEAM")
      ->required();
}

void AddReadFlags(CLI::App* app, ReadFlags* flags) {
  auto* json = app->add_flag("--json", flags->read.json, "print the response as proto3 JSON");
  app->add_flag("--csv", flags->read.csv, "print CSV for spreadsheets (RFC 4180, a header row, every value whole)")
      ->excludes(json);
  app->add_flag("--wide", flags->wide,
                "on a terminal too, print every value whole, one line per row (as when stdout is not a terminal)");
  AddParsed(app, "--min-offsets", "--min-offsets", &flags->read.min_offsets,
            [](const std::string& s) { return ParseOffsets(s); },
            "read your writes: wait until the views include these records (as printed by publish)")
      ->type_name("P:O,...");
  app->add_option("--max-lag", flags->read.max_lag,
                  "several instances: accept a standby copy this many records behind for partitions without a "
                  "serving owner (0: owners only)")
      ->check(Quiet(CLI::NonNegativeNumber))
      ->type_name("RECORDS");
  app->add_option("--timeout", flags->timeout_seconds, "deadline of each call, in seconds")
      ->check(Quiet(CLI::PositiveNumber))
      ->type_name("SECONDS")
      ->capture_default_str();
  // Not checked by CLI11: CheckViewDb's error says what a view database is and where to find one.
  app->add_option("--db", flags->db_path,
                  "read this view database in-process (read-only, as it is when opened) instead of calling --query")
      ->type_name("DIR");
}

void AddEvidenceFlags(CLI::App* app, ReadOptions* read) {
  app->add_option_function<std::string>(
         "--min-confidence",
         [read](const std::string& text) {
           absl::StatusOr<v1::Confidence> c = ParseConfidence(text);
           if (!c.ok()) throw CLI::ValidationError("--min-confidence", std::string(c.status().message()));
           read->evidence.set_min_confidence(*c);
         },
         "count only stories at least this sure (their highest report); a report without one ranks as rumor")
      ->type_name("rumor|reported|confirmed");
  app->add_flag_callback(
      "--corroborated", [read] { read->evidence.set_corroborated_only(true); },
      "count only corroborated stories: >= 2 outlets, confirmed, or (a move) a counterpart in the other org or team");
}

int RunRead(const CliContext& context, ReadFlags& flags,
            const std::function<int(const ReadOptions&, v1::QueryService::StubInterface&)>& read) {
  flags.read.timeout = absl::Seconds(flags.timeout_seconds);
  const bool tty = isatty(STDOUT_FILENO);
  flags.read.color = !flags.read.json && !flags.read.csv && tty && std::getenv("NO_COLOR") == nullptr;
  flags.read.width = TableWidth(tty, flags.wide, std::getenv("COLUMNS"), TerminalColumns());
  std::unique_ptr<LocalQueryServer> local;  // outlives the stub
  std::shared_ptr<grpc::Channel> channel;
  if (!flags.db_path.empty()) {
    if (absl::Status s = CheckViewDb(flags.db_path); !s.ok()) return ReportError(s, std::cerr);
    auto started = LocalQueryServer::Start(flags.db_path);
    if (!started.ok()) return ReportError(started.status(), std::cerr);
    local = *std::move(started);
    channel = local->channel();
  } else {
    auto remote = CreateClientChannel(context.query_addr, context.security);
    if (!remote.ok()) return ReportError(remote.status(), std::cerr);
    channel = *std::move(remote);
    const ServerRef server{"talentflow-query", context.query_addr, "--query", UsesTls(context.security)};
    if (absl::Status s = CheckReachable(*channel, server, flags.read.timeout); !s.ok()) {
      return ReportError(s, std::cerr);
    }
  }
  std::unique_ptr<v1::QueryService::Stub> stub = v1::QueryService::NewStub(channel);
  // A read with --min-offsets waits here first, so that offsets it cannot reach are named (the
  // server's own wait can only say DEADLINE_EXCEEDED).
  if (!flags.read.min_offsets.empty()) {
    v1::Watermark wm;
    if (absl::Status s = WaitForOffsets(flags.read, *stub, &wm); !s.ok()) return ReportError(s, std::cerr);
  }
  return read(flags.read, *stub);
}

void PrepareReplay(const CliContext& context, ReplayOptions& options) {
  options.kafka = context.kafka;
  options.progress = &std::cerr;
  options.tty = isatty(STDERR_FILENO);
}

}  // namespace talentflow::ctl
