// Logging: spdlog, plus the fmt formatter for absl::string_view (Debian's abseil has its own
// string_view type, which fmt does not know), so `spdlog::warn("{}", status.message())` works.
// Include this instead of spdlog directly.
#pragma once

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "absl/strings/string_view.h"

template <>
struct fmt::formatter<absl::string_view> : fmt::formatter<fmt::string_view> {
  template <typename Ctx>
  auto format(absl::string_view s, Ctx& ctx) const {
    return fmt::formatter<fmt::string_view>::format(fmt::string_view(s.data(), s.size()), ctx);
  }
};
