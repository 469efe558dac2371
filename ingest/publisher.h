// Publisher is ingest's core, shared by the gRPC service and feed mode: validate and normalise
// each event, and write it to Kafka through a PublishSession, ingest's one publishing path, which
// tracks the deliveries and reports per event.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/numeric/int128.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ingest/aliases.h"
#include "ingest/event_ids.h"
#include "ingest/feed_source.h"
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
  // Events written whose idempotency key an earlier event of their run or batch had (also in
  // `accepted` or `not_delivered`): published for their evidence; the views count them as DUPLICATE.
  std::atomic<int64_t> repeats{0};
  std::atomic<int64_t> rejected{0};
  std::atomic<int64_t> not_delivered{0};
  std::atomic<int64_t> records_written{0};
};

class PublishSession;

class Publisher {
 public:
  // Does not own `sink`, `aliases` or `counters`; all must outlive the Publisher. `sink` may be null
  // when every session is a dry run (PublishSessionOptions::dry_run).
  Publisher(KafkaSink* sink, const Aliases* aliases, IngestCounters* counters, PublisherOptions options = {});

  // Validates the request as a whole: InvalidArgument when it has more than max_batch_events
  // events or more than max_batch_bytes bytes (nothing is written then).
  absl::Status CheckBatch(const v1::PublishRequest& request) const;

  // Publishes a batch through one PublishSession: one result per event, in order. Returns after the
  // broker acknowledged or failed every record written, or at `deadline` (the caller's), when the
  // records not yet acknowledged are reported NOT_DELIVERED (they may still land). With
  // request.dry_run() nothing is written (see PublishSessionOptions::dry_run). Moves the events out of
  // `request` (it is left with empty events). Thread-safe.
  v1::PublishResponse Publish(v1::PublishRequest& request, const std::string& principal,
                              absl::Time deadline = absl::InfiniteFuture());
  // Prepares and submits the request's events to `session`, in order (Publish without the
  // session and its Drain; for a caller that drains without blocking). Moves the events out.
  void Submit(v1::PublishRequest& request, const std::string& principal, PublishSession& session);

  // Validates one event and stamps it (recordedTime = now, recordedBy = principal, ids): the records
  // to write (see Normalise), or a FieldError; with `require_evidence`, an otherwise valid event without
  // evidence is the FieldError of CheckEvidenceRequired. Thread-safe.
  absl::StatusOr<std::vector<v1::Event>> Prepare(v1::Event event, const std::string& principal,
                                                 bool require_evidence = false);
  // Prepare in place (NormaliseInPlace): (*records)[0] is the event; on success `*records` holds the
  // records to write, on a FieldError its contents are unspecified. For callers that reuse the
  // records' allocations (feed mode) or take the event out of a request without a move per step.
  // REQUIRES: !records->empty(). Thread-safe.
  absl::Status PrepareInPlace(std::vector<v1::Event>* records, const std::string& principal,
                              bool require_evidence = false);

 private:
  friend class PublishSession;

  KafkaSink* sink_;
  const Aliases* aliases_;
  IngestCounters* counters_;
  PublisherOptions options_;
  EventIdGenerator ids_;
};

struct PublishSessionOptions {
  // Where each event's result goes, one per Submit in order, with where its records landed. Complete,
  // with the response's counts, once Drain returns; left alone after that. Not owned; must outlive
  // the session. Default: none (counts only, as feed mode needs).
  v1::PublishResponse* response = nullptr;
  // Log the first failed delivery of each event as "line N: not delivered: <reason>". Default: false.
  bool log_not_delivered = false;
  // Validate only: Submit writes nothing and answers STATUS_VALID for an event it would
  // write; Drain's summary counts those as valid, and the Publisher's IngestCounters (/metrics, what
  // was offered to the log) count nothing of the session. Default: false.
  bool dry_run = false;
  // Never wait for room in the producer's queue (KafkaSink::WhenFull::kRefuse): a record it has no
  // room for is not written, and its event is NOT_DELIVERED at once, its reason "producer queue full
  // …; publish again later" (with a transfer's first record possibly written: publishing again is
  // safe, same idempotency key). For a caller that must not block: gRPC's callback Publish, on the
  // threads every callback method shares. Default: false (Submit waits for room).
  bool refuse_when_queue_full = false;
};

