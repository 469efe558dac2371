#include "tests/common/kafka_test_util.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <memory>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include "absl/strings/str_cat.h"

namespace talentflow::testing {

std::string Brokers() {
  const char* b = std::getenv("TALENTFLOW_KAFKA_BROKERS");
  if (b == nullptr || *b == '\0') {
    std::cerr << "TALENTFLOW_KAFKA_BROKERS is not set: integration tests need the broker that "
                 "deploy/test.sh starts\n";
    std::abort();
  }
  return b;
}

std::string UniqueTopic(const std::string& prefix) {
  static std::atomic<int> n{0};
  return absl::StrCat(prefix, "-", getpid(), "-", n++);
}

static absl::Status CreateOne(rd_kafka_t* rk, const std::string& topic, int partitions) {
  char err[512];
  rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, err, sizeof err);
  if (!nt) return absl::InternalError(err);
  rd_kafka_NewTopic_set_config(nt, "retention.ms", "-1");
  rd_kafka_NewTopic_set_config(nt, "message.timestamp.type", "LogAppendTime");  // transaction time
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  rd_kafka_CreateTopics(rk, &nt, 1, nullptr, q);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 30000);
  absl::Status status = absl::OkStatus();
  if (ev == nullptr) {
    status = absl::DeadlineExceededError("CreateTopics timed out");
  } else {
    const rd_kafka_CreateTopics_result_t* res = rd_kafka_event_CreateTopics_result(ev);
    size_t cnt = 0;
    const rd_kafka_topic_result_t** tr = rd_kafka_CreateTopics_result_topics(res, &cnt);
    if (rd_kafka_event_error(ev)) {
      status = absl::InternalError(rd_kafka_event_error_string(ev));
    } else if (cnt == 1 && rd_kafka_topic_result_error(tr[0]) != RD_KAFKA_RESP_ERR_NO_ERROR &&
               rd_kafka_topic_result_error(tr[0]) != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      status = absl::InternalError(absl::StrCat(topic, ": ", rd_kafka_topic_result_error_string(tr[0])));
    }
    rd_kafka_event_destroy(ev);
  }
  rd_kafka_queue_destroy(q);
  rd_kafka_NewTopic_destroy(nt);
  return status;
}

absl::Status CreateTopic(const std::string& topic, int partitions, bool with_dlq, bool await_metadata) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", Brokers().c_str(), err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) return absl::InternalError(err);
  absl::Status s = CreateOne(rk, topic, partitions);
  if (s.ok() && with_dlq) s = CreateOne(rk, topic + ".dlq", 1);
  // Wait until the metadata shows every partition with a leader.
  for (int i = 0; s.ok() && await_metadata && i < 100; ++i) {
    rd_kafka_topic_t* t = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
    const rd_kafka_metadata_t* md = nullptr;
    bool ready = false;
    if (rd_kafka_metadata(rk, 0, t, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ready = md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
              md->topics[0].partition_cnt == partitions;
      for (int p = 0; ready && p < md->topics[0].partition_cnt; ++p) ready = md->topics[0].partitions[p].leader >= 0;
      rd_kafka_metadata_destroy(md);
    }
    rd_kafka_topic_destroy(t);
    if (ready) break;
    usleep(100 * 1000);
  }
  rd_kafka_destroy(rk);
  return s;
}

std::vector<ConsumedRecord> ConsumeAll(const std::string& topic) {
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", Brokers(), err);
  conf->set("group.id", UniqueTopic("test-reader"), err);
  conf->set("enable.auto.commit", "false", err);
  std::unique_ptr<RdKafka::KafkaConsumer> c(RdKafka::KafkaConsumer::create(conf.get(), err));
  RdKafka::Metadata* md = nullptr;
  std::unique_ptr<RdKafka::Topic> t(RdKafka::Topic::create(c.get(), topic, nullptr, err));
  std::vector<ConsumedRecord> out;
  if (c->metadata(false, t.get(), &md, 10000) != RdKafka::ERR_NO_ERROR) return out;
  std::vector<RdKafka::TopicPartition*> parts;
  int64_t remaining = 0;
  std::map<int32_t, int64_t> high;
  for (const auto* p : *md->topics()->at(0)->partitions()) {
    int64_t lo = 0, hi = 0;
    c->query_watermark_offsets(topic, p->id(), &lo, &hi, 10000);
    high[p->id()] = hi;
    remaining += hi - lo;
    parts.push_back(RdKafka::TopicPartition::create(topic, p->id(), RdKafka::Topic::OFFSET_BEGINNING));
  }
  delete md;
  c->assign(parts);
  RdKafka::TopicPartition::destroy(parts);
  for (int idle = 0; remaining > 0 && idle < 100;) {
    std::unique_ptr<RdKafka::Message> m(c->consume(200));
    if (m->err() == RdKafka::ERR__TIMED_OUT || m->err() == RdKafka::ERR__PARTITION_EOF) {
      ++idle;
      continue;
    }
    if (m->err() != RdKafka::ERR_NO_ERROR) continue;
    if (m->offset() >= high[m->partition()]) continue;
    ConsumedRecord r;
    r.partition = m->partition();
    r.offset = m->offset();
    r.timestamp_ms = m->timestamp().timestamp;
    if (m->key()) r.key = *m->key();
    r.value.assign(static_cast<const char*>(m->payload()), m->len());
    if (const RdKafka::Headers* h = m->headers()) {
      for (const auto& hd : h->get_all()) {
        r.headers[hd.key()] = std::string(static_cast<const char*>(hd.value()), hd.value_size());
      }
    }
    out.push_back(std::move(r));
    --remaining;
  }
  c->close();
  return out;
}

std::map<int32_t, int64_t> EndOffsets(const std::string& topic) {
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", Brokers(), err);
  std::unique_ptr<RdKafka::Producer> p(RdKafka::Producer::create(conf.get(), err));
  std::unique_ptr<RdKafka::Topic> t(RdKafka::Topic::create(p.get(), topic, nullptr, err));
  RdKafka::Metadata* md = nullptr;
  std::map<int32_t, int64_t> out;
  if (p->metadata(false, t.get(), &md, 10000) != RdKafka::ERR_NO_ERROR) return out;
  for (const auto* pm : *md->topics()->at(0)->partitions()) {
    int64_t lo = 0, hi = 0;
    p->query_watermark_offsets(topic, pm->id(), &lo, &hi, 10000);
    out[pm->id()] = hi;
  }
  delete md;
  return out;
}

absl::Status ProduceRaw(const std::string& topic, const std::vector<std::pair<std::string, std::string>>& records) {
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", Brokers(), err);
  conf->set("partitioner", "murmur2_random", err);
  std::unique_ptr<RdKafka::Producer> p(RdKafka::Producer::create(conf.get(), err));
  for (const auto& [k, v] : records) {
    auto e = p->produce(topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                        const_cast<char*>(v.data()), v.size(), k.data(), k.size(), 0, nullptr);
    if (e != RdKafka::ERR_NO_ERROR) return absl::InternalError(RdKafka::err2str(e));
  }
  if (p->flush(30000) != RdKafka::ERR_NO_ERROR) return absl::DeadlineExceededError("flush");
  return absl::OkStatus();
}

}  // namespace talentflow::testing
