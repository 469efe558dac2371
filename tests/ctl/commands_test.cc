// The subcommands against fake services served in-process: paging, read-your-writes, error
// conversion, exit codes, watch cancellation and publish batching.
#include "ctl/commands.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/numbers.h"
#include "absl/time/time.h"
#include "common/base/time_util.h"
#include "ctl/tables.h"
#include "ingest/ingest_service.h"
#include "ctl/audit.h"
#include "ctl/explain.h"

namespace talentflow::ctl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

v1::TeamHealth Team(const std::string& name, int score) {
  v1::TeamHealth h;
  h.set_org("openai");
  h.set_team(name);
  h.set_as_of("2026-02-10");
  h.set_active(true);
  h.set_score(score);
  h.set_status(v1::HEALTH_STATUS_WATCH);
  return h;
}

// A QueryService with five teams of "openai", two per ListTeams page, and a watermark that moves by
// one record per GetWatermark call.
class FakeQueryService final : public v1::QueryService::Service {
 public:
  grpc::Status ListTeams(grpc::ServerContext*, const v1::ListTeamsRequest* req, v1::ListTeamsResponse* resp) override {
    std::lock_guard<std::mutex> lock(mu_);
    list_requests_.push_back(*req);
    if (req->org() != "openai") return grpc::Status(grpc::StatusCode::NOT_FOUND, "org " + req->org() + " not found");
    int start = 0;
    if (!req->page_token().empty() && !absl::SimpleAtoi(req->page_token(), &start)) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "page_token");
    }
    for (int i = start; i < 5 && i < start + 2; ++i) *resp->add_teams() = Team(absl::StrCat("team-", i), 10 * i);
    if (start + 2 < 5) resp->set_next_page_token(absl::StrCat(start + 2));
    resp->mutable_watermark()->add_partitions()->set_applied_offset(100 + start);
    return grpc::Status::OK;
  }

  // openai: alignment (active) and superalignment (merged into alignment on 2026-01-15). On
  // 2026-01-01 alignment has 10 people, no departures in 90 days, score 90; on any other day 8, 2
  // and 60. Other orgs are not found.
  grpc::Status GetOrgSnapshot(grpc::ServerContext*, const v1::GetOrgSnapshotRequest* req,
                              v1::GetOrgSnapshotResponse* resp) override {
    if (req->org() != "openai") return grpc::Status(grpc::StatusCode::NOT_FOUND, "org " + req->org() + " not found");
    const bool early = req->as_of().seconds() == 1767225600;  // 2026-01-01T00:00:00Z
    resp->set_org("openai");
    resp->set_as_of(early ? "2026-01-01" : "2026-03-01");
    v1::TeamHealth alignment = Team("alignment", early ? 90 : 60);
    alignment.set_status(early ? v1::HEALTH_STATUS_HEALTHY : v1::HEALTH_STATUS_WATCH);
    alignment.set_headcount_known(true);
    alignment.set_headcount(early ? 10 : 8);
    for (int days : {30, 90, 365}) {
      v1::WindowStats* w = alignment.add_windows();
      w->set_days(days);
      w->set_departures(early ? 0 : 2);
    }
    *resp->add_teams() = alignment;
    v1::TeamHealth merged = Team("superalignment", 100);
    merged.set_active(early);
    if (!early) {
      merged.set_successor("alignment");
      merged.set_inactive_since("2026-01-15");
    }
    *resp->add_teams() = merged;
    resp->mutable_totals()->set_teams(early ? 2 : 1);
    resp->mutable_totals()->set_inactive_teams(early ? 0 : 1);
    return grpc::Status::OK;
  }

  grpc::Status GetWatermark(grpc::ServerContext*, const v1::GetWatermarkRequest*, v1::Watermark* resp) override {
    std::lock_guard<std::mutex> lock(mu_);
    v1::PartitionWatermark* p = resp->add_partitions();
    p->set_partition(0);
    p->set_applied_offset(applied_++);
    p->set_end_offset(10);
    p->set_lag(std::max<int64_t>(0, 10 - p->applied_offset()));
    return grpc::Status::OK;
  }

  grpc::Status WatchTeamHealth(grpc::ServerContext* ctx, const v1::WatchTeamHealthRequest* req,
                               grpc::ServerWriter<v1::TeamHealthUpdate>* writer) override {
    for (const auto& t : req->teams()) {
      v1::TeamHealthUpdate u;
      *u.mutable_health() = Team(t, 50);
      writer->Write(u);
    }
    while (!ctx->IsCancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return grpc::Status::OK;
  }

  std::vector<v1::ListTeamsRequest> list_requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return list_requests_;
  }

 private:
  std::mutex mu_;
  std::vector<v1::ListTeamsRequest> list_requests_;
  int64_t applied_ = 0;
};

