#include "ingest/publisher.h"

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>

#include <xxhash.h>

#include "absl/strings/str_cat.h"
#include "common/base/status.h"
#include "common/log/logging.h"

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

absl::StatusOr<std::vector<v1::Event>> Publisher::Prepare(v1::Event event, const std::string& principal,
                                                          bool require_evidence) {
  std::vector<v1::Event> records;
  records.push_back(std::move(event));
  RETURN_IF_ERROR(PrepareInPlace(&records, principal, require_evidence));
  return records;
}

absl::Status Publisher::PrepareInPlace(std::vector<v1::Event>* records, const std::string& principal,
                                       bool require_evidence) {
  Stamp stamp;
  stamp.now = absl::Now();
  stamp.principal = principal;
  if (records->front().event_id().empty()) stamp.event_id = ids_.Next(stamp.now);
  RETURN_IF_ERROR(NormaliseInPlace(records, *aliases_, stamp, options_.limits));
  if (require_evidence) RETURN_IF_ERROR(CheckEvidenceRequired(records->front()));
  return absl::OkStatus();
}

v1::PublishResponse Publisher::Publish(v1::PublishRequest& request, const std::string& principal,
                                       absl::Time deadline) {
  v1::PublishResponse response;
  PublishSession session(*this, {.response = &response, .dry_run = request.dry_run()});
  Submit(request, principal, session);
  session.Drain(deadline);
  return response;
}

void Publisher::Submit(v1::PublishRequest& request, const std::string& principal, PublishSession& session) {
  for (int i = 0; i < request.events_size(); ++i) {
    std::vector<v1::Event> records(1);
    records[0].Swap(request.mutable_events(i));  // the event leaves the request without a move per step
    absl::Status prepared = PrepareInPlace(&records, principal, request.require_evidence());
    session.Submit(i + 1, prepared.ok() ? absl::StatusOr<std::vector<v1::Event>>(std::move(records))
                                        : absl::StatusOr<std::vector<v1::Event>>(std::move(prepared)));
  }
}

namespace {

// The most records a session leaves unacknowledged. Below the producer queue's default size
// (SinkOptions::max_queued_records, 100,000), so a feed waits here, woken by the deliveries, rather than
// in KafkaSink::Produce's sleep-and-retry on a full queue; far more than the batches in flight need.
constexpr int64_t kMaxInFlight = 32768;

}  // namespace

void SubmitAhead::Compute(const absl::StatusOr<std::vector<v1::Event>>& records) {
  if (!records.ok()) {
    values.clear();
    return;
  }
  key_hash = KeyHash(records->front().idempotency_key());
  values.resize(records->size());
  for (size_t i = 0; i < records->size(); ++i) (*records)[i].SerializeToString(&values[i]);
}

absl::uint128 SubmitAhead::KeyHash(const std::string& key) {
  const XXH128_hash_t hash = XXH3_128bits(key.data(), key.size());
  return absl::MakeUint128(hash.high64, hash.low64);
}

// Shared with the delivery reports, which reach it through the event's Written entry (its
// DeliveryTicket: no allocation per record); `self` keeps it alive while records are in flight.
struct PublishSession::State {
  // An event whose records were written, until all are reported. The ticket of its records: a
  // std::deque keeps the entries in place as entries are added at the back and dropped at the front,
  // and an entry is dropped only once all its records were reported.
  struct Written final : DeliveryTicket {
    Written(State* s, int64_t l, int r, int n, bool ne) : state(s), line(l), result(r), remaining(n), no_evidence(ne) {}
    void Delivered(int record, const Delivery& d) override { state->OnDelivery(*this, record, d); }

    State* state;
    int64_t line = 0;
    int result = -1;    // its index in response->results()
    int remaining = 0;  // records not yet reported
    bool failed = false;
    bool no_evidence = false;  // counted in accepted_without_evidence once accepted
  };

  bool log_not_delivered = false;

  std::mutex mu;
  std::condition_variable cv;  // unresolved reached 0, or in_flight fell for a waiting submitter
  // Both null once Drain returned: a late report touches neither (they may be gone by then).
  IngestCounters* counters = nullptr;
  v1::PublishResponse* response = nullptr;
  int64_t in_flight = 0;  // records produced and not yet reported
  bool submitter_waits = false;
  // The events from the oldest unresolved one on, in the order submitted. Resolved events at the
  // front are dropped.
  std::deque<Written> written;
  int64_t unresolved = 0;
  int64_t accepted = 0;
  int64_t accepted_without_evidence = 0;
  int64_t failed = 0;
  int64_t first_failed_line = 0;
  std::shared_ptr<State> self;
  std::function<void()> on_resolved;  // PublishSession::OnResolved's, until it runs or Drain returns

