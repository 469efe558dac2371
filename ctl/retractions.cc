#include "ctl/retractions.h"

#include <algorithm>
#include <array>
#include <map>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_format.h"
#include "common/base/time_util.h"
#include "ctl/args.h"
#include "ctl/tables.h"

namespace talentflow::ctl {
namespace {

void SetDeadline(grpc::ClientContext& ctx, absl::Duration timeout) {
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
}

// The payload's name as the feed writes it: "departure", "retraction".
std::string PayloadName(const v1::Event& e) {
  const auto* oneof = e.GetDescriptor()->FindOneofByName("payload");
  const auto* field = e.GetReflection()->GetOneofFieldDescriptor(e, oneof);
  return field == nullptr ? "-" : field->json_name();
}

// The status as the `events` table words it, for one event on its own.
std::string StatusWord(v1::EventStatus s) {
  switch (s) {
    case v1::EVENT_STATUS_APPLIED: return "applied";
    case v1::EVENT_STATUS_DUPLICATE: return "duplicate";
    case v1::EVENT_STATUS_RETRACTED: return "retracted";
    case v1::EVENT_STATUS_RETRACTION_APPLIED: return "retraction applied";
    case v1::EVENT_STATUS_RETRACTION_PENDING: return "retraction pending (target not seen yet)";
    case v1::EVENT_STATUS_RETRACTION_NOOP: return "retraction without effect";
    default: return "-";
  }
}

std::string Instant(const google::protobuf::Timestamp& ts) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", ToAbslTime(ts), absl::UTCTimeZone());
}

std::string Day(const google::protobuf::Timestamp& ts) { return FormatDay(DayOf(ts)); }

// "label     value\n"; values are never cut, so that an id can be copied whole.
void Line(std::string& out, absl::string_view label, absl::string_view value) {
  if (value.empty()) return;
  absl::StrAppend(&out, absl::StrFormat("%-10s %s\n", label, value));
}

std::string RenderEventRecord(const v1::EventRecord& r) {
  const v1::Event& e = r.event();
  std::string out;
  Line(out, "event", e.event_id());
  Line(out, "team", absl::StrCat(e.org(), "/", e.team()));
  Line(out, "type", PayloadName(e));
  if (e.has_retraction()) Line(out, "target", e.retraction().target_event_id());
  if (e.has_retraction()) Line(out, "reason", e.retraction().reason());
  if (e.has_person()) {
    std::string who = e.person().name().empty() ? e.person().id() : e.person().name();
    if (!e.person().name().empty() && !e.person().id().empty()) absl::StrAppend(&who, " (", e.person().id(), ")");
    Line(out, "person", who);
  }
  if (e.has_effective_time()) Line(out, "effective", Day(e.effective_time()));
  if (e.has_recorded_time()) Line(out, "recorded", Instant(e.recorded_time()));
  Line(out, "status", StatusWord(r.status()));
  Line(out, "note", r.note());
  Line(out, "log", absl::StrCat("partition ", r.partition(), ", offset ", r.offset()));
  for (const auto& ev : e.evidence()) Line(out, "evidence", ev.outlet().empty() ? ev.url() : absl::StrCat(ev.outlet(), " ", ev.url()));
  // The story's outlets when other reports of it added some (issue 19).
  if (r.outlets_size() >= 2) Line(out, "outlets", absl::StrJoin(r.outlets(), ", "));
  return out;
}

}  // namespace

int RunEvent(const EventOptions& options, const ReadOptions& read, v1::QueryService::StubInterface& stub,
             std::ostream& out, std::ostream& err) {
  v1::GetEventRequest req;
  req.set_event_id(options.event_id);
  for (const auto& [p, o] : read.min_offsets) (*req.mutable_min_offsets()->mutable_offsets())[p] = o;
  req.set_max_lag(read.max_lag);
  grpc::ClientContext ctx;
  SetDeadline(ctx, read.timeout);
  v1::GetEventResponse resp;
  if (grpc::Status s = stub.GetEvent(&ctx, req, &resp); !s.ok()) return ReportError(s, err);
  if (read.json) {
    absl::StatusOr<std::string> json = RenderJson(resp);
    if (!json.ok()) return ReportError(json.status(), err);
    out << *json << std::flush;
    return kExitOk;
  }
  out << RenderEventRecord(resp.record()) << std::flush;
  return kExitOk;
}

google::protobuf::Timestamp RetractionEffectiveTime(const v1::Event& target, absl::Time now) {
  const absl::Time seconds = absl::FromUnixSeconds(absl::ToUnixSeconds(now));
  if (target.has_effective_time() && ToAbslTime(target.effective_time()) > seconds) return target.effective_time();
  return ToTimestamp(seconds);
}

v1::Event MakeRetraction(const v1::Event& target, const std::string& reason, absl::Time now) {
  v1::Event r;
  r.set_org(target.org());
  r.set_team(target.team());
  *r.mutable_effective_time() = RetractionEffectiveTime(target, now);
  r.set_date_precision(v1::DATE_PRECISION_DAY);
  r.set_confidence(v1::CONFIDENCE_CONFIRMED);
  r.mutable_retraction()->set_target_event_id(target.event_id());
  r.mutable_retraction()->set_reason(reason);
  return r;
}

