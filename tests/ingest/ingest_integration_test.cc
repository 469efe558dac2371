// Ingest against the real broker: the sample feed lands on the topic exactly as accepted,
// gRPC Publish reports where each record landed, and an unreachable broker is reported.
#include <chrono>
#include <algorithm>
#include <fstream>
#include <future>
#include <map>
#include <tuple>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "common/base/record_key.h"
#include "common/kafka/kafka.h"
#include "ingest/feed.h"
#include "ingest/ingest_service.h"
#include "tests/common/event_builders.h"
#include "tests/common/kafka_test_util.h"

namespace talentflow::ingest {
namespace {

using ::talentflow::testing::Day;

// From examples/feeds/EXPECTED.md, worked out by hand.
constexpr int64_t kSampleAcceptedLines = 73;  // every line: the 4 second reports of a story too
constexpr int64_t kSampleRepeats = 4;          // evt-0041, 0045, 0051, 0061: published for their evidence
constexpr int64_t kSampleRecords = 74;         // 73 + the transferIn half of evt-0053

const std::string kSampleFeed = std::string(TALENTFLOW_SOURCE_DIR) + "/examples/feeds/openai-2026.jsonl";
const std::string kAliases = std::string(TALENTFLOW_SOURCE_DIR) + "/deploy/aliases.json";

class IngestIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    topic_ = testing::UniqueTopic("it-ingest");
    ASSERT_TRUE(testing::CreateTopic(topic_, 12).ok());
    kafka_.brokers = testing::Brokers();
    kafka_.topic = topic_;
    auto aliases = Aliases::Load(kAliases);
    ASSERT_TRUE(aliases.ok()) << aliases.status();
    aliases_ = *aliases;
  }

  std::string topic_;
  KafkaOptions kafka_;
  Aliases aliases_;
  IngestCounters counters_;
};

TEST_F(IngestIntegrationTest, SampleFeedLandsKeyedAndPartitioned) {
  auto sink = KafkaSink::Create(kafka_, {});
  ASSERT_TRUE(sink.ok());
  Publisher publisher(sink->get(), &aliases_, &counters_);
  FeedOptions options;
  options.path = kSampleFeed;
  std::atomic<bool> stop{false};
  auto summary = RunFeed(publisher, options, stop);
  ASSERT_TRUE(summary.ok()) << summary.status();
  // Worked out by hand from the feed (examples/feeds/EXPECTED.md).
  EXPECT_EQ(summary->accepted, kSampleAcceptedLines);
  EXPECT_EQ(summary->repeats, kSampleRepeats);
  EXPECT_EQ(summary->rejected, 0);
  EXPECT_EQ(summary->ExitCode(), 0);

  std::vector<testing::ConsumedRecord> records = testing::ConsumeAll(topic_);
  ASSERT_EQ(static_cast<int64_t>(records.size()), kSampleRecords);
  absl::flat_hash_set<std::string> ids;
  for (const auto& r : records) {
    v1::Event e;
    ASSERT_TRUE(e.ParseFromString(r.value)) << "offset " << r.offset;
    EXPECT_EQ(r.key, e.org() + "/" + e.team());
    EXPECT_EQ(r.partition, KafkaPartitionFor(r.key, 12)) << r.key;
    EXPECT_EQ(r.headers.at("schema"), "talentflow.v1.Event");
    EXPECT_EQ(e.org(), "openai");  // "OpenAI" / "Open AI" lines were normalised
    EXPECT_EQ(e.recorded_by(), "feed");
    EXPECT_FALSE(e.idempotency_key().empty());
    EXPECT_TRUE(ids.insert(e.event_id()).second) << "event written twice: " << e.event_id();
  }
}

