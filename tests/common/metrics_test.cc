// MetricsRegistry (common/http/metrics.h): the Prometheus text it writes, spelled out by hand.
#include "common/http/metrics.h"

#include <atomic>
#include <cstdint>
#include <limits>
#include <map>
#include <string>

#include <gtest/gtest.h>

namespace talentflow {
namespace {

TEST(MetricsRegistry, EmptyRegistryRendersNothing) {
  MetricsRegistry metrics;
  EXPECT_EQ(metrics.Render(), "");
}

TEST(MetricsRegistry, CounterReadsItsAtomicAtScrapeTime) {
  std::atomic<int64_t> batches{3};
  MetricsRegistry metrics;
  metrics.AddCounter("talentflow_test_batches_total", "batches committed").Add(&batches);
  EXPECT_EQ(metrics.Render(),
            "# HELP talentflow_test_batches_total batches committed\n"
            "# TYPE talentflow_test_batches_total counter\n"
            "talentflow_test_batches_total 3\n");
  batches = 41;
  EXPECT_EQ(metrics.Render(),
            "# HELP talentflow_test_batches_total batches committed\n"
            "# TYPE talentflow_test_batches_total counter\n"
            "talentflow_test_batches_total 41\n");
}

TEST(MetricsRegistry, LabelledGaugeFamilyHasOneHelpAndTypeAndItsSeriesInOrderAdded) {
  std::atomic<uint64_t> lag{7};
  MetricsRegistry metrics;
  metrics.AddGauge("talentflow_test_lag", "records not applied yet")
      .Add({{"partition", "1"}}, [] { return 12; })
      .Add({{"partition", "0"}, {"topic", "events"}}, &lag);
  EXPECT_EQ(metrics.Render(),
            "# HELP talentflow_test_lag records not applied yet\n"
            "# TYPE talentflow_test_lag gauge\n"
            "talentflow_test_lag{partition=\"1\"} 12\n"
            "talentflow_test_lag{partition=\"0\",topic=\"events\"} 7\n");
}

TEST(MetricsRegistry, FamiliesInTheOrderRegisteredCollectorSeriesAfterFixedOnes) {
  std::map<int32_t, int64_t> offsets = {{0, 100}, {2, 5}};
  MetricsRegistry metrics;
  metrics.AddGauge("zz_offset", "next offset").Add({{"partition", "all"}}, [] { return -1; })
      .AddCollector([&](MetricSamples& out) {
        for (const auto& [p, o] : offsets) out.Add({{"partition", std::to_string(p)}}, o);
      });
  metrics.AddCounter("aa_total", "registered second, written second").Add([] { return 0; });
  EXPECT_EQ(metrics.Render(),
            "# HELP zz_offset next offset\n"
            "# TYPE zz_offset gauge\n"
            "zz_offset{partition=\"all\"} -1\n"
            "zz_offset{partition=\"0\"} 100\n"
            "zz_offset{partition=\"2\"} 5\n"
            "# HELP aa_total registered second, written second\n"
            "# TYPE aa_total counter\n"
            "aa_total 0\n");
  offsets.erase(0);  // a collector lists what exists at each scrape
  EXPECT_EQ(metrics.Render(),
            "# HELP zz_offset next offset\n"
            "# TYPE zz_offset gauge\n"
            "zz_offset{partition=\"all\"} -1\n"
            "zz_offset{partition=\"2\"} 5\n"
            "# HELP aa_total registered second, written second\n"
            "# TYPE aa_total counter\n"
            "aa_total 0\n");
}

TEST(MetricsRegistry, FamilyWithoutSeriesHasOnlyHelpAndType) {
  MetricsRegistry metrics;
  metrics.AddGauge("talentflow_test_lag", "records not applied yet").AddCollector([](MetricSamples&) {});
  EXPECT_EQ(metrics.Render(),
            "# HELP talentflow_test_lag records not applied yet\n"
            "# TYPE talentflow_test_lag gauge\n");
}

TEST(MetricsRegistry, EscapesLabelValuesAndHelp) {
  MetricsRegistry metrics;
  // Label values escape `\`, `"` and newline; help text escapes `\` and newline but not `"`.
  metrics.AddCounter("talentflow_test_total", "a \"quoted\" C:\\path\nsecond line")
      .Add({{"path", "C:\\dir\\"}, {"said", "\"hi\"\nbye"}}, [] { return 1; });
  EXPECT_EQ(metrics.Render(),
            "# HELP talentflow_test_total a \"quoted\" C:\\\\path\\nsecond line\n"
            "# TYPE talentflow_test_total counter\n"
            "talentflow_test_total{path=\"C:\\\\dir\\\\\",said=\"\\\"hi\\\"\\nbye\"} 1\n");
}

TEST(MetricsRegistry, WritesIntegersExactlyAndDoublesShortest) {
  MetricsRegistry metrics;
  metrics.AddGauge("v", "values")
      .Add({{"k", "int64_min"}}, [] { return std::numeric_limits<int64_t>::min(); })
      .Add({{"k", "uint64_max"}}, [] { return std::numeric_limits<uint64_t>::max(); })
      .Add({{"k", "2^53+1"}}, [] { return int64_t{9007199254740993}; })
      .Add({{"k", "quarter"}}, [] { return 0.25; })
      .Add({{"k", "micros"}}, [] { return 1234567 / 1e6; })
      .Add({{"k", "big"}}, [] { return 1e20; })
      .Add({{"k", "whole"}}, [] { return 3.0; })
      .Add({{"k", "nan"}}, [] { return std::numeric_limits<double>::quiet_NaN(); })
      .Add({{"k", "inf"}}, [] { return std::numeric_limits<double>::infinity(); })
      .Add({{"k", "-inf"}}, [] { return -std::numeric_limits<double>::infinity(); });
  EXPECT_EQ(metrics.Render(),
            "# HELP v values\n"
            "# TYPE v gauge\n"
            "v{k=\"int64_min\"} -9223372036854775808\n"
            "v{k=\"uint64_max\"} 18446744073709551615\n"
            "v{k=\"2^53+1\"} 9007199254740993\n"
            "v{k=\"quarter\"} 0.25\n"
            "v{k=\"micros\"} 1.234567\n"
            "v{k=\"big\"} 1e+20\n"
            "v{k=\"whole\"} 3\n"
            "v{k=\"nan\"} NaN\n"
            "v{k=\"inf\"} +Inf\n"
            "v{k=\"-inf\"} -Inf\n");
}

TEST(MetricsRegistryDeathTest, BadOrRepeatedNamesAbort) {
  EXPECT_DEATH(MetricsRegistry().AddCounter("2xx_total", "starts with a digit"), "bad metric name \"2xx_total\"");
  EXPECT_DEATH(MetricsRegistry().AddGauge("a-b", "has a dash"), "bad metric name \"a-b\"");
  EXPECT_DEATH(MetricsRegistry().AddGauge("g", "").Add({{"a:b", "x"}}, [] { return 1; }), "bad label name \"a:b\"");
  EXPECT_DEATH(
      {
        MetricsRegistry metrics;
        metrics.AddCounter("c_total", "");
        metrics.AddGauge("c_total", "");
      },
      "metric \"c_total\" registered twice");
}

}  // namespace
}  // namespace talentflow
