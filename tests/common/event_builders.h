// Builders of valid events for tests: each returns a complete event that a test then breaks or
// adjusts in the one field it is about.
#pragma once

#include <string>

#include "absl/time/time.h"
#include "common/base/time_util.h"
#include "talentflow/v1/event.pb.h"

namespace talentflow::testing {

// 00:00 UTC of the given date.
inline absl::Time Day(int y, int m, int d) { return absl::FromCivil(absl::CivilDay(y, m, d), absl::UTCTimeZone()); }

inline v1::Event BaseEvent(std::string id, std::string org, std::string team, absl::Time when) {
  v1::Event e;
  e.set_event_id(std::move(id));
  e.set_org(std::move(org));
  e.set_team(std::move(team));
  *e.mutable_effective_time() = ToTimestamp(when);
  e.set_date_precision(v1::DATE_PRECISION_DAY);
  e.set_confidence(v1::CONFIDENCE_REPORTED);
  auto* ev = e.add_evidence();
  ev->set_url("https://example.com/story");
  ev->set_outlet("Example News");
  ev->set_source_type(v1::SOURCE_TYPE_NEWS);
  return e;
}

inline v1::Event Departure(std::string id, std::string team, absl::Time when, std::string person_id,
                           v1::Seniority seniority = v1::SENIORITY_SENIOR, std::string destination = "anthropic",
                           v1::DestinationKind kind = v1::DESTINATION_KIND_COMPETITOR) {
  v1::Event e = BaseEvent(std::move(id), "openai", std::move(team), when);
  e.mutable_person()->set_id(person_id);
  e.mutable_person()->set_name("Person " + person_id);
  e.mutable_person()->set_seniority(seniority);
  e.mutable_departure()->set_destination_org(std::move(destination));
  e.mutable_departure()->set_destination_kind(kind);
  return e;
}

inline v1::Event Hire(std::string id, std::string team, absl::Time when, std::string person_id,
                      std::string from_org = "google-deepmind", v1::Seniority seniority = v1::SENIORITY_SENIOR) {
  v1::Event e = BaseEvent(std::move(id), "openai", std::move(team), when);
  e.mutable_person()->set_id(person_id);
  e.mutable_person()->set_name("Person " + person_id);
  e.mutable_person()->set_seniority(seniority);
  e.mutable_hire()->set_from_org(std::move(from_org));
  return e;
}

inline v1::Event HeadcountReport(std::string id, std::string team, absl::Time when, int headcount) {
  v1::Event e = BaseEvent(std::move(id), "openai", std::move(team), when);
  e.mutable_headcount_report()->set_headcount(headcount);
  return e;
}

inline v1::Event Reprioritisation(std::string id, std::string team, absl::Time when, v1::Priority p) {
  v1::Event e = BaseEvent(std::move(id), "openai", std::move(team), when);
  e.mutable_reprioritisation()->set_priority(p);
  return e;
}

inline v1::Event Budget(std::string id, std::string team, absl::Time when, v1::BudgetStatus s) {
  v1::Event e = BaseEvent(std::move(id), "openai", std::move(team), when);
  e.mutable_budget_change()->set_status(s);
  return e;
}

inline v1::Event Retraction(std::string id, std::string team, absl::Time when, std::string target) {
  v1::Event e = BaseEvent(std::move(id), "openai", std::move(team), when);
  e.mutable_retraction()->set_target_event_id(std::move(target));
  e.mutable_retraction()->set_reason("story corrected");
  return e;
}

}  // namespace talentflow::testing
