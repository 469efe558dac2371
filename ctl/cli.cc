#include "ctl/cli.h"

#include <iostream>

namespace talentflow::ctl {

int CliContext::Run() const {
  for (const auto& [subcommand, run] : actions_) {
    if (subcommand->parsed()) return run();
  }
  std::cerr << "error: no subcommand to run" << std::endl;  // unreachable: the app requires one
  return kExitUsage;
}

}  // namespace talentflow::ctl