// Accepts every event of org "openai" (one record each, on partition = index % 2, offset 100 +
// index), or in a dry run answers it VALID; rejects the others on field "org".
class FakeIngestService final : public v1::IngestService::Service {
 public:
  grpc::Status Publish(grpc::ServerContext*, const v1::PublishRequest* req, v1::PublishResponse* resp) override {
    batch_sizes.push_back(req->events_size());
    dry_runs.push_back(req->dry_run());
    for (int i = 0; i < req->events_size(); ++i) {
      v1::EventResult* r = resp->add_results();
      // As ingest does: the line's key, else one derived (here: unique per event).
      r->set_idempotency_key(req->events(i).idempotency_key().empty() ? absl::StrCat("derived-", keyed_++)
                                                                       : req->events(i).idempotency_key());
      if (req->events(i).org() != "openai") {
        r->set_status(v1::EventResult::STATUS_REJECTED);
        r->set_field("org");
        r->set_reason(req->events(i).org() == "acme" ? "org: unknown org" : "unknown org");
        continue;
      }
      if (req->dry_run()) {
        r->set_status(v1::EventResult::STATUS_VALID);
        continue;
      }
      r->set_status(v1::EventResult::STATUS_ACCEPTED);
      v1::RecordRef* rec = r->add_records();
      rec->set_partition(published_ % 2);
      rec->set_offset(100 + published_++);
    }
    return grpc::Status::OK;
  }
  std::vector<int> batch_sizes;
  std::vector<bool> dry_runs;

 private:
  int keyed_ = 0;
  int published_ = 0;
};

class CommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.RegisterService(&query_);
    builder.RegisterService(&ingest_);
    server_ = builder.BuildAndStart();
    auto channel = server_->InProcessChannel(ClientChannelArguments());
    query_stub_ = v1::QueryService::NewStub(channel);
    ingest_stub_ = v1::IngestService::NewStub(channel);
  }
  void TearDown() override { server_->Shutdown(); }

  std::string WriteFeed(const std::string& text) {
    std::string path = ::testing::TempDir() + "/ctl_feed_" +
                       ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".jsonl";
    std::ofstream(path) << text;
    return path;
  }

  FakeQueryService query_;
  FakeIngestService ingest_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::QueryService::Stub> query_stub_;
  std::unique_ptr<v1::IngestService::Stub> ingest_stub_;
  std::ostringstream out_, err_;
};

TEST_F(CommandsTest, TeamsWalksEveryPageWithTheSameFilters) {
  TeamsOptions options;
  options.org = "openai";
  options.statuses = {v1::HEALTH_STATUS_WATCH};
  options.page_size = 2;
  ReadOptions read;
  read.min_offsets = {{0, 41}};
  EXPECT_EQ(RunTeams(options, read, *query_stub_, out_, err_), kExitOk);
  EXPECT_EQ(err_.str(), "");
  for (int i = 0; i < 5; ++i) EXPECT_THAT(out_.str(), HasSubstr(absl::StrCat("team-", i, " ")));
  const auto requests = query_.list_requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].page_token(), "");
  EXPECT_EQ(requests[1].page_token(), "2");
  EXPECT_EQ(requests[2].page_token(), "4");
  for (const auto& r : requests) {
    EXPECT_EQ(r.min_offsets().offsets().at(0), 41);
    EXPECT_THAT(r.status(), ElementsAre(v1::HEALTH_STATUS_WATCH));
  }
}

TEST_F(CommandsTest, TeamsJsonIsOneResponseHoldingEveryPage) {
  TeamsOptions options;
  options.org = "openai";
  options.page_size = 2;
  ReadOptions read;
  read.json = true;
  ASSERT_EQ(RunTeams(options, read, *query_stub_, out_, err_), kExitOk);
  v1::ListTeamsResponse parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(out_.str(), &parsed).ok()) << out_.str();
  EXPECT_EQ(parsed.teams_size(), 5);
  EXPECT_EQ(parsed.next_page_token(), "");
  EXPECT_EQ(parsed.watermark().partitions(0).applied_offset(), 104);  // the last page's
}

