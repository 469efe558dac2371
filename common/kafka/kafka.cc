#include "common/kafka/kafka.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <optional>

#include <CLI/CLI.hpp>
#include <librdkafka/rdkafka.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "common/base/status.h"
#include "common/log/logging.h"

namespace talentflow {
namespace {

// Forwards librdkafka's log lines and error events to spdlog, so that they come out in the
// process's log format (--log-format json: one JSON object per line) rather than as librdkafka's
// own stderr lines. Stateless; librdkafka calls it from its threads and from poll().
class SpdlogEventCb : public RdKafka::EventCb {
 public:
  void event_cb(RdKafka::Event& e) override {
    switch (e.type()) {
      case RdKafka::Event::EVENT_LOG:
        spdlog::log(LevelOf(e.severity()), "librdkafka {}: {}", e.fac(), e.str());
        break;
      case RdKafka::Event::EVENT_ERROR:
        spdlog::log(e.fatal() ? spdlog::level::critical : spdlog::level::err, "librdkafka: {}: {}",
                    RdKafka::err2str(e.err()), e.str());
        break;
      default:
        break;
    }
  }

 private:
  static spdlog::level::level_enum LevelOf(RdKafka::Event::Severity s) {
    switch (s) {
      case RdKafka::Event::EVENT_SEVERITY_EMERG:
      case RdKafka::Event::EVENT_SEVERITY_ALERT:
      case RdKafka::Event::EVENT_SEVERITY_CRITICAL: return spdlog::level::critical;
      case RdKafka::Event::EVENT_SEVERITY_ERROR: return spdlog::level::err;
      case RdKafka::Event::EVENT_SEVERITY_WARNING: return spdlog::level::warn;
      case RdKafka::Event::EVENT_SEVERITY_NOTICE:
      case RdKafka::Event::EVENT_SEVERITY_INFO: return spdlog::level::info;
      default: return spdlog::level::debug;
    }
  }
};

}  // namespace

bool IsSecretKafkaProperty(absl::string_view key) {
  const std::string k = absl::AsciiStrToLower(key);
  return absl::StrContains(k, "password") || absl::StrContains(k, "secret") || absl::StartsWith(k, "sasl.") ||
         absl::StartsWith(k, "ssl.key.");
}

KafkaOptions KafkaOptions::FromEnv() {
  KafkaOptions o;
  if (const char* v = std::getenv("TALENTFLOW_KAFKA_BROKERS"); v && *v) o.brokers = v;
  if (const char* v = std::getenv("TALENTFLOW_TOPIC"); v && *v) o.topic = v;
  if (const char* v = std::getenv("TALENTFLOW_KAFKA_CONFIG"); v && *v) o.config_file = v;
  return o;
}

absl::Status KafkaOptions::Validate() const {
  if (brokers.empty()) return absl::InvalidArgumentError("kafka-brokers: must not be empty");
  if (topic.empty()) return absl::InvalidArgumentError("topic: must not be empty");
  return absl::OkStatus();
}

void AddKafkaFlags(CLI::App& app, KafkaOptions* options, const std::string& purpose) {
  app.add_option("--kafka-brokers", options->brokers,
                 absl::StrCat("Kafka bootstrap servers", purpose, " (env TALENTFLOW_KAFKA_BROKERS)"));
  app.add_option("--topic", options->topic, absl::StrCat("event topic", purpose, " (env TALENTFLOW_TOPIC)"));
  app.add_option("--kafka-config", options->config_file,
                 "file of extra librdkafka key=value properties, e.g. SASL/SSL (env TALENTFLOW_KAFKA_CONFIG)");
}

absl::Status FromKafka(RdKafka::ErrorCode code, absl::string_view context) {
  if (code == RdKafka::ERR_NO_ERROR) return absl::OkStatus();
  std::string msg = absl::StrCat(context, ": ", RdKafka::err2str(code));
  switch (code) {
    case RdKafka::ERR__TIMED_OUT:
    case RdKafka::ERR__MSG_TIMED_OUT:
    case RdKafka::ERR_REQUEST_TIMED_OUT:
      return absl::DeadlineExceededError(msg);
    case RdKafka::ERR__QUEUE_FULL:
      return absl::ResourceExhaustedError(msg);
    case RdKafka::ERR__UNKNOWN_TOPIC:
    case RdKafka::ERR_UNKNOWN_TOPIC_OR_PART:
      return absl::NotFoundError(msg);
    case RdKafka::ERR__INVALID_ARG:
    case RdKafka::ERR_MSG_SIZE_TOO_LARGE:
    case RdKafka::ERR_INVALID_MSG:
      return absl::InvalidArgumentError(msg);
    case RdKafka::ERR__TRANSPORT:
    case RdKafka::ERR__ALL_BROKERS_DOWN:
    case RdKafka::ERR__RESOLVE:
      return absl::UnavailableError(msg);
    default:
      return absl::InternalError(msg);
  }
}

absl::StatusOr<int32_t> AwaitTopicPartitions(RdKafka::Handle& handle, const std::string& topic,
                                             absl::Time deadline) {
  std::string err_text;
  std::unique_ptr<RdKafka::Topic> t(RdKafka::Topic::create(&handle, topic, nullptr, err_text));
  if (!t) return absl::InvalidArgumentError(absl::StrCat("topic ", topic, ": ", err_text));
  // The brokers' last answer about the topic. A request that timed out under load is no answer:
  // the error returned at the deadline is the last answer when there was one.
  std::optional<RdKafka::ErrorCode> answer;
  while (true) {
    RdKafka::Metadata* raw = nullptr;
    const int timeout_ms = static_cast<int>(std::max<int64_t>(1, absl::ToInt64Milliseconds(deadline - absl::Now())));
    RdKafka::ErrorCode err = handle.metadata(/*all_topics=*/false, t.get(), &raw, timeout_ms);
    std::unique_ptr<RdKafka::Metadata> metadata(raw);
    if (err == RdKafka::ERR_NO_ERROR) {
      err = RdKafka::ERR_UNKNOWN_TOPIC_OR_PART;
      for (const RdKafka::TopicMetadata* tm : *metadata->topics()) {
        if (tm->topic() != topic) continue;
        err = tm->err();
        if (err == RdKafka::ERR_NO_ERROR && !tm->partitions()->empty()) {
          return static_cast<int32_t>(tm->partitions()->size());
        }
        if (err == RdKafka::ERR_NO_ERROR) err = RdKafka::ERR_LEADER_NOT_AVAILABLE;
      }
      answer = err;
    }
    // Brokers not reachable yet, the topic unknown to them yet, or its partitions not listed yet.
    if (absl::Now() + absl::Milliseconds(100) >= deadline) {
      return FromKafka(answer.value_or(err), absl::StrCat("topic ", topic));
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
}

absl::Status CreateTopicIfMissing(RdKafka::Handle& handle, const std::string& topic, int partitions,
                                  const std::map<std::string, std::string>& configs, absl::Time deadline) {
  rd_kafka_t* rk = handle.c_ptr();
  char err[512];
  // Replication factor -1: the brokers' default.replication.factor (KIP-464).
  rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(topic.c_str(), partitions, -1, err, sizeof err);
  if (nt == nullptr) return absl::InvalidArgumentError(absl::StrCat("topic ", topic, ": ", err));
  for (const auto& [k, v] : configs) rd_kafka_NewTopic_set_config(nt, k.c_str(), v.c_str());
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  const int timeout_ms = static_cast<int>(std::max<int64_t>(1, absl::ToInt64Milliseconds(deadline - absl::Now())));
  rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_request_timeout(options, timeout_ms, err, sizeof err);
  rd_kafka_CreateTopics(rk, &nt, 1, options, queue);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, timeout_ms + 1000);
  absl::Status status;
  if (ev == nullptr) {
    status = absl::DeadlineExceededError(absl::StrCat("topic ", topic, ": CreateTopics timed out"));
  } else if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    status = FromKafka(static_cast<RdKafka::ErrorCode>(rd_kafka_event_error(ev)), absl::StrCat("create topic ", topic));
  } else {
    size_t n = 0;
    const rd_kafka_topic_result_t** results =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
    for (size_t i = 0; i < n; ++i) {
      const rd_kafka_resp_err_t e = rd_kafka_topic_result_error(results[i]);
      if (e != RD_KAFKA_RESP_ERR_NO_ERROR && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        status = absl::UnavailableError(
            absl::StrCat("create topic ", topic, ": ", rd_kafka_err2str(e), ": ", rd_kafka_topic_result_error_string(results[i])));
      }
    }
  }
  if (ev != nullptr) rd_kafka_event_destroy(ev);
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_queue_destroy(queue);
  rd_kafka_NewTopic_destroy(nt);
  RETURN_IF_ERROR(status);
  return AwaitTopicPartitions(handle, topic, deadline).status();
}

absl::Status CreateInstancesTopicIfMissing(RdKafka::Handle& handle, const KafkaOptions& options) {
  return CreateTopicIfMissing(handle, options.instances_topic(), 1,
                              {{"cleanup.policy", "compact"},
                               {"segment.ms", "600000"},
                               {"min.cleanable.dirty.ratio", "0.1"},
                               {"message.timestamp.type", "CreateTime"}},
                              absl::Now() + absl::Seconds(30));
}

absl::StatusOr<std::unique_ptr<RdKafka::Conf>> MakeKafkaConf(
    const KafkaOptions& options, const std::map<std::string, std::string>& overrides) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string err;
  auto set = [&](const std::string& k, const std::string& v) -> absl::Status {
    if (conf->set(k, v, err) != RdKafka::Conf::CONF_OK) {
      // librdkafka's message may quote the value: never for a secret.
      return absl::InvalidArgumentError(
          absl::StrCat("kafka property ", k, ": ", IsSecretKafkaProperty(k) ? "invalid value (not shown)" : err));
    }
    return absl::OkStatus();
  };
  static auto* const event_cb = new SpdlogEventCb;
  if (conf->set("event_cb", static_cast<RdKafka::EventCb*>(event_cb), err) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(absl::StrCat("kafka event_cb: ", err));
  }
  if (auto s = set("bootstrap.servers", options.brokers); !s.ok()) return s;
  if (!options.config_file.empty()) {
    std::ifstream in(options.config_file);
    if (!in) return absl::NotFoundError(absl::StrCat("kafka config file ", options.config_file, ": cannot open"));
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      absl::string_view l = absl::StripAsciiWhitespace(line);
      if (l.empty() || l[0] == '#') continue;
      size_t eq = l.find('=');
      if (eq == absl::string_view::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat(options.config_file, ":", n, ": expected key=value"));
      }
      if (auto s = set(std::string(absl::StripAsciiWhitespace(l.substr(0, eq))),
                       std::string(absl::StripAsciiWhitespace(l.substr(eq + 1))));
          !s.ok()) {
        return s;
      }
    }
  }
  for (const auto& [k, v] : overrides) {
    if (auto s = set(k, v); !s.ok()) return s;
  }
  return conf;
}

}  // namespace talentflow
