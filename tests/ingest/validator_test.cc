#include "ingest/validator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ctl/synthetic_source.h"
#include "google/protobuf/text_format.h"
#include "tests/common/event_builders.h"

namespace talentflow::ingest {
namespace {

using ::talentflow::testing::Day;
using ::testing::HasSubstr;

class ValidatorTest : public ::testing::Test {
 protected:
  ValidatorTest() {
    aliases_ = *Aliases::Parse(R"({"orgs": {"Open AI": "openai", "OpenAI": "openai",
                                            "Google DeepMind": "google-deepmind"},
                                   "teams": {"Core LLM": "chatgpt"}})");
    stamp_.now = Day(2026, 3, 1);
    stamp_.principal = "tester";
    stamp_.event_id = "gen-1";
  }

  // Expects `e` to be rejected on `field` with a reason containing `reason`.
  void ExpectRejected(const v1::Event& e, const std::string& field, const std::string& reason) {
    auto r = Normalise(e, aliases_, stamp_);
    ASSERT_FALSE(r.ok()) << "accepted: " << e.ShortDebugString();
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(RejectedField(r.status()), field);
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(reason));
  }

  v1::Event Valid() { return testing::Departure("evt-1", "sora", Day(2026, 2, 10), "p-ada"); }

  Aliases aliases_;
  Stamp stamp_;
};

TEST_F(ValidatorTest, AcceptsValidEventAndStampsIt) {
  v1::Event e = Valid();
  e.set_recorded_by("someone-else");                      // never taken from the client
  *e.mutable_recorded_time() = ToTimestamp(Day(2000, 1, 1));
  auto r = Normalise(e, aliases_, stamp_);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 1u);
  const v1::Event& out = r->front();
  EXPECT_EQ(out.recorded_by(), "tester");
  EXPECT_EQ(ToAbslTime(out.recorded_time()), Day(2026, 3, 1));
  EXPECT_EQ(out.schema_version(), 1u);
  EXPECT_EQ(out.event_id(), "evt-1");
  EXPECT_THAT(out.idempotency_key(), ::testing::StartsWith("ik1:"));
  EXPECT_EQ(out.idempotency_key().size(), 4u + 32u);
}

TEST_F(ValidatorTest, RequiringEvidenceRejectsAnEventWithoutAny) {
  v1::Event e = Valid();
  e.clear_evidence();
  const absl::Status st = CheckEvidenceRequired(e);
  EXPECT_EQ(st.message(), "evidence: required by --require-evidence; add at least one {\"outlet\":…,\"url\":…}");
  EXPECT_EQ(RejectedField(st), "evidence");
  e.add_evidence()->set_url("https://example.com/a");
  EXPECT_TRUE(CheckEvidenceRequired(e).ok());
}

TEST_F(ValidatorTest, ARetractionNeedsNoEvidence) {
  v1::Event e = Valid();
  e.clear_evidence();
  e.mutable_retraction()->set_target_event_id("evt-0052");
  e.mutable_retraction()->set_reason("he stayed");
  EXPECT_FALSE(LacksEvidence(e));
  EXPECT_TRUE(CheckEvidenceRequired(e).ok());
}

TEST_F(ValidatorTest, AssignsEventIdWhenAbsent) {
  v1::Event e = Valid();
  e.clear_event_id();
  auto r = Normalise(e, aliases_, stamp_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->front().event_id(), "gen-1");
}

TEST_F(ValidatorTest, KeepsClientIdempotencyKey) {
  v1::Event e = Valid();
  e.set_idempotency_key("scraper-42");
  auto r = Normalise(e, aliases_, stamp_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->front().idempotency_key(), "scraper-42");
}

TEST_F(ValidatorTest, NormalisesOrgAndTeamAliases) {
  v1::Event e = Valid();
  e.set_org("  Open AI ");
  e.set_team("core llm");
  e.mutable_departure()->set_destination_org("Google DeepMind");
  auto r = Normalise(e, aliases_, stamp_);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->front().org(), "openai");
  EXPECT_EQ(r->front().team(), "chatgpt");
  EXPECT_EQ(r->front().departure().destination_org(), "google-deepmind");
}

