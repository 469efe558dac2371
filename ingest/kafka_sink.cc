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
struct FnTicket final : DeliveryTicket {
  explicit FnTicket(KafkaSink::DoneFn d);
  KafkaSink::DoneFn done;
};

class FnListener final : public DeliveryListener {
 public:
  void Delivered(absl::Span<const DeliveryReport> reports) override {
    for (const DeliveryReport& r : reports) {
      auto* ticket = static_cast<FnTicket*>(r.ticket);
      ticket->done(r.delivery);
      delete ticket;
    }
  }
};

FnListener fn_listener;

FnTicket::FnTicket(KafkaSink::DoneFn d) : DeliveryTicket(&fn_listener), done(std::move(d)) {}

}  // namespace

absl::StatusOr<std::unique_ptr<KafkaSink>> KafkaSink::Create(const KafkaOptions& kafka, const SinkOptions& options) {
  RETURN_IF_ERROR(kafka.Validate());
  std::unique_ptr<KafkaSink> sink(new KafkaSink());
  sink->kafka_ = kafka;
  sink->options_ = options;
  ASSIGN_OR_RETURN(auto conf,
                   MakeKafkaConf(kafka, {{"enable.idempotence", "true"},
                                         {"acks", "all"},
                                         {"partitioner", "murmur2_random"},
                                         {"compression.type", options.compression},
                                         {"linger.ms", std::to_string(options.linger_ms)},
                                         {"message.timeout.ms",
                                          std::to_string(absl::ToInt64Milliseconds(options.delivery_timeout))}}));
  // Delivery reports as events, a produce request's records in one (no dr_cb): the poller takes
  // them from the main queue. Errors come there too (as events, not through the event_cb).
  rd_kafka_conf_set_events(conf->c_ptr_global(), RD_KAFKA_EVENT_DR | RD_KAFKA_EVENT_ERROR);
  std::string err;
  sink->producer_.reset(RdKafka::Producer::create(conf.get(), err));
  if (!sink->producer_) return absl::InvalidArgumentError(absl::StrCat("kafka producer: ", err));
  sink->events_ = rd_kafka_queue_get_main(sink->producer_->c_ptr());
  sink->topic_.reset(RdKafka::Topic::create(sink->producer_.get(), kafka.topic, nullptr, err));
  if (!sink->topic_) return absl::InvalidArgumentError(absl::StrCat("topic ", kafka.topic, ": ", err));
  KafkaSink* raw = sink.get();
  sink->poller_ = std::thread([raw] {
    while (!raw->stop_.load()) raw->Poll(100);
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
  if (events_ != nullptr) {
    Poll(0);
    rd_kafka_queue_destroy(events_);
  }
}

void KafkaSink::Poll(int timeout_ms) {
  rd_kafka_event_t* event = rd_kafka_queue_poll(events_, timeout_ms);
  if (event == nullptr) return;
  switch (rd_kafka_event_type(event)) {
    case RD_KAFKA_EVENT_DR: {
      messages_.resize(rd_kafka_event_message_count(event));
      messages_.resize(rd_kafka_event_message_array(event, messages_.data(), messages_.size()));
      reports_.clear();
      constexpr uintptr_t kRecordMask = DeliveryTicket::kMaxRecords - 1;
      for (const rd_kafka_message_t* m : messages_) {
        const auto packed = reinterpret_cast<uintptr_t>(m->_private);  // the record's opaque
        reports_.push_back({.ticket = reinterpret_cast<DeliveryTicket*>(packed & ~kRecordMask),
                            .record = static_cast<int>(packed & kRecordMask),
                            .delivery = {.status = FromKafka(static_cast<RdKafka::ErrorCode>(m->err), "delivery"),
                                         .partition = m->partition,
                                         .offset = m->offset}});
      }
      // Each run of reports for one listener in one call. A ticket is alive until its last report was
      // handed over, and every ticket read here still has a report to come, so reading ahead is sound.
      const absl::Span<const DeliveryReport> all(reports_);
      for (size_t i = 0; i < all.size();) {
        DeliveryListener* listener = all[i].ticket->listener;
        size_t j = i + 1;
        while (j < all.size() && all[j].ticket->listener == listener) ++j;
        listener->Delivered(all.subspan(i, j - i));
        i = j;
      }
      in_flight_.fetch_sub(static_cast<int64_t>(all.size()));
      break;
    }
    case RD_KAFKA_EVENT_ERROR:
      spdlog::log(rd_kafka_event_error_is_fatal(event) ? spdlog::level::critical : spdlog::level::err,
                  "librdkafka: {}: {}", rd_kafka_err2str(rd_kafka_event_error(event)),
                  rd_kafka_event_error_string(event));
      break;
    default:
      break;
  }
  rd_kafka_event_destroy(event);
}

void KafkaSink::Produce(const v1::Event& event, DoneFn done) {
  Produce(event, nullptr, new FnTicket(std::move(done)), 0);
}

void KafkaSink::Produce(const v1::Event& event, const std::string* serialized, DeliveryTicket* ticket, int record) {
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
    if (err == RdKafka::ERR__QUEUE_FULL) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the poller drains the queue
      continue;
    }
    const DeliveryReport refused{.ticket = ticket, .record = record, .delivery = {.status = FromKafka(err, "produce")}};
    ticket->listener->Delivered({&refused, 1});
    in_flight_.fetch_sub(1);
    return;
  }
}

absl::Status KafkaSink::Flush(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  // With delivery reports as events, librdkafka's flush waits only until it holds no record; the
  // last reports may still be on their way through the poller.
  RdKafka::ErrorCode err = producer_->flush(static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  while (in_flight_.load() > 0 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(1));
  if (in_flight_.load() > 0 || err != RdKafka::ERR_NO_ERROR) {
    return absl::DeadlineExceededError(absl::StrCat(in_flight_.load(), " records not acknowledged"));
  }
  return absl::OkStatus();
}

}  // namespace talentflow::ingest