TEST_F(CommandsTest, AFailedCallIsOneLineOnStderrAndExitOne) {
  OrgOptions options;
  options.org = "acme";
  EXPECT_EQ(RunOrg(options, ReadOptions(), *query_stub_, out_, err_), kExitFailed);
  EXPECT_EQ(err_.str(), "error: NOT_FOUND: org acme not found\n");
  EXPECT_EQ(out_.str(), "");
}

TEST_F(CommandsTest, ReportErrorNamesTheCode) {
  std::ostringstream err;
  EXPECT_EQ(ReportError(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "too slow"), err), kExitFailed);
  EXPECT_EQ(ReportError(absl::UnavailableError("views not ready"), err), kExitFailed);
  EXPECT_EQ(err.str(), "error: DEADLINE_EXCEEDED: too slow\nerror: UNAVAILABLE: views not ready\n");
}

TEST_F(CommandsTest, UnimplementedCallsAreErrorsToo) {
  TeamOptions options;
  options.team = {"openai", "alignment"};
  EXPECT_EQ(RunTeam(options, ReadOptions(), *query_stub_, out_, err_), kExitFailed);
  EXPECT_THAT(err_.str(), HasSubstr("error: UNIMPLEMENTED: "));
}

TEST_F(CommandsTest, LagWaitsUntilTheViewsIncludeMinOffsets) {
  ReadOptions read;
  read.min_offsets = {{0, 2}};  // applied offset 3 is the first past offset 2: the fourth call
  EXPECT_EQ(RunLag(read, *query_stub_, out_, err_), kExitOk);
  EXPECT_EQ(out_.str(),
            "partition  applied  end  lag\n"
            "        0        3   10    7\n");
}

TEST_F(CommandsTest, LagGivesUpAtTheTimeoutNamingThePartitionBehind) {
  ReadOptions read;
  read.min_offsets = {{0, 1000}};
  // Long enough for the fake to answer once on a loaded machine (at 300 ms a fresh-clone run saw the
  // first call outlast it); a call the timeout cuts short still names the partition behind.
  read.timeout = absl::Seconds(1);
  EXPECT_EQ(RunLag(read, *query_stub_, out_, err_), kExitFailed);
  // The fake's applied offset moves by one per call, so how far it got is not fixed; the rest is.
  EXPECT_THAT(err_.str(), HasSubstr("error: views did not reach the requested offsets within 1s: partition 0 is at "));
  EXPECT_THAT(err_.str(), HasSubstr("needs 1000 ("));
  EXPECT_THAT(err_.str(), HasSubstr(" behind; offset 1000 was never written: the log ends at 10)\n"));
}

TEST(OffsetsNotReached, NamesEachPartitionBehindAndByHowMuch) {
  v1::Watermark wm;
  auto add = [&](int32_t p, int64_t applied, int64_t end) {
    v1::PartitionWatermark* pw = wm.add_partitions();
    pw->set_partition(p);
    pw->set_applied_offset(applied);
    pw->set_end_offset(end);
  };
  add(0, 57, 57);  // the log ends at 57: offset 1000 never was
  add(1, 5, 9);    // offsets 5, 6 and 7 still to apply
  add(2, 20, -1);  // log end unknown
  add(4, 10, 10);  // reached: not named
  const absl::Status s = OffsetsNotReached({{0, 1000}, {1, 7}, {2, 30}, {3, 1}, {4, 2}}, wm, absl::Seconds(10));
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded);
  std::ostringstream err;
  EXPECT_EQ(ReportError(s, err), kExitFailed);
  EXPECT_EQ(err.str(),
            "error: views did not reach the requested offsets within 10s: partition 0 is at 57, needs 1000 (944 "
            "behind; offset 1000 was never written: the log ends at 57); partition 1 is at 5, needs 7 (3 behind); "
            "partition 2 is at 20, needs 30 (11 behind); partition 3 is not in the views (does the topic have "
            "it?)\n");
}

