#include "projector/announcer.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/status.h"
#include "common/log/logging.h"

namespace talentflow::projector {

absl::StatusOr<std::unique_ptr<Announcer>> Announcer::Create(const KafkaOptions& kafka) {
  RETURN_IF_ERROR(kafka.Validate());
  std::unique_ptr<Announcer> a(new Announcer());
  a->topic_ = kafka.instances_topic();
  // A status is small and replaced a second later: no batching wait, and no retry beyond that.
  ASSIGN_OR_RETURN(auto conf, MakeKafkaConf(kafka, {{"linger.ms", "0"}, {"message.timeout.ms", "5000"}, {"acks", "all"}}));
  std::string err;
  a->producer_.reset(RdKafka::Producer::create(conf.get(), err));
  if (!a->producer_) return absl::InvalidArgumentError(absl::StrCat("kafka producer: ", err));
  RETURN_IF_ERROR(CreateInstancesTopicIfMissing(*a->producer_, kafka));
  return a;
}

Announcer::~Announcer() {
  if (producer_) producer_->flush(2000);
}

void Announcer::Write(const std::string& key, const std::string& value) {
  const RdKafka::ErrorCode err = producer_->produce(
      topic_, 0, RdKafka::Producer::RK_MSG_COPY, value.empty() ? nullptr : const_cast<char*>(value.data()),
      value.size(), key.data(), key.size(), /*timestamp=*/0, nullptr);
  if (err != RdKafka::ERR_NO_ERROR) spdlog::warn("announce to {}: {}", topic_, RdKafka::err2str(err));
  producer_->poll(0);
}

void Announcer::Run(const std::function<v1::InstanceStatus()>& current, const std::atomic<bool>& stop) {
  std::string last;
  auto written = std::chrono::steady_clock::now() - kHeartbeat;
  while (!stop.load()) {
    const v1::InstanceStatus status = current();
    std::string bytes = status.SerializeAsString();
    const auto now = std::chrono::steady_clock::now();
    if (bytes != last || now - written >= kHeartbeat) {
      Write(status.instance_id(), bytes);
      last = std::move(bytes);
      written = now;
    }
    producer_->poll(0);
    std::this_thread::sleep_for(kPollInterval);
  }
}

absl::Status Announcer::Withdraw(const std::string& instance_id) {
  Write(instance_id, "");
  return FromKafka(producer_->flush(5000), absl::StrCat("withdraw ", instance_id, " from ", topic_));
}

}  // namespace talentflow::projector
