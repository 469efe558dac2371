#include "query/pending_retractions.h"

#include "common/base/status.h"
#include "common/base/time_util.h"

namespace talentflow::query {

bool RecordedBefore(const v1::Event& retraction, absl::Time before) {
  const absl::Time recorded =
      retraction.has_recorded_time() ? ToAbslTime(retraction.recorded_time()) : absl::UnixEpoch();
  return recorded < before;
}

bool IsStalePending(const v1::Event& retraction, absl::Time now, absl::Duration age) {
  return RecordedBefore(retraction, now - age);
}

absl::StatusOr<int64_t> CountStalePending(ViewSource& source, const Scope& scope, absl::Time now,
                                          absl::Duration age) {
  ASSIGN_OR_RETURN(std::unique_ptr<ReadHandle> h, source.Acquire());
  ASSIGN_OR_RETURN(const std::vector<v1::HistoryEntry> pending, h->reader().PendingRetractions());
  int64_t stale = 0;
  for (const auto& e : pending) {
    if (scope && !scope->contains(e.partition())) continue;
    if (IsStalePending(e.event(), now, age)) ++stale;
  }
  return stale;
}

}  // namespace talentflow::query
