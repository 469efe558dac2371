// A ViewState in memory over a sorted std::map: Get sees earlier Put and Delete calls, scans by
// prefix are ranges, and two states compare byte for byte through `map`. Filtered reads fold a
// team's chosen events into one (query/evidence.cc); the fold's tests and fuzzer use it too.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "views/fold.h"

namespace talentflow::views {

class MapState : public ViewState {
 public:
  std::optional<std::string> Get(const std::string& key) override {
    auto it = map.find(key);
    if (it == map.end()) return std::nullopt;
    return it->second;
  }
  void Put(const std::string& key, std::string value) override { map[key] = std::move(value); }
  void Delete(const std::string& key) override { map.erase(key); }

  // Calls fn(key suffix after `prefix`, value) for each key with `prefix`, in key order.
  template <typename Fn>
  void Scan(const std::string& prefix, Fn&& fn) const {
    for (auto it = map.lower_bound(prefix); it != map.end() && absl::StartsWith(it->first, prefix); ++it) {
      fn(absl::string_view(it->first).substr(prefix.size()), it->second);
    }
  }

  std::map<std::string, std::string> map;
};

}  // namespace talentflow::views