// No watermark at all (the only call timed out, or every call was UNAVAILABLE): no partition is
// blamed for being absent from the views.
TEST(OffsetsNotReached, SaysTheViewsNeverAnsweredWhenNoWatermarkCame) {
  std::ostringstream err;
  EXPECT_EQ(ReportError(OffsetsNotReached({{0, 5}}, v1::Watermark(), absl::Seconds(10)), err), kExitFailed);
  EXPECT_EQ(err.str(), "error: views did not answer within 10s (is the query service up and its views open?)\n");
}

TEST_F(CommandsTest, WatchPrintsTheTableAndStopsWhenAsked) {
  WatchOptions options;
  options.target.org = "openai";
  options.target.teams = {"alignment", "superalignment"};
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    stop = true;
  });
  EXPECT_EQ(RunWatch(options, ReadOptions(), *query_stub_, stop, out_, err_), kExitOk);
  stopper.join();
  EXPECT_EQ(err_.str(), "");
  EXPECT_THAT(out_.str(), HasSubstr("alignment  "));
  EXPECT_THAT(out_.str(), HasSubstr("superalignment  "));
  EXPECT_THAT(out_.str(), Not(HasSubstr("\x1b")));
}

TEST_F(CommandsTest, PublishReportsRejectedLinesAndTheHighestOffsets) {
  const std::string path = WriteFeed(
      "{\"org\":\"openai\",\"team\":\"alignment\",\"hire\":{}}\n"
      "{\"org\":\"openai\",\"team\":\"alignment\",\"nonsense\":1}\n"
      "{\"org\":\"acme\",\"team\":\"alignment\",\"hire\":{}}\n"
      "{\"org\":\"openai\",\"team\":\"alignment\",\"hire\":{}}\n"
      "{\"org\":\"openai\",\"team\":\"alignment\",\"hire\":{}}\n"
      "{\"org\":\"beta\",\"team\":\"alignment\",\"hire\":{}}\n");
  PublishOptions options;
  options.path = path;
  options.batch_events = 2;
  EXPECT_EQ(RunPublish(options, *ingest_stub_, out_, err_), kExitRejected);
  EXPECT_EQ(out_.str(), "accepted 3, rejected 3\noffsets: 0:102,1:101\n");
  EXPECT_EQ(err_.str(), "line 2: nonsense: unknown field\nline 3: org: unknown org\nline 6: org: unknown org\n");
  EXPECT_THAT(ingest_.batch_sizes, ElementsAre(2, 2, 1));
}

// A line repeating an earlier line's idempotency key is published like any other, and counted, across
// batches too (the service sees one batch at a time).
TEST_F(CommandsTest, PublishCountsLinesRepeatingAnEarlierLinesKeyAcrossBatches) {
  PublishOptions options;
  options.batch_events = 1;
  options.path = WriteFeed(
      "{\"org\":\"openai\",\"team\":\"sora\",\"idempotencyKey\":\"ik-a\",\"departure\":{}}\n"
      "{\"org\":\"openai\",\"team\":\"sora\",\"idempotencyKey\":\"ik-b\",\"departure\":{}}\n"
      "{\"org\":\"openai\",\"team\":\"sora\",\"idempotencyKey\":\"ik-a\",\"departure\":{}}\n");
  EXPECT_EQ(RunPublish(options, *ingest_stub_, out_, err_), kExitOk);
  EXPECT_EQ(out_.str(),
            "accepted 3, rejected 0, 1 line repeats a story of this run (published for its evidence)\n"
            "offsets: 0:102,1:101\n");
  EXPECT_THAT(ingest_.batch_sizes, ElementsAre(1, 1, 1));
}

// The client's own rejections (line 8: it cannot parse it) wait for the service's answer about the lines
// before them (line 3), so stderr lists them in line order.
TEST_F(CommandsTest, PublishListsRejectionsInLineOrder) {
  std::string feed;
  for (int line = 1; line <= 9; ++line) {
    if (line == 3) {
      feed += "{\"org\":\"acme\",\"team\":\"alignment\",\"hire\":{}}\n";
    } else if (line == 8) {
      feed += "{\"org\":\"openai\",\"team\":\"alignment\",\"hire\":{},\"colour\":\"red\"}\n";
    } else {
      feed += "{\"org\":\"openai\",\"team\":\"alignment\",\"hire\":{}}\n";
    }
  }
  PublishOptions options;
  options.path = WriteFeed(feed);
  EXPECT_EQ(RunPublish(options, *ingest_stub_, out_, err_), kExitRejected);
  EXPECT_EQ(err_.str(), "line 3: org: unknown org\nline 8: colour: unknown field\n");
  EXPECT_EQ(out_.str(), "accepted 7, rejected 2\noffsets: 0:106,1:105\n");
}

