// An in-memory ViewState over std::map for the fold tests: Get sees earlier Put and Delete calls,
// and two states can be compared byte for byte through `map`.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "views/fold.h"

namespace talentflow::testing {

class MemoryState : public views::ViewState {
 public:
  std::optional<std::string> Get(const std::string& key) override {
    auto it = map.find(key);
    if (it == map.end()) return std::nullopt;
    return it->second;
  }
  void Put(const std::string& key, std::string value) override { map[key] = std::move(value); }
  void Delete(const std::string& key) override { map.erase(key); }

  // The entries whose key starts with `prefix` (e.g. "b/" for every day bucket).
  std::map<std::string, std::string> WithPrefix(const std::string& prefix) const {
    std::map<std::string, std::string> out;
    for (auto it = map.lower_bound(prefix); it != map.end() && it->first.starts_with(prefix); ++it) {
      out.insert(*it);
    }
    return out;
  }

  std::map<std::string, std::string> map;
};

}  // namespace talentflow::testing