TEST_F(IngestIntegrationTest, RejectedLinesNeverReachTheTopic) {
  const std::string feed = ::testing::TempDir() + "/mixed.jsonl";
  const std::string rejects = ::testing::TempDir() + "/mixed.rejects";
  {
    std::ofstream out(feed);
    out << R"({"eventId":"ok-1","org":"openai","team":"sora","effectiveTime":"2026-02-10T00:00:00Z","departure":{}})" "\n";
    out << R"({"eventId":"bad-1","org":"openai","effectiveTime":"2026-02-10T00:00:00Z","departure":{}})" "\n";
    out << R"({"eventId":"bad-2","org":"openai","team":"sora","effectiveTime":"1970-02-10T00:00:00Z","hire":{}})" "\n";
    out << R"({"eventId":"bad-3","org":"openai","team":"sora",)" "\n";
    out << R"({"eventId":"ok-2","org":"openai","team":"sora","effectiveTime":"2026-02-11T00:00:00Z","hire":{}})" "\n";
  }
  auto sink = KafkaSink::Create(kafka_, {});
  ASSERT_TRUE(sink.ok());
  Publisher publisher(sink->get(), &aliases_, &counters_);
  FeedOptions options;
  options.path = feed;
  options.rejects_path = rejects;
  std::atomic<bool> stop{false};
  auto summary = RunFeed(publisher, options, stop);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->accepted, 2);
  EXPECT_EQ(summary->rejected, 3);
  EXPECT_EQ(summary->ExitCode(), 3);
  // Neither accepted line has evidence.
  EXPECT_EQ(summary->ToString(), "accepted 2, rejected 3, 2 lines without evidence");
  std::ifstream in(rejects);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(all, ::testing::HasSubstr("line 2: team: required"));
  EXPECT_THAT(all, ::testing::HasSubstr("line 3: effectiveTime: before 1990-01-01"));
  EXPECT_THAT(all, ::testing::HasSubstr("line 4: line: "));

  std::vector<std::string> ids;
  for (const auto& r : testing::ConsumeAll(topic_)) {
    v1::Event e;
    ASSERT_TRUE(e.ParseFromString(r.value));
    ids.push_back(e.event_id());
  }
  EXPECT_THAT(ids, ::testing::UnorderedElementsAre("ok-1", "ok-2"));
}

// Lines are parsed on worker threads in chunks of 256; what reaches the log must still be in feed
// order per key, with repeated keys counted against earlier lines in other chunks (and published)
// and rejections named by their own line numbers.
TEST_F(IngestIntegrationTest, ParallelParsingKeepsFeedOrder) {
  const std::string feed = ::testing::TempDir() + "/ordered.jsonl";
  constexpr int kLines = 3000;
  {
    std::ofstream out(feed);
    for (int i = 1; i <= kLines; ++i) {
      const std::string team = "team-" + std::to_string(i % 7);
      if (i % 1000 == 0) {  // lines 1000, 2000, 3000: no effectiveTime
        out << R"({"eventId":"line-)" << i << R"(","org":"openai","team":")" << team << R"(","hire":{}})" "\n";
      } else if (i % 500 == 0) {  // lines 500, 1500, 2500: line 1's story again (same idempotency key)
        out << R"({"eventId":"line-)" << i
            << R"(","org":"openai","team":"team-1","person":{"id":"p-1"},"effectiveTime":"2026-02-10T00:00:00Z","hire":{}})" "\n";
      } else {
        out << R"({"eventId":"line-)" << i << R"(","org":"openai","team":")" << team << R"(","person":{"id":"p-)" << i
            << R"("},"effectiveTime":"2026-02-10T00:00:00Z","hire":{}})" "\n";
      }
    }
  }
  auto sink = KafkaSink::Create(kafka_, {});
  ASSERT_TRUE(sink.ok());
  Publisher publisher(sink->get(), &aliases_, &counters_);
  FeedOptions options;
  options.path = feed;
  options.rejects_path = ::testing::TempDir() + "/ordered.rejects";
  std::atomic<bool> stop{false};
  auto summary = RunFeed(publisher, options, stop);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->rejected, 3);
  EXPECT_EQ(summary->repeats, 3);
  EXPECT_EQ(summary->accepted, kLines - 3);
  std::ifstream in(options.rejects_path);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(all, ::testing::HasSubstr("line 1000: effectiveTime: required"));
  EXPECT_THAT(all, ::testing::HasSubstr("line 3000: effectiveTime: required"));

  std::vector<testing::ConsumedRecord> records = testing::ConsumeAll(topic_);
  ASSERT_EQ(static_cast<int>(records.size()), kLines - 3);
  std::map<std::string, int> last_line;  // per key: the line of the last record seen, in offset order
  std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
    return std::tie(a.partition, a.offset) < std::tie(b.partition, b.offset);
  });
  for (const auto& r : records) {
    v1::Event e;
    ASSERT_TRUE(e.ParseFromString(r.value));
    const int line = std::stoi(e.event_id().substr(5));
    EXPECT_GT(line, last_line[r.key]) << r.key << " out of feed order at offset " << r.offset;
    last_line[r.key] = line;
    EXPECT_NE(line % 1000, 0) << "line " << line << " should have been rejected";
  }
}

