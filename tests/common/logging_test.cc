// The json log line format (parsed back with protobuf's JSON parser) and the logging flags.
#include "common/log/logging.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <CLI/CLI.hpp>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "common/kafka/kafka.h"

namespace talentflow {
namespace {

// The JSON line for one message logged at 2026-02-10T12:00:00.123Z.
std::string Format(spdlog::level::level_enum level, absl::string_view logger, absl::string_view msg) {
  const absl::Time t = absl::FromCivil(absl::CivilSecond(2026, 2, 10, 12, 0, 0), absl::UTCTimeZone()) +
                       absl::Milliseconds(123);
  spdlog::details::log_msg m(absl::ToChronoTime(t), spdlog::source_loc{},
                             spdlog::string_view_t(logger.data(), logger.size()), level,
                             spdlog::string_view_t(msg.data(), msg.size()));
  spdlog::memory_buf_t buf;
  JsonLogFormatter().format(m, buf);
  return std::string(buf.data(), buf.size());
}

google::protobuf::Struct ParseJson(const std::string& line) {
  google::protobuf::Struct out;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(line, &out).ok()) << line;
  return out;
}

TEST(JsonLogFormatter, WritesOneObjectPerLine) {
  EXPECT_EQ(Format(spdlog::level::info, "talentflow-query", "serving ./var/views"),
            "{\"ts\":\"2026-02-10T12:00:00.123Z\",\"level\":\"info\",\"logger\":\"talentflow-query\","
            "\"msg\":\"serving ./var/views\"}\n");
}

TEST(JsonLogFormatter, NamesLevelsAsTheFlagDoes) {
  EXPECT_EQ(ParseJson(Format(spdlog::level::warn, "x", "m")).fields().at("level").string_value(), "warn");
  EXPECT_EQ(ParseJson(Format(spdlog::level::err, "x", "m")).fields().at("level").string_value(), "error");
  EXPECT_EQ(ParseJson(Format(spdlog::level::trace, "x", "m")).fields().at("level").string_value(), "trace");
}

TEST(JsonLogFormatter, EscapesQuotesBackslashesAndControlCharacters) {
  const std::string msg = "line 3: \"org\" C:\\feeds\n\ttab\r\x01\x1f\x7f end";
  const std::string line = Format(spdlog::level::warn, "talentflow-ingest", msg);
  // Worked out by hand: each escape as JsonLogFormatter writes it.
  EXPECT_NE(line.find(R"("msg":"line 3: \"org\" C:\\feeds\n\ttab\r\u0001\u001f\u007f end"})"), std::string::npos)
      << line;
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line";
  google::protobuf::Struct parsed = ParseJson(line);
  EXPECT_EQ(parsed.fields().at("msg").string_value(), msg);
  EXPECT_EQ(parsed.fields().at("logger").string_value(), "talentflow-ingest");
  EXPECT_EQ(parsed.fields().at("ts").string_value(), "2026-02-10T12:00:00.123Z");
}

TEST(JsonLogFormatter, ReplacesInvalidUtf8ByteByByte) {
  // "é" (C3 A9) and "€" (E2 82 AC) are kept; a lone continuation byte 0x80, 0xFF, a truncated
  // "€" (E2 82) at the end, an overlong "/" (C0 AF) and a surrogate (ED A0 80) are not UTF-8.
  const std::string msg = "caf\xC3\xA9 \xE2\x82\xAC \x80 \xFF \xC0\xAF \xED\xA0\x80 \xE2\x82";
  google::protobuf::Struct parsed = ParseJson(Format(spdlog::level::info, "t", msg));
  const std::string r = "\xEF\xBF\xBD";  // U+FFFD
  EXPECT_EQ(parsed.fields().at("msg").string_value(),
            "caf\xC3\xA9 \xE2\x82\xAC " + r + " " + r + " " + r + r + " " + r + r + r + " " + r + r);
}

TEST(JsonLogFormatter, KeepsNulBytesAsEscapes) {
  const std::string line = Format(spdlog::level::info, "t", absl::string_view("a\0b", 3));
  EXPECT_NE(line.find(R"("msg":"a\u0000b")"), std::string::npos) << line;
}

TEST(AppendJsonString, QuotesAndEscapes) {
  std::string out;
  AppendJsonString("a\"b\\\n", &out);
  EXPECT_EQ(out, R"("a\"b\\\n")");
}

TEST(ParseLogLevel, AcceptsTheDocumentedNames) {
  EXPECT_EQ(*ParseLogLevel("trace"), spdlog::level::trace);
  EXPECT_EQ(*ParseLogLevel("DEBUG"), spdlog::level::debug);
  EXPECT_EQ(*ParseLogLevel("info"), spdlog::level::info);
  EXPECT_EQ(*ParseLogLevel("warn"), spdlog::level::warn);
  EXPECT_EQ(*ParseLogLevel("error"), spdlog::level::err);
  EXPECT_EQ(ParseLogLevel("verbose").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(*ParseLogFormat("JSON"), LogFormat::kJson);
  EXPECT_EQ(ParseLogFormat("xml").status().code(), absl::StatusCode::kInvalidArgument);
}

class LoggingOptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("TALENTFLOW_LOG_FORMAT");
    unsetenv("TALENTFLOW_LOG_LEVEL");
  }
  void TearDown() override { SetUp(); }
};