// --require-evidence and the evidence count through the real IngestService (a dry run: no broker), which
// holds the one implementation of both.
TEST(PublishEvidence, CountsLinesWithoutEvidenceAndRejectsThemWhenRequired) {
  ingest::Aliases aliases;
  ingest::IngestCounters counters;
  ingest::Publisher publisher(nullptr, &aliases, &counters);
  ingest::IngestServiceImpl service(&publisher);
  grpc::ServerBuilder builder;
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  auto stub = v1::IngestService::NewStub(server->InProcessChannel(ClientChannelArguments()));
  const std::string path = ::testing::TempDir() + "/ctl_feed_evidence.jsonl";
  std::ofstream(path)
      << "{\"org\":\"openai\",\"team\":\"sora\",\"effectiveTime\":\"2026-02-10\",\"person\":{\"id\":\"p-1\"},"
         "\"hire\":{}}\n"
         "{\"org\":\"openai\",\"team\":\"sora\",\"effectiveTime\":\"2026-02-10\",\"person\":{\"id\":\"p-2\"},"
         "\"evidence\":[{\"outlet\":\"Reuters\",\"url\":\"https://example.com/a\"}],\"hire\":{}}\n"
         "{\"org\":\"openai\",\"team\":\"sora\",\"effectiveTime\":\"2026-02-10\",\"person\":{\"id\":\"p-3\"},"
         "\"hire\":{}}\n";
  PublishOptions options;
  options.path = path;
  options.dry_run = true;
  std::ostringstream out, err;
  EXPECT_EQ(RunPublish(options, *stub, out, err), kExitOk);
  EXPECT_EQ(out.str(), "dry run, nothing written: valid 3, rejected 0, 2 lines without evidence\noffsets:\n");
  EXPECT_EQ(err.str(), "");

  options.require_evidence = true;
  std::ostringstream out_required, err_required;
  EXPECT_EQ(RunPublish(options, *stub, out_required, err_required), kExitRejected);
  EXPECT_EQ(out_required.str(), "dry run, nothing written: valid 1, rejected 2\noffsets:\n");
  EXPECT_EQ(err_required.str(),
            "line 1: evidence: required by --require-evidence; add at least one {\"outlet\":…,\"url\":…}\n"
            "line 3: evidence: required by --require-evidence; add at least one {\"outlet\":…,\"url\":…}\n");
  server->Shutdown();
}

TEST_F(CommandsTest, PublishDryRunSendsEveryBatchAsOneAndCountsValidLines) {
  const std::string path = WriteFeed(
      "{\"org\":\"openai\",\"team\":\"alignment\",\"hire\":{}}\n"
      "{\"org\":\"acme\",\"team\":\"alignment\",\"hire\":{}}\n"
      "{\"org\":\"openai\",\"team\":\"alignment\",\"hire\":{}}\n");
  PublishOptions options;
  options.path = path;
  options.batch_events = 2;
  options.dry_run = true;
  EXPECT_EQ(RunPublish(options, *ingest_stub_, out_, err_), kExitRejected);
  EXPECT_EQ(out_.str(), "dry run, nothing written: valid 2, rejected 1\noffsets:\n");
  EXPECT_THAT(err_.str(), HasSubstr("line 2: org: unknown org\n"));
  EXPECT_THAT(ingest_.dry_runs, ElementsAre(true, true));
}

TEST_F(CommandsTest, PublishOfACleanFeedExitsZero) {
  PublishOptions options;
  options.path = WriteFeed("{\"org\":\"openai\",\"team\":\"alignment\",\"hire\":{}}\n");
  EXPECT_EQ(RunPublish(options, *ingest_stub_, out_, err_), kExitOk);
  EXPECT_EQ(out_.str(), "accepted 1, rejected 0\noffsets: 0:100\n");
}

TEST_F(CommandsTest, PublishOfAMissingFileIsAUsageError) {
  PublishOptions options;
  options.path = "/nonexistent/feed.jsonl";
  EXPECT_EQ(RunPublish(options, *ingest_stub_, out_, err_), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("error: FILE: cannot open /nonexistent/feed.jsonl"));
}

