// KafkaSink writes events to the log with the producer the design requires: idempotent,
// acks=all, key "<org>/<team>", murmur2_random partitioning, compression.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <librdkafka/rdkafkacpp.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
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
  // The most records the producer holds unacknowledged (queue.buffering.max.messages); Produce
  // finds the queue full beyond it. Default: 100,000 (librdkafka's).
  int max_queued_records = 100000;
};

// Where a record landed, or why it did not.
struct Delivery {
  absl::Status status;  // OK: acknowledged by the broker (acks=all)
  int32_t partition = -1;
  int64_t offset = -1;
};

// Told of a record's delivery without an allocation per record: the producer keeps the ticket alive
// until each of its records was reported (a ticket may stand for up to kMaxRecords records, told
// apart by their number). Delivered runs on the sink's poller thread.
class DeliveryTicket {
 public:
  static constexpr int kMaxRecords = 4;  // the record number travels in the pointer's low 2 bits
  virtual void Delivered(int record, const Delivery& d) = 0;

 protected:
  ~DeliveryTicket() = default;
};

class KafkaSink {
 public:
  using DoneFn = std::function<void(const Delivery&)>;
  // What Produce does when the producer's queue is full (SinkOptions::max_queued_records).
  enum class WhenFull {
    kWait,    // sleeps until the poller made room (feed mode, talentflowctl gen --produce, PublishStream)
    kRefuse,  // reports the record at once, on the calling thread, as not delivered: ResourceExhausted,
              // "producer queue full …; publish again later" (for threads that must not block)
  };

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
  // Thread-safe. Blocks while the producer queue is full (WhenFull::kWait).
  void Produce(const v1::Event& event, DoneFn done);
  // The same, reported to `ticket` as record number `record` (0 <= record < kMaxRecords), which must
  // outlive the report. `value`, when not null, is `event` serialised already (by the thread that
  // built it: the first touch of an event built on another core was most of protobuf's cost on the
  // producing thread); else Produce serialises it. `when_full`: see WhenFull.
  void Produce(const v1::Event& event, const std::string* value, DeliveryTicket* ticket, int record,
               WhenFull when_full = WhenFull::kWait);

  // Waits until nothing is in flight, at most `timeout`. DeadlineExceeded if records remain.
  absl::Status Flush(absl::Duration timeout);

  // Records produced but not yet reported.
  int64_t in_flight() const { return in_flight_.load(); }

 private:
  class DeliveryReporter;
  KafkaSink() = default;
  static constexpr absl::Duration kMetadataWait = absl::Seconds(2);

  KafkaOptions kafka_;
  SinkOptions options_;
  std::unique_ptr<DeliveryReporter> reporter_;
  std::unique_ptr<RdKafka::Producer> producer_;
  std::unique_ptr<RdKafka::Topic> topic_;  // kafka_.topic
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> in_flight_{0};
  std::thread poller_;
};

}  // namespace talentflow::ingest