// What a caller may compute for PublishSession::Submit ahead, on another thread (feed mode's
// parse-and-validate workers), so the one submitting thread does not touch the events' bytes first.
struct SubmitAhead {
  absl::uint128 key_hash = 0;       // KeyHash of the first record's idempotency key
  std::vector<std::string> values;  // each record serialised, in order; empty: Submit serialises them

  // Fills both for `records` (left empty for an error); reuses `values`' buffers.
  void Compute(const absl::StatusOr<std::vector<v1::Event>>& records);
  // The hash the session's set of idempotency keys holds: XXH3 128-bit.
  static absl::uint128 KeyHash(const std::string& key);
};

// PublishSession is ingest's one publishing path: feed mode runs a whole feed through one session,
// Publisher::Publish (gRPC Publish, and each batch of PublishStream) one batch. Events are submitted
// in order; the session writes their records to the sink (an event whose idempotency key an earlier
// event of the session had too: it is counted as a repeat, and the views make it a DUPLICATE whose
// evidence joins the story), follows their deliveries, counts the results into a
// FeedSummary and the Publisher's IngestCounters, and with PublishSessionOptions::response fills one
// v1::EventResult per event.
//
// One thread submits and drains; the deliveries are reported on the sink's thread. The state they
// update outlives the session: a report that comes after Drain gave up (the idempotent producer may
// report a record later than its delivery timeout) finds it still alive.
class PublishSession {
 public:
  // Does not own `publisher`, which must outlive the session.
  explicit PublishSession(Publisher& publisher, PublishSessionOptions options = {});
  ~PublishSession();
  PublishSession(const PublishSession&) = delete;
  PublishSession& operator=(const PublishSession&) = delete;

  // Submits one event as Publisher::Prepare returned it, numbered `line` (its feed line: named in the
  // log and in FeedSummary::first_not_delivered_line). Returns STATUS_REJECTED when `records` is an
  // error (nothing is written); STATUS_VALID in a dry run; otherwise STATUS_UNSPECIFIED: its
  // records are being written and Drain counts their fate. First waits while too many records of this session are unacknowledged.
  // `records` is only read. REQUIRES: `line` greater than that of every event submitted before.
  // With `ahead` (SubmitAhead::Compute of the same `records`), its hash and values are used instead.
  v1::EventResult::Status Submit(int64_t line, const absl::StatusOr<std::vector<v1::Event>>& records,
                                 const SubmitAhead* ahead = nullptr);
  // Starts loading the memory Submit will probe for `ahead`'s key (feed mode calls it a few lines
  // early: with a million keys each probe is otherwise a cache miss). Only a hint.
  void Prefetch(const SubmitAhead& ahead) const { keys_.prefetch(ahead.key_hash); }

  // Waits until every written event is acknowledged or failed, or until `deadline`: the events still
  // unresolved then count as not delivered (their records may still land). Returns the session's
  // counts (without_evidence: the accepted, in a dry run valid, events that carry no evidence), first_not_delivered_line being the first line that failed or is unresolved, and adds them
  // to the Publisher's counters. Call once, after the last Submit.
  FeedSummary Drain(absl::Time deadline);

  // For a caller that must not block (gRPC's callback API): runs `resolved` once every written
  // event is acknowledged or failed, at once on this thread when they are already, else on the
  // sink's thread with the last report. `resolved` may then call Drain, which does not wait. Call
  // once, after the last Submit. Drain, when it comes first, drops `resolved` unrun (though one
  // already started may still be running).
  void OnResolved(std::function<void()> resolved);

 private:
  struct State;

  Publisher& publisher_;
  const bool dry_run_;
  const KafkaSink::WhenFull when_full_;
  std::shared_ptr<State> state_;
  // The idempotency keys submitted so far, as XXH3 128-bit hashes: 16 bytes an event and no string to
  // copy (an event is counted as a repeat only if two keys share a 128-bit hash).
  absl::flat_hash_set<absl::uint128> keys_;
  int64_t repeats_ = 0;
  int64_t rejected_ = 0;
  int64_t valid_ = 0;  // dry run
  int64_t valid_without_evidence_ = 0;  // dry run: valid events that carry no evidence
};

}  // namespace talentflow::ingest