TEST_F(CommandsTest, PublishStopsAtAFailedCall) {
  // Nothing listens on port 1: the call fails at once with UNAVAILABLE.
  auto unreachable = v1::IngestService::NewStub(grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials()));
  PublishOptions options;
  options.path = WriteFeed("{\"org\":\"openai\",\"team\":\"alignment\",\"hire\":{}}\n");
  options.timeout = absl::Seconds(5);
  EXPECT_EQ(RunPublish(options, *unreachable, out_, err_), kExitFailed);
  EXPECT_EQ(out_.str(), "");  // no "accepted 0, …" before the error: nothing got through
  EXPECT_THAT(err_.str(), HasSubstr("error: UNAVAILABLE: "));
}

TEST(CheckReachable, SaysWhichServerItCouldNotReachAndWhatToDo) {
  // Nothing listens on port 1: the connection is refused at once.
  auto channel = grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials());
  const absl::Status s =
      CheckReachable(*channel, ServerRef{"talentflow-query", "127.0.0.1:1", "--query"}, absl::Seconds(5));
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  std::ostringstream err;
  EXPECT_EQ(ReportError(s, err), kExitFailed);
  EXPECT_EQ(err.str(),
            "error: cannot reach talentflow-query at 127.0.0.1:1: is it running? Start it with ./deploy/up.sh (or "
            "pass --query ADDR)\n");
}

// A plaintext server: a plaintext client reaches it. A TLS client fails its handshake, which the
// client cannot tell from a refused connection, so the message names the TLS settings as a cause too.
TEST_F(CommandsTest, CheckReachableIsOkForAServerThatAnswersAndNamesAFailedTlsHandshake) {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&query_);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(port, 0);
  const std::string address = absl::StrCat("127.0.0.1:", port);
  auto plaintext = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  EXPECT_TRUE(CheckReachable(*plaintext, ServerRef{"talentflow-query", address, "--query"}, absl::Seconds(5)).ok());

  auto tls = grpc::CreateChannel(address, grpc::SslCredentials(grpc::SslCredentialsOptions()));
  const absl::Status s =
      CheckReachable(*tls, ServerRef{"talentflow-query", address, "--query", /*tls=*/true}, absl::Seconds(5));
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(s.message(), "cannot reach talentflow-query at " + address +
                             " over TLS: is it running, serving TLS, with a certificate for that host that --tls-ca "
                             "signed? (or pass --query ADDR)");
  server->Shutdown();
}

TEST(CheckViewDb, NamesTheAbsolutePathAndWhereTheStackKeepsItsViews) {
  const std::string relative = "no-such-views-dir";
  const std::string absolute = (std::filesystem::current_path() / relative).string();
  std::ostringstream err;
  EXPECT_EQ(ReportError(CheckViewDb(relative), err), kExitFailed);
  EXPECT_EQ(err.str(), "error: no talentflow view database at " + absolute +
                           " (no such directory): pass --db DIR; ./deploy/up.sh keeps the views in "
                           "$TALENTFLOW_HOME/views (default ./var/views)\n");

  const std::string empty = ::testing::TempDir() + "/ctl_empty_views_dir";
  std::filesystem::create_directories(empty);
  EXPECT_EQ(CheckViewDb(empty).message(),
            "no talentflow view database at " + std::filesystem::absolute(empty).lexically_normal().string() +
                " (a directory without a RocksDB CURRENT file): pass --db DIR; ./deploy/up.sh keeps the views in "
                "$TALENTFLOW_HOME/views (default ./var/views)");
}

TEST(RunVerify, AMissingDbIsNamedBeforeAnythingIsReplayed) {
  std::ostringstream out, err;
  EXPECT_EQ(RunVerify(KafkaOptions(), "/nonexistent/var/views", out, err), kExitFailed);
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(err.str(),
            "error: no talentflow view database at /nonexistent/var/views (no such directory): pass --db DIR; "
            "./deploy/up.sh keeps the views in $TALENTFLOW_HOME/views (default ./var/views)\n");
}

