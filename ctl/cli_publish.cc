// talentflowctl publish.
#include <iostream>
#include <memory>

#include "ctl/cli.h"
#include "ctl/cli_flags.h"
#include "ctl/explain.h"

namespace talentflow::ctl {

void AddPublishCommand(CLI::App& app, CliContext& context) {
  struct Flags {
    PublishOptions options;
    double timeout_seconds = 60;
    bool views = false;
  };
  auto flags = std::make_shared<Flags>();
  auto* publish = app.add_subcommand("publish", "publish a JSON Lines feed through the IngestService");
  publish->add_option("file", flags->options.path, "feed file (one JSON event per line), or - for stdin")
      ->type_name("FILE|-")
      ->required();
  publish->add_option("--batch-size", flags->options.batch_events, "events per Publish call (1..1000)")
      ->check(Quiet(CLI::Range(1, 1000)))
      ->type_name("N")
      ->capture_default_str();
  publish->add_option("--timeout", flags->timeout_seconds, "deadline of each Publish call, in seconds")
      ->check(Quiet(CLI::PositiveNumber))
      ->type_name("SECONDS")
      ->capture_default_str();
  publish->add_flag("--dry-run", flags->options.dry_run,
                    "validate through the service only: same summary and exit codes, nothing written");
  publish->add_flag("--views", flags->views,
                    "then wait for the views (on --query) and print what they made of each line: applied, "
                    "duplicate of which story and why");
  auto check_options = std::make_shared<ingest::RetractionCheckOptions>();
  publish->add_flag("--allow-pending", check_options->allow_pending,
                    "publish a retraction whose target is unknown anyway (pending until the target arrives)");
  publish->add_flag("--require-evidence", flags->options.require_evidence,
                    "have the service reject lines without evidence (otherwise they are only counted in the summary)");
  publish->footer(
      "Prints \"accepted N, rejected R\" and \"offsets: P:O,...\" (pass to --min-offsets). A line repeating\n"
      "an earlier line's idempotency key is published for its evidence (the summary counts it); whether\n"
      "the views count a line as a duplicate of a story, --views says.\n"
      "Each retraction's target is looked up first (GetEvent on --query): a target under another\n"
      "org/team, or unknown (without --allow-pending), rejects the line.\n"
      "Exit: 0; 3 when some line was rejected; 1 when a call failed or an event was not delivered.");
  context.OnRun(publish, [&context, flags, check_options] {
    flags->options.timeout = absl::Seconds(flags->timeout_seconds);
    auto channel = CreateClientChannel(context.ingest_addr, context.security);
    if (!channel.ok()) return ReportError(channel.status(), std::cerr);
    const ServerRef server{"talentflow-ingest", context.ingest_addr, "--ingest", UsesTls(context.security)};
    if (absl::Status s = CheckReachable(**channel, server, flags->options.timeout); !s.ok()) {
      return ReportError(s, std::cerr);
    }
    auto stub = v1::IngestService::NewStub(*channel);
    auto query_channel = CreateClientChannel(context.query_addr, context.security);
    if (!query_channel.ok()) return ReportError(query_channel.status(), std::cerr);
    auto query = v1::QueryService::NewStub(*query_channel);
    ingest::RetractionCheck check(query.get(), /*aliases=*/nullptr, *check_options);
    flags->options.retraction_check = &check;
    if (flags->views) flags->options.views = query.get();
    return RunPublish(flags->options, *stub, std::cout, std::cerr);
  });
}

}  // namespace talentflow::ctl
