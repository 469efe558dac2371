// talentflow-bench: the clients and the reference server that ./deploy/bench.sh drives. Not a test;
// every subcommand prints one line of "key value" pairs on stdout for bench.sh to parse.
//   publish      IngestService.Publish throughput in batches (gRPC ingest stage)
//   fresh        publish -> visible in GetTeamHealth (min_offsets) latency at a fixed offered rate
//   kafka-fresh  the reference: produce -> consume latency of a bare librdkafka consumer, same rate
//   stub         a trivial QueryService whose GetTeamHealth returns a fixed, same-size answer
//   watch        holds N WatchTeamHealth streams open (query memory with watchers)
//   wait         waits until the query service's views have caught up with the log
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <grpcpp/grpcpp.h>
#include <librdkafka/rdkafkacpp.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/kafka/kafka.h"
#include "common/log/logging.h"
#include "common/base/process.h"
#include "ctl/synthetic_source.h"
#include "talentflow/v1/ingest.grpc.pb.h"
#include "talentflow/v1/query.grpc.pb.h"

namespace talentflow::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// The q-quantile (0..1) of `v` by the nearest-rank method; 0 for an empty vector. Sorts `v`.
double Quantile(std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

std::string LatencyLine(std::vector<double> ms, int64_t errors, double seconds, int64_t events) {
  return absl::StrFormat("samples %d errors %d p50_ms %.2f p99_ms %.2f max_ms %.2f offered_ev_s %.0f", ms.size(),
                         errors, Quantile(ms, 0.50), Quantile(ms, 0.99), Quantile(ms, 1.0),
                         seconds > 0 ? static_cast<double>(events) / seconds : 0.0);
}

std::shared_ptr<grpc::Channel> Channel(const std::string& addr) {
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(8 * 1024 * 1024);
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  return grpc::CreateCustomChannel(addr, grpc::InsecureChannelCredentials(), args);
}

// Synthetic events cut into requests of `batch` events.
std::vector<v1::PublishRequest> Batches(const ctl::SyntheticOptions& options, int batch) {
  std::vector<v1::PublishRequest> out;
  ctl::ForEachSynthetic(options, [&](const v1::Event& e) {
    if (out.empty() || out.back().events_size() >= batch) out.emplace_back();
    *out.back().add_events() = e;
    return true;
  });
  return out;
}

// CPU seconds (user + system) this process has used so far.
double OwnCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

// publish: sends the batches over `concurrency` connections-worth of in-flight calls, as fast as the
// service answers. Prints "started" when the requests are built and the clock starts (a harness
// measuring other processes starts there), then the events sent per second of wall time and this
// client's own CPU seconds over the same span (generation excluded from both).
int RunPublish(const std::string& addr, const ctl::SyntheticOptions& gen, int batch, int concurrency) {
  std::vector<v1::PublishRequest> requests = Batches(gen, batch);
  auto stub = v1::IngestService::NewStub(Channel(addr));
  std::atomic<size_t> next{0};
  std::atomic<int64_t> accepted{0}, repeats{0}, rejected{0}, not_delivered{0}, errors{0};
  std::printf("started\n");
  std::fflush(stdout);
  const double cpu_start = OwnCpuSeconds();
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < concurrency; ++t) {
    threads.emplace_back([&] {
      for (size_t i = next++; i < requests.size(); i = next++) {
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
        v1::PublishResponse resp;
        grpc::Status s = stub->Publish(&ctx, requests[i], &resp);
        if (!s.ok()) {
          if (errors++ == 0) spdlog::error("Publish: {}", s.error_message());
          continue;
        }
        accepted += resp.accepted();
        repeats += resp.repeats();
        rejected += resp.rejected();
        not_delivered += resp.not_delivered();
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu_s = OwnCpuSeconds() - cpu_start;
  std::printf(
      "events %d accepted %lld repeats %lld rejected %lld not_delivered %lld errors %lld seconds %.3f cpu_s %.2f\n",
      gen.events, static_cast<long long>(accepted.load()), static_cast<long long>(repeats.load()),
      static_cast<long long>(rejected.load()), static_cast<long long>(not_delivered.load()),
      static_cast<long long>(errors.load()), seconds, cpu_s);
  return errors.load() == 0 && not_delivered.load() == 0 ? 0 : 1;
}

// Fixed-rate schedule: batch k is due at start + k * tick and holds rate * tick events.
struct Schedule {
  int rate;       // events per second offered
  int seconds;
  int tick_ms;
  int batch() const { return std::max(1, rate * tick_ms / 1000); }
  int batches() const { return std::max(1, rate * seconds / batch()); }
};

// fresh: a pacer hands batch k to a pool of workers at its due time; a worker publishes it
// (Publish returns once the broker acknowledged it), then reads the team of the batch's last
// accepted event with min_offsets = that record's offset (the read waits until the views include
// it). Latency = read answered - batch due, so late publishing (a saturated pool) counts too.
int RunFresh(const std::string& ingest_addr, const std::string& query_addr, const ctl::SyntheticOptions& gen_base,
             const Schedule& sched, int workers) {
  ctl::SyntheticOptions gen = gen_base;
  gen.events = sched.batch() * sched.batches();
  std::vector<v1::PublishRequest> requests = Batches(gen, sched.batch());
  auto ingest = v1::IngestService::NewStub(Channel(ingest_addr));
  auto query = v1::QueryService::NewStub(Channel(query_addr));
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::pair<size_t, Clock::time_point>> due;
  bool done = false;
  std::vector<double> visible_ms, publish_ms;
  int64_t errors = 0;
  auto worker = [&] {
    while (true) {
      std::pair<size_t, Clock::time_point> job;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return done || !due.empty(); });
        if (due.empty()) return;
        job = due.front();
        due.pop_front();
      }
      const v1::PublishRequest& req = requests[job.first];
      grpc::ClientContext pctx;
      pctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
      v1::PublishResponse resp;
      grpc::Status s = ingest->Publish(&pctx, req, &resp);
      const auto published = Clock::now();
      const v1::RecordRef* ref = nullptr;
      std::string org;
      for (int i = resp.results_size() - 1; s.ok() && i >= 0 && ref == nullptr; --i) {
        if (resp.results(i).records_size() > 0) {
          ref = &resp.results(i).records(0);
          org = req.events(i).org();
        }
      }
      if (!s.ok() || ref == nullptr) {
        std::lock_guard<std::mutex> lock(mu);
        if (errors++ == 0) spdlog::error("Publish: {}", s.ok() ? "nothing accepted" : s.error_message());
        continue;
      }
      v1::GetTeamHealthRequest q;
      q.set_org(org);
      q.set_team(ref->team());
      (*q.mutable_min_offsets()->mutable_offsets())[ref->partition()] = ref->offset();
      grpc::ClientContext qctx;
      qctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
      v1::GetTeamHealthResponse health;
      grpc::Status qs = query->GetTeamHealth(&qctx, q, &health);
      const auto visible = Clock::now();
      std::lock_guard<std::mutex> lock(mu);
      if (!qs.ok()) {
        if (errors++ == 0) spdlog::error("GetTeamHealth: {}", qs.error_message());
        continue;
      }
      publish_ms.push_back(Ms(published - job.second));
      visible_ms.push_back(Ms(visible - job.second));
    }
  };
  {  // connect both channels before the clock starts
    grpc::ClientContext pctx, qctx;
    v1::PublishResponse presp;
    v1::Watermark wm;
    ingest->Publish(&pctx, v1::PublishRequest(), &presp);
    query->GetWatermark(&qctx, v1::GetWatermarkRequest(), &wm);
  }
  std::vector<std::thread> pool;
  for (int i = 0; i < workers; ++i) pool.emplace_back(worker);
  const auto start = Clock::now() + std::chrono::milliseconds(100);
  for (size_t k = 0; k < requests.size(); ++k) {
    const auto at = start + std::chrono::milliseconds(static_cast<int64_t>(k) * sched.tick_ms);
    std::this_thread::sleep_until(at);
    std::lock_guard<std::mutex> lock(mu);
    due.emplace_back(k, at);
    cv.notify_one();
  }
  const double offered_s = std::chrono::duration<double>(Clock::now() - start).count();
  {
    std::lock_guard<std::mutex> lock(mu);
    done = true;
    cv.notify_all();
  }
  for (auto& t : pool) t.join();
  std::vector<double> p = publish_ms;
  std::printf("%s publish_p50_ms %.2f publish_p99_ms %.2f publish_max_ms %.2f\n",
              LatencyLine(visible_ms, errors, offered_s, gen.events).c_str(), Quantile(p, 0.5), Quantile(p, 0.99),
              Quantile(p, 1.0));
  return errors == 0 ? 0 : 1;
}

std::unique_ptr<RdKafka::Conf> ConfOrDie(const KafkaOptions& kafka, const std::map<std::string, std::string>& kv) {
  auto conf = MakeKafkaConf(kafka, kv);
  if (!conf.ok()) {
    spdlog::error("{}", conf.status().message());
    std::exit(2);
  }
  return *std::move(conf);
}

// kafka-fresh: the same schedule produced with ingest's producer settings (idempotent, acks=all,
// lz4, linger 5 ms, murmur2_random) straight to `topic`, the due time in a header; a consumer with
// the projector's fetch settings, assigned every partition at its current end, measures
// consumed - due for every record.
int RunKafkaFresh(const KafkaOptions& kafka, const ctl::SyntheticOptions& gen_base, const Schedule& sched) {
  ctl::SyntheticOptions gen = gen_base;
  gen.events = sched.batch() * sched.batches();
  std::vector<std::pair<std::string, std::string>> records;  // key, value
  ctl::ForEachSynthetic(gen, [&](const v1::Event& e) {
    records.emplace_back(e.org() + "/" + e.team(), e.SerializeAsString());
    return true;
  });
  std::string err;
  auto pconf = ConfOrDie(kafka, {{"enable.idempotence", "true"}, {"acks", "all"}, {"partitioner", "murmur2_random"},
                                 {"compression.type", "lz4"}, {"linger.ms", "5"}});
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(pconf.get(), err));
  auto cconf = ConfOrDie(kafka, {{"group.id", "talentflow-bench-reference"}, {"enable.auto.commit", "false"},
                                 {"enable.partition.eof", "false"}, {"fetch.wait.max.ms", "100"},
                                 {"queued.min.messages", "20000"}});
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(cconf.get(), err));
  if (!producer || !consumer) {
    spdlog::error("kafka: {}", err);
    return 2;
  }
  RdKafka::Metadata* md = nullptr;
  std::unique_ptr<RdKafka::Topic> topic(RdKafka::Topic::create(producer.get(), kafka.topic, nullptr, err));
  if (producer->metadata(false, topic.get(), &md, 10000) != RdKafka::ERR_NO_ERROR || md->topics()->empty()) {
    spdlog::error("kafka-fresh: no metadata for {}", kafka.topic);
    return 2;
  }
  std::vector<RdKafka::TopicPartition*> parts;
  for (const auto* p : *md->topics()->at(0)->partitions()) {
    int64_t low = 0, high = 0;
    consumer->query_watermark_offsets(kafka.topic, p->id(), &low, &high, 10000);
    parts.push_back(RdKafka::TopicPartition::create(kafka.topic, p->id(), high));
  }
  delete md;
  consumer->assign(parts);
  RdKafka::TopicPartition::destroy(parts);
  // Let the fetchers start and the idempotent producer get its id before the clock starts.
  for (int i = 0; i < 20; ++i) delete consumer->consume(50);
  producer->poll(0);

  const int64_t total = static_cast<int64_t>(records.size());
  const auto start = Clock::now() + std::chrono::milliseconds(100);
  std::atomic<bool> produced{false};
  std::thread pacer([&] {
    const int batch = sched.batch();
    for (int64_t k = 0; k * batch < total; ++k) {
      const auto at = start + std::chrono::milliseconds(k * sched.tick_ms);
      std::this_thread::sleep_until(at);
      const int64_t due_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch()).count();
      for (int64_t i = k * batch; i < std::min(total, (k + 1) * batch); ++i) {
        RdKafka::Headers* h = RdKafka::Headers::create();
        h->add("due", &due_ns, sizeof(due_ns));
        auto& [key, value] = records[i];
        while (producer->produce(kafka.topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                                 value.data(), value.size(), key.data(), key.size(), 0, h,
                                 nullptr) == RdKafka::ERR__QUEUE_FULL) {
          producer->poll(5);
        }
      }
      producer->poll(0);
    }
    producer->flush(30000);
    produced = true;
  });
  std::vector<double> ms;
  ms.reserve(total);
  int64_t errors = 0;
  const auto give_up = start + std::chrono::seconds(sched.seconds + 30);
  while (static_cast<int64_t>(ms.size()) < total && Clock::now() < give_up) {
    std::unique_ptr<RdKafka::Message> m(consumer->consume(100));
    if (m->err() == RdKafka::ERR__TIMED_OUT) continue;
    if (m->err() != RdKafka::ERR_NO_ERROR) {
      if (errors++ == 0) spdlog::error("consume: {}", m->errstr());
      continue;
    }
    const auto now = Clock::now();
    RdKafka::Headers::Header h = m->headers() ? m->headers()->get_last("due") : RdKafka::Headers::Header("", nullptr, 0);
    if (h.value_size() != sizeof(int64_t)) continue;
    int64_t due_ns;
    std::memcpy(&due_ns, h.value(), sizeof(due_ns));
    ms.push_back(Ms(now - Clock::time_point(std::chrono::nanoseconds(due_ns))));
  }
  const double offered_s = std::chrono::duration<double>(Clock::now() - start).count();
  pacer.join();
  consumer->close();
  errors += total - static_cast<int64_t>(ms.size());
  std::printf("%s\n", LatencyLine(ms, errors, offered_s, total).c_str());
  return errors == 0 ? 0 : 1;
}

