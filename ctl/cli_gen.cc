// talentflowctl gen.
#include <iostream>
#include <memory>

#include "ctl/cli.h"
#include "ctl/synthetic_source.h"

namespace talentflow::ctl {

void AddGenCommand(CLI::App& app, CliContext& context) {
  struct Flags {
    SyntheticOptions options;
    bool keyed = false;
    bool produce = false;
  };
  auto flags = std::make_shared<Flags>();
  auto* gen = app.add_subcommand("gen", "write seeded synthetic events as JSON Lines (for benchmarks)");
  gen->add_option("--events", flags->options.events, "how many")->capture_default_str();
  gen->add_option("--orgs", flags->options.orgs, "distinct orgs")->capture_default_str();
  gen->add_option("--teams", flags->options.teams_per_org, "teams per org")->capture_default_str();
  gen->add_option("--seed", flags->options.seed, "random seed")->capture_default_str();
  gen->add_flag("--keyed", flags->keyed, "prefix each line with its record key and a tab (kcat -K '\\t')");
  gen->add_flag("--produce", flags->produce,
                "write the records ingest would write straight to --topic on --kafka-brokers (no JSON)");
  context.OnRun(gen, [&context, flags] {
    return flags->produce ? RunGenProduce(flags->options, context.kafka, std::cerr)
                          : RunGen(flags->options, flags->keyed, std::cout);
  });
}

}  // namespace talentflow::ctl
