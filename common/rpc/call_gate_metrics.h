// RegisterCallGateMetrics: the /metrics family of the calls a server's CallGate refused, so that
// overload (RESOURCE_EXHAUSTED) and token trouble show on a dashboard and in alerts
// (deploy/monitoring/). Header-only, so talentflow::rpc does not link the HTTP library: a service
// that calls it links talentflow::http as well, as every service does for its /metrics.
#pragma once

#include "absl/status/status.h"
#include "common/http/metrics.h"
#include "common/rpc/auth.h"

namespace talentflow::rpc {

// Registers talentflow_rpc_refused_calls_total{code="RESOURCE_EXHAUSTED"|"UNAUTHENTICATED"|
// "PERMISSION_DENIED"}, read from `gate` at scrape time. `gate` must outlive `metrics`' last Render.
inline void RegisterCallGateMetrics(MetricsRegistry& metrics, const auth::CallGate& gate) {
  MetricFamily& family = metrics.AddCounter(
      "talentflow_rpc_refused_calls_total", "calls refused before their handler ran, by the gRPC code answered");
  for (const auto& [label, code] : {std::pair{"RESOURCE_EXHAUSTED", absl::StatusCode::kResourceExhausted},
                                    std::pair{"UNAUTHENTICATED", absl::StatusCode::kUnauthenticated},
                                    std::pair{"PERMISSION_DENIED", absl::StatusCode::kPermissionDenied}}) {
    family.Add({{"code", label}}, [&gate, code = code] { return gate.refused(code); });
  }
}

}  // namespace talentflow::rpc
