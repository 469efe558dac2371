#include "ingest/kafka_sink.h"

#include <algorithm>
#include <memory>

#include <librdkafka/rdkafka.h>

#include "absl/strings/str_cat.h"
#include "common/log/logging.h"
#include "common/base/status.h"
#include "ingest/validator.h"

namespace talentflow::ingest {

namespace {

static_assert(alignof(DeliveryTicket) >= DeliveryTicket::kMaxRecords);

// A record's opaque: its ticket with the record number in the low bits.
void* PackTicket(DeliveryTicket* ticket, int record) {
  return reinterpret_cast<void*>(reinterpret_cast<uintptr_t>(ticket) | static_cast<uintptr_t>(record));
}

// The ticket of a record produced with a DoneFn: allocated per record, deleted once it ran.
class FnTicket final : public DeliveryTicket {
 public:
  explicit FnTicket(KafkaSink::DoneFn done) : done_(std::move(done)) {}
  void Delivered(int, const Delivery& d) override {
    done_(d);
    delete this;
  }

 private:
  KafkaSink::DoneFn done_;
};

}  // namespace

// Tells each record's ticket when librdkafka reports its delivery (on the poller thread).
class KafkaSink::DeliveryReporter : public RdKafka::DeliveryReportCb {
 public:
  explicit DeliveryReporter(std::atomic<int64_t>* in_flight) : in_flight_(in_flight) {}
  void dr_cb(RdKafka::Message& message) override {
    const auto packed = reinterpret_cast<uintptr_t>(message.msg_opaque());
    constexpr uintptr_t kRecordMask = DeliveryTicket::kMaxRecords - 1;
    Delivery d;
    d.status = FromKafka(message.err(), "delivery");
    d.partition = message.partition();
    d.offset = message.offset();
    reinterpret_cast<DeliveryTicket*>(packed & ~kRecordMask)->Delivered(static_cast<int>(packed & kRecordMask), d);
    in_flight_->fetch_sub(1);
  }

 private:
  std::atomic<int64_t>* in_flight_;
};

absl::StatusOr<std::unique_ptr<KafkaSink>> KafkaSink::Create(const KafkaOptions& kafka, const SinkOptions& options) {
  RETURN_IF_ERROR(kafka.Validate());
  std::unique_ptr<KafkaSink> sink(new KafkaSink());
  sink->kafka_ = kafka;
  sink->options_ = options;
  sink->reporter_ = std::make_unique<DeliveryReporter>(&sink->in_flight_);
  ASSIGN_OR_RETURN(auto conf,
                   MakeKafkaConf(kafka, {{"enable.idempotence", "true"},
                                         {"acks", "all"},
                                         {"partitioner", "murmur2_random"},
                                         {"compression.type", options.compression},
                                         {"linger.ms", std::to_string(options.linger_ms)},
                                         {"queue.buffering.max.messages", std::to_string(options.max_queued_records)},
                                         {"message.timeout.ms",
                                          std::to_string(absl::ToInt64Milliseconds(options.delivery_timeout))}}));
  std::string err;
  if (conf->set("dr_cb", sink->reporter_.get(), err) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(absl::StrCat("dr_cb: ", err));
  }
  sink->producer_.reset(RdKafka::Producer::create(conf.get(), err));
  if (!sink->producer_) return absl::InvalidArgumentError(absl::StrCat("kafka producer: ", err));
  sink->topic_.reset(RdKafka::Topic::create(sink->producer_.get(), kafka.topic, nullptr, err));
  if (!sink->topic_) return absl::InvalidArgumentError(absl::StrCat("topic ", kafka.topic, ": ", err));
  KafkaSink* raw = sink.get();
  sink->poller_ = std::thread([raw] {
    while (!raw->stop_.load()) raw->producer_->poll(100);
  });
  // librdkafka keeps the partitions it learns here for the topic, so the first records need not
  // wait for its own first topic scan (about 1 s).
  absl::Status known = AwaitTopicPartitions(*sink->producer_, kafka.topic,
                                            absl::Now() + std::min(kMetadataWait, options.delivery_timeout))
                           .status();
  if (absl::IsNotFound(known)) return known;
  if (!known.ok()) {
    spdlog::warn("{}; producing anyway: records wait for the brokers up to the delivery timeout", known.message());
  }
  return sink;
}

KafkaSink::~KafkaSink() {
  if (producer_) {
    if (auto s = Flush(options_.delivery_timeout); !s.ok()) spdlog::warn("kafka sink: {}", s.message());
  }
  stop_ = true;
  if (poller_.joinable()) poller_.join();
  if (producer_) producer_->poll(0);
}

void KafkaSink::Produce(const v1::Event& event, DoneFn done) {
  Produce(event, nullptr, new FnTicket(std::move(done)), 0);
}

void KafkaSink::Produce(const v1::Event& event, const std::string* serialized, DeliveryTicket* ticket, int record,
                        WhenFull when_full) {
  const std::string key = RecordKey(event);
  // librdkafka copies the value: one buffer per thread serves every record it serialises here.
  thread_local std::string buffer;
  const std::string* value = serialized;
  if (value == nullptr) {
    event.SerializeToString(&buffer);
    value = &buffer;
  }
  void* opaque = PackTicket(ticket, record);
  in_flight_.fetch_add(1);
  while (true) {
    // The C call, for the topic handle: the C++ produce() with headers takes the topic by name,
    // which librdkafka looks up under its handle's write lock for every record.
    const RdKafka::ErrorCode err = static_cast<RdKafka::ErrorCode>(rd_kafka_producev(
        producer_->c_ptr(), RD_KAFKA_V_RKT(topic_->c_ptr()), RD_KAFKA_V_PARTITION(RD_KAFKA_PARTITION_UA),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_VALUE(const_cast<char*>(value->data()), value->size()),
        RD_KAFKA_V_KEY(key.data(), key.size()), RD_KAFKA_V_HEADER("schema", "talentflow.v1.Event", -1),
        RD_KAFKA_V_HEADER("content-type", "application/x-protobuf", -1), RD_KAFKA_V_OPAQUE(opaque),
        RD_KAFKA_V_END));
    if (err == RdKafka::ERR_NO_ERROR) return;
    if (err == RdKafka::ERR__QUEUE_FULL && when_full == WhenFull::kWait) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the poller drains the queue
      continue;
    }
    Delivery d;
    d.status = err == RdKafka::ERR__QUEUE_FULL
                   ? absl::ResourceExhaustedError(absl::StrCat(
                         "producer queue full (", options_.max_queued_records,
                         " records wait for the broker): not written; publish again later"))
                   : FromKafka(err, "produce");
    ticket->Delivered(record, d);
    in_flight_.fetch_sub(1);
    return;
  }
}

absl::Status KafkaSink::Flush(absl::Duration timeout) {
  RdKafka::ErrorCode err = producer_->flush(static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  if (in_flight_.load() > 0 || err != RdKafka::ERR_NO_ERROR) {
    return absl::DeadlineExceededError(absl::StrCat(in_flight_.load(), " records not acknowledged"));
  }
  return absl::OkStatus();
}

}  // namespace talentflow::ingest