TEST_F(LoggingOptionsTest, FlagsFollowASubcommand) {
  CLI::App app;
  app.fallthrough();
  app.add_subcommand("serve");
  LoggingOptions options;
  AddLoggingOptions(app, &options);
  app.parse(std::vector<std::string>{"debug", "--log-level", "json", "--log-format", "serve"});  // reversed argv
  EXPECT_EQ(options.format, LogFormat::kJson);
  EXPECT_EQ(options.level, spdlog::level::debug);
}

TEST_F(LoggingOptionsTest, EnvironmentIsTheDefaultAndTheFlagWins) {
  setenv("TALENTFLOW_LOG_FORMAT", "json", 1);
  setenv("TALENTFLOW_LOG_LEVEL", "error", 1);
  CLI::App app;
  LoggingOptions options;
  options.level = spdlog::level::warn;  // e.g. talentflowctl's own default
  AddLoggingOptions(app, &options);
  app.parse(std::vector<std::string>{"trace", "--log-level"});
  EXPECT_EQ(options.format, LogFormat::kJson);
  EXPECT_EQ(options.level, spdlog::level::trace);
}

TEST_F(LoggingOptionsTest, UnsetEnvironmentKeepsTheCallersDefault) {
  CLI::App app;
  LoggingOptions options;
  options.level = spdlog::level::warn;
  AddLoggingOptions(app, &options);
  app.parse(std::vector<std::string>{});
  EXPECT_EQ(options.format, LogFormat::kText);
  EXPECT_EQ(options.level, spdlog::level::warn);
}

TEST_F(LoggingOptionsTest, RejectsBadValuesFromFlagOrEnvironment) {
  {
    CLI::App app;
    LoggingOptions options;
    AddLoggingOptions(app, &options);
    EXPECT_THROW(app.parse(std::vector<std::string>{"loud", "--log-level"}), CLI::ValidationError);
  }
  setenv("TALENTFLOW_LOG_FORMAT", "xml", 1);
  CLI::App app;
  LoggingOptions options;
  AddLoggingOptions(app, &options);
  EXPECT_THROW(app.parse(std::vector<std::string>{}), CLI::ValidationError);
}

TEST(ConfigureLogging, WritesJsonLinesThroughTheDefaultLoggersSinks) {
  std::ostringstream out;
  spdlog::set_default_logger(
      std::make_shared<spdlog::logger>("before", std::make_shared<spdlog::sinks::ostream_sink_mt>(out)));
  ConfigureLogging(LoggingOptions{LogFormat::kJson, spdlog::level::info}, "talentflow-test");
  spdlog::debug("not written: below info");
  spdlog::info("password-free \"{}\"", "message");
  const std::string text = out.str();
  google::protobuf::Struct parsed = ParseJson(text);
  EXPECT_EQ(parsed.fields().at("logger").string_value(), "talentflow-test");
  EXPECT_EQ(parsed.fields().at("msg").string_value(), "password-free \"message\"");
  EXPECT_EQ(text.find("below info"), std::string::npos);
}

TEST(IsSecretKafkaProperty, CoversPasswordsSecretsSaslAndSslKeys) {
  EXPECT_TRUE(IsSecretKafkaProperty("sasl.password"));
  EXPECT_TRUE(IsSecretKafkaProperty("sasl.oauthbearer.client.secret"));
  EXPECT_TRUE(IsSecretKafkaProperty("sasl.jaas.config"));
  EXPECT_TRUE(IsSecretKafkaProperty("ssl.key.pem"));
  EXPECT_TRUE(IsSecretKafkaProperty("ssl.keystore.password"));
  EXPECT_TRUE(IsSecretKafkaProperty("SSL.KEY.LOCATION"));
  EXPECT_FALSE(IsSecretKafkaProperty("acks"));
  EXPECT_FALSE(IsSecretKafkaProperty("ssl.ca.location"));
}

// A property with a bad value in --kafka-config: the error (which main logs) names the property
// and, for a secret one, leaves the value out.
absl::Status KafkaConfigError(const std::string& line) {
  const std::string path = ::testing::TempDir() + "/kafka.properties";
  std::ofstream(path) << line << "\n";
  KafkaOptions options;
  options.config_file = path;
  return MakeKafkaConf(options, {}).status();
}

TEST(MakeKafkaConf, LeavesSecretValuesOutOfErrors) {
  absl::Status secret = KafkaConfigError("sasl.oauthbearer.method=hunter2-not-a-method");
  EXPECT_EQ(secret.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(secret.message(), "kafka property sasl.oauthbearer.method: invalid value (not shown)");
  absl::Status plain = KafkaConfigError("acks=hunter2-not-a-number");
  EXPECT_EQ(plain.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(plain.message(), "kafka property acks: ")) << plain.message();
}

}  // namespace
}  // namespace talentflow