TEST_F(IngestIntegrationTest, GrpcPublishReportsWhereEachRecordLanded) {
  auto sink = KafkaSink::Create(kafka_, {});
  ASSERT_TRUE(sink.ok());
  Publisher publisher(sink->get(), &aliases_, &counters_);
  IngestServiceImpl service(&publisher);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();
  ASSERT_NE(port, 0);
  auto stub = v1::IngestService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));

  v1::PublishRequest request;
  *request.add_events() = testing::Departure("g-1", "sora", Day(2026, 2, 10), "p-ada");
  *request.add_events() = testing::Departure("g-2", "sora", Day(2026, 2, 10), "p-ada");  // same story
  v1::Event bad = testing::Hire("g-3", "chatgpt", Day(2026, 2, 10), "p-bo");
  bad.mutable_person()->set_seniority(static_cast<v1::Seniority>(99));
  *request.add_events() = bad;
  v1::Event transfer = testing::BaseEvent("g-4", "openai", "sora", Day(2026, 2, 12));
  transfer.mutable_transfer_out()->set_to_team("chatgpt");
  *request.add_events() = transfer;
  *request.add_events() = testing::Hire("g-5", "chatgpt", Day(2026, 2, 13), "p-cy");

  grpc::ClientContext ctx;
  v1::PublishResponse response;
  grpc::Status st = stub->Publish(&ctx, request, &response);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(response.results_size(), 5);
  EXPECT_EQ(response.accepted(), 4);
  EXPECT_EQ(response.repeats(), 1);
  EXPECT_EQ(response.rejected(), 1);
  EXPECT_EQ(response.results(1).status(), v1::EventResult::STATUS_ACCEPTED);  // published for its evidence
  EXPECT_EQ(response.results(2).status(), v1::EventResult::STATUS_REJECTED);
  EXPECT_EQ(response.results(2).field(), "person.seniority");
  EXPECT_EQ(response.results(3).records_size(), 2);  // transferOut + transferIn

  absl::flat_hash_map<std::string, std::pair<int32_t, int64_t>> reported;
  for (const auto& r : response.results()) {
    for (const auto& ref : r.records()) reported[ref.event_id()] = {ref.partition(), ref.offset()};
  }
  ASSERT_EQ(reported.size(), 5u);
  std::vector<testing::ConsumedRecord> records = testing::ConsumeAll(topic_);
  ASSERT_EQ(records.size(), 5u);
  for (const auto& r : records) {
    v1::Event e;
    ASSERT_TRUE(e.ParseFromString(r.value));
    ASSERT_TRUE(reported.contains(e.event_id())) << e.event_id();
    EXPECT_EQ(reported[e.event_id()], std::make_pair(r.partition, r.offset)) << e.event_id();
    if (e.event_id() == "g-4.in") {
      EXPECT_EQ(e.team(), "chatgpt");
      EXPECT_EQ(e.transfer_in().from_team(), "sora");
      EXPECT_EQ(e.correlation_id(), "g-4");
    }
  }

  // A batch over the limit is refused whole.
  v1::PublishRequest big;
  for (int i = 0; i < 1001; ++i) *big.add_events() = testing::Hire("b", "chatgpt", Day(2026, 2, 13), "p");
  grpc::ClientContext ctx2;
  st = stub->Publish(&ctx2, big, &response);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // Nothing to wait for (a dry run; a batch whose every event is rejected): the handler answers the
  // call itself, with no delivery report to come, and nothing more lands on the topic.
  v1::PublishRequest dry;
  dry.set_dry_run(true);
  *dry.add_events() = testing::Hire("g-6", "chatgpt", Day(2026, 2, 14), "p-di");
  *dry.add_events() = bad;
  grpc::ClientContext ctx3;
  v1::PublishResponse dry_response;
  st = stub->Publish(&ctx3, dry, &dry_response);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(dry_response.results_size(), 2);
  EXPECT_EQ(dry_response.results(0).status(), v1::EventResult::STATUS_VALID);
  EXPECT_EQ(dry_response.results(1).status(), v1::EventResult::STATUS_REJECTED);
  EXPECT_EQ(dry_response.valid(), 1);
  EXPECT_EQ(dry_response.rejected(), 1);
  v1::PublishRequest rejected_only;
  *rejected_only.add_events() = bad;
  grpc::ClientContext ctx4;
  v1::PublishResponse rejected_response;
  st = stub->Publish(&ctx4, rejected_only, &rejected_response);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(rejected_response.results_size(), 1);
  EXPECT_EQ(rejected_response.results(0).status(), v1::EventResult::STATUS_REJECTED);
  EXPECT_EQ(rejected_response.accepted(), 0);
  EXPECT_EQ(rejected_response.rejected(), 1);
  EXPECT_EQ(testing::ConsumeAll(topic_).size(), 5u);
  server->Shutdown();
}

