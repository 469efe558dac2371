// talentflowctl replay and digest: they read Kafka and RocksDB directly, with the projector's own fold.
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "common/base/time_util.h"
#include "ctl/audit.h"
#include "ctl/cli.h"
#include "ctl/cli_flags.h"

namespace talentflow::ctl {

void AddReplayCommands(CLI::App& app, CliContext& context) {
  struct Flags {
    ReplayOptions options;
    std::optional<google::protobuf::Timestamp> known_at;
  };
  auto flags = std::make_shared<Flags>();
  auto* replay = app.add_subcommand("replay", "rebuild the views from offset 0 into a fresh DB; prints the state digest");
  replay->add_option("--db", flags->options.db, "the new view DB (must not exist yet)")->required()->type_name("DIR");
  replay->add_option("--fold-threads", flags->options.fold_threads, "partitions rebuilt at once (default 2)")
      ->check(CLI::Range(1, 16));
  AddParsed(replay, "--until-offsets", "--until-offsets", &flags->options.until,
            [](const std::string& s) { return ParseOffsets(s); }, "stop each partition before this offset")
      ->type_name("P:O,...");
  AddDate(replay, "--known-at", &flags->known_at, "only records the broker had accepted by then (transaction time)",
          DayBound::kEnd);
  context.OnRun(replay, [&context, flags] {
    PrepareReplay(context, flags->options);
    if (flags->known_at) return RunSnapshot(flags->options, ToAbslTime(*flags->known_at), std::cout, std::cerr);
    return RunReplay(flags->options, std::cout, std::cerr);
  });

  auto db = std::make_shared<std::string>();
  auto* digest = app.add_subcommand("digest", "print the state digest of a view DB (xxh3-128 over every record)");
  digest->add_option("--db", *db, "view DB (may be in use by a running projector)")->required()->type_name("DIR");
  context.OnRun(digest, [db] { return RunDigest(*db, std::cout, std::cerr); });
}

}  // namespace talentflow::ctl
