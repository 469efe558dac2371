#include "projector/record_applier.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/record_key.h"
#include "common/base/status.h"
#include "common/log/logging.h"
#include "views/fold.h"

namespace talentflow::projector {

absl::StatusOr<int32_t> RecordPartitionCount(RdKafka::Handle& handle, const std::string& topic,
                                             views::ViewStore& store) {
  ASSIGN_OR_RETURN(const int32_t count, AwaitTopicPartitions(handle, topic, absl::Now() + kTopicWait));
  RETURN_IF_ERROR(store.SetPartitionCount(count));
  return count;
}

absl::StatusOr<std::unique_ptr<RecordApplier>> RecordApplier::Create(const KafkaOptions& kafka, bool dead_letter,
                                                                     ProjectorCounters* counters) {
  std::unique_ptr<RecordApplier> a(new RecordApplier(kafka.dlq_topic(), counters));
  if (dead_letter) {
    ASSIGN_OR_RETURN(auto conf, MakeKafkaConf(kafka, {{"acks", "all"}, {"enable.idempotence", "true"}}));
    std::string err;
    a->dlq_.reset(RdKafka::Producer::create(conf.get(), err));
    if (!a->dlq_) return absl::InvalidArgumentError(absl::StrCat("dlq producer: ", err));
  }
  return a;
}

void RecordApplier::DeadLetter(const RdKafka::Message& msg, const std::string& reason) {
  counters_->dead_lettered.fetch_add(1, std::memory_order_relaxed);
  spdlog::warn("dead-lettering partition {} offset {}: {}", msg.partition(), msg.offset(), reason);
  if (!dlq_) return;
  RdKafka::Headers* h = RdKafka::Headers::create();
  h->add("dlq.reason", reason);
  h->add("dlq.source.topic", msg.topic_name());
  h->add("dlq.source.partition", std::to_string(msg.partition()));
  h->add("dlq.source.offset", std::to_string(msg.offset()));
  const std::string* key = msg.key();
  RdKafka::ErrorCode err = dlq_->produce(dlq_topic_, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                                         msg.payload(), msg.len(), key ? key->data() : nullptr,
                                         key ? key->size() : 0, 0, h, nullptr);
  if (err != RdKafka::ERR_NO_ERROR) {
    delete h;
    spdlog::error("dlq produce: {}", RdKafka::err2str(err));
  }
}

absl::Status RecordApplier::FlushDeadLetters() {
  if (dlq_ && dlq_->outq_len() > 0) RETURN_IF_ERROR(FromKafka(dlq_->flush(30000), "dlq flush"));
  return absl::OkStatus();
}

absl::Status RecordApplier::Apply(const RdKafka::Message& msg, views::Batch::Part& part, PartitionCursor& cursor) {
  const int32_t p = msg.partition();
  const int64_t offset = msg.offset();
  if (offset < cursor.next || offset >= cursor.end) return absl::OkStatus();  // applied, or past the replay's end
  records_seen_.fetch_add(1, std::memory_order_relaxed);
  v1::Event event;
  const std::string* key = msg.key();
  if (!event.ParseFromArray(msg.payload(), static_cast<int>(msg.len()))) {
    DeadLetter(msg, "undecodable: not a talentflow.v1.Event");
  } else if (const std::string expected = RecordKey(event.org(), event.team()); key == nullptr || *key != expected) {
    DeadLetter(msg, absl::StrCat("record key \"", key ? *key : "", "\" is not \"", expected, "\""));
  } else {
    absl::StatusOr<views::Outcome> outcome = views::Apply(event, views::RecordMeta{p, offset}, part);
    RETURN_IF_ERROR(part.status());
    if (!outcome.ok()) {
      DeadLetter(msg, std::string(outcome.status().message()));
    } else {
      switch (*outcome) {
        case views::Outcome::kApplied: counters_->applied.fetch_add(1, std::memory_order_relaxed); break;
        case views::Outcome::kDuplicate: counters_->duplicates.fetch_add(1, std::memory_order_relaxed); break;
        default: counters_->retractions.fetch_add(1, std::memory_order_relaxed); break;
      }
    }
  }
  part.SetOffset(offset + 1, msg.timestamp().timestamp);
  cursor.next = offset + 1;
  return absl::OkStatus();
}

}  // namespace talentflow::projector
