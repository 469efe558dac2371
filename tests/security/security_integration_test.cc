// Access control on ingest against the real broker: over TLS with a tokens file, a caller without
// the publisher role writes nothing (the topic's end offsets stay 0), and a publisher's events
// carry its principal in recordedBy when read back from Kafka.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "common/rpc/auth.h"
#include "common/rpc/server_security.h"
#include "ctl/commands.h"
#include "ingest/ingest_service.h"
#include "tests/common/event_builders.h"
#include "tests/common/kafka_test_util.h"
#include "tests/security/test_pki.h"

namespace talentflow {
namespace {

using ::talentflow::testing::Day;

using ::talentflow::testing::Client;

int64_t Total(const std::map<int32_t, int64_t>& end_offsets) {
  int64_t total = 0;
  for (const auto& [p, end] : end_offsets) total += end;
  return total;
}

class SecureIngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/tf-secure-ingest-" + std::to_string(getpid());
    std::filesystem::remove_all(dir_);
    auto pki = testing::MakeTestPki(dir_ + "/pki");
    ASSERT_TRUE(pki.ok()) << pki.status();
    pki_ = *pki;
    const std::string tokens = dir_ + "/tokens";
    std::ofstream(tokens) << "scraper-1 " << auth::Sha256Hex("pub-token") << " publisher\n"
                          << "dashboard " << auth::Sha256Hex("read-token") << " reader\n";

    topic_ = testing::UniqueTopic("it-security");
    ASSERT_TRUE(testing::CreateTopic(topic_, 3).ok());
    KafkaOptions kafka;
    kafka.brokers = testing::Brokers();
    kafka.topic = topic_;
    auto sink = ingest::KafkaSink::Create(kafka, {});
    ASSERT_TRUE(sink.ok()) << sink.status();
    sink_ = *std::move(sink);
    publisher_ = std::make_unique<ingest::Publisher>(sink_.get(), &aliases_, &counters_);

    ServerSecurityOptions options;
    options.tokens_path = tokens;
    options.tls_cert_path = pki_.server_cert;
    options.tls_key_path = pki_.server_key;
    auto security = MakeServerSecurity(options, "127.0.0.1:0");
    ASSERT_TRUE(security.ok()) << security.status();
    security_ = *std::move(security);
    service_ = std::make_unique<ingest::IngestServiceImpl>(publisher_.get(), security_.gate.get());
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", security_.credentials, &port_);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
  }
  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
    std::filesystem::remove_all(dir_);
  }

  // Publish through talentflowctl's channel (TLS, the suite's CA) with `token` (none when empty).
  grpc::Status Publish(const std::string& token, const v1::PublishRequest& request, v1::PublishResponse* response) {
    auto channel = ctl::CreateClientChannel("127.0.0.1:" + std::to_string(port_),
                                            Client(pki_.ca_cert, token));
    EXPECT_TRUE(channel.ok()) << channel.status();
    auto stub = v1::IngestService::NewStub(*channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return stub->Publish(&ctx, request, response);
  }

  static v1::PublishRequest TwoEvents() {
    v1::PublishRequest request;
    *request.add_events() = testing::Departure("s-1", "sora", Day(2026, 2, 10), "p-ada");
    *request.add_events() = testing::Hire("s-2", "chatgpt", Day(2026, 2, 11), "p-bo");
    return request;
  }

  std::string dir_;
  testing::TestPki pki_;
  std::string topic_;
  ingest::Aliases aliases_;
  ingest::IngestCounters counters_;
  std::unique_ptr<ingest::KafkaSink> sink_;
  std::unique_ptr<ingest::Publisher> publisher_;
  ServerSecurity security_;
  std::unique_ptr<ingest::IngestServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

TEST_F(SecureIngestTest, OnlyAPublisherWritesAndItsPrincipalIsRecorded) {
  v1::PublishResponse response;
  grpc::Status none = Publish("", TwoEvents(), &response);
  EXPECT_EQ(none.error_code(), grpc::StatusCode::UNAUTHENTICATED) << none.error_message();
  grpc::Status unknown = Publish("pub-token-guess", TwoEvents(), &response);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::UNAUTHENTICATED) << unknown.error_message();
  grpc::Status reader = Publish("read-token", TwoEvents(), &response);
  EXPECT_EQ(reader.error_code(), grpc::StatusCode::PERMISSION_DENIED) << reader.error_message();
  EXPECT_EQ(reader.error_message(), "principal \"dashboard\" lacks role \"publisher\"");

  // The stream form is gated the same way.
  {
    auto channel = ctl::CreateClientChannel("127.0.0.1:" + std::to_string(port_),
                                            Client(pki_.ca_cert, "read-token"))
                       .value();
    auto stub = v1::IngestService::NewStub(channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    auto stream = stub->PublishStream(&ctx);
    stream->Write(TwoEvents());  // may fail once the server has answered; the status says why
    stream->WritesDone();
    v1::PublishResponse r;
    EXPECT_FALSE(stream->Read(&r));
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED);
  }
  // Nothing of the refused calls reached the log, and nothing was even produced.
  EXPECT_EQ(Total(testing::EndOffsets(topic_)), 0);
  EXPECT_EQ(counters_.records_written.load(), 0);
  EXPECT_EQ(counters_.accepted.load() + counters_.rejected.load() + counters_.not_delivered.load(), 0);

  grpc::Status ok = Publish("pub-token", TwoEvents(), &response);
  ASSERT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_EQ(response.accepted(), 2);
  EXPECT_EQ(Total(testing::EndOffsets(topic_)), 2);
  std::vector<testing::ConsumedRecord> records = testing::ConsumeAll(topic_);
  ASSERT_EQ(records.size(), 2u);
  std::vector<std::string> ids;
  for (const auto& r : records) {
    v1::Event e;
    ASSERT_TRUE(e.ParseFromString(r.value));
    EXPECT_EQ(e.recorded_by(), "scraper-1") << e.event_id();
    ids.push_back(e.event_id());
  }
  EXPECT_THAT(ids, ::testing::UnorderedElementsAre("s-1", "s-2"));
}

}  // namespace
}  // namespace talentflow
