#include "query/log_ends.h"

#include <memory>

#include <librdkafka/rdkafkacpp.h>

namespace talentflow::query {

LogEndsFn MakeLogEnds(const KafkaOptions& kafka) {
  auto conf = MakeKafkaConf(kafka, {});
  if (!conf.ok()) return {};
  std::string err;
  std::shared_ptr<RdKafka::Producer> handle(RdKafka::Producer::create(conf->get(), err));
  if (!handle) return {};
  const std::string topic_name = kafka.topic;
  return [handle, topic_name]() {
    std::map<int32_t, int64_t> ends;
    std::string err;
    std::unique_ptr<RdKafka::Topic> topic(RdKafka::Topic::create(handle.get(), topic_name, nullptr, err));
    RdKafka::Metadata* md = nullptr;
    if (!topic || handle->metadata(false, topic.get(), &md, 2000) != RdKafka::ERR_NO_ERROR) return ends;
    std::unique_ptr<RdKafka::Metadata> owner(md);
    if (md->topics()->empty()) return ends;
    for (const auto* p : *md->topics()->at(0)->partitions()) {
      int64_t lo = 0, hi = 0;
      if (handle->query_watermark_offsets(topic_name, p->id(), &lo, &hi, 2000) == RdKafka::ERR_NO_ERROR) {
        ends[p->id()] = hi;
      }
    }
    return ends;
  };
}

}  // namespace talentflow::query