TEST_F(ValidatorTest, LowerCasesSlugWithoutAlias) {
  v1::Event e = Valid();
  e.set_org("Anthropic");
  auto r = Normalise(e, aliases_, stamp_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->front().org(), "anthropic");
}

TEST_F(ValidatorTest, RejectsMissingOrg) {
  v1::Event e = Valid();
  e.clear_org();
  ExpectRejected(e, "org", "required");
}

TEST_F(ValidatorTest, RejectsMissingTeam) {
  v1::Event e = Valid();
  e.clear_team();
  ExpectRejected(e, "team", "required");
}

TEST_F(ValidatorTest, RejectsNonSlugWithoutAlias) {
  v1::Event e = Valid();
  e.set_org("Acme Research Labs!");
  ExpectRejected(e, "org", "is not a slug");
  e = Valid();
  e.set_team(std::string(64, 'a'));  // one longer than the 63 a slug may have
  ExpectRejected(e, "team", "is not a slug");
  e = Valid();
  e.set_team("-sora");
  ExpectRejected(e, "team", "is not a slug");
}

TEST_F(ValidatorTest, RejectsMissingEffectiveTime) {
  v1::Event e = Valid();
  e.clear_effective_time();
  ExpectRejected(e, "effectiveTime", "required");
}

TEST_F(ValidatorTest, RejectsEffectiveTimeBefore1990) {
  v1::Event e = Valid();
  *e.mutable_effective_time() = ToTimestamp(Day(1989, 12, 31));
  ExpectRejected(e, "effectiveTime", "before 1990-01-01");
}

TEST_F(ValidatorTest, AcceptsEffectiveTimeExactly1990) {
  v1::Event e = Valid();
  *e.mutable_effective_time() = ToTimestamp(Day(1990, 1, 1));
  EXPECT_TRUE(Normalise(e, aliases_, stamp_).ok());
}

TEST_F(ValidatorTest, RejectsEffectiveTimeMoreThanADayAhead) {
  v1::Event e = Valid();
  *e.mutable_effective_time() = ToTimestamp(Day(2026, 3, 2) + absl::Seconds(1));
  ExpectRejected(e, "effectiveTime", "in the future");
  *e.mutable_effective_time() = ToTimestamp(Day(2026, 3, 2));  // exactly one day ahead: allowed
  EXPECT_TRUE(Normalise(e, aliases_, stamp_).ok());
}

TEST_F(ValidatorTest, RejectsMissingPayload) {
  v1::Event e = Valid();
  e.clear_departure();
  ExpectRejected(e, "payload", "required");
}

TEST_F(ValidatorTest, RejectsUnknownEnumValues) {
  v1::Event e = Valid();
  e.mutable_person()->set_seniority(static_cast<v1::Seniority>(42));
  ExpectRejected(e, "person.seniority", "unknown enum value 42");
  e = Valid();
  e.mutable_departure()->set_destination_kind(static_cast<v1::DestinationKind>(9));
  ExpectRejected(e, "departure.destinationKind", "unknown enum value 9");
  e = Valid();
  e.mutable_evidence(0)->set_source_type(static_cast<v1::SourceType>(7));
  ExpectRejected(e, "evidence[0].sourceType", "unknown enum value 7");
  e = Valid();
  e.set_confidence(static_cast<v1::Confidence>(5));
  ExpectRejected(e, "confidence", "unknown enum value 5");
}

