#include "ingest/publisher.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace talentflow::ingest {

Publisher::Publisher(KafkaSink* sink, const Aliases* aliases, IngestCounters* counters, PublisherOptions options)
    : sink_(sink), aliases_(aliases), counters_(counters), options_(std::move(options)) {}

absl::Status Publisher::CheckBatch(const v1::PublishRequest& request) const {
  if (request.events_size() > options_.max_batch_events) {
    return absl::InvalidArgumentError(absl::StrCat("events: ", request.events_size(), " events in one batch; at most ",
                                                   options_.max_batch_events));
  }
  if (request.ByteSizeLong() > options_.max_batch_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("events: batch of ", request.ByteSizeLong(), " bytes; at most ", options_.max_batch_bytes));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::Event>> Publisher::Prepare(v1::Event event, const std::string& principal) {
  Stamp stamp;
  stamp.now = absl::Now();
  stamp.principal = principal;
  if (event.event_id().empty()) stamp.event_id = ids_.Next(stamp.now);
  return Normalise(std::move(event), *aliases_, stamp, options_.limits);
}

v1::PublishResponse Publisher::Publish(v1::PublishRequest& request, const std::string& principal,
                                       absl::Time deadline) {
  v1::PublishResponse response;
  std::vector<v1::Event> records;
  std::vector<int> owner;  // records[i] belongs to request event owner[i]
  records.reserve(request.events_size());
  owner.reserve(request.events_size());
  absl::flat_hash_set<std::string> keys;
  for (int i = 0; i < request.events_size(); ++i) {
    v1::EventResult* r = response.add_results();
    auto prepared = Prepare(std::move(*request.mutable_events(i)), principal);
    if (!prepared.ok()) {
      r->set_status(v1::EventResult::STATUS_REJECTED);
      r->set_field(RejectedField(prepared.status()));
      r->set_reason(std::string(prepared.status().message()));
      continue;
    }
    const v1::Event& first = prepared->front();
    r->set_event_id(first.event_id());
    r->set_idempotency_key(first.idempotency_key());
    if (!keys.insert(first.idempotency_key()).second) {
      r->set_status(v1::EventResult::STATUS_DUPLICATE_IN_BATCH);
      continue;
    }
    for (auto& e : *prepared) {
      records.push_back(std::move(e));
      owner.push_back(i);
    }
  }
  std::vector<Delivery> deliveries = sink_->PublishAndWait(records, deadline);
  for (size_t k = 0; k < records.size(); ++k) {
    v1::EventResult* r = response.mutable_results(owner[k]);
    const Delivery& d = deliveries[k];
    if (!d.status.ok()) {
      r->set_status(v1::EventResult::STATUS_NOT_DELIVERED);
      r->set_reason(std::string(d.status.message()));
      continue;
    }
    counters_->records_written.fetch_add(1, std::memory_order_relaxed);
    v1::RecordRef* ref = r->add_records();
    ref->set_event_id(records[k].event_id());
    ref->set_team(records[k].team());
    ref->set_partition(d.partition);
    ref->set_offset(d.offset);
  }
  for (auto& r : *response.mutable_results()) {
    if (r.status() == v1::EventResult::STATUS_UNSPECIFIED) r.set_status(v1::EventResult::STATUS_ACCEPTED);
    switch (r.status()) {
      case v1::EventResult::STATUS_ACCEPTED: response.set_accepted(response.accepted() + 1); break;
      case v1::EventResult::STATUS_DUPLICATE_IN_BATCH: response.set_duplicates(response.duplicates() + 1); break;
      case v1::EventResult::STATUS_REJECTED: response.set_rejected(response.rejected() + 1); break;
      default: response.set_not_delivered(response.not_delivered() + 1); break;
    }
  }
  counters_->accepted.fetch_add(response.accepted(), std::memory_order_relaxed);
  counters_->duplicates.fetch_add(response.duplicates(), std::memory_order_relaxed);
  counters_->rejected.fetch_add(response.rejected(), std::memory_order_relaxed);
  counters_->not_delivered.fetch_add(response.not_delivered(), std::memory_order_relaxed);
  return response;
}

}  // namespace talentflow::ingest
