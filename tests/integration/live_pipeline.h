// The live pipeline integration tests run against the real broker: a fresh 12-partition topic, a
// projector (group mode, in a thread) folding it into a new DB, and ingest's Publisher writing to the
// topic; LiveStack also serves it as the services do (the query service on a secondary instance of
// that DB and ingest's IngestService, on one in-process server).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "common/base/status.h"
#include "ingest/ingest_service.h"
#include "projector/consumer.h"
#include "query/query_service.h"
#include "tests/common/pipeline.h"

namespace talentflow::testing {

class LivePipeline {
 public:
  LivePipeline() = default;
  LivePipeline(const LivePipeline&) = delete;
  LivePipeline& operator=(const LivePipeline&) = delete;
  // Stops the projector. Whatever reads `db` (a ViewSource) must be gone or stopped first.
  ~LivePipeline() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

  // Creates the topic (named after `name`) and the DB, and starts the projector and the publisher.
  absl::Status Start(const std::string& name) {
    topic = UniqueTopic(name);
    RETURN_IF_ERROR(CreateTopic(topic, 12));
    db = FreshTempPath(name + "-db");
    views::ViewStoreOptions so;
    so.path = db;
    ASSIGN_OR_RETURN(store_, views::ViewStore::Open(so));
    projector::ProjectorOptions po;
    po.kafka = KafkaFor(topic);
    po.group = topic + "-group";
    ASSIGN_OR_RETURN(projector_, projector::Projector::Create(po, store_.get()));
    thread_ = std::thread([this] { ASSERT_TRUE(projector_->Run(stop_).ok()); });
    ASSIGN_OR_RETURN(sink_, ingest::KafkaSink::Create(KafkaFor(topic), {}));
    publisher = std::make_unique<ingest::Publisher>(sink_.get(), &aliases, &counters);
    return absl::OkStatus();
  }

  // Publishes one event through the Publisher; its result (status, partition and offset).
  v1::EventResult Publish(const v1::Event& e) {
    v1::PublishRequest req;
    *req.add_events() = e;
    return publisher->Publish(req, "test").results(0);
  }

  std::string topic, db;
  ingest::Aliases aliases;
  ingest::IngestCounters counters;
  std::unique_ptr<ingest::Publisher> publisher;

 private:
  std::unique_ptr<views::ViewStore> store_;
  std::unique_ptr<projector::Projector> projector_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::unique_ptr<ingest::KafkaSink> sink_;
};

class LiveStack {
 public:
  LiveStack() = default;
  LiveStack(const LiveStack&) = delete;
  LiveStack& operator=(const LiveStack&) = delete;
  // The server stops first, then the query side's reader, then the projector.
  ~LiveStack() {
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  }

  absl::Status Start(const std::string& name) {
    RETURN_IF_ERROR(pipeline.Start(name));
    ingest_service_ = std::make_unique<ingest::IngestServiceImpl>(pipeline.publisher.get());
    source_ = std::make_unique<query::ViewSource>(query::ViewSourceOptions{.db_path = pipeline.db});
    source_->Start();
    query_service_ = std::make_unique<query::QueryServiceImpl>(source_.get(), query::LogEndsFn());
    grpc::ServerBuilder b;
    b.RegisterService(query_service_.get());
    b.RegisterService(ingest_service_.get());
    server_ = b.BuildAndStart();
    query = v1::QueryService::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
    ingest = v1::IngestService::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
    return absl::OkStatus();
  }

  // The query service's reader of the pipeline's DB.
  query::ViewSource& source() { return *source_; }

  LivePipeline pipeline;
  std::unique_ptr<v1::QueryService::Stub> query;
  std::unique_ptr<v1::IngestService::Stub> ingest;

 private:
  std::unique_ptr<ingest::IngestServiceImpl> ingest_service_;
  std::unique_ptr<query::ViewSource> source_;
  std::unique_ptr<query::QueryServiceImpl> query_service_;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace talentflow::testing
