#include "ctl/synthetic_source.h"

#include <random>

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/time_util.h"

namespace talentflow::ctl {

std::vector<v1::Event> Synthetic(const SyntheticOptions& o) {
  std::mt19937_64 rng(o.seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  const absl::Time start = absl::FromCivil(absl::CivilDay(2024, 1, 1), absl::UTCTimeZone());
  std::vector<v1::Event> out;
  out.reserve(o.events);
  for (int i = 0; i < o.events; ++i) {
    const std::string org = absl::StrCat("org", pick(o.orgs));
    const int team_no = pick(o.teams_per_org);
    const absl::Time when = start + absl::Hours(24 * pick(1000)) + absl::Minutes(pick(1440));
    const int roll = pick(100);
    v1::Event e;
    if (roll < 5 && !out.empty()) {  // a second outlet reports an earlier story
      e = out[pick(static_cast<int>(out.size()))];
      e.mutable_evidence(0)->set_outlet("Second Outlet");
    } else {
      const v1::Event* target = roll < 7 && !out.empty() ? &out[pick(static_cast<int>(out.size()))] : nullptr;
      e.set_org(target ? target->org() : org);
      e.set_team(target ? target->team() : absl::StrCat("team", team_no));
      *e.mutable_effective_time() = ToTimestamp(when);
      e.set_date_precision(v1::DATE_PRECISION_DAY);
      e.set_confidence(v1::CONFIDENCE_REPORTED);
      auto* ev = e.add_evidence();
      ev->set_url(absl::StrCat("https://news.example.com/", org, "/", i));
      ev->set_outlet("Example News");
      ev->set_source_type(v1::SOURCE_TYPE_NEWS);
      *ev->mutable_published_at() = ToTimestamp(when + absl::Hours(20));
      auto person = [&] {
        e.mutable_person()->set_id(absl::StrCat("p", rng() % 100000));
        e.mutable_person()->set_name(absl::StrCat("Person ", e.person().id()));
        e.mutable_person()->set_title("Research Scientist");
        e.mutable_person()->set_seniority(static_cast<v1::Seniority>(1 + pick(6)));
      };
      if (target) {
        e.mutable_retraction()->set_target_event_id(target->event_id());
        e.mutable_retraction()->set_reason("story corrected");
      } else if (roll < 45) {
        person();
        e.mutable_departure()->set_destination_org(absl::StrCat("org", pick(o.orgs)));
        e.mutable_departure()->set_destination_kind(static_cast<v1::DestinationKind>(1 + pick(5)));
      } else if (roll < 75) {
        person();
        e.mutable_hire()->set_from_org(absl::StrCat("org", pick(o.orgs)));
      } else if (roll < 85) {
        e.mutable_headcount_report()->set_headcount(10 + pick(400));
      } else if (roll < 90) {
        e.mutable_reprioritisation()->set_priority(static_cast<v1::Priority>(1 + pick(6)));
      } else if (roll < 95) {
        e.mutable_budget_change()->set_status(static_cast<v1::BudgetStatus>(1 + pick(4)));
      } else {
        person();
        e.mutable_transfer_out()->set_to_team(absl::StrCat("team", (team_no + 1) % o.teams_per_org));
      }
    }
    e.set_event_id(absl::StrCat("syn-", o.seed, "-", i));
    out.push_back(std::move(e));
  }
  return out;
}

int RunGen(const SyntheticOptions& options, bool keyed, std::ostream& out) {
  google::protobuf::util::JsonPrintOptions json;
  json.preserve_proto_field_names = false;
  std::string line;
  for (const v1::Event& e : Synthetic(options)) {
    line.clear();
    if (!google::protobuf::util::MessageToJsonString(e, &line, json).ok()) return 1;
    if (keyed) out << e.org() << '/' << e.team() << '\t';
    out << line << '\n';
  }
  out.flush();
  return 0;
}

}  // namespace talentflow::ctl
