#include "common/http/metrics.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace talentflow {
namespace {

bool IsNameChar(char c, bool first, bool colon_allowed) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') return true;
  if (c == ':') return colon_allowed;
  return !first && c >= '0' && c <= '9';
}

// Metric names may hold ':' (reserved for recording rules), label names may not.
bool IsValidName(absl::string_view name, bool colon_allowed) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (!IsNameChar(name[i], i == 0, colon_allowed)) return false;
  }
  return true;
}

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "MetricsRegistry: %s\n", message.c_str());
  std::abort();
}

// `\` and newline escaped, as `# HELP` text requires; label values also escape `"`.
void AppendEscaped(std::string& out, absl::string_view text, bool quote) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// `{a="x",b="y"}`, or "" for no labels.
std::string FormatLabels(const MetricLabels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (const auto& [name, value] : labels) {
    if (!IsValidName(name, /*colon_allowed=*/false)) Fail(absl::StrCat("bad label name \"", name, "\""));
    if (out.size() > 1) out += ',';
    absl::StrAppend(&out, name, "=\"");
    AppendEscaped(out, value, /*quote=*/true);
    out += '"';
  }
  out += '}';
  return out;
}

void AppendSample(std::string& out, const std::string& name, absl::string_view labels, const MetricValue& value) {
  absl::StrAppend(&out, name, labels, " ");
  value.AppendTo(out);
  out += '\n';
}

}  // namespace

void MetricValue::AppendTo(std::string& out) const {
  if (const auto* i = std::get_if<int64_t>(&value_)) return absl::StrAppend(&out, *i);
  if (const auto* u = std::get_if<uint64_t>(&value_)) return absl::StrAppend(&out, *u);
  const double d = std::get<double>(value_);
  if (std::isnan(d)) {
    out += "NaN";
  } else if (std::isinf(d)) {
    out += d > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d);  // the shortest text that reads back as `d`
    out.append(buf, end);
  }
}

void MetricSamples::Add(const MetricLabels& labels, MetricValue value) {
  AppendSample(out_, name_, FormatLabels(labels), value);
}

MetricFamily& MetricFamily::Add(MetricLabels labels, Read read) {
  std::string formatted = FormatLabels(labels);
  std::lock_guard<std::mutex> lock(*mu_);
  sources_.push_back({std::move(formatted), std::move(read), nullptr});
  return *this;
}

MetricFamily& MetricFamily::AddCollector(Collector collect) {
  std::lock_guard<std::mutex> lock(*mu_);
  sources_.push_back({"", nullptr, std::move(collect)});
  return *this;
}

MetricFamily& MetricsRegistry::AddCounter(std::string name, std::string help) {
  return Add(std::move(name), std::move(help), MetricType::kCounter);
}

MetricFamily& MetricsRegistry::AddGauge(std::string name, std::string help) {
  return Add(std::move(name), std::move(help), MetricType::kGauge);
}

MetricFamily& MetricsRegistry::Add(std::string name, std::string help, MetricType type) {
  if (!IsValidName(name, /*colon_allowed=*/true)) Fail(absl::StrCat("bad metric name \"", name, "\""));
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& f : families_) {
    if (f->name_ == name) Fail(absl::StrCat("metric \"", name, "\" registered twice"));
  }
  families_.push_back(std::unique_ptr<MetricFamily>(new MetricFamily(std::move(name), std::move(help), type, &mu_)));
  return *families_.back();
}

std::string MetricsRegistry::Render() const {
  std::string out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& family : families_) {
    const MetricFamily& f = *family;
    absl::StrAppend(&out, "# HELP ", f.name_, " ");
    AppendEscaped(out, f.help_, /*quote=*/false);
    absl::StrAppend(&out, "\n# TYPE ", f.name_, f.type_ == MetricType::kCounter ? " counter\n" : " gauge\n");
    for (const MetricFamily::Source& s : f.sources_) {
      if (s.collect) {
        MetricSamples samples(f.name_, out);
        s.collect(samples);
      } else {
        AppendSample(out, f.name_, s.labels, s.read());
      }
    }
  }
  return out;
}

}  // namespace talentflow
