// The retraction tools without a broker: RetractionCheck's verdicts and messages against a fake
// QueryService, the retraction `retract` builds, the pending table, and the 7-day stale boundary.
#include "ctl/retractions.h"

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "common/base/time_util.h"
#include "ingest/retraction_check.h"
#include "query/pending_retractions.h"

namespace talentflow::ctl {
namespace {

absl::Time At(const char* rfc3339) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &err)) << err;
  return t;
}

v1::Event Filed(const std::string& id, const std::string& org, const std::string& team) {
  v1::Event e;
  e.set_event_id(id);
  e.set_org(org);
  e.set_team(team);
  return e;
}

v1::Event RetractionOf(const std::string& target, const std::string& org, const std::string& team) {
  v1::Event e = Filed("evt-r", org, team);
  e.mutable_retraction()->set_target_event_id(target);
  return e;
}

// Knows one event: evt-0052 in openai/dall-e. UNAVAILABLE for "evt-down".
class FakeQuery final : public v1::QueryService::Service {
 public:
  grpc::Status GetEvent(grpc::ServerContext*, const v1::GetEventRequest* req, v1::GetEventResponse* resp) override {
    ++calls;
    if (req->event_id() == "evt-down") return grpc::Status(grpc::StatusCode::UNAVAILABLE, "views not ready");
    if (req->event_id() != "evt-0052") {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "event " + req->event_id() + " not found in any team");
    }
    *resp->mutable_record()->mutable_event() = Filed("evt-0052", "openai", "dall-e");
    return grpc::Status::OK;
  }
  int calls = 0;
};

class RetractionCheckTest : public ::testing::Test {
 protected:
  RetractionCheckTest() {
    grpc::ServerBuilder b;
    b.RegisterService(&fake_);
    server_ = b.BuildAndStart();
    stub_ = v1::QueryService::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
  }
  ~RetractionCheckTest() override { server_->Shutdown(); }
  FakeQuery fake_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::QueryService::Stub> stub_;
};

TEST_F(RetractionCheckTest, WrongTeamNamesWhereTheTargetIs) {
  ingest::RetractionCheck check(stub_.get(), nullptr);
  EXPECT_EQ(check.Check(RetractionOf("evt-0052", "openai", "sora")).message(),
            "retraction.targetEventId: retraction of evt-0052: its target is in openai/dall-e, not openai/sora; "
            "file the retraction under openai/dall-e");
  // --allow-pending does not admit it: that retraction could never land.
  ingest::RetractionCheck lenient(stub_.get(), nullptr, {.allow_pending = true});
  EXPECT_FALSE(lenient.Check(RetractionOf("evt-0052", "openai", "sora")).ok());
}

TEST_F(RetractionCheckTest, RightTeamPassesWhateverTheCase) {
  ingest::RetractionCheck check(stub_.get(), nullptr);
  EXPECT_TRUE(check.Check(RetractionOf("evt-0052", "OpenAI", "DALL-E")).ok());
}

TEST_F(RetractionCheckTest, UnknownTargetIsRejectedUnlessPendingIsAllowed) {
  ingest::RetractionCheck check(stub_.get(), nullptr);
  EXPECT_EQ(check.Check(RetractionOf("evt-0O52", "openai", "dall-e")).message(),
            "retraction.targetEventId: retraction of evt-0O52: its target is unknown (not in the views, not earlier "
            "in this feed); check targetEventId, or pass --allow-pending to publish it pending until the target "
            "arrives");
  ingest::RetractionCheck lenient(stub_.get(), nullptr, {.allow_pending = true});
  EXPECT_TRUE(lenient.Check(RetractionOf("evt-0O52", "openai", "dall-e")).ok());
}

TEST_F(RetractionCheckTest, TargetEarlierInTheFeedNeedsNoLookup) {
  ingest::RetractionCheck check(stub_.get(), nullptr);
  check.Note(Filed("evt-new", "openai", "sora"));
  EXPECT_TRUE(check.Check(RetractionOf("evt-new", "openai", "sora")).ok());
  EXPECT_EQ(check.Check(RetractionOf("evt-new", "openai", "chatgpt")).message(),
            "retraction.targetEventId: retraction of evt-new: its target is in openai/sora, not openai/chatgpt; "
            "file the retraction under openai/sora");
  EXPECT_EQ(fake_.calls, 0);
}

