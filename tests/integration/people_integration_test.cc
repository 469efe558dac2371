// GetPerson and ListPeople over the sample feed's views (examples/feeds/openai-2026.jsonl, worked
// out by hand from the feed's lines), plus three reports published in a later batch:
//   - evt-0017 again (Arjun Batra left openai/sora for google-deepmind on 2025-09-24), from Reuters:
//     the same story (same derived idempotency key), so the views mark it duplicate and the story
//     has two outlets;
//   - Lena Ortiz's hire at google-deepmind/gemini from openai on 2026-02-02, 24 days after her
//     departure from openai/sora to google-deepmind (evt-0033, 2026-01-09): its counterpart.
#include <filesystem>
#include <sstream>
#include <thread>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "ctl/commands.h"
#include "query/query_service.h"
#include "tests/common/pipeline.h"
#include "tests/integration/served_query.h"

namespace talentflow::query {
namespace {

using ::talentflow::testing::Day;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kSource = TALENTFLOW_SOURCE_DIR;

google::protobuf::Timestamp At(int y, int m, int d) { return ToTimestamp(Day(y, m, d)); }

std::vector<std::string> Ids(const google::protobuf::RepeatedPtrField<v1::PersonMove>& moves) {
  std::vector<std::string> ids;
  for (const auto& m : moves) ids.push_back(m.event_id());
  return ids;
}

class PeopleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    views_ = new SampleViews;
    v1::Event again = testing::Departure("evt-arjun-reuters", "sora", Day(2025, 9, 24), "p-arjun-batra",
                                         v1::SENIORITY_SENIOR, "google-deepmind");
    again.mutable_person()->set_name("Arjun Batra");
    again.mutable_evidence(0)->set_outlet("Reuters");
    v1::Event hire = testing::Hire("evt-lena-gemini", "gemini", Day(2026, 2, 2), "p-lena-ortiz", "openai");
    hire.set_org("google-deepmind");
    hire.mutable_person()->set_name("Lena Ortiz");
    hire.mutable_evidence(0)->set_outlet("DeepMind blog");
    ASSERT_NO_FATAL_FAILURE(views_->Start(kSource, "people", {again, hire}));
    source_ = views_->source.get();
  }
  static void TearDownTestSuite() { delete views_; }
  static v1::GetPersonResponse Person(const std::string& id) {
    Served s(source_);
    v1::GetPersonRequest req;
    req.set_person_id(id);
    return CallOk(*s.stub, &v1::QueryService::Stub::GetPerson, req);
  }
  static SampleViews* views_;
  static ViewSource* source_;
};
SampleViews* PeopleTest::views_ = nullptr;
ViewSource* PeopleTest::source_ = nullptr;

TEST_F(PeopleTest, ADepartureToGoogleDeepmindReportedTwiceIsOneCorroboratedStoryAndADuplicate) {
  v1::GetPersonResponse p = Person("p-arjun-batra");
  EXPECT_EQ(p.person().name(), "Arjun Batra");
  ASSERT_THAT(Ids(p.moves()), ElementsAre("evt-0017", "evt-arjun-reuters"));
  const v1::PersonMove& m = p.moves(0);
  EXPECT_EQ(m.org(), "openai");
  EXPECT_EQ(m.team(), "sora");
  EXPECT_EQ(m.kind(), v1::MOVE_KIND_DEPARTURE);
  EXPECT_EQ(m.effective_time().seconds(), At(2025, 9, 24).seconds());
  EXPECT_EQ(m.date_precision(), v1::DATE_PRECISION_DAY);
  EXPECT_EQ(m.from_org(), "openai");
  EXPECT_EQ(m.from_team(), "sora");
  EXPECT_EQ(m.to_org(), "google-deepmind");
  EXPECT_EQ(m.destination_kind(), v1::DESTINATION_KIND_COMPETITOR);
  EXPECT_EQ(m.confidence(), v1::CONFIDENCE_REPORTED);
  EXPECT_EQ(m.status(), v1::EVENT_STATUS_APPLIED);
  EXPECT_THAT(m.outlets(), ElementsAre("The Information", "Reuters"));
  EXPECT_TRUE(m.corroborated());
  EXPECT_THAT(m.corroborated_by(), ElementsAre("2 outlets"));
  EXPECT_EQ(m.counterpart_event_id(), "");  // no hire at google-deepmind was reported
  EXPECT_EQ(p.moves(1).status(), v1::EVENT_STATUS_DUPLICATE);
  EXPECT_THAT(p.moves(1).outlets(), ElementsAre("The Information", "Reuters"));
  EXPECT_FALSE(p.moves(1).corroborated());
  EXPECT_TRUE(p.counterparts().empty());
}