  void OnDelivery(Written& w, int record, const Delivery& d) {
    std::shared_ptr<State> last;  // the report that empties in_flight takes `self`; released after the unlock
    std::function<void()> resolved;  // run after the unlock (it may drain and destroy the session)
    std::unique_lock<std::mutex> lock(mu);
    if (--in_flight == 0) last = std::move(self);
    if (submitter_waits && in_flight <= kMaxInFlight * 3 / 4) {
      submitter_waits = false;
      cv.notify_all();
    }
    v1::EventResult* result = response != nullptr ? response->mutable_results(w.result) : nullptr;
    if (d.status.ok()) {
      if (counters != nullptr) counters->records_written.fetch_add(1, std::memory_order_relaxed);
      if (result != nullptr) {
        v1::RecordRef* ref = result->mutable_records(record);
        ref->set_partition(d.partition);
        ref->set_offset(d.offset);
      }
    } else {
      if (result != nullptr) {
        result->set_status(v1::EventResult::STATUS_NOT_DELIVERED);
        result->set_reason(std::string(d.status.message()));
      }
      if (!w.failed && log_not_delivered) spdlog::error("line {}: not delivered: {}", w.line, d.status.message());
      w.failed = true;
    }
    if (--w.remaining > 0) return;
    --unresolved;
    if (w.failed) {
      ++failed;
      if (first_failed_line == 0 || w.line < first_failed_line) first_failed_line = w.line;
    } else {
      ++accepted;
      if (w.no_evidence) ++accepted_without_evidence;
    }
    while (!written.empty() && written.front().remaining == 0) written.pop_front();
    if (unresolved == 0) {
      cv.notify_all();
      resolved = std::move(on_resolved);
      on_resolved = nullptr;
    }
    lock.unlock();
    if (resolved) resolved();
  }
};

PublishSession::PublishSession(Publisher& publisher, PublishSessionOptions options)
    : publisher_(publisher),
      dry_run_(options.dry_run),
      when_full_(options.refuse_when_queue_full ? KafkaSink::WhenFull::kRefuse : KafkaSink::WhenFull::kWait),
      state_(std::make_shared<State>()) {
  state_->counters = publisher.counters_;
  state_->log_not_delivered = options.log_not_delivered;
  state_->response = options.response;
}

PublishSession::~PublishSession() {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->counters = nullptr;  // a session dropped without Drain: late reports leave both alone
  state_->response = nullptr;
}

v1::EventResult::Status PublishSession::Submit(int64_t line, const absl::StatusOr<std::vector<v1::Event>>& records,
                                               const SubmitAhead* ahead) {
  State& s = *state_;
  IngestCounters& counters = *publisher_.counters_;
  if (!records.ok()) {
    ++rejected_;
    if (!dry_run_) counters.rejected.fetch_add(1, std::memory_order_relaxed);
    if (s.response != nullptr) {
      std::lock_guard<std::mutex> lock(s.mu);
      v1::EventResult* r = s.response->add_results();
      r->set_status(v1::EventResult::STATUS_REJECTED);
      r->set_field(RejectedField(records.status()));
      r->set_reason(std::string(records.status().message()));
    }
    return v1::EventResult::STATUS_REJECTED;
  }
  const v1::Event& first = records->front();
  const std::string& key = first.idempotency_key();
  // A repeated key is published all the same: its evidence joins the story, and the views count it
  // as a DUPLICATE of the first (issue 19). Only counted here.
  if (!keys_.insert(ahead != nullptr ? ahead->key_hash : SubmitAhead::KeyHash(key)).second) {
    ++repeats_;
    if (!dry_run_) counters.repeats.fetch_add(1, std::memory_order_relaxed);
  }
  const int n = static_cast<int>(records->size());
  if (n > DeliveryTicket::kMaxRecords) {  // Normalise makes one or two; a ticket tells apart four
    spdlog::critical("line {}: {} records of one event; at most {}", line, n, DeliveryTicket::kMaxRecords);
    std::abort();
  }
  State::Written* w;
  {
    std::unique_lock<std::mutex> lock(s.mu);
    v1::EventResult* r = nullptr;
    if (s.response != nullptr) {
      r = s.response->add_results();
      r->set_event_id(first.event_id());
      r->set_idempotency_key(key);
    }
    if (dry_run_) {
      ++valid_;
      if (LacksEvidence(first)) ++valid_without_evidence_;
      if (r != nullptr) r->set_status(v1::EventResult::STATUS_VALID);
      return v1::EventResult::STATUS_VALID;
    }
    while (s.in_flight > 0 && s.in_flight + n > kMaxInFlight) {
      s.submitter_waits = true;
      s.cv.wait(lock);
    }
    s.in_flight += n;
    if (!s.self) s.self = state_;
    w = &s.written.emplace_back(&s, line, r != nullptr ? s.response->results_size() - 1 : -1, n, LacksEvidence(first));
    ++s.unresolved;
    if (r != nullptr) {
      for (const v1::Event& e : *records) {
        v1::RecordRef* ref = r->add_records();
        ref->set_event_id(e.event_id());
        ref->set_team(e.team());
        ref->set_offset(-1);  // not acknowledged (yet)
      }
    }
  }
  const bool serialized = ahead != nullptr && ahead->values.size() == records->size();
  for (int k = 0; k < n; ++k) {
    publisher_.sink_->Produce((*records)[k], serialized ? &ahead->values[k] : nullptr, w, k, when_full_);
  }
  return v1::EventResult::STATUS_UNSPECIFIED;
}

