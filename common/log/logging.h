// Logging: spdlog, plus the fmt formatter for absl::string_view (Debian's abseil has its own
// string_view type, which fmt does not know), so `spdlog::warn("{}", status.message())` works.
// Include this instead of spdlog directly.
//
// Every binary calls AddLoggingOptions before parsing its flags and ConfigureLogging right after:
//   --log-format text|json   (env TALENTFLOW_LOG_FORMAT)
//   --log-level trace|debug|info|warn|error   (env TALENTFLOW_LOG_LEVEL)
// json writes one object per line:
//   {"ts":"2026-02-10T12:00:00.123Z","level":"info","logger":"talentflow-query","msg":"…"}
// Messages are never secrets: no token, password or key material is logged (common/kafka.cc keeps
// librdkafka property values out of its errors).
#pragma once

#include <memory>
#include <string>

#include <fmt/format.h>
#include <spdlog/formatter.h>
#include <spdlog/spdlog.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

template <>
struct fmt::formatter<absl::string_view> : fmt::formatter<fmt::string_view> {
  template <typename Ctx>
  auto format(absl::string_view s, Ctx& ctx) const {
    return fmt::formatter<fmt::string_view>::format(fmt::string_view(s.data(), s.size()), ctx);
  }
};

namespace CLI {
class App;
}  // namespace CLI

namespace talentflow {

enum class LogFormat {
  kText,  // spdlog's default pattern: "[2026-02-10 12:00:00.123] [talentflow-query] [info] …" (local time)
  kJson,  // one JSON object per line (JsonLogFormatter)
};

struct LoggingOptions {
  // Default: kText.
  LogFormat format = LogFormat::kText;
  // The least severe level written. Default: info.
  spdlog::level::level_enum level = spdlog::level::info;
};

// "text" / "json" (case-insensitive); InvalidArgument otherwise.
absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view name);
// "trace", "debug", "info", "warn" (or "warning"), "error" (case-insensitive); InvalidArgument otherwise.
absl::StatusOr<spdlog::level::level_enum> ParseLogLevel(absl::string_view name);

// Adds --log-format and --log-level to `app` (global flags; with app.fallthrough() they may follow a
// subcommand). TALENTFLOW_LOG_FORMAT / TALENTFLOW_LOG_LEVEL, when set, replace `options`' current
// values as the defaults; a flag wins over its variable. An invalid flag or variable value is a
// parse error naming the accepted values. `options` must outlive app.parse().
void AddLoggingOptions(CLI::App& app, LoggingOptions* options);

// Replaces the default logger with one named `logger_name` that writes to the same sinks (stdout
// unless the caller set another default logger before), in `options.format`, at `options.level`.
// Call once, early in main, before other threads log.
void ConfigureLogging(const LoggingOptions& options, const std::string& logger_name);

// The json format as an spdlog formatter: {"ts","level","logger","msg"} and a '\n'. ts is UTC
// RFC 3339 with milliseconds; level is trace|debug|info|warn|error|critical; msg and logger are
// JSON strings (quotes, backslashes and control characters escaped, each byte of invalid UTF-8
// replaced by U+FFFD). Thread-safe: holds no state.
class JsonLogFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

// Appends `s` as a JSON string literal, quotes included, with the escaping JsonLogFormatter uses.
// Example: a"b\<newline> -> "a\"b\\\n".
void AppendJsonString(absl::string_view s, std::string* out);

}  // namespace talentflow
