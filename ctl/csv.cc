#include "ctl/csv.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/base/time_util.h"
#include "views/health.h"

namespace talentflow::ctl {
namespace {

std::string TimeText(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", ToAbslTime(ts), absl::UTCTimeZone());
}

// The enum value's name, or "" for the unspecified value 0.
template <typename Enum, typename NameFn>
std::string EnumText(Enum value, NameFn name) {
  return static_cast<int>(value) == 0 ? "" : std::string(name(value));
}

// The payload's JSON name in the feed format ("hire", "reprioritisation"), "" when none is set.
std::string Kind(const v1::Event& e) {
  const auto* oneof = e.GetDescriptor()->FindOneofByName("payload");
  if (oneof == nullptr) return "";
  const auto* set = e.GetReflection()->GetOneofFieldDescriptor(e, oneof);
  return set == nullptr ? "" : set->json_name();
}

}  // namespace

std::string CsvField(absl::string_view value) {
  if (value.find_first_of(",\"\r\n") == absl::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string CsvRow(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) absl::StrAppend(&out, i ? "," : "", CsvField(fields[i]));
  return out + "\n";
}

std::string TeamsCsv(const google::protobuf::RepeatedPtrField<v1::TeamHealth>& teams) {
  std::string out = CsvRow({"org", "team", "as_of", "active", "status", "score", "headcount", "departures_90d",
                            "senior_departures_90d", "annualised_attrition_90d_pct", "priority", "budget"});
  for (const auto& h : teams) {
    const v1::WindowStats* w90 = nullptr;
    for (const auto& w : h.windows()) {
      if (w.days() == 90) w90 = &w;
    }
    out += CsvRow({h.org(), h.team(), h.as_of(), h.active() ? "true" : "false",
                   h.status() == v1::HEALTH_STATUS_UNSPECIFIED ? "" : views::ShortName(h.status()),
                   h.status() == v1::HEALTH_STATUS_UNKNOWN ? "" : absl::StrCat(h.score()), h.headcount_known() ? absl::StrCat(h.headcount()) : "",
                   w90 ? absl::StrCat(w90->departures()) : "", w90 ? absl::StrCat(w90->senior_departures()) : "",
                   w90 && w90->attrition_known() ? absl::StrFormat("%.1f", w90->annualised_attrition() * 100.0) : "",
                   h.priority() == v1::PRIORITY_UNSPECIFIED ? "" : views::ShortName(h.priority()),
                   h.budget() == v1::BUDGET_STATUS_UNSPECIFIED ? "" : views::ShortName(h.budget())});
  }
  return out;
}

std::string TrendCsv(const std::string& org, const std::string& team, const v1::GetTeamTrendResponse& trend) {
  std::string out = CsvRow({"org", "team", "date", "headcount", "hires", "departures", "score", "status"});
  for (const auto& p : trend.points()) {
    out += CsvRow({org, team, p.date(), p.headcount_known() ? absl::StrCat(p.headcount()) : "", absl::StrCat(p.hires()),
                   absl::StrCat(p.departures()),
                   p.status() == v1::HEALTH_STATUS_UNKNOWN ? "" : absl::StrCat(p.score()),
                   p.status() == v1::HEALTH_STATUS_UNSPECIFIED ? "" : views::ShortName(p.status())});
  }
  return out;
}

std::string FlowsCsv(const v1::GetTalentFlowsResponse& flows) {
  std::string out = CsvRow({"from_org", "to_org", "team", "month", "person_id", "person_name", "seniority"});
  for (const auto& e : flows.edges()) {
    for (const auto& m : e.movers()) {
      out += CsvRow({e.from_org(), e.to_org(), m.team(), m.month(), m.id(), m.name(),
                     EnumText(m.seniority(), [](v1::Seniority s) { return v1::Seniority_Name(s); })});
    }
  }
  return out;
}

std::string EventsCsv(const google::protobuf::RepeatedPtrField<v1::EventRecord>& events) {
  std::string out = CsvRow({"event_id", "org", "team", "kind", "effective_date", "date_precision", "person_id",
                            "person_name", "seniority", "origin_org", "destination_org", "destination_kind",
                            "target_event_id", "status", "note", "partition", "offset", "recorded_time", "confidence",
                            "evidence"});
  for (const auto& r : events) {
    const v1::Event& e = r.event();
    std::string evidence;
    for (const auto& ev : e.evidence()) {
      absl::StrAppend(&evidence, evidence.empty() ? "" : " | ", ev.outlet(), " <", ev.url(), ">");
    }
    out += CsvRow({e.event_id(), e.org(), e.team(), Kind(e),
                   e.has_effective_time() ? FormatDay(DayOf(e.effective_time())) : "",
                   EnumText(e.date_precision(), [](v1::DatePrecision p) { return v1::DatePrecision_Name(p); }),
                   e.person().id(), e.person().name(),
                   EnumText(e.person().seniority(), [](v1::Seniority s) { return v1::Seniority_Name(s); }),
                   e.has_hire() ? e.hire().from_org() : "", e.has_departure() ? e.departure().destination_org() : "",
                   e.has_departure() ? EnumText(e.departure().destination_kind(),
                                                [](v1::DestinationKind k) { return v1::DestinationKind_Name(k); })
                                     : "",
                   e.has_retraction() ? e.retraction().target_event_id() : "",
                   EnumText(r.status(), [](v1::EventStatus s) { return v1::EventStatus_Name(s); }), r.note(),
                   absl::StrCat(r.partition()), absl::StrCat(r.offset()), TimeText(e.recorded_time()),
                   EnumText(e.confidence(), [](v1::Confidence c) { return v1::Confidence_Name(c); }), evidence});
  }
  return out;
}

std::string WatermarkCsv(const v1::Watermark& watermark) {
  std::string out = CsvRow({"partition", "applied_offset", "end_offset", "lag", "instance", "standby"});
  for (const auto& p : watermark.partitions()) {
    out += CsvRow({absl::StrCat(p.partition()), absl::StrCat(p.applied_offset()),
                   p.end_offset() < 0 ? "" : absl::StrCat(p.end_offset()), p.lag() < 0 ? "" : absl::StrCat(p.lag()),
                   p.instance(), p.standby() ? "true" : "false"});
  }
  return out;
}

std::string OrgsCsv(const v1::ListOrgsResponse& orgs) {
  std::string out = CsvRow({"org", "teams"});
  for (const auto& o : orgs.orgs()) out += CsvRow({o.org(), absl::StrCat(o.teams())});
  return out;
}

std::string MovesCsv(const std::vector<const v1::PersonMove*>& moves) {
  std::string out = CsvRow({"person_id", "person_name", "org", "team", "kind", "effective_date", "date_precision",
                            "from_org", "from_team", "to_org", "to_team", "confidence", "outlets", "status",
                            "corroborated", "corroborated_by", "counterpart_event_id", "counterpart_outlets",
                            "event_id", "note"});
  for (const v1::PersonMove* m : moves) {
    const char* kind = m->kind() == v1::MOVE_KIND_HIRE            ? "hire"
                       : m->kind() == v1::MOVE_KIND_DEPARTURE       ? "departure"
                       : m->kind() == v1::MOVE_KIND_TRANSFER_IN     ? "transferIn"
                       : m->kind() == v1::MOVE_KIND_TRANSFER_OUT    ? "transferOut"
                                                                    : "";
    out += CsvRow({m->person().id(), m->person().name(), m->org(), m->team(), kind,
                   m->has_effective_time() ? FormatDay(DayOf(m->effective_time())) : "",
                   EnumText(m->date_precision(), [](v1::DatePrecision p) { return v1::DatePrecision_Name(p); }),
                   m->from_org(), m->from_team(), m->to_org(), m->to_team(),
                   EnumText(m->confidence(), [](v1::Confidence c) { return v1::Confidence_Name(c); }),
                   absl::StrJoin(m->outlets(), " | "),
                   EnumText(m->status(), [](v1::EventStatus s) { return v1::EventStatus_Name(s); }),
                   m->corroborated() ? "true" : "false", absl::StrJoin(m->corroborated_by(), "; "),
                   m->counterpart_event_id(), absl::StrJoin(m->counterpart_outlets(), " | "), m->event_id(),
                   m->note()});
  }
  return out;
}

std::string FlowMonthsCsv(const v1::GetTalentFlowsRequest& request, const v1::GetTalentFlowsResponse& flows) {
  std::string out = CsvRow({"org", "counterparty", "month", "inbound", "outbound", "net"});
  for (const auto& m : flows.months()) {
    out += CsvRow({request.org(), request.counterparty(), m.month(), absl::StrCat(m.inbound()),
                   absl::StrCat(m.outbound()), absl::StrCat(m.net())});
  }
  return out;
}

std::string MovementCsv(const v1::GetTeamMovementResponse& movement) {
  std::string out = CsvRow({"org", "team", "as_of", "window_days", "window_from", "kind", "unspecified", "junior",
                            "mid", "senior", "staff", "principal", "leadership", "total"});
  auto rows = [&](const v1::TeamMovement& t) {
    for (const auto& w : t.windows()) {
      const std::pair<const char*, const v1::SeniorityCounts*> kinds[] = {
          {"hires", &w.hires()}, {"departures", &w.departures()}, {"transfers_in", &w.transfers_in()},
          {"transfers_out", &w.transfers_out()}};
      for (const auto& [kind, c] : kinds) {
        std::vector<std::string> row = {movement.org(), t.team(), movement.as_of(), absl::StrCat(w.days()), w.from(), kind};
        for (int64_t n : {c->unspecified(), c->junior(), c->mid(), c->senior(), c->staff(), c->principal(),
                          c->leadership(), c->total()}) {
          row.push_back(absl::StrCat(n));
        }
        out += CsvRow(row);
      }
    }
  };
  for (const auto& t : movement.teams()) rows(t);
  if (movement.teams_size() > 1) rows(movement.totals());
  return out;
}

std::string BackfillsCsv(const v1::GetTeamMovementResponse& movement) {
  std::string out = CsvRow({"org", "team", "departure_event_id", "departure_day", "person_id", "person_name",
                            "seniority", "status", "hire_event_id", "hire_day", "hire_kind", "hire_person_id",
                            "hire_person_name", "hire_seniority", "days"});
  auto seniority = [](v1::Seniority s) { return EnumText(s, [](v1::Seniority v) { return v1::Seniority_Name(v); }); };
  for (const auto& t : movement.teams()) {
    for (const auto& b : t.backfills()) {
      out += CsvRow({movement.org(), b.team(), b.departure_event_id(), b.departure_day(), b.person().id(),
                     b.person().name(), seniority(b.person().seniority()), b.open() ? "open" : "backfilled",
                     b.hire_event_id(), b.hire_day(),
                     EnumText(b.hire_kind(), [](v1::MoveKind k) { return v1::MoveKind_Name(k); }),
                     b.hire_person().id(), b.hire_person().name(), seniority(b.hire_person().seniority()),
                     absl::StrCat(b.days())});
    }
  }
  return out;
}

}  // namespace talentflow::ctl