TEST_F(ValidatorTest, NamesTheEvidenceEntryOfARejection) {
  v1::Event e = Valid();
  *e.add_evidence() = e.evidence(0);
  e.mutable_evidence(1)->mutable_published_at()->set_seconds(253402300800);  // year 10000
  auto r = Normalise(e, aliases_, stamp_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(RejectedField(r.status()), "evidence[1].publishedAt");
  EXPECT_EQ(r.status().message(), "evidence[1].publishedAt: timestamp out of range");
}

TEST_F(ValidatorTest, RejectsUnspecifiedPriorityBudgetAndTeamChange) {
  v1::Event e = testing::Reprioritisation("evt-2", "sora", Day(2026, 2, 1), v1::PRIORITY_UNSPECIFIED);
  ExpectRejected(e, "reprioritisation.priority", "required");
  e = testing::Budget("evt-3", "sora", Day(2026, 2, 1), v1::BUDGET_STATUS_UNSPECIFIED);
  ExpectRejected(e, "budgetChange.status", "required");
  e = testing::BaseEvent("evt-4", "openai", "dall-e", Day(2026, 2, 1));
  e.mutable_team_change();
  ExpectRejected(e, "teamChange.kind", "required");
}

TEST_F(ValidatorTest, RejectsMergeWithoutOrIntoItself) {
  v1::Event e = testing::BaseEvent("evt-5", "openai", "dall-e", Day(2026, 2, 15));
  e.mutable_team_change()->set_kind(v1::TEAM_CHANGE_KIND_MERGED);
  ExpectRejected(e, "teamChange.intoTeam", "required");
  e.mutable_team_change()->set_into_team("dall-e");
  ExpectRejected(e, "teamChange.intoTeam", "must differ");
}

TEST_F(ValidatorTest, RejectsRetractionWithoutTarget) {
  v1::Event e = testing::Retraction("evt-6", "sora", Day(2026, 2, 20), "");
  ExpectRejected(e, "retraction.targetEventId", "required");
  e = testing::Retraction("evt-6", "sora", Day(2026, 2, 20), "evt-6");
  ExpectRejected(e, "retraction.targetEventId", "cannot retract itself");
}

TEST_F(ValidatorTest, RejectsTransferToSameTeam) {
  v1::Event e = testing::BaseEvent("evt-7", "openai", "sora", Day(2026, 2, 1));
  e.mutable_transfer_out()->set_to_team("sora");
  ExpectRejected(e, "transferOut.toTeam", "must differ from team");
  e.mutable_transfer_out()->set_to_team("");
  ExpectRejected(e, "transferOut.toTeam", "required");
  e = testing::BaseEvent("evt-8", "openai", "chatgpt", Day(2026, 2, 1));
  e.mutable_transfer_in()->set_from_team("chatgpt");
  ExpectRejected(e, "transferIn.fromTeam", "must differ from team");
}

TEST_F(ValidatorTest, RejectsComputeShareOutsideUnitInterval) {
  v1::Event e = testing::BaseEvent("evt-9", "openai", "sora", Day(2026, 2, 1));
  e.mutable_compute_reallocation()->set_to_team("chatgpt");
  e.mutable_compute_reallocation()->set_share(1.5);
  ExpectRejected(e, "computeReallocation.share", "(0, 1]");
  e.mutable_compute_reallocation()->set_share(0);
  ExpectRejected(e, "computeReallocation.share", "(0, 1]");
}

TEST_F(ValidatorTest, RejectsNegativeHeadcount) {
  ExpectRejected(testing::HeadcountReport("evt-10", "sora", Day(2026, 1, 1), -1), "headcountReport.headcount",
                 ">= 0");
}

TEST_F(ValidatorTest, RejectsBadEventId) {
  v1::Event e = Valid();
  e.set_event_id("has space");
  ExpectRejected(e, "eventId", "[A-Za-z0-9._:-]");
}

TEST_F(ValidatorTest, RejectsEventLargerThan64KiB) {
  v1::Event e = Valid();
  e.mutable_evidence(0)->set_quote(std::string(65 * 1024, 'q'));
  ExpectRejected(e, "event", "larger than 65536 bytes");
}

TEST_F(ValidatorTest, SplitsTransferOutIntoPairSharingCorrelationId) {
  v1::Event e = testing::BaseEvent("evt-11", "openai", "sora", Day(2026, 2, 12));
  e.mutable_person()->set_id("p-kim");
  e.mutable_transfer_out()->set_to_team("Core LLM");
  auto r = Normalise(e, aliases_, stamp_);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 2u);
  const v1::Event& out = (*r)[0];
  const v1::Event& in = (*r)[1];
  EXPECT_EQ(out.team(), "sora");
  EXPECT_EQ(out.transfer_out().to_team(), "chatgpt");
  EXPECT_EQ(in.team(), "chatgpt");
  ASSERT_TRUE(in.has_transfer_in());
  EXPECT_EQ(in.transfer_in().from_team(), "sora");
  EXPECT_EQ(in.event_id(), "evt-11.in");
  EXPECT_EQ(out.correlation_id(), "evt-11");
  EXPECT_EQ(in.correlation_id(), "evt-11");
  EXPECT_NE(in.idempotency_key(), out.idempotency_key());
  EXPECT_EQ(in.person().id(), "p-kim");
}