// A dry run validates and counts repeats as a real one does and writes nothing: neither a gRPC Publish with
// dry_run nor a dry-run feed (which is given no sink at all) puts a record on the topic.
TEST_F(IngestIntegrationTest, DryRunsValidateAndWriteNothing) {
  auto sink = KafkaSink::Create(kafka_, {});
  ASSERT_TRUE(sink.ok());
  Publisher publisher(sink->get(), &aliases_, &counters_);
  v1::PublishRequest request;
  request.set_dry_run(true);
  *request.add_events() = testing::Departure("d-1", "sora", Day(2026, 2, 10), "p-ada");
  *request.add_events() = testing::Departure("d-2", "sora", Day(2026, 2, 10), "p-ada");  // same story
  v1::Event bad = testing::Hire("d-3", "chatgpt", Day(2026, 2, 10), "p-bo");
  bad.mutable_person()->set_seniority(static_cast<v1::Seniority>(99));
  *request.add_events() = bad;
  v1::PublishResponse response = publisher.Publish(request, "tester");
  ASSERT_EQ(response.results_size(), 3);
  EXPECT_EQ(response.results(0).status(), v1::EventResult::STATUS_VALID);
  EXPECT_EQ(response.results(0).event_id(), "d-1");
  EXPECT_EQ(response.results(0).records_size(), 0);
  EXPECT_EQ(response.results(1).status(), v1::EventResult::STATUS_VALID);
  EXPECT_EQ(response.results(2).status(), v1::EventResult::STATUS_REJECTED);
  EXPECT_EQ(response.results(2).field(), "person.seniority");
  EXPECT_EQ(response.valid(), 2);
  EXPECT_EQ(response.repeats(), 1);
  EXPECT_EQ(response.accepted(), 0);

  Publisher no_sink(nullptr, &aliases_, &counters_);
  FeedOptions options;
  options.path = kSampleFeed;
  options.dry_run = true;
  std::atomic<bool> stop{false};
  auto summary = RunFeed(no_sink, options, stop);
  ASSERT_TRUE(summary.ok()) << summary.status();
  // The sample's counts (examples/feeds/EXPECTED.md), as valid instead of accepted.
  EXPECT_EQ(summary->valid, kSampleAcceptedLines);
  EXPECT_EQ(summary->accepted, 0);
  EXPECT_EQ(summary->repeats, kSampleRepeats);
  EXPECT_EQ(summary->ToString(),
            "dry run, nothing written: valid 73, rejected 0, 4 lines repeat a story of this run (would be published "
            "for their evidence)");
  EXPECT_EQ(summary->ExitCode(), 0);

  // /metrics counts what was offered to the log: nothing of a dry run.
  EXPECT_EQ(counters_.rejected.load(), 0);
  EXPECT_EQ(counters_.repeats.load(), 0);

  // One real event after both dry runs: it is the topic's only record.
  v1::PublishRequest real;
  *real.add_events() = testing::Hire("d-4", "chatgpt", Day(2026, 2, 13), "p-cy");
  ASSERT_EQ(publisher.Publish(real, "tester").accepted(), 1);
  std::vector<testing::ConsumedRecord> records = testing::ConsumeAll(topic_);
  ASSERT_EQ(records.size(), 1u);
  v1::Event e;
  ASSERT_TRUE(e.ParseFromString(records[0].value));
  EXPECT_EQ(e.event_id(), "d-4");
}

