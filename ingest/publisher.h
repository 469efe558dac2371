// Publisher is ingest's core, shared by the gRPC service and feed mode: validate and normalise
// each event, drop in-batch duplicates, write the rest to Kafka and report per event.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "ingest/aliases.h"
#include "ingest/event_ids.h"
#include "ingest/kafka_sink.h"
#include "ingest/validator.h"
#include "talentflow/v1/ingest.pb.h"

namespace talentflow::ingest {

struct PublisherOptions {
  ValidationLimits limits;
  // Most events in one Publish call. Default: 1,000.
  int max_batch_events = 1000;
  // Largest Publish request. Default: 4 MiB.
  size_t max_batch_bytes = 4 * 1024 * 1024;
};

// Counters for /metrics. Monotonic; read with relaxed loads.
struct IngestCounters {
  std::atomic<int64_t> accepted{0};
  std::atomic<int64_t> duplicates{0};
  std::atomic<int64_t> rejected{0};
  std::atomic<int64_t> not_delivered{0};
  std::atomic<int64_t> records_written{0};
};

class Publisher {
 public:
  // Does not own `sink`, `aliases` or `counters`; all must outlive the Publisher.
  Publisher(KafkaSink* sink, const Aliases* aliases, IngestCounters* counters, PublisherOptions options = {});

  // Validates the request as a whole: InvalidArgument when it has more than max_batch_events
  // events or more than max_batch_bytes bytes (nothing is written then).
  absl::Status CheckBatch(const v1::PublishRequest& request) const;

  // Publishes a batch: one result per event, in order. Returns after the broker acknowledged or
  // failed every record written, or at `deadline` (the caller's), when the records not yet
  // acknowledged are reported NOT_DELIVERED (they may still land). Moves the events out of
  // `request` (it is left with empty events). Thread-safe.
  v1::PublishResponse Publish(v1::PublishRequest& request, const std::string& principal,
                              absl::Time deadline = absl::InfiniteFuture());

  // Validates one event and stamps it (recordedTime = now, recordedBy = principal, ids): the records
  // to write (see Normalise), or a FieldError.
  absl::StatusOr<std::vector<v1::Event>> Prepare(v1::Event event, const std::string& principal);

  KafkaSink* sink() const { return sink_; }
  IngestCounters* counters() const { return counters_; }

 private:
  KafkaSink* sink_;
  const Aliases* aliases_;
  IngestCounters* counters_;
  PublisherOptions options_;
  EventIdGenerator ids_;
};

}  // namespace talentflow::ingest