// Feed mode normalises into the records of an earlier line: what those held must not show. A
// transfer into a vector whose second record is another line's transferIn, and a departure into a vector
// of two, give byte for byte the records Normalise gives.
TEST_F(ValidatorTest, NormaliseInPlaceOverEarlierRecordsGivesTheSameRecords) {
  v1::Event transfer = testing::BaseEvent("evt-11", "openai", "sora", Day(2026, 2, 12));
  transfer.mutable_person()->set_id("p-kim");
  transfer.mutable_transfer_out()->set_to_team("Core LLM");
  auto expected = Normalise(transfer, aliases_, stamp_);
  ASSERT_TRUE(expected.ok()) << expected.status();
  ASSERT_EQ(expected->size(), 2u);

  v1::Event earlier = testing::BaseEvent("evt-9", "openai", "dall-e", Day(2026, 1, 5));
  earlier.mutable_person()->set_id("p-old");
  earlier.mutable_person()->set_name("Old Name");
  earlier.set_correlation_id("corr-old");
  earlier.mutable_transfer_out()->set_to_team("sora");
  auto earlier_records = Normalise(earlier, aliases_, stamp_);
  ASSERT_TRUE(earlier_records.ok()) << earlier_records.status();
  std::vector<v1::Event> records = *std::move(earlier_records);
  records[0] = transfer;
  ASSERT_TRUE(NormaliseInPlace(&records, aliases_, stamp_).ok());
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].SerializeAsString(), (*expected)[0].SerializeAsString());
  EXPECT_EQ(records[1].SerializeAsString(), (*expected)[1].SerializeAsString());
  EXPECT_EQ(records[1].person().name(), "");

  const v1::Event departure = Valid();
  auto expected_departure = Normalise(departure, aliases_, stamp_);
  ASSERT_TRUE(expected_departure.ok()) << expected_departure.status();
  records[0] = departure;
  ASSERT_TRUE(NormaliseInPlace(&records, aliases_, stamp_).ok());
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].SerializeAsString(), expected_departure->front().SerializeAsString());
}

TEST(DeriveIdempotencyKey, SameStoryFromTwoOutletsGetsSameKey) {
  v1::Event a = testing::Departure("evt-a", "sora", Day(2026, 2, 10) + absl::Hours(9), "p-ada");
  v1::Event b = testing::Departure("evt-b", "sora", Day(2026, 2, 10) + absl::Hours(17), "p-ada");
  b.mutable_evidence(0)->set_outlet("Other Outlet");
  b.mutable_evidence(0)->set_url("https://other.example/x");
  b.mutable_departure()->set_destination_org("google-deepmind");  // outlets may disagree on details
  EXPECT_EQ(DeriveIdempotencyKey(a), DeriveIdempotencyKey(b));
}

TEST(DeriveIdempotencyKey, DiffersByPersonDayTeamAndType) {
  const v1::Event base = testing::Departure("evt-a", "sora", Day(2026, 2, 10), "p-ada");
  v1::Event other_person = testing::Departure("evt-a", "sora", Day(2026, 2, 10), "p-bob");
  v1::Event other_day = testing::Departure("evt-a", "sora", Day(2026, 2, 11), "p-ada");
  v1::Event other_team = testing::Departure("evt-a", "dall-e", Day(2026, 2, 10), "p-ada");
  v1::Event hire = testing::Hire("evt-a", "sora", Day(2026, 2, 10), "p-ada");
  for (const auto& e : {other_person, other_day, other_team, hire}) {
    EXPECT_NE(DeriveIdempotencyKey(base), DeriveIdempotencyKey(e)) << e.ShortDebugString();
  }
}

