// Pending retractions: retractions whose target the views have not seen (yet). One that stays
// pending for long was most likely filed under the wrong team or with a mistyped target id; the
// query service counts them in /metrics and lists them (ListPendingRetractions).
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "query/view_source.h"
#include "query/query_service.h"
#include "talentflow/v1/event.pb.h"

namespace talentflow::query {

// How long a retraction may wait for its target before it counts as stale.
inline constexpr absl::Duration kStalePendingAge = absl::Hours(7 * 24);

// True when `retraction` was recorded (ingest's recorded_time) before `before`. An event without
// recorded_time counts as recorded at the epoch (it is older than any bound).
bool RecordedBefore(const v1::Event& retraction, absl::Time before);

// True when a pending `retraction` is stale at `now`: recorded more than `age` before it (exactly
// `age` old is not stale yet).
bool IsStalePending(const v1::Event& retraction, absl::Time now, absl::Duration age = kStalePendingAge);

// The pending retractions of `source` in `scope` (nullopt: every partition of the DB) that are
// stale at `now`. The error of the read when the views cannot be read (not ready yet).
absl::StatusOr<int64_t> CountStalePending(ViewSource& source, const Scope& scope, absl::Time now,
                                          absl::Duration age = kStalePendingAge);

}  // namespace talentflow::query
