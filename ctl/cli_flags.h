// Flags that several talentflowctl subcommands share: parsed values (dates, orgs, teams), the
// options of every read, and how a read reaches the QueryService (--db or --query). Used by the
// cli_*.cc files only.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>

#include <CLI/CLI.hpp>

#include "ctl/args.h"
#include "ctl/audit.h"
#include "ctl/cli.h"
#include "ctl/commands.h"
#include "google/protobuf/timestamp.pb.h"

namespace talentflow::ctl {

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
CLI::Validator Quiet(CLI::Validator validator);

// Adds `--NAME DATE` (YYYY-MM-DD or RFC 3339).
CLI::Option* AddDate(CLI::App* app, const std::string& name, std::optional<google::protobuf::Timestamp>* out,
                     const std::string& help, DayBound bound = DayBound::kStart);

// Adds the required positional ORG (an org slug).
void AddOrg(CLI::App* app, std::string* org);

// Adds the required positional ORG/TEAM.
void AddTeam(CLI::App* app, TeamRef* team);

// The footer of the commands that print the teams table.
extern const char kColumnsFooter[];

// The flags of every read, as parsed.
struct ReadFlags {
  ReadOptions read;            // --json, --min-offsets
  double timeout_seconds = 10;  // --timeout
  std::string db_path;          // --db: read this view database in-process instead of calling --query
  bool wide = false;            // --wide: full values on a terminal too (read.csv is --csv)
};

// Adds --json, --csv, --wide, --min-offsets, --timeout and --db to `app`, writing into `*flags`.
void AddReadFlags(CLI::App* app, ReadFlags* flags);

// Adds --min-confidence and --corroborated (the evidence filter of the reads with figures) to
// `app`, writing into `read->evidence`.
void AddEvidenceFlags(CLI::App* app, ReadOptions* read);

// Completes `flags.read` (the timeout; colour when stdout is a terminal, not --json or --csv and
// NO_COLOR is unset; the table width, TableWidth of stdout, --wide, $COLUMNS and the terminal's),
// opens the QueryService (in-process over --db, else --query with the context's TLS and token) and returns `read(options, stub)`; kExitFailed, reported on stderr, when it cannot open.
int RunRead(const CliContext& context, ReadFlags& flags,
            const std::function<int(const ReadOptions&, v1::QueryService::StubInterface&)>& read);

// Completes `options` for a replay run from the command line: the context's Kafka, progress on
// stderr (redrawn in place when stderr is a terminal).
void PrepareReplay(const CliContext& context, ReplayOptions& options);

}  // namespace talentflow::ctl
