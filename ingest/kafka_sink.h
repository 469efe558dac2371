// KafkaSink writes events to the log with the producer the design requires: idempotent,
// acks=all, key "<org>/<team>", murmur2_random partitioning, compression.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/kafka/kafka.h"
#include "talentflow/v1/event.pb.h"

namespace talentflow::ingest {

struct SinkOptions {
  // How long the producer keeps trying to deliver a record before reporting it failed
  // (message.timeout.ms). Default: 30 s.
  absl::Duration delivery_timeout = absl::Seconds(30);
  // Producer batching delay (linger.ms). Default: 5 ms.
  int linger_ms = 5;
  // compression.type. Default: "lz4".
  std::string compression = "lz4";
};

// Where a record landed, or why it did not.
struct Delivery {
  absl::Status status;  // OK: acknowledged by the broker (acks=all)
  int32_t partition = -1;
  int64_t offset = -1;
};

class DeliveryListener;

// A record's delivery ticket: the producer keeps it alive until each of its records was reported to
// its listener (a ticket may stand for up to kMaxRecords records, told apart by their number), so a
// record's report needs no allocation of its own.
struct DeliveryTicket {
  static constexpr int kMaxRecords = 4;  // the record number travels in the pointer's low 2 bits
  explicit DeliveryTicket(DeliveryListener* l) : listener(l) {}
  DeliveryListener* listener;  // not owned
};

// Record `record` of `ticket`: where it landed, or why it did not.
struct DeliveryReport {
  DeliveryTicket* ticket;
  int record;
  Delivery delivery;
};

// Told of deliveries in batches: librdkafka reports a produce request's records together (its event
// API), and the sink hands each run of consecutive reports whose tickets share a listener to that
// listener in one call (one lock per run instead of per record). Delivered runs on the sink's poller
// thread, or on the producing thread for a record the producer refused outright.
class DeliveryListener {
 public:
  virtual void Delivered(absl::Span<const DeliveryReport> reports) = 0;

 protected:
  ~DeliveryListener() = default;
};

class KafkaSink {
 public:
  using DoneFn = std::function<void(const Delivery&)>;

  // Creates the producer and its poller thread, and waits until the broker has told it the topic's
  // partitions (at most kMetadataWait or the delivery timeout, whichever is shorter), so the first
  // records need not wait for librdkafka's own first topic scan. InvalidArgument for a bad
  // configuration; NotFound, naming the topic, when the brokers still say the topic does not exist
  // at the end of that wait. When no broker answers in time the sink is returned anyway with a
  // warning: records then wait for the brokers up to the delivery timeout and are reported not
  // delivered after it.
  static absl::StatusOr<std::unique_ptr<KafkaSink>> Create(const KafkaOptions& kafka, const SinkOptions& options);
  ~KafkaSink();  // flushes for at most the delivery timeout, then stops

  // Enqueues one event; `done` runs exactly once, on the poller thread, with its delivery.
  // Thread-safe. Blocks while the producer queue is full.
  void Produce(const v1::Event& event, DoneFn done);
  // The same, reported to `ticket`'s listener as record number `record` (0 <= record < kMaxRecords);
  // the ticket must outlive the report. `value`, when not null, is `event` serialised already (by the thread that
  // built it: the first touch of an event built on another core was most of protobuf's cost on the
  // producing thread); else Produce serialises it.
  void Produce(const v1::Event& event, const std::string* value, DeliveryTicket* ticket, int record);

  // Waits until nothing is in flight (every record's report handed to its listener), at most
  // `timeout`. DeadlineExceeded if records remain.
  absl::Status Flush(absl::Duration timeout);

  // Records produced but not yet reported.
  int64_t in_flight() const { return in_flight_.load(); }

 private:
  KafkaSink() = default;
  // Serves the producer's event queue for at most `timeout_ms`: hands a batch of delivery reports to
  // their listeners, logs an error. Only the poller thread (and the destructor, after it) calls it.
  void Poll(int timeout_ms);
  static constexpr absl::Duration kMetadataWait = absl::Seconds(2);

  KafkaOptions kafka_;
  SinkOptions options_;
  std::unique_ptr<RdKafka::Producer> producer_;
  rd_kafka_queue_t* events_ = nullptr;  // the producer's main queue: delivery reports (RD_KAFKA_EVENT_DR), errors
  std::unique_ptr<RdKafka::Topic> topic_;  // kafka_.topic
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> in_flight_{0};
  std::thread poller_;
  // Poll's buffers, reused from batch to batch.
  std::vector<const rd_kafka_message_t*> messages_;
  std::vector<DeliveryReport> reports_;
};

}  // namespace talentflow::ingest