TEST_F(PeopleTest, ADepartureAndItsCounterpartHireAtAnotherOrgAreLinked) {
  v1::GetPersonResponse p = Person("p-lena-ortiz");
  ASSERT_THAT(Ids(p.moves()), ElementsAre("evt-0033", "evt-lena-gemini"));
  EXPECT_EQ(p.moves(1).org(), "google-deepmind");
  EXPECT_EQ(p.moves(1).team(), "gemini");
  EXPECT_EQ(p.moves(1).kind(), v1::MOVE_KIND_HIRE);
  EXPECT_EQ(p.moves(1).from_org(), "openai");
  ASSERT_EQ(p.counterparts_size(), 1);
  EXPECT_EQ(p.counterparts(0).out_event_id(), "evt-0033");
  EXPECT_EQ(p.counterparts(0).in_event_id(), "evt-lena-gemini");
  // Worked by hand: 22 days from 2026-01-09 to 2026-01-31, then 2 to 2026-02-02.
  EXPECT_EQ(p.counterparts(0).days_apart(), 24);
  EXPECT_THAT(p.moves(0).outlets(), ElementsAre("Bloomberg"));
  EXPECT_THAT(p.moves(0).counterpart_outlets(), ElementsAre("DeepMind blog"));
  EXPECT_THAT(p.moves(0).corroborated_by(), ElementsAre("counterpart evt-lena-gemini"));
  EXPECT_THAT(p.moves(1).corroborated_by(), ElementsAre("counterpart evt-0033"));
}

TEST_F(PeopleTest, ARetractedRumourIsShownRetractedAndNotCorroborated) {
  v1::GetPersonResponse p = Person("p-theo-brandt");
  ASSERT_THAT(Ids(p.moves()), ElementsAre("evt-0052"));
  EXPECT_EQ(p.moves(0).status(), v1::EVENT_STATUS_RETRACTED);
  EXPECT_EQ(p.moves(0).confidence(), v1::CONFIDENCE_RUMOR);
  EXPECT_THAT(p.moves(0).outlets(), ElementsAre("X"));
  EXPECT_THAT(p.moves(0).note(), HasSubstr("retracted by evt-0065"));
  EXPECT_FALSE(p.moves(0).corroborated());
}

TEST_F(PeopleTest, ATransferOutAndTheTransferInIngestDerivedAreCounterparts) {
  v1::GetPersonResponse p = Person("p-priyanka-sethuraman");
  ASSERT_EQ(p.counterparts_size(), 1);
  EXPECT_EQ(p.counterparts(0).out_event_id(), "evt-0053");
  EXPECT_EQ(p.counterparts(0).in_event_id(), "evt-0053.in");
  EXPECT_EQ(p.counterparts(0).days_apart(), 0);
  EXPECT_THAT(Ids(p.moves()), ::testing::UnorderedElementsAre("evt-0053", "evt-0053.in"));
  for (const auto& m : p.moves()) {
    EXPECT_TRUE(m.corroborated()) << m.event_id();
    EXPECT_EQ(m.from_team(), "sora");
    EXPECT_EQ(m.to_team(), "chatgpt");
  }
}