TEST(DeriveIdempotencyKey, MonthPrecisionIgnoresDay) {
  v1::Event a = testing::Departure("evt-a", "sora", Day(2026, 2, 1), "p-ada");
  v1::Event b = testing::Departure("evt-b", "sora", Day(2026, 2, 20), "p-ada");
  a.set_date_precision(v1::DATE_PRECISION_MONTH);
  b.set_date_precision(v1::DATE_PRECISION_MONTH);
  EXPECT_EQ(DeriveIdempotencyKey(a), DeriveIdempotencyKey(b));
}

TEST(DeriveIdempotencyKey, DistinguishesPriorityChangesOnOneDay) {
  v1::Event a = testing::Reprioritisation("evt-a", "sora", Day(2026, 2, 1), v1::PRIORITY_LOWERED);
  v1::Event b = testing::Reprioritisation("evt-b", "sora", Day(2026, 2, 1), v1::PRIORITY_SUNSET);
  EXPECT_NE(DeriveIdempotencyKey(a), DeriveIdempotencyKey(b));
}

// Keys are part of the stored log: the same event must keep getting the byte-identical key. The
// expected values were printed by the implementation at commit eab12af (StrCat of the fields,
// absl::StrFormat of the date and of the hash) before it was rewritten. They cover every
// discriminator, every date precision, and dates and nanos outside what Normalise accepts (years
// before 1000, before year 1 and after 9999, before 1970, negative and overlong nanos).
TEST(DeriveIdempotencyKey, MatchesKeysOfTheFirstImplementation) {
  struct Case {
    const char* event;  // text format
    const char* key;
  };
  const Case cases[] = {
      {R"(org: "openai" team: "sora" person { id: "p-ada" name: "Ada" }
          effective_time { seconds: 1770714000 } departure {})", "ik1:7f27fbcf8cd9de341c9a839d0c1d0d45"},
      {R"(org: "openai" team: "sora" person { name: "Ada LOVELACE Élodie" }
          effective_time { seconds: 1770714000 } date_precision: DATE_PRECISION_MONTH hire {})",
       "ik1:b059d3065824991ff5a14bc2a04f0c54"},
      {R"(org: "openai" team: "sora" effective_time { seconds: 1770714000 }
          date_precision: DATE_PRECISION_QUARTER reprioritisation { priority: PRIORITY_SUNSET })",
       "ik1:9f2a835c676b28192807a49d39480e7d"},
      {R"(org: "openai" team: "sora" effective_time { seconds: 1759276800 }
          date_precision: DATE_PRECISION_QUARTER budget_change { status: BUDGET_STATUS_CUT })",
       "ik1:c150d1c7506fe77a488dd7a6dd3a09f4"},
      {R"(org: "openai" team: "sora" effective_time { seconds: 1770714000 }
          date_precision: DATE_PRECISION_DAY compute_reallocation { to_team: "dall-e" share: 0.125 })",
       "ik1:8f21e779a7650830b3ccbd8a0fca3ae8"},
      {R"(org: "openai" team: "sora" effective_time { seconds: 1770714000 }
          compute_reallocation { to_team: "dall-e" share: 0.33333333333 })", "ik1:de1df6868bd6736f96e54a7d7c252766"},
      {R"(org: "openai" team: "sora" effective_time { seconds: 1770714000 }
          retention_action { kind: RETENTION_KIND_EQUITY population: "Senior researchers" })",
       "ik1:2c6267263e4733bf8879cff4544e725f"},
      {R"(org: "openai" team: "sora" effective_time { seconds: 1770714000 }
          team_change { kind: TEAM_CHANGE_KIND_MERGED into_team: "dall-e" })", "ik1:197280986fe605fc7179b9c91b8d3e97"},
      {R"(org: "openai" team: "sora" effective_time { seconds: 1770714000 } headcount_report { headcount: 38 })",
       "ik1:fd2beda2e4ec81bef1185267678d04d1"},
      {R"(org: "openai" team: "sora" effective_time { seconds: 1770714000 } retraction { target_event_id: "evt-9" })",
       "ik1:ffa8e86dd10e48f89c0fb5f87bbea3f5"},
      {R"(org: "openai" team: "sora" effective_time { seconds: 1770714000 } transfer_out { to_team: "dall-e" })",
       "ik1:0ba4ad00163d20cad5b50e2b86aec735"},
      {R"(org: "openai" team: "sora" effective_time { seconds: 1770714000 } transfer_in { from_team: "dall-e" })",
       "ik1:4f8c021db685b3ef896acca4b58d79ef"},
      {R"(org: "openai" team: "sora" effective_time { seconds: 1770714000 } hire {})",
       "ik1:aca6c82c9b26a70124ab79571846fa8c"},
      {R"(org: "openai" team: "sora" effective_time { seconds: 1770714000 })", "ik1:ba0cfa9abb2a144fe13c3a93d4ee7c16"},
      {R"(effective_time { seconds: -1 nanos: 999999999 } date_precision: DATE_PRECISION_MONTH)",
       "ik1:1f0f4b077aec9d954317bfaf5027ae45"},
      {R"(org: "o" team: "t" effective_time { seconds: 0 nanos: -1 } headcount_report {})",
       "ik1:39115c53e99f44926db8ec3c9cd54b13"},
      {R"(org: "o" team: "t" effective_time { seconds: 86399 nanos: 1000000000 } headcount_report {})",
       "ik1:f44751679d1262fbb722e5bd1c4ba5a0"},
      {R"(org: "o" team: "t" effective_time { seconds: -62135596800 } date_precision: DATE_PRECISION_QUARTER)",
       "ik1:30b3a5aad6860f973fca9fd74e493618"},
      {R"(org: "o" team: "t" effective_time { seconds: -70000000000 } date_precision: DATE_PRECISION_QUARTER)",
       "ik1:4e7464a64c3daaf77bc1a3adc3ddcf34"},
      {R"(org: "o" team: "t" effective_time { seconds: -61000000000 })", "ik1:bf1e9e429a886a04a49130b6fb8f3b7c"},
      {R"(org: "o" team: "t" effective_time { seconds: 300000000000 } date_precision: DATE_PRECISION_MONTH)",
       "ik1:7806ad882e73262723221de46ff69041"},
      {R"(org: "o" team: "t" effective_time { seconds: 300000000000 } date_precision: 7)",
       "ik1:026244b496ac6c028f96bb3719890270"},
      {R"(org: "o" team: "t" person { id: "p" } effective_time { seconds: 253402300799 }
          date_precision: DATE_PRECISION_QUARTER)", "ik1:4a958c24a6b1420e39090190d4c201b3"},
      {R"(org: "o" team: "t")", "ik1:626cdc41496108bd049e36fab292e013"},
  };
  for (const Case& c : cases) {
    v1::Event e;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(c.event, &e)) << c.event;
    EXPECT_EQ(DeriveIdempotencyKey(e), c.key) << c.event;
  }
}

// The same guarantee over the synthetic generator's events (seed 42, the lines `talentflowctl gen`
// writes, which carry no key): an FNV-1a hash of all their keys, as printed by the code at eab12af.
TEST(DeriveIdempotencyKey, MatchesKeysOfTheFirstImplementationOnGeneratorEvents) {
  ctl::SyntheticOptions options;
  options.events = 20000;
  uint64_t fnv = 14695981039346656037ull;
  int count = 0;
  ctl::ForEachSynthetic(options, [&](const v1::Event& e) {
    for (char c : DeriveIdempotencyKey(e)) fnv = (fnv ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    ++count;
    return true;
  });
  EXPECT_EQ(count, 20000);
  EXPECT_EQ(fnv, 16883947885692708342u);
}

}  // namespace
}  // namespace talentflow::ingest
