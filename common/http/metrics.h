// MetricsRegistry: the counters and gauges a service exposes on /metrics, written as the Prometheus
// text exposition format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/).
//
// A family is registered once with its name, help and type; its series are read at scrape time,
// from an atomic the service already keeps, from a callback, or from a collector that lists the
// series it has now (e.g. one per partition). Example:
//
//   MetricsRegistry metrics;
//   metrics.AddCounter("talentflow_ingest_events_total", "events by what became of them")
//       .Add({{"result", "accepted"}}, &counters.accepted)
//       .Add({{"result", "rejected"}}, &counters.rejected);
//   metrics.AddGauge("talentflow_ingest_records_in_flight", "records the broker has not acknowledged")
//       .Add([&] { return sink.in_flight(); });
//   HttpEndpoint http(&metrics, health);
//
// renders
//
//   # HELP talentflow_ingest_events_total events by what became of them
//   # TYPE talentflow_ingest_events_total counter
//   talentflow_ingest_events_total{result="accepted"} 12
//   talentflow_ingest_events_total{result="rejected"} 1
//   # HELP talentflow_ingest_records_in_flight records the broker has not acknowledged
//   # TYPE talentflow_ingest_records_in_flight gauge
//   talentflow_ingest_records_in_flight 0
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace talentflow {

// A series' labels, written in this order: {{"result", "accepted"}, {"partition", "3"}}. Names must
// match [a-zA-Z_][a-zA-Z0-9_]* (another name aborts the process, as a bad metric name does); values
// are any text, escaped when written.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// One sample's value. An integer is written exactly ("9007199254740993"); a double as the shortest
// text that reads back as the same double ("0.25", "1e+20"), NaN as "NaN", infinities as "+Inf"/"-Inf".
class MetricValue {
 public:
  template <typename T, std::enable_if_t<std::is_integral_v<T> && std::is_signed_v<T>, int> = 0>
  MetricValue(T v) : value_(static_cast<int64_t>(v)) {}  // NOLINT: implicit, so callbacks return plain numbers
  template <typename T, std::enable_if_t<std::is_integral_v<T> && std::is_unsigned_v<T>, int> = 0>
  MetricValue(T v) : value_(static_cast<uint64_t>(v)) {}  // NOLINT
  template <typename T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
  MetricValue(T v) : value_(static_cast<double>(v)) {}  // NOLINT

  // Appends the value's text to `out`.
  void AppendTo(std::string& out) const;

 private:
  std::variant<int64_t, uint64_t, double> value_;
};

enum class MetricType { kCounter, kGauge };

// Receives the series a collector lists during MetricsRegistry::Render.
class MetricSamples {
 public:
  // Writes one series of the family being rendered.
  void Add(const MetricLabels& labels, MetricValue value);

 private:
  friend class MetricsRegistry;
  MetricSamples(const std::string& name, std::string& out) : name_(name), out_(out) {}
  const std::string& name_;
  std::string& out_;
};

// One metric family: a name, its help and type, and its series. Obtained from the registry, which
// owns it; the reference stays valid for the registry's lifetime.
class MetricFamily {
 public:
  MetricFamily(const MetricFamily&) = delete;
  MetricFamily& operator=(const MetricFamily&) = delete;

  using Read = std::function<MetricValue()>;
  using Collector = std::function<void(MetricSamples&)>;

  // Adds a series whose value `read` returns at scrape time. Returns *this, so series chain.
  MetricFamily& Add(MetricLabels labels, Read read);
  MetricFamily& Add(Read read) { return Add(MetricLabels{}, std::move(read)); }

  // Adds a series read from `value`, which must outlive the registry (or its last Render).
  template <typename T>
  MetricFamily& Add(MetricLabels labels, const std::atomic<T>* value) {
    return Add(std::move(labels), [value] { return MetricValue(value->load(std::memory_order_relaxed)); });
  }
  template <typename T>
  MetricFamily& Add(const std::atomic<T>* value) {
    return Add(MetricLabels{}, value);
  }

  // Adds a collector that lists, at scrape time, series known only then (one per partition, say).
  // Its series are written after the fixed ones added before it, in the order it adds them.
  MetricFamily& AddCollector(Collector collect);

 private:
  friend class MetricsRegistry;
  MetricFamily(std::string name, std::string help, MetricType type, std::mutex* mu)
      : name_(std::move(name)), help_(std::move(help)), type_(type), mu_(mu) {}

  // A fixed series (labels already written as `{a="b"}`, or empty) or a collector.
  struct Source {
    std::string labels;
    Read read;
    Collector collect;
  };
  std::string name_;
  std::string help_;
  MetricType type_;
  std::mutex* mu_;  // the registry's
  std::vector<Source> sources_;
};

// The families a service exposes. Thread-safe: families and series may be added while another
// thread renders. Callbacks and collectors run inside Render, under the registry's lock, on the
// rendering thread: they must be thread-safe with respect to the service and must not call back
// into the registry.
class MetricsRegistry {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Registers a family. REQUIRES: `name` matches [a-zA-Z_:][a-zA-Z0-9_:]* and is not registered yet
  // (a broken name is a programming error: the process aborts with a message).
  MetricFamily& AddCounter(std::string name, std::string help);
  MetricFamily& AddGauge(std::string name, std::string help);

  // The text exposition format 0.0.4: families in the order registered, each with its `# HELP` and
  // `# TYPE` lines once and then its series in the order added; a family without series has only
  // those two lines.
  std::string Render() const;

 private:
  MetricFamily& Add(std::string name, std::string help, MetricType type);

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<MetricFamily>> families_;
};

}  // namespace talentflow
