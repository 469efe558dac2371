// The fold tests' in-memory state: views::MapState, plus the entries under a prefix by full key.
#pragma once

#include <map>
#include <string>

#include "views/map_state.h"

namespace talentflow::testing {

class MemoryState : public views::MapState {
 public:
  // The entries whose key starts with `prefix` (e.g. "b/" for every day bucket).
  std::map<std::string, std::string> WithPrefix(const std::string& prefix) const {
    std::map<std::string, std::string> out;
    Scan(prefix, [&](absl::string_view suffix, const std::string& value) {
      out.emplace(prefix + std::string(suffix), value);
    });
    return out;
  }
};

}  // namespace talentflow::testing
