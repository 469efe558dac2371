// The query integration tests' server: an in-process gRPC server running QueryServiceImpl over a
// ViewSource (no router, no access control), and a stub to it.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "query/query_service.h"
#include "query/view_source.h"
#include "tests/common/pipeline.h"

namespace talentflow::query {

struct Served {
  // `source` must outlive the server.
  explicit Served(ViewSource* source) : service(source, {}) {
    grpc::ServerBuilder b;
    b.RegisterService(&service);
    server = b.BuildAndStart();
    stub = v1::QueryService::NewStub(server->InProcessChannel(grpc::ChannelArguments()));
  }
  ~Served() { server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5)); }
  QueryServiceImpl service;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<v1::QueryService::Stub> stub;
};

// Calls the unary `method` of `stub` (e.g. &v1::QueryService::Stub::GetPerson) with `req`, expecting OK (a
// failure names the status); the answer.
template <typename Req, typename Resp>
Resp CallOk(v1::QueryService::Stub& stub,
            grpc::Status (v1::QueryService::Stub::*method)(grpc::ClientContext*, const Req&, Resp*), const Req& req) {
  Resp resp;
  grpc::ClientContext c;
  const grpc::Status status = (stub.*method)(&c, req, &resp);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return resp;
}

// The sample feed's views: examples/feeds/openai-2026.jsonl (names resolved by deploy/aliases.json) published
// to a new 12-partition topic on the test broker, then `extra`, replayed into a new DB under TempDir and opened
// read-only by `source`. Call Start from a suite's SetUpTestSuite (it asserts); destruction removes the DB.
struct SampleViews {
  void Start(const std::string& source_dir, const std::string& name, const std::vector<v1::Event>& extra = {}) {
    const std::string topic = testing::UniqueTopic("it-" + name);
    ASSERT_TRUE(testing::CreateTopic(topic, 12).ok());
    testing::PublishFeed(topic, source_dir + "/examples/feeds/openai-2026.jsonl", source_dir + "/deploy/aliases.json");
    if (!extra.empty()) {
      ASSERT_EQ(testing::PublishEvents(topic, extra), static_cast<int64_t>(extra.size()));
    }
    db = ::testing::TempDir() + "/" + testing::UniqueTopic(name);
    std::filesystem::remove_all(db);
    ASSERT_NE(testing::Replay(topic, db), nullptr);
    source = std::make_unique<ViewSource>(ViewSourceOptions{.db_path = db, .read_only = true});
    source->Start();
    source->WaitForChange(0, absl::Now() + absl::Seconds(10));  // the first watermark: the views are open
    ASSERT_TRUE(source->Acquire().ok());
  }
  ~SampleViews() {
    source.reset();
    if (!db.empty()) std::filesystem::remove_all(db);
  }
  std::string db;
  std::unique_ptr<ViewSource> source;
};

}  // namespace talentflow::query
