// The real services in-process behind MakeServerSecurity, with a PKI made by the test: TLS and
// mTLS end to end through talentflowctl's channel, plaintext to a TLS port, tokens and roles on
// the query service, the in-flight limit and client deadlines on ingest. No broker and no views:
// a call that passed transport and gate is recognised by the query handler's own answer (a bad
// slug's INVALID_ARGUMENT); ingest writes to an address where no broker listens.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <thread>

#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <gtest/gtest.h>

#include "common/rpc/auth.h"
#include "common/rpc/server_security.h"
#include "ctl/commands.h"
#include "ingest/ingest_service.h"
#include "query/query_service.h"
#include "tests/common/event_builders.h"
#include "tests/common/wait.h"
#include "tests/security/test_pki.h"

namespace talentflow {
namespace {

using ::talentflow::testing::Day;

using ::talentflow::testing::Client;

// What GetTeamHealth answers for org "Bad Org": only the handler says this.
constexpr char kHandlerAnswer[] = "org: \"Bad Org\" is neither a slug ([a-z0-9][a-z0-9-]{0,62}) nor a known alias";

// True when `s` is the query handler's answer to Probe(), i.e. the call got through.
::testing::AssertionResult Served(const grpc::Status& s) {
  if (s.error_code() == grpc::StatusCode::INVALID_ARGUMENT && s.error_message() == kHandlerAnswer) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "code " << s.error_code() << ": " << s.error_message();
}

query::ViewSourceOptions ReadOnlyViews(const std::string& path) {
  query::ViewSourceOptions o;
  o.db_path = path;
  o.read_only = true;
  return o;
}

auth::CallGateOptions GateOptions(std::shared_ptr<const auth::TokenStore> tokens, int max_in_flight) {
  auth::CallGateOptions o;
  o.tokens = std::move(tokens);
  o.max_in_flight = max_in_flight;
  return o;
}

std::string TempDir(const std::string& name) {
  return ::testing::TempDir() + "/tf-security-" + std::to_string(getpid()) + "-" + name;
}

// The tokens file of these tests.
std::string WriteTokens(const std::string& dir) {
  const std::string path = dir + "/tokens";
  std::ofstream(path) << "# test principals\n"
                      << "scraper-1 " << auth::Sha256Hex("pub-token") << " publisher\n"
                      << "dashboard " << auth::Sha256Hex("read-token") << " reader\n"
                      << "ops " << auth::Sha256Hex("admin-token") << " admin\n";
  return path;
}

// Waits for `condition`, polling every 5 ms, for at most 30 s (tests/common/wait.h).
bool WaitFor(const std::function<bool()>& condition) {
  return testing::WaitFor(condition, std::chrono::seconds(30), std::chrono::milliseconds(5));
}

grpc::ClientContext* WithDeadline(grpc::ClientContext* ctx, std::chrono::milliseconds ms) {
  ctx->set_deadline(std::chrono::system_clock::now() + ms);
  return ctx;
}

class SecurityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(TempDir("suite"));
    std::filesystem::remove_all(*dir_);
    auto pki = testing::MakeTestPki(*dir_ + "/pki");
    ASSERT_TRUE(pki.ok()) << pki.status();
    pki_ = new testing::TestPki(*pki);
    tokens_ = new std::string(WriteTokens(*dir_));
    db_ = new std::string(*dir_ + "/views");  // never created: the probes need no views
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(*dir_); }

  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
    server_.reset();
    if (source_) source_->Stop();
  }

  // Starts the QueryService on 127.0.0.1 with `options` (the files of the suite's PKI).
  void StartQuery(ServerSecurityOptions options) {
    auto security = MakeServerSecurity(options, "127.0.0.1:0");
    ASSERT_TRUE(security.ok()) << security.status();
    security_ = std::make_unique<ServerSecurity>(*std::move(security));
    source_ = std::make_unique<query::ViewSource>(ReadOnlyViews(*db_));
    source_->Start();
    query_ = std::make_unique<query::QueryServiceImpl>(source_.get(), query::LogEndsFn(), security_->gate.get());
    grpc::EnableDefaultHealthCheckService(true);  // as the binaries do
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", security_->credentials, &port_);
    builder.RegisterService(query_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_NE(port_, 0);
  }

  std::string Address() const { return "127.0.0.1:" + std::to_string(port_); }

  // GetTeamHealth of org "Bad Org" through talentflowctl's channel with `client` security, 5 s
  // deadline. Served(result) when it reached the handler.
  grpc::Status Probe(const ctl::ClientSecurityOptions& client) {
    auto channel = ctl::CreateClientChannel(Address(), client);
    EXPECT_TRUE(channel.ok()) << channel.status();
    if (!channel.ok()) return grpc::Status(grpc::StatusCode::INTERNAL, "no channel");
    auto stub = v1::QueryService::NewStub(*channel);
    grpc::ClientContext ctx;
    v1::GetTeamHealthRequest req;
    req.set_org("Bad Org");
    req.set_team("sora");
    v1::GetTeamHealthResponse resp;
    return stub->GetTeamHealth(WithDeadline(&ctx, std::chrono::seconds(5)), req, &resp);
  }

  ServerSecurityOptions Tls() const {
    ServerSecurityOptions o;
    o.tokens_path = *tokens_;
    o.tls_cert_path = pki_->server_cert;
    o.tls_key_path = pki_->server_key;
    return o;
  }

  static std::string* dir_;
  static testing::TestPki* pki_;
  static std::string* tokens_;
  static std::string* db_;
  std::unique_ptr<ServerSecurity> security_;
  std::unique_ptr<query::ViewSource> source_;
  std::unique_ptr<query::QueryServiceImpl> query_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

std::string* SecurityTest::dir_ = nullptr;
testing::TestPki* SecurityTest::pki_ = nullptr;
std::string* SecurityTest::tokens_ = nullptr;
std::string* SecurityTest::db_ = nullptr;

TEST_F(SecurityTest, TlsEndToEndWithAReaderToken) {
  StartQuery(Tls());
  EXPECT_TRUE(Served(Probe(Client(pki_->ca_cert, "read-token"))));
  // admin implies reader
  EXPECT_TRUE(Served(Probe(Client(pki_->ca_cert, "admin-token"))));
  // Through the same TLS channel, a read of the (absent) views is answered by the view source.
  auto channel = ctl::CreateClientChannel(Address(), Client(pki_->ca_cert, "read-token")).value();
  grpc::ClientContext ctx;
  v1::Watermark wm;
  grpc::Status s = v1::QueryService::NewStub(channel)->GetWatermark(WithDeadline(&ctx, std::chrono::seconds(5)),
                                                                     v1::GetWatermarkRequest(), &wm);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(s.error_message(), ::testing::StartsWith("views not ready"));
}

TEST_F(SecurityTest, PlaintextClientToATlsPortFailsCleanly) {
  StartQuery(Tls());
  grpc::Status s = Probe(Client("", "read-token"));  // no --tls-ca: plaintext
  // UNAVAILABLE, not DEADLINE_EXCEEDED: it fails on the handshake, not by running into the deadline.
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
}

TEST_F(SecurityTest, TlsClientRefusesAServerItsCaDidNotSign) {
  StartQuery(Tls());
  grpc::Status s = Probe(Client(pki_->other_ca_cert, "read-token"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
}

TEST_F(SecurityTest, MutualTlsRefusesAClientWithoutACertificate) {
  ServerSecurityOptions o = Tls();
  o.tls_client_ca_path = pki_->ca_cert;
  StartQuery(o);
  grpc::Status s = Probe(Client(pki_->ca_cert, "read-token"));
  // UNAVAILABLE, not DEADLINE_EXCEEDED: refused in the handshake.
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  // A certificate the server's CA did not sign is refused too.
  auto other = testing::MakeTestPki(TempDir("other-pki"));
  ASSERT_TRUE(other.ok()) << other.status();
  s = Probe(Client(pki_->ca_cert, "read-token", other->client_cert, other->client_key));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  std::filesystem::remove_all(other->dir);

  EXPECT_TRUE(Served(Probe(Client(pki_->ca_cert, "read-token", pki_->client_cert, pki_->client_key))));
}

TEST_F(SecurityTest, QueryNeedsAReaderToken) {
  StartQuery(Tls());
  const std::string ca = pki_->ca_cert;
  grpc::Status none = Probe(Client(ca, ""));
  EXPECT_EQ(none.error_code(), grpc::StatusCode::UNAUTHENTICATED) << none.error_message();
  grpc::Status unknown = Probe(Client(ca, "guessed"));
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::UNAUTHENTICATED) << unknown.error_message();
  grpc::Status publisher = Probe(Client(ca, "pub-token"));
  EXPECT_EQ(publisher.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(publisher.error_message(), "principal \"scraper-1\" lacks role \"reader\"");
  // The gate counts what it refused (talentflow_rpc_refused_calls_total, deploy/monitoring/).
  EXPECT_EQ(security_->gate->refused(absl::StatusCode::kUnauthenticated), 2u);
  EXPECT_EQ(security_->gate->refused(absl::StatusCode::kPermissionDenied), 1u);
  EXPECT_EQ(security_->gate->refused(absl::StatusCode::kResourceExhausted), 0u);

  // Every read RPC goes through the gate, streams included.
  auto channel = ctl::CreateClientChannel(Address(), Client(ca, "pub-token")).value();
  auto stub = v1::QueryService::NewStub(channel);
  {
    grpc::ClientContext ctx;
    v1::GetTeamHealthRequest req;
    req.set_org("openai");
    req.set_team("sora");
    v1::GetTeamHealthResponse resp;
    EXPECT_EQ(stub->GetTeamHealth(WithDeadline(&ctx, std::chrono::seconds(5)), req, &resp).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    grpc::ClientContext ctx;
    v1::ListEventsRequest req;
    req.set_org("openai");
    req.set_team("sora");
    v1::ListEventsResponse resp;
    EXPECT_EQ(stub->ListEvents(WithDeadline(&ctx, std::chrono::seconds(5)), req, &resp).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    grpc::ClientContext ctx;
    v1::WatchTeamHealthRequest req;
    req.set_org("openai");
    auto reader = stub->WatchTeamHealth(WithDeadline(&ctx, std::chrono::seconds(5)), req);
    v1::TeamHealthUpdate update;
    EXPECT_FALSE(reader->Read(&update));
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED);
  }
}

TEST_F(SecurityTest, HealthStaysOpenWithoutAToken) {
  StartQuery(Tls());
  auto channel = ctl::CreateClientChannel(Address(), Client(pki_->ca_cert, "")).value();
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  WithDeadline(&ctx, std::chrono::seconds(5));
  grpc::Slice empty;  // HealthCheckRequest{service: ""} serializes to no bytes
  grpc::ByteBuffer request(&empty, 1);
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                 [&](grpc::Status s) { done.set_value(s); });
  grpc::Status s = done.get_future().get();
  ASSERT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(response.Dump(&slices).ok());
  std::string bytes;
  for (const auto& slice : slices) bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  EXPECT_EQ(bytes, std::string("\x08\x01"));  // HealthCheckResponse{status: SERVING}
}

TEST_F(SecurityTest, QueryAnswersResourceExhaustedOverTheLimit) {
  ServerSecurityOptions o = Tls();
  o.max_in_flight = 1;
  StartQuery(o);
  auto channel = ctl::CreateClientChannel(Address(), Client(pki_->ca_cert, "read-token")).value();
  auto stub = v1::QueryService::NewStub(channel);
  // A watch holds the one slot for as long as it is open.
  grpc::ClientContext watch_ctx;
  v1::WatchTeamHealthRequest req;
  req.set_org("openai");
  auto watch = stub->WatchTeamHealth(&watch_ctx, req);
  // The watch is admitted once the server has run its handler; wait for that, not for a time.
  ASSERT_TRUE(WaitFor([&] { return security_->gate->in_flight() == 1; }));

  grpc::Status s = Probe(Client(pki_->ca_cert, "read-token"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  EXPECT_EQ(security_->gate->refused(absl::StatusCode::kResourceExhausted), 1u);

  watch_ctx.TryCancel();
  EXPECT_EQ(watch->Finish().error_code(), grpc::StatusCode::CANCELLED);
  // The handler notices the cancellation at its next wake-up and gives the slot back.
  EXPECT_TRUE(WaitFor([&] { return security_->gate->in_flight() == 0; }));
  EXPECT_TRUE(Served(Probe(Client(pki_->ca_cert, "read-token"))));
}

TEST(CreateClientChannel, RefusesUnusableTlsFiles) {
  EXPECT_EQ(ctl::CreateClientChannel("127.0.0.1:1", Client("/nonexistent/ca.crt", "")).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(ctl::CreateClientChannel("127.0.0.1:1", Client("", "", "/some/client.crt", "")).status().code(),
            absl::StatusCode::kInvalidArgument);
  const std::string not_pem = TempDir("not-pem");
  std::ofstream(not_pem) << "hello";
  auto s = ctl::CreateClientChannel("127.0.0.1:1", Client(not_pem, ""));
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.status().message()), ::testing::HasSubstr("not a PEM file"));
  std::filesystem::remove(not_pem);
}

// Ingest against an address where no broker listens: a Publish never gets its acks, so it stays
// in flight until the delivery timeout.
class IngestLimitsTest : public ::testing::Test {
 protected:
  // Starts the service over a sink that gives a record up after `delivery_timeout`.
  void Start(absl::Duration delivery_timeout) {
    KafkaOptions dead;
    dead.brokers = "127.0.0.1:1";
    dead.topic = "tf-security-unused";
    ingest::SinkOptions sink_options;
    sink_options.delivery_timeout = delivery_timeout;
    auto sink = ingest::KafkaSink::Create(dead, sink_options);
    ASSERT_TRUE(sink.ok()) << sink.status();
    sink_ = *std::move(sink);
    publisher_ = std::make_unique<ingest::Publisher>(sink_.get(), &aliases_, &counters_);
    gate_ = std::make_unique<auth::CallGate>(GateOptions(nullptr, 1));
    service_ = std::make_unique<ingest::IngestServiceImpl>(publisher_.get(), gate_.get());
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port_), grpc::InsecureChannelCredentials());
    stub_ = v1::IngestService::NewStub(channel_);
  }
  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  }

  static v1::PublishRequest OneEvent(const std::string& id) {
    v1::PublishRequest request;
    *request.add_events() = testing::Departure(id, "sora", Day(2026, 2, 10), "p-" + id);
    return request;
  }

  ingest::Aliases aliases_;
  ingest::IngestCounters counters_;
  std::unique_ptr<ingest::KafkaSink> sink_;
  std::unique_ptr<ingest::Publisher> publisher_;
  std::unique_ptr<auth::CallGate> gate_;
  std::unique_ptr<ingest::IngestServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::IngestService::Stub> stub_;
  int port_ = 0;
};

// Which of the client's deadline (1 s) and the delivery timeout (10 s, so the call cannot end
// there by accident on a slow machine) ended the call is told by order, not by a clock.
TEST_F(IngestLimitsTest, AClientDeadlineEndsTheCallWithoutAFalseAccepted) {
  ASSERT_NO_FATAL_FAILURE(Start(absl::Seconds(10)));
  // Connected first, so the deadline is spent in the handler rather than on the connection.
  ASSERT_TRUE(channel_->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(30)));
  grpc::ClientContext ctx;
  v1::PublishResponse response;
  grpc::Status s = stub_->Publish(WithDeadline(&ctx, std::chrono::seconds(1)), OneEvent("d-1"), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(response.accepted(), 0);
  // The server stops waiting at the deadline too, not when the delivery timeout ends the record:
  // once the call has given its slot back, its record is still in the producer, unreported.
  ASSERT_TRUE(WaitFor([&] { return gate_->in_flight() == 0; }));
  EXPECT_EQ(sink_->in_flight(), 1);
}

TEST_F(IngestLimitsTest, OverloadAnswersResourceExhaustedAndTheBlockedCallIsNotDelivered) {
  ASSERT_NO_FATAL_FAILURE(Start(absl::Seconds(3)));
  // Call A takes the one slot and waits for acks that never come (until the 3 s delivery timeout).
  auto a = std::async(std::launch::async, [&] {
    grpc::ClientContext ctx;
    v1::PublishResponse response;
    grpc::Status s = stub_->Publish(WithDeadline(&ctx, std::chrono::seconds(20)), OneEvent("a-1"), &response);
    return std::make_pair(s, response);
  });
  // A is admitted once its record is in the producer; wait for that condition.
  ASSERT_TRUE(WaitFor([&] { return sink_->in_flight() == 1; }));
  ASSERT_EQ(gate_->in_flight(), 1);

  grpc::ClientContext ctx;
  v1::PublishResponse response;
  grpc::Status b = stub_->Publish(WithDeadline(&ctx, std::chrono::seconds(5)), OneEvent("b-1"), &response);
  EXPECT_EQ(b.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << b.error_message();

  auto [status_a, response_a] = a.get();
  ASSERT_TRUE(status_a.ok()) << status_a.error_message();
  ASSERT_EQ(response_a.results_size(), 1);
  EXPECT_EQ(response_a.results(0).status(), v1::EventResult::STATUS_NOT_DELIVERED);
  EXPECT_EQ(response_a.accepted(), 0);
  EXPECT_EQ(response_a.not_delivered(), 1);
  EXPECT_EQ(gate_->in_flight(), 0);
}

}  // namespace
}  // namespace talentflow