TEST_F(PeopleTest, AnUnknownPersonIsNotFoundNamingTheIdAndTheNearest) {
  Served s(source_);
  v1::GetPersonRequest req;
  req.set_person_id("p-arjun-batraa");
  v1::GetPersonResponse resp;
  grpc::ClientContext c;
  grpc::Status st = s.stub->GetPerson(&c, req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(st.error_message(), HasSubstr("person p-arjun-batraa not found"));
  EXPECT_THAT(st.error_message(), HasSubstr("did you mean p-arjun-batra?"));
  v1::GetPersonRequest empty;
  grpc::ClientContext c2;
  EXPECT_EQ(s.stub->GetPerson(&c2, empty, &resp).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

// openai/sora in February 2026 (feed lines 50-60): Samira Okafor 02-13 (evt-0050, and evt-0051, the
// same story from Axios: a duplicate, listed with it), Theo Brandt 02-16 (retracted), Priyanka Sethuraman's transfer
// out 02-18, Marcus Feld 02-19, Hana Kowalski 02-24, Ezra Lindgren 02-27: six people, by id.
TEST_F(PeopleTest, ListPeopleOfATeamPagesByPerson) {
  Served s(source_);
  v1::ListPeopleRequest req;
  req.set_org("openai");
  req.set_team("sora");
  *req.mutable_from() = At(2026, 2, 1);
  *req.mutable_to() = At(2026, 2, 28);
  req.set_page_size(4);
  std::vector<std::string> people, moves;
  std::string token;
  for (int page = 0; page < 2; ++page) {
    v1::ListPeopleResponse resp;
    grpc::ClientContext c;
    req.set_page_token(token);
    ASSERT_TRUE(s.stub->ListPeople(&c, req, &resp).ok());
    for (const auto& row : resp.people()) {
      people.push_back(row.person_id());
      for (const auto& m : row.moves()) moves.push_back(absl::StrCat(m.event_id(), " ", v1::EventStatus_Name(m.status())));
    }
    token = resp.next_page_token();
    EXPECT_EQ(token.empty(), page == 1);
  }
  EXPECT_THAT(people, ElementsAre("p-ezra-lindgren", "p-hana-kowalski", "p-marcus-feld", "p-priyanka-sethuraman",
                                  "p-samira-okafor", "p-theo-brandt"));
  EXPECT_THAT(moves, ElementsAre("evt-0060 EVENT_STATUS_APPLIED", "evt-0057 EVENT_STATUS_APPLIED",
                                 "evt-0054 EVENT_STATUS_APPLIED", "evt-0053 EVENT_STATUS_APPLIED",
                                 "evt-0050 EVENT_STATUS_APPLIED", "evt-0051 EVENT_STATUS_DUPLICATE",
                                 "evt-0052 EVENT_STATUS_RETRACTED"));
}

// openai in January 2026 (feed lines 32-39): hires of Kwame Asante, Inês Carvalho, Tomás Rivera;
// departures of Lena Ortiz, Aya Tanabe, Hector Alvarado, Viktor Hale, Leila Mansour. Lena's row
// links to her hire at google-deepmind, which is filed under another org.
TEST_F(PeopleTest, ListPeopleOfAnOrgLinksCounterpartsFiledElsewhere) {
  Served s(source_);
  v1::ListPeopleRequest req;
  req.set_org("openai");
  *req.mutable_from() = At(2026, 1, 1);
  *req.mutable_to() = At(2026, 1, 31);
  v1::ListPeopleResponse resp;
  grpc::ClientContext c;
  ASSERT_TRUE(s.stub->ListPeople(&c, req, &resp).ok());
  std::vector<std::string> people;
  for (const auto& row : resp.people()) people.push_back(row.name());
  EXPECT_THAT(people, ElementsAre("Aya Tanabe", "Hector Alvarado", "Inês Carvalho", "Kwame Asante", "Leila Mansour",
                                  "Lena Ortiz", "Tomás Rivera", "Viktor Hale"));
  const v1::PersonRow& lena = resp.people(5);
  ASSERT_THAT(Ids(lena.moves()), ElementsAre("evt-0033"));
  EXPECT_EQ(lena.moves(0).counterpart_event_id(), "evt-lena-gemini");
  EXPECT_TRUE(lena.moves(0).corroborated());
  EXPECT_FALSE(resp.people(0).moves(0).corroborated());  // Aya Tanabe: TechCrunch alone, reported
  EXPECT_TRUE(resp.people(6).moves(0).corroborated());   // Tomás Rivera: confirmed
}

TEST_F(PeopleTest, AnEmptyPeopleAnswerSaysWhy) {
  Served s(source_);
  ctl::PeopleOptions options;
  options.target = {"openai", "sora"};
  options.from = At(2026, 6, 1);
  options.to = At(2026, 6, 30);
  std::ostringstream out, err;
  EXPECT_EQ(ctl::RunPeople(options, ctl::ReadOptions(), *s.stub, out, err), ctl::kExitOk);
  EXPECT_EQ(out.str(),
            "No one moved into or out of openai (team sora) from 2026-06-01 to 2026-06-30; the latest move is "
            "effective 2026-03-27 (try --to 2026-03-27)\n");
}

}  // namespace
}  // namespace talentflow::query