void PublishSession::OnResolved(std::function<void()> resolved) {
  State& s = *state_;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    if (s.unresolved > 0) {
      s.on_resolved = std::move(resolved);
      return;
    }
  }
  resolved();
}

FeedSummary PublishSession::Drain(absl::Time deadline) {
  State& s = *state_;
  std::function<void()> dropped;  // may hold what owns this session: destroyed after the unlock
  std::unique_lock<std::mutex> lock(s.mu);
  dropped = std::move(s.on_resolved);
  s.on_resolved = nullptr;
  const auto resolved = [&] { return s.unresolved == 0; };
  // Bounded even without a deadline: every record is reported within the sink's delivery timeout.
  if (deadline == absl::InfiniteFuture()) {
    s.cv.wait(lock, resolved);
  } else {
    s.cv.wait_until(lock, absl::ToChronoTime(deadline), resolved);
  }
  FeedSummary summary;
  summary.accepted = s.accepted;
  summary.repeats = repeats_;
  summary.rejected = rejected_;
  summary.dry_run = dry_run_;
  summary.valid = valid_;
  summary.without_evidence = dry_run_ ? valid_without_evidence_ : s.accepted_without_evidence;
  summary.not_delivered = s.failed + s.unresolved;
  summary.first_not_delivered_line = s.first_failed_line;
  for (const State::Written& w : s.written) {
    if (w.remaining > 0) {
      if (summary.first_not_delivered_line == 0 || w.line < summary.first_not_delivered_line) {
        summary.first_not_delivered_line = w.line;
      }
      break;  // lines are in increasing order
    }
  }
  if (v1::PublishResponse* response = s.response; response != nullptr) {
    for (const State::Written& w : s.written) {
      if (w.remaining == 0) continue;
      v1::EventResult* r = response->mutable_results(w.result);
      r->set_status(v1::EventResult::STATUS_NOT_DELIVERED);
      r->set_reason(
          "not acknowledged before the caller's deadline (it may still be written; publishing it again is safe: "
          "same idempotency key)");
    }
    for (v1::EventResult& r : *response->mutable_results()) {
      if (r.status() == v1::EventResult::STATUS_UNSPECIFIED) r.set_status(v1::EventResult::STATUS_ACCEPTED);
      // Only the records the broker acknowledged are named.
      auto* refs = r.mutable_records();
      refs->erase(std::remove_if(refs->begin(), refs->end(), [](const v1::RecordRef& ref) { return ref.offset() < 0; }),
                  refs->end());
    }
    response->set_accepted(summary.accepted);
    response->set_repeats(summary.repeats);
    response->set_rejected(summary.rejected);
    response->set_not_delivered(summary.not_delivered);
    response->set_valid(summary.valid);
    response->set_without_evidence(static_cast<int32_t>(summary.without_evidence));
    s.response = nullptr;
  }
  s.counters = nullptr;
  IngestCounters& counters = *publisher_.counters_;
  counters.accepted.fetch_add(summary.accepted, std::memory_order_relaxed);
  counters.not_delivered.fetch_add(summary.not_delivered, std::memory_order_relaxed);
  return summary;
}

}  // namespace talentflow::ingest
