#include "common/log/logging.h"

#include <chrono>
#include <cstdio>
#include <map>

#include <CLI/CLI.hpp>
#include <spdlog/pattern_formatter.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/base/utf8.h"

namespace talentflow {
namespace {

absl::string_view LevelName(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace: return "trace";
    case spdlog::level::debug: return "debug";
    case spdlog::level::info: return "info";
    case spdlog::level::warn: return "warn";
    case spdlog::level::err: return "error";
    case spdlog::level::critical: return "critical";
    default: return "off";
  }
}

// A CLI11 validator-transform that maps the flag text through `parse` to its canonical name.
template <typename Parse>
CLI::Validator Canonical(Parse parse, std::string description) {
  return CLI::Validator(
      [parse](std::string& value) -> std::string {
        auto parsed = parse(value);
        return parsed.ok() ? std::string() : std::string(parsed.status().message());
      },
      std::move(description));
}

}  // namespace

void AppendJsonString(absl::string_view s, std::string* out) {
  out->push_back('"');
  while (!s.empty()) {
    const unsigned char c = static_cast<unsigned char>(s[0]);
    const size_t n = Utf8SequenceLength(s);
    if (n == 0) {
      out->append("\\ufffd");
      s.remove_prefix(1);
      continue;
    }
    if (n > 1) {
      out->append(s.data(), n);
      s.remove_prefix(n);
      continue;
    }
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default:
        if (c < 0x20 || c == 0x7f) {
          absl::StrAppend(out, "\\u00", absl::Hex(c, absl::kZeroPad2));
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
    s.remove_prefix(1);
  }
  out->push_back('"');
}

void JsonLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  std::string line = "{\"ts\":\"";
  line += absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromChrono(msg.time), absl::UTCTimeZone());
  absl::StrAppend(&line, "\",\"level\":\"", LevelName(msg.level), "\",\"logger\":");
  AppendJsonString(absl::string_view(msg.logger_name.data(), msg.logger_name.size()), &line);
  line += ",\"msg\":";
  AppendJsonString(absl::string_view(msg.payload.data(), msg.payload.size()), &line);
  line += "}\n";
  dest.append(line.data(), line.data() + line.size());
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const { return std::make_unique<JsonLogFormatter>(); }

absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view name) {
  const std::string n = absl::AsciiStrToLower(name);
  if (n == "text") return LogFormat::kText;
  if (n == "json") return LogFormat::kJson;
  return absl::InvalidArgumentError(absl::StrCat("log format \"", name, "\": expected text or json"));
}

absl::StatusOr<spdlog::level::level_enum> ParseLogLevel(absl::string_view name) {
  static const auto* levels = new std::map<std::string, spdlog::level::level_enum>{
      {"trace", spdlog::level::trace}, {"debug", spdlog::level::debug}, {"info", spdlog::level::info},
      {"warn", spdlog::level::warn},   {"warning", spdlog::level::warn}, {"error", spdlog::level::err}};
  auto it = levels->find(absl::AsciiStrToLower(name));
  if (it == levels->end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("log level \"", name, "\": expected trace, debug, info, warn or error"));
  }
  return it->second;
}

void AddLoggingOptions(CLI::App& app, LoggingOptions* options) {
  // Env values go through the same parsers as the flags, so a bad variable is reported like a bad flag.
  app.add_option_function<std::string>(
         "--log-format", [options](const std::string& v) { options->format = *ParseLogFormat(v); },
         "log line format: text or json, one JSON object per line (env TALENTFLOW_LOG_FORMAT)")
      ->envname("TALENTFLOW_LOG_FORMAT")
      ->check(Canonical(ParseLogFormat, "text|json"));
  app.add_option_function<std::string>(
         "--log-level", [options](const std::string& v) { options->level = *ParseLogLevel(v); },
         "least severe level logged: trace, debug, info, warn, error (env TALENTFLOW_LOG_LEVEL)")
      ->envname("TALENTFLOW_LOG_LEVEL")
      ->check(Canonical(ParseLogLevel, "trace|debug|info|warn|error"));
}

void ConfigureLogging(const LoggingOptions& options, const std::string& logger_name) {
  std::shared_ptr<spdlog::logger> old = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>(logger_name, old->sinks().begin(), old->sinks().end());
  if (options.format == LogFormat::kJson) {
    logger->set_formatter(std::make_unique<JsonLogFormatter>());
  } else {
    logger->set_formatter(std::make_unique<spdlog::pattern_formatter>());  // spdlog's default "%+"
  }
  logger->set_level(options.level);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace talentflow