TEST_F(RetractionCheckTest, UncheckableTargetIsRejectedWithTheCallsError) {
  ingest::RetractionCheck check(stub_.get(), nullptr, {.allow_pending = true});
  EXPECT_EQ(check.Check(RetractionOf("evt-down", "openai", "sora")).message(),
            "retraction.targetEventId: retraction of evt-down: cannot check its target (GetEvent: UNAVAILABLE: views "
            "not ready)");
}

TEST_F(RetractionCheckTest, OtherEventsPass) {
  ingest::RetractionCheck check(stub_.get(), nullptr);
  EXPECT_TRUE(check.Check(Filed("evt-1", "openai", "sora")).ok());
  EXPECT_EQ(fake_.calls, 0);
}

TEST(MakeRetraction, FiledUnderTheTargetsTeamEffectiveNow) {
  v1::Event target = Filed("evt-0052", "openai", "sora");
  *target.mutable_effective_time() = ToTimestamp(At("2026-02-16T00:00:00Z"));
  const v1::Event r = MakeRetraction(target, "wrong person", At("2026-12-04T16:30:15.250Z"));
  EXPECT_EQ(r.org(), "openai");
  EXPECT_EQ(r.team(), "sora");
  EXPECT_EQ(r.retraction().target_event_id(), "evt-0052");
  EXPECT_EQ(r.retraction().reason(), "wrong person");
  EXPECT_EQ(r.effective_time().seconds(), absl::ToUnixSeconds(At("2026-12-04T16:30:15Z")));
  EXPECT_EQ(r.effective_time().nanos(), 0);
  EXPECT_EQ(r.date_precision(), v1::DATE_PRECISION_DAY);
  EXPECT_TRUE(r.event_id().empty());  // ingest assigns a fresh one
}

TEST(MakeRetraction, NeverBeforeATargetDatedAhead) {
  v1::Event target = Filed("evt-1", "openai", "sora");
  *target.mutable_effective_time() = ToTimestamp(At("2026-12-05T00:00:00Z"));  // ingest admits a day ahead
  const v1::Event r = MakeRetraction(target, "x", At("2026-12-04T16:30:00Z"));
  EXPECT_EQ(r.effective_time().seconds(), absl::ToUnixSeconds(At("2026-12-05T00:00:00Z")));
}

TEST(PendingTable, FullIdsAgeInDaysOldestFirst) {
  google::protobuf::RepeatedPtrField<v1::EventRecord> pending;
  auto add = [&](const std::string& id, const std::string& team, const std::string& target, const char* recorded,
                 const std::string& reason) {
    v1::Event& e = *pending.Add()->mutable_event();
    e = RetractionOf(target, "openai", team);
    e.set_event_id(id);
    e.mutable_retraction()->set_reason(reason);
    *e.mutable_recorded_time() = ToTimestamp(At(recorded));
  };
  add("0192e0b4-7c1a-7b3e-9f00-000000000001", "sora", "evt-0O52", "2026-11-20T10:00:00Z", "typo");
  add("evt-r2", "dall-e", "evt-9999", "2026-11-26T16:00:00Z", "wrong team");
  EXPECT_EQ(RenderPendingRetractions(pending, At("2026-12-04T12:00:00Z"), absl::Hours(7 * 24)),
            "RETRACTION                            TEAM           TARGET    AGE  REASON\n"
            "0192e0b4-7c1a-7b3e-9f00-000000000001  openai/sora    evt-0O52  14d  typo\n"
            "evt-r2                                openai/dall-e  evt-9999  7d   wrong team\n");
  EXPECT_EQ(RenderPendingRetractions({}, At("2026-12-04T12:00:00Z"), absl::Hours(3 * 24)),
            "No retractions pending for more than 3 days\n");
}

TEST(StalePending, SevenDaysIsTheBoundary) {
  v1::Event r = RetractionOf("evt-x", "openai", "sora");
  const absl::Time now = At("2026-12-04T12:00:00Z");
  *r.mutable_recorded_time() = ToTimestamp(At("2026-11-27T12:00:00Z"));  // exactly 7 days
  EXPECT_FALSE(query::IsStalePending(r, now));
  *r.mutable_recorded_time() = ToTimestamp(At("2026-11-27T11:59:59Z"));  // 7 days and a second
  EXPECT_TRUE(query::IsStalePending(r, now));
  *r.mutable_recorded_time() = ToTimestamp(At("2026-12-01T12:00:00Z"));
  EXPECT_FALSE(query::IsStalePending(r, now));
}

}  // namespace
}  // namespace talentflow::ctl