// A deadline that has passed returns before the acknowledgements; they arrive afterwards and run
// against the session's state, which must still be alive (the sanitizer build checks it).
TEST_F(IngestIntegrationTest, PublishPastItsDeadlineTakesLateReports) {
  auto sink = KafkaSink::Create(kafka_, {});
  ASSERT_TRUE(sink.ok()) << sink.status();
  Publisher publisher(sink->get(), &aliases_, &counters_);
  v1::PublishRequest request;
  for (int i = 0; i < 200; ++i) {
    *request.add_events() = testing::Hire("evt-late-" + std::to_string(i), "chatgpt", Day(2026, 2, 13),
                                          "p-late-" + std::to_string(i));
  }
  const v1::PublishResponse response = publisher.Publish(request, "test", absl::Now());
  ASSERT_EQ(response.results_size(), 200);
  int64_t late = 0;
  for (const v1::EventResult& r : response.results()) {
    if (r.status() == v1::EventResult::STATUS_NOT_DELIVERED) {
      EXPECT_THAT(r.reason(), ::testing::HasSubstr("not acknowledged before the caller's deadline")) << r.reason();
      EXPECT_EQ(r.records_size(), 0);
      ++late;
    } else {
      EXPECT_EQ(r.status(), v1::EventResult::STATUS_ACCEPTED);
      EXPECT_EQ(r.records_size(), 1);
    }
  }
  EXPECT_GT(late, 0);
  EXPECT_EQ(response.not_delivered(), late);
  EXPECT_EQ(response.accepted(), 200 - late);
  EXPECT_TRUE((*sink)->Flush(absl::Seconds(30)).ok());
  EXPECT_EQ((*sink)->in_flight(), 0);
}

// Every line is reported not delivered because the producer gave each record up at its delivery
// timeout, not because the feed stopped waiting: the feed is told to wait far longer (60 s + its 5 s
// margin) than the sink's 3 s delivery timeout, so it returns within the 45 s this test waits only
// if every record was reported.
TEST_F(IngestIntegrationTest, UnreachableBrokerFailsWithinDeliveryTimeout) {
  KafkaOptions dead = kafka_;
  dead.brokers = "127.0.0.1:1";  // nothing listens there
  SinkOptions sink_options;
  sink_options.delivery_timeout = absl::Seconds(3);
  auto sink = KafkaSink::Create(dead, sink_options);  // waits up to 2 s for metadata, then goes on
  ASSERT_TRUE(sink.ok()) << sink.status();
  Publisher publisher(sink->get(), &aliases_, &counters_);
  FeedOptions options;
  options.path = kSampleFeed;
  options.delivery_timeout = absl::Seconds(60);
  std::atomic<bool> stop{false};
  auto run = std::async(std::launch::async, [&] { return RunFeed(publisher, options, stop); });
  ASSERT_EQ(run.wait_for(std::chrono::seconds(45)), std::future_status::ready)
      << "the feed still waits for acknowledgements the sink should have given up on";
  auto summary = run.get();
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->accepted, 0);
  EXPECT_EQ(summary->not_delivered, kSampleAcceptedLines);
  EXPECT_EQ(summary->first_not_delivered_line, 1);
  EXPECT_EQ(summary->ExitCode(), 1);
}

TEST_F(IngestIntegrationTest, TopicCreatedAMomentAgoIsWaitedFor) {
  // The broker's metadata lists a new topic about 0.1 s after CreateTopics returns; until then it
  // answers "unknown topic". The sink asks again instead of failing.
  KafkaOptions fresh = kafka_;
  fresh.topic = testing::UniqueTopic("it-ingest-fresh");
  ASSERT_TRUE(testing::CreateTopic(fresh.topic, 12, /*with_dlq=*/false, /*await_metadata=*/false).ok());
  auto sink = KafkaSink::Create(fresh, {});
  ASSERT_TRUE(sink.ok()) << sink.status();
  Publisher publisher(sink->get(), &aliases_, &counters_);
  v1::PublishRequest request;
  *request.add_events() = testing::Hire("evt-fresh", "chatgpt", Day(2026, 2, 13), "p-fresh");
  const v1::PublishResponse response = publisher.Publish(request, "test");
  ASSERT_EQ(response.results_size(), 1);
  EXPECT_EQ(response.results(0).status(), v1::EventResult::STATUS_ACCEPTED) << response.results(0).reason();
  ASSERT_EQ(response.results(0).records_size(), 1);
  EXPECT_EQ(response.results(0).records(0).offset(), 0);
}

TEST_F(IngestIntegrationTest, MissingTopicFailsCreateWithNotFound) {
  KafkaOptions missing = kafka_;
  missing.topic = testing::UniqueTopic("it-ingest-missing");  // never created (the broker does not auto-create)
  auto sink = KafkaSink::Create(missing, {});
  ASSERT_FALSE(sink.ok());
  EXPECT_EQ(sink.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(sink.status().message()), ::testing::HasSubstr("topic " + missing.topic));
}

}  // namespace
}  // namespace talentflow::ingest