TEST(WriteError, UnderJsonIsOneObjectPerErrorAsTheServicesLog) {
  SetErrorFormat(LogFormat::kJson);
  std::ostringstream err;
  ReportError(absl::NotFoundError("org \"acme\" not found"), err);
  SetErrorFormat(LogFormat::kText);
  // One line: the time (not fixed), then the rest as JsonLogFormatter writes it.
  EXPECT_THAT(err.str(), ::testing::StartsWith("{\"ts\":\"20"));
  EXPECT_THAT(err.str(), ::testing::EndsWith(
                             R"(Z","level":"error","logger":"talentflowctl","msg":"NOT_FOUND: org \"acme\" not found"})"
                             "\n"));
  const std::string text = err.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
}

TEST_F(CommandsTest, PublishUnderJsonWritesEachRejectedLineAsAWarning) {
  PublishOptions options;
  options.path = WriteFeed("{\"org\":\"acme\",\"team\":\"alignment\",\"hire\":{}}\n");
  SetErrorFormat(LogFormat::kJson);
  EXPECT_EQ(RunPublish(options, *ingest_stub_, out_, err_), kExitRejected);
  SetErrorFormat(LogFormat::kText);
  EXPECT_EQ(out_.str(), "accepted 0, rejected 1\noffsets:\n");
  EXPECT_THAT(err_.str(), ::testing::StartsWith("{\"ts\":\"20"));
  EXPECT_THAT(err_.str(),
              ::testing::EndsWith(R"(Z","level":"warn","logger":"talentflowctl","msg":"line 1: org: unknown org"})" "\n"));
}

TEST_F(CommandsTest, TheOrgTableLeavesMergedTeamsOutAndNamesThem) {
  OrgOptions options;
  options.org = "openai";
  EXPECT_EQ(RunOrg(options, ReadOptions(), *query_stub_, out_, err_), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("alignment "));
  EXPECT_THAT(out_.str(), Not(HasSubstr("\nsuperalignment ")));  // no row of its own
  EXPECT_THAT(out_.str(), HasSubstr("left out, inactive: superalignment (merged into alignment on 2026-01-15)\n"));
}

TEST_F(CommandsTest, OrgCompareShowsEachTeamsChangeBetweenTheTwoDays) {
  OrgOptions options;
  options.org = "openai";
  google::protobuf::Timestamp jan1;
  jan1.set_seconds(1767225600);  // 2026-01-01
  options.compare = jan1;
  EXPECT_EQ(RunOrg(options, ReadOptions(), *query_stub_, out_, err_), kExitOk);
  EXPECT_EQ(err_.str(), "");
  EXPECT_EQ(out_.str(),
            "openai: 2026-01-01 -> 2026-03-01\n"
            "team                       heads    chg       dep90    chg       score    chg  status\n"
            "alignment                  10->8     -2        0->2     +2      90->60    -30  healthy->watch\n"
            "superalignment              -->-      -        -->-      -    100->100      0  watch->inactive\n");
}

TEST(CheckRange, FromAfterToIsAUsageError) {
  google::protobuf::Timestamp a, b;
  a.set_seconds(100);
  b.set_seconds(200);
  EXPECT_TRUE(CheckRange(a, b).ok());
  EXPECT_TRUE(CheckRange(std::nullopt, a).ok());
  EXPECT_EQ(CheckRange(b, a).message(), "--from: after --to");
}

// A QueryService for the output formats: one event of openai/sora with a note that needs CSV
// quoting, two orgs, and no teams at all.
class FormatsQueryService final : public v1::QueryService::Service {
 public:
  grpc::Status ListEvents(grpc::ServerContext*, const v1::ListEventsRequest*, v1::ListEventsResponse* resp) override {
    v1::EventRecord* r = resp->add_events();
    r->set_partition(5);
    r->set_offset(41);
    r->set_status(v1::EVENT_STATUS_APPLIED);
    r->set_note("moved, \"quietly\"\nper two outlets");
    v1::Event* e = r->mutable_event();
    e->set_event_id("0b6f2f0e-4c59-4f7e-9a51-3c1d2b8e7a10");
    e->set_org("openai");
    e->set_team("sora");
    e->mutable_departure()->set_destination_org("google-deepmind");
    return grpc::Status::OK;
  }
  grpc::Status ListOrgs(grpc::ServerContext*, const v1::ListOrgsRequest*, v1::ListOrgsResponse* resp) override {
    auto* o = resp->add_orgs();
    o->set_org("anthropic");
    o->set_teams(3);
    o = resp->add_orgs();
    o->set_org("openai");
    o->set_teams(7);
    return grpc::Status::OK;
  }
  grpc::Status ListTeams(grpc::ServerContext*, const v1::ListTeamsRequest*, v1::ListTeamsResponse*) override {
    return grpc::Status::OK;
  }
};

class FormatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.RegisterService(&query_);
    server_ = builder.BuildAndStart();
    stub_ = v1::QueryService::NewStub(server_->InProcessChannel(ClientChannelArguments()));
  }
  void TearDown() override { server_->Shutdown(); }

  FormatsQueryService query_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::QueryService::Stub> stub_;
  std::ostringstream out_, err_;
};

constexpr char kSoraEventCsv[] =
    "event_id,org,team,kind,effective_date,date_precision,person_id,person_name,seniority,origin_org,destination_org,"
    "destination_kind,target_event_id,status,note,partition,offset,recorded_time,confidence,evidence\n"
    "0b6f2f0e-4c59-4f7e-9a51-3c1d2b8e7a10,openai,sora,departure,,,,,,,google-deepmind,,,EVENT_STATUS_APPLIED,"
    "\"moved, \"\"quietly\"\"\nper two outlets\",5,41,,,\n";

TEST_F(FormatsTest, EventsCsvQuotesTheNote) {
  EventsOptions options;
  options.team = {"openai", "sora"};
  ReadOptions read;
  read.csv = true;
  ASSERT_EQ(RunEvents(options, read, *stub_, out_, err_), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(), kSoraEventCsv);
}

TEST_F(FormatsTest, AuditHistoryCsvIsTheSameCsv) {
  EventsOptions options;
  options.team = {"openai", "sora"};
  options.csv = true;  // how `audit history` asked for it before --csv was a read flag
  ASSERT_EQ(RunEvents(options, ReadOptions(), *stub_, out_, err_), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(), kSoraEventCsv);
}

TEST_F(FormatsTest, EventsTableOffATerminalKeepsTheIdAndTheDestinationOnOneLine) {
  EventsOptions options;
  options.team = {"openai", "sora"};
  ReadOptions read;
  read.width = kUnlimited;
  ASSERT_EQ(RunEvents(options, read, *stub_, out_, err_), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(),
            "id                                    date  type       person  status   note\n"
            "0b6f2f0e-4c59-4f7e-9a51-3c1d2b8e7a10  -     departure  -       applied  to google-deepmind; moved, "
            "\"quietly\" per two outlets\n");
}

TEST_F(FormatsTest, OrgsListsEveryOrgWithItsTeamCount) {
  ASSERT_EQ(RunOrgs(ReadOptions(), *stub_, out_, err_), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(),
            "org        teams\n"
            "anthropic      3\n"
            "openai         7\n");
  std::ostringstream csv;
  ReadOptions read;
  read.csv = true;
  ASSERT_EQ(RunOrgs(read, *stub_, csv, err_), kExitOk);
  EXPECT_EQ(csv.str(), "org,teams\nanthropic,3\nopenai,7\n");
}

TEST_F(FormatsTest, NoTeamsSaysWhichTeamsThereWereNoneOf) {
  TeamsOptions options;
  options.org = "openai";
  options.statuses = {v1::HEALTH_STATUS_AT_RISK, v1::HEALTH_STATUS_CRITICAL};
  options.as_of = ToTimestamp(absl::FromCivil(absl::CivilDay(2026, 12, 4), absl::UTCTimeZone()));
  ASSERT_EQ(RunTeams(options, ReadOptions(), *stub_, out_, err_), kExitOk) << err_.str();
  // The fake service sends no latest_event_day, so the message has no "try --as-of" hint.
  EXPECT_EQ(out_.str(), "No at_risk or critical teams in openai as of 2026-12-04\n");
}

}  // namespace
}  // namespace talentflow::ctl

namespace talentflow::ctl {
namespace {

// audit verify names the first differing record decoded; a story index is one of the records.
TEST(DescribeRecord, ShowsAStoryIndexDecoded) {
  v1::StoryIndex index;
  v1::StoryIndex::Story* story = index.add_stories();
  story->set_event_id("evt-1");
  story->set_person_id("jane-doe");
  story->add_names("jane doe");
  EXPECT_EQ(DescribeRecord("p005/s/openai/sora/departure/2026-02-18", index.SerializeAsString()),
            "stories { event_id: \"evt-1\" person_id: \"jane-doe\" names: \"jane doe\" }");
}

}  // namespace
}  // namespace talentflow::ctl
