// The log's end offsets per partition, asked of the broker (for lag in GetWatermark).
#pragma once

#include "common/kafka/kafka.h"
#include "query/query_service.h"

namespace talentflow::query {

// A LogEndsFn over a librdkafka handle for `kafka`; it answers an empty map (lag unknown) when
// the broker is not reachable within 2 s. Thread-safe.
LogEndsFn MakeLogEnds(const KafkaOptions& kafka);

}  // namespace talentflow::query
