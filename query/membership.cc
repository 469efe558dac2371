#include "query/membership.h"

#include <algorithm>
#include <cstdint>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/status.h"
#include "common/log/logging.h"

namespace talentflow::query {

absl::StatusOr<std::unique_ptr<Membership>> Membership::Create(const KafkaOptions& kafka) {
  RETURN_IF_ERROR(kafka.Validate());
  std::unique_ptr<Membership> m(new Membership());
  m->topic_ = kafka.instances_topic();
  ASSIGN_OR_RETURN(auto conf, MakeKafkaConf(kafka, {{"group.id", "talentflow-membership-unused"},  // required; never joined
                                                    {"enable.auto.commit", "false"},
                                                    {"enable.partition.eof", "false"},
                                                    {"fetch.wait.max.ms", "100"}}));
  std::string err;
  m->consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!m->consumer_) return absl::InvalidArgumentError(absl::StrCat("kafka consumer: ", err));
  RETURN_IF_ERROR(CreateInstancesTopicIfMissing(*m->consumer_, kafka));
  ASSIGN_OR_RETURN(const int32_t partitions, AwaitTopicPartitions(*m->consumer_, m->topic_, absl::Now() + absl::Seconds(10)));
  std::vector<RdKafka::TopicPartition*> tps;
  for (int32_t p = 0; p < partitions; ++p) {
    tps.push_back(RdKafka::TopicPartition::create(m->topic_, p, RdKafka::Topic::OFFSET_BEGINNING));
  }
  const RdKafka::ErrorCode code = m->consumer_->assign(tps);
  RdKafka::TopicPartition::destroy(tps);
  RETURN_IF_ERROR(FromKafka(code, absl::StrCat("assign ", m->topic_)));
  return m;
}

Membership::~Membership() {
  Stop();
  if (consumer_) consumer_->close();
}

void Membership::Start() { follower_ = std::thread([this] { Follow(); }); }

void Membership::Stop() {
  stop_ = true;
  if (follower_.joinable()) follower_.join();
}

void Membership::Follow() {
  while (!stop_.load()) {
    std::unique_ptr<RdKafka::Message> msg(consumer_->consume(200));
    if (msg->err() == RdKafka::ERR__TIMED_OUT) continue;
    if (msg->err() != RdKafka::ERR_NO_ERROR) {
      spdlog::warn("{}: {}", topic_, msg->errstr());
      continue;
    }
    if (msg->key() == nullptr) continue;
    const std::string& id = *msg->key();
    std::lock_guard<std::mutex> lock(mu_);
    if (msg->len() == 0) {  // a tombstone: the instance stopped cleanly
      if (entries_.erase(id) > 0) version_.fetch_add(1);
    } else {
      Entry e;
      if (!e.status.ParseFromArray(msg->payload(), static_cast<int>(msg->len())) || e.status.instance_id() != id) {
        spdlog::warn("{}: record at offset {} is not an InstanceStatus of {}; ignored", topic_, msg->offset(), id);
        continue;
      }
      e.bytes.assign(static_cast<const char*>(msg->payload()), msg->len());
      e.written = absl::FromUnixMillis(msg->timestamp().timestamp);
      Entry& slot = entries_[id];
      const bool changed = slot.bytes != e.bytes;
      slot = std::move(e);
      if (!changed) continue;
      version_.fetch_add(1);
    }
    changed_.notify_all();
  }
}

Ownership Membership::Current() const {
  const absl::Time now = absl::Now();
  Ownership out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [id, e] : entries_) {
    if (now - e.written > kLease) continue;
    out.partition_count = std::max(out.partition_count, e.status.partition_count());
    for (const v1::OwnedPartition& p : e.status.partitions()) {
      if (!p.serving()) {
        if (!p.standby()) out.rebuilding.emplace(p.partition(), id);
        const int64_t lag = p.end_offset() < 0 ? -1 : std::max<int64_t>(0, p.end_offset() - p.applied_offset());
        out.replicas[p.partition()].push_back(Replica{id, e.status.query_address(), p.applied_offset(), lag});
        continue;
      }
      auto [it, inserted] = out.serving.try_emplace(p.partition(), Owner{id, e.status.query_address(), p.applied_offset()});
      // entries_ is ordered by id: on a tie the smaller id stays.
      if (!inserted && p.applied_offset() > it->second.applied_offset) {
        it->second = Owner{id, e.status.query_address(), p.applied_offset()};
      }
    }
  }
  for (const auto& [p, owner] : out.serving) out.rebuilding.erase(p);
  for (auto& [p, copies] : out.replicas) {
    std::stable_sort(copies.begin(), copies.end(), [](const Replica& a, const Replica& b) {
      return (a.lag < 0 ? INT64_MAX : a.lag) < (b.lag < 0 ? INT64_MAX : b.lag);
    });
  }
  return out;
}

void Membership::WaitForChange(uint64_t seen, absl::Time deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait_until(lock, absl::ToChronoTime(deadline), [&] { return version_.load() != seen || stop_.load(); });
}

}  // namespace talentflow::query