int RunRetract(const RetractOptions& options, v1::QueryService::StubInterface& query,
               v1::IngestService::StubInterface& ingest, std::ostream& out, std::ostream& err) {
  v1::GetEventResponse found;
  {
    v1::GetEventRequest req;
    req.set_event_id(options.event_id);
    grpc::ClientContext ctx;
    SetDeadline(ctx, options.timeout);
    if (grpc::Status s = query.GetEvent(&ctx, req, &found); !s.ok()) return ReportError(s, err);
  }
  const v1::EventRecord& target = found.record();
  const v1::Event& e = target.event();
  const std::string where = absl::StrCat(e.org(), "/", e.team());
  if (e.has_retraction()) {
    err << "error: " << options.event_id << " is a retraction (of " << e.retraction().target_event_id()
        << "), not an event with an effect; a retraction cannot be retracted" << std::endl;
    return kExitUsage;
  }
  if (target.status() == v1::EVENT_STATUS_RETRACTED) {
    err << "error: " << options.event_id << " in " << where << " is already retracted (" << target.note() << ")"
        << std::endl;
    return kExitUsage;
  }
  if (target.status() == v1::EVENT_STATUS_DUPLICATE) {
    err << "error: " << options.event_id << " in " << where << " is a duplicate with no effect (" << target.note()
        << "); retract the event it duplicates" << std::endl;
    return kExitUsage;
  }

  v1::PublishRequest req;
  *req.add_events() = MakeRetraction(e, options.reason, absl::Now());
  req.set_dry_run(options.dry_run);
  grpc::ClientContext ctx;
  SetDeadline(ctx, options.timeout);
  v1::PublishResponse resp;
  if (grpc::Status s = ingest.Publish(&ctx, req, &resp); !s.ok()) return ReportError(s, err);
  if (resp.results_size() != 1) {
    return ReportError(grpc::Status(grpc::StatusCode::INTERNAL,
                                    absl::StrCat("Publish returned ", resp.results_size(), " results for 1 event")),
                       err);
  }
  const v1::EventResult& r = resp.results(0);
  const std::string what = absl::StrCat(options.event_id, " (", where, " ", PayloadName(e), " ",
                                        e.has_effective_time() ? Day(e.effective_time()) : "-", ")");
  std::map<int32_t, int64_t> offsets;
  switch (r.status()) {
    case v1::EventResult::STATUS_ACCEPTED:
      for (const auto& rec : r.records()) offsets[rec.partition()] = rec.offset();
      out << "retracted " << what << " with " << r.event_id() << "\n"
          << "offsets: " << FormatOffsets(offsets) << std::endl;
      return kExitOk;
    case v1::EventResult::STATUS_VALID:
      out << "dry run, nothing written: would retract " << what << "\n"
          << "offsets:" << std::endl;
      return kExitOk;
    case v1::EventResult::STATUS_REJECTED:
      err << "error: the retraction was rejected: " << r.reason() << std::endl;
      return kExitRejected;
    default:
      err << "error: the retraction was not delivered: " << r.reason() << std::endl;
      return kExitFailed;
  }
}

int RunAuditPending(const PendingOptions& options, const ReadOptions& read, v1::QueryService::StubInterface& stub,
                    absl::Time now, std::ostream& out, std::ostream& err) {
  v1::ListPendingRetractionsRequest req;
  *req.mutable_recorded_before() = ToTimestamp(now - options.older_than);
  for (const auto& [p, o] : read.min_offsets) (*req.mutable_min_offsets()->mutable_offsets())[p] = o;
  req.set_max_lag(read.max_lag);
  grpc::ClientContext ctx;
  SetDeadline(ctx, read.timeout);
  v1::ListPendingRetractionsResponse resp;
  if (grpc::Status s = stub.ListPendingRetractions(&ctx, req, &resp); !s.ok()) return ReportError(s, err);
  if (read.json) {
    absl::StatusOr<std::string> json = RenderJson(resp);
    if (!json.ok()) return ReportError(json.status(), err);
    out << *json << std::flush;
    return kExitOk;
  }
  out << RenderPendingRetractions(resp.retractions(), now, options.older_than) << std::flush;
  return kExitOk;
}

std::string RenderPendingRetractions(const google::protobuf::RepeatedPtrField<v1::EventRecord>& pending,
                                     absl::Time now, absl::Duration older_than) {
  const std::string days = absl::StrCat(absl::ToInt64Hours(older_than) / 24);
  if (pending.empty()) return absl::StrCat("No retractions pending for more than ", days, " days\n");
  // Full values, one line a row (ids are for copying), tab-free so that columns line up.
  std::vector<std::array<std::string, 5>> rows = {{"RETRACTION", "TEAM", "TARGET", "AGE", "REASON"}};
  for (const auto& r : pending) {
    const v1::Event& e = r.event();
    const int64_t age_days =
        e.has_recorded_time() ? absl::ToInt64Hours(now - ToAbslTime(e.recorded_time())) / 24 : -1;
    rows.push_back({e.event_id(), absl::StrCat(e.org(), "/", e.team()), e.retraction().target_event_id(),
                    age_days < 0 ? "-" : absl::StrCat(age_days, "d"), e.retraction().reason()});
  }
  std::array<size_t, 4> width{};
  for (const auto& row : rows) {
    for (size_t i = 0; i < width.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    for (size_t i = 0; i < width.size(); ++i) absl::StrAppend(&out, row[i], std::string(width[i] - row[i].size() + 2, ' '));
    absl::StrAppend(&out, row[4], "\n");
  }
  return out;
}

}  // namespace talentflow::ctl