// stub: QueryService whose GetTeamHealth answers a copy of one real answer (fetched once from
// `from` at startup), so ghz calls the identical method and gets the same bytes back; every other
// method is UNIMPLEMENTED.
class StubQuery final : public v1::QueryService::Service {
 public:
  explicit StubQuery(v1::GetTeamHealthResponse answer) : answer_(std::move(answer)) {}
  grpc::Status GetTeamHealth(grpc::ServerContext*, const v1::GetTeamHealthRequest*,
                             v1::GetTeamHealthResponse* resp) override {
    *resp = answer_;
    return grpc::Status::OK;
  }

 private:
  const v1::GetTeamHealthResponse answer_;
};

int RunStub(const std::string& listen, const std::string& from, const std::string& org, const std::string& team) {
  auto query = v1::QueryService::NewStub(Channel(from));
  v1::GetTeamHealthRequest req;
  req.set_org(org);
  req.set_team(team);
  v1::GetTeamHealthResponse answer;
  grpc::Status s;
  for (int attempt = 0; attempt < 100; ++attempt) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    if ((s = query->GetTeamHealth(&ctx, req, &answer)).ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  if (!s.ok()) {
    spdlog::error("stub: GetTeamHealth {}/{} from {}: {}", org, team, from, s.error_message());
    return 2;
  }
  StubQuery service(answer);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) {
    spdlog::error("stub: cannot listen on {}", listen);
    return 2;
  }
  std::printf("ready bytes %zu\n", answer.ByteSizeLong());
  std::fflush(stdout);
  while (!g_stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  return 0;
}

// watch: `streams` WatchTeamHealth streams, stream i on every team of org "<prefix><i % orgs>",
// held for `seconds`. Prints "connected N" once every stream had its first update, then
// "updates U" at the end.
int RunWatch(const std::string& addr, const std::string& prefix, int orgs, int streams, int seconds) {
  auto query = v1::QueryService::NewStub(Channel(addr));
  std::atomic<int> connected{0}, failed{0};
  std::atomic<int64_t> updates{0};
  const auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(seconds);
  std::vector<std::thread> threads;
  for (int i = 0; i < streams; ++i) {
    threads.emplace_back([&, i] {
      grpc::ClientContext ctx;
      ctx.set_deadline(deadline);
      v1::WatchTeamHealthRequest req;
      req.set_org(absl::StrCat(prefix, i % orgs));
      auto reader = query->WatchTeamHealth(&ctx, req);
      v1::TeamHealthUpdate u;
      bool first = true;
      while (reader->Read(&u)) {
        ++updates;
        if (first) ++connected;
        first = false;
      }
      grpc::Status s = reader->Finish();
      if (first || (!s.ok() && s.error_code() != grpc::StatusCode::DEADLINE_EXCEEDED)) {
        if (failed++ == 0) spdlog::error("watch {}: {}", req.org(), s.error_message());
      }
    });
  }
  while (connected.load() + failed.load() < streams && std::chrono::system_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::printf("connected %d\n", connected.load());
  std::fflush(stdout);
  for (auto& t : threads) t.join();
  std::printf("updates %lld failed %d\n", static_cast<long long>(updates.load()), failed.load());
  return failed.load() == 0 ? 0 : 1;
}

// wait: polls GetWatermark until every partition's lag is 0 (the log's end known), at most `timeout`.
int RunWait(const std::string& addr, int timeout_s) {
  auto query = v1::QueryService::NewStub(Channel(addr));
  const auto give_up = Clock::now() + std::chrono::seconds(timeout_s);
  std::string last = "no answer";
  while (Clock::now() < give_up) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    v1::Watermark wm;
    grpc::Status s = query->GetWatermark(&ctx, v1::GetWatermarkRequest(), &wm);
    if (s.ok() && wm.partitions_size() > 0) {
      int64_t lag = 0;
      bool known = true;
      for (const auto& p : wm.partitions()) {
        known = known && p.lag() >= 0;
        lag += std::max<int64_t>(p.lag(), 0);
      }
      if (known && lag == 0) {
        std::printf("caught_up 1 partitions %d\n", wm.partitions_size());
        return 0;
      }
      last = absl::StrCat("lag ", lag, known ? "" : " (some unknown)");
    } else if (!s.ok()) {
      last = s.error_message();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  spdlog::error("wait: views not caught up after {} s: {}", timeout_s, last);
  return 1;
}

}  // namespace
}  // namespace talentflow::bench

int main(int argc, char** argv) {
  using namespace talentflow;
  CLI::App app{"talentflow-bench: load generators and the reference server for ./deploy/bench.sh"};
  app.require_subcommand(1);
  ctl::SyntheticOptions gen;
  std::string ingest_addr = "127.0.0.1:7401", query_addr = "127.0.0.1:7402";
  KafkaOptions kafka = KafkaOptions::FromEnv();
  bench::Schedule sched{1000, 10, 10};
  auto add_gen = [&](CLI::App* c) {
    c->add_option("--events", gen.events, "synthetic events")->capture_default_str();
    c->add_option("--orgs", gen.orgs, "orgs")->capture_default_str();
    c->add_option("--teams", gen.teams_per_org, "teams per org")->capture_default_str();
    c->add_option("--seed", gen.seed, "seed")->capture_default_str();
  };
  auto add_sched = [&](CLI::App* c) {
    c->add_option("--rate", sched.rate, "events per second offered")->capture_default_str();
    c->add_option("--seconds", sched.seconds, "how long")->capture_default_str();
    c->add_option("--tick-ms", sched.tick_ms, "one batch every this many ms")->capture_default_str();
  };
  auto* publish = app.add_subcommand("publish", "IngestService.Publish throughput");
  int batch = 500, concurrency = 4;
  publish->add_option("--ingest", ingest_addr)->capture_default_str();
  publish->add_option("--batch", batch, "events per Publish")->capture_default_str();
  publish->add_option("--concurrency", concurrency, "calls in flight")->capture_default_str();
  add_gen(publish);
  auto* fresh = app.add_subcommand("fresh", "publish -> visible in GetTeamHealth latency");
  int workers = 64;
  fresh->add_option("--ingest", ingest_addr)->capture_default_str();
  fresh->add_option("--query", query_addr)->capture_default_str();
  fresh->add_option("--workers", workers, "concurrent publish+read chains")->capture_default_str();
  add_gen(fresh);
  add_sched(fresh);
  auto* kfresh = app.add_subcommand("kafka-fresh", "produce -> consume latency of a bare librdkafka consumer");
  kfresh->add_option("--kafka-brokers", kafka.brokers)->capture_default_str();
  kfresh->add_option("--topic", kafka.topic)->capture_default_str();
  add_gen(kfresh);
  add_sched(kfresh);
  auto* stub = app.add_subcommand("stub", "trivial QueryService returning a fixed GetTeamHealth answer");
  std::string listen, org = "org1", team = "team1";
  stub->add_option("--listen", listen)->required();
  stub->add_option("--from", query_addr, "the real query service to copy the answer from")->capture_default_str();
  stub->add_option("--org", org)->capture_default_str();
  stub->add_option("--team", team)->capture_default_str();
  auto* watch = app.add_subcommand("watch", "hold WatchTeamHealth streams open");
  int streams = 100, seconds = 10;
  std::string prefix = "org";
  watch->add_option("--query", query_addr)->capture_default_str();
  watch->add_option("--streams", streams)->capture_default_str();
  watch->add_option("--seconds", seconds)->capture_default_str();
  watch->add_option("--orgs", gen.orgs, "stream i watches org <prefix><i % orgs>")->capture_default_str();
  watch->add_option("--org-prefix", prefix)->capture_default_str();
  auto* wait = app.add_subcommand("wait", "wait until the views caught up with the log");
  int timeout_s = 300;
  wait->add_option("--query", query_addr)->capture_default_str();
  wait->add_option("--timeout", timeout_s, "seconds")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  StopOnSignals();

  if (*publish) return bench::RunPublish(ingest_addr, gen, batch, concurrency);
  if (*fresh) return bench::RunFresh(ingest_addr, query_addr, gen, sched, workers);
  if (*kfresh) return bench::RunKafkaFresh(kafka, gen, sched);
  if (*stub) return bench::RunStub(listen, query_addr, org, team);
  if (*watch) return bench::RunWatch(query_addr, prefix, gen.orgs, streams, seconds);
  return bench::RunWait(query_addr, timeout_s);
}
