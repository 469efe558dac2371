#include "ingest/validator.h"

#include <xxhash.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "common/base/status.h"
#include "common/base/time_util.h"

namespace talentflow::ingest {
namespace {

constexpr char kFieldPayloadUrl[] = "talentflow.dev/field";

bool IsEventId(absl::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.' && c != ':') {
      return false;
    }
  }
  return true;
}

absl::Status CheckTimestamp(const google::protobuf::Timestamp& ts, absl::string_view field) {
  // Beyond the year 9999 or with bad nanos, protobuf's own range; the JSON parser rejects most.
  if (ts.seconds() < -62135596800 || ts.seconds() > 253402300799 || ts.nanos() < 0 || ts.nanos() > 999999999) {
    return FieldError(field, "timestamp out of range");
  }
  return absl::OkStatus();
}

// Normalises a slug field in place; an empty value is allowed when `optional`.
absl::Status NormaliseSlug(std::string* value, bool is_org, const Aliases& aliases, absl::string_view field,
                           bool optional) {
  if (value->empty()) return optional ? absl::OkStatus() : FieldError(field, "required");
  auto slug = is_org ? aliases.Org(*value) : aliases.Team(*value);
  if (!slug.ok()) return FieldError(field, slug.status().message());
  *value = *std::move(slug);
  return absl::OkStatus();
}

template <typename IsValid>
absl::Status CheckEnum(int value, IsValid is_valid, absl::string_view field, bool required) {
  if (!is_valid(value)) return FieldError(field, absl::StrCat("unknown enum value ", value));
  if (required && value == 0) return FieldError(field, "required (must not be *_UNSPECIFIED)");
  return absl::OkStatus();
}

// Checks one evidence entry; its FieldErrors name the field within the entry ("sourceType").
absl::Status CheckEvidence(const v1::Evidence& ev) {
  RETURN_IF_ERROR(CheckEnum(ev.source_type(), v1::SourceType_IsValid, "sourceType", false));
  if (ev.has_published_at()) RETURN_IF_ERROR(CheckTimestamp(ev.published_at(), "publishedAt"));
  if (ev.has_retrieved_at()) RETURN_IF_ERROR(CheckTimestamp(ev.retrieved_at(), "retrievedAt"));
  return absl::OkStatus();
}

// The FieldError `error` with its field path after `prefix` ("evidence[2]." + "sourceType").
absl::Status WithFieldPrefix(absl::string_view prefix, const absl::Status& error) {
  const std::string field = RejectedField(error);
  absl::string_view reason = error.message();
  reason.remove_prefix(std::min(reason.size(), field.size() + 2));  // "<field>: "
  return FieldError(absl::StrCat(prefix, field), reason);
}

absl::Status ValidatePayload(v1::Event& e, const Aliases& aliases) {
  switch (e.payload_case()) {
    case v1::Event::PAYLOAD_NOT_SET:
      return FieldError("payload", "required: exactly one of hire, departure, transferOut, transferIn, "
                                   "reprioritisation, budgetChange, computeReallocation, retentionAction, "
                                   "teamChange, headcountReport, retraction");
    case v1::Event::kHire:
      return NormaliseSlug(e.mutable_hire()->mutable_from_org(), true, aliases, "hire.fromOrg", true);
    case v1::Event::kDeparture:
      if (auto s = NormaliseSlug(e.mutable_departure()->mutable_destination_org(), true, aliases,
                                 "departure.destinationOrg", true);
          !s.ok()) {
        return s;
      }
      return CheckEnum(e.departure().destination_kind(), v1::DestinationKind_IsValid,
                       "departure.destinationKind", false);
    case v1::Event::kTransferOut: {
      if (auto s = NormaliseSlug(e.mutable_transfer_out()->mutable_to_team(), false, aliases,
                                 "transferOut.toTeam", false);
          !s.ok()) {
        return s;
      }
      if (e.transfer_out().to_team() == e.team()) return FieldError("transferOut.toTeam", "must differ from team");
      return absl::OkStatus();
    }
    case v1::Event::kTransferIn: {
      if (auto s = NormaliseSlug(e.mutable_transfer_in()->mutable_from_team(), false, aliases,
                                 "transferIn.fromTeam", false);
          !s.ok()) {
        return s;
      }
      if (e.transfer_in().from_team() == e.team()) return FieldError("transferIn.fromTeam", "must differ from team");
      return absl::OkStatus();
    }
    case v1::Event::kReprioritisation:
      return CheckEnum(e.reprioritisation().priority(), v1::Priority_IsValid, "reprioritisation.priority", true);
    case v1::Event::kBudgetChange:
      return CheckEnum(e.budget_change().status(), v1::BudgetStatus_IsValid, "budgetChange.status", true);
    case v1::Event::kComputeReallocation: {
      auto* c = e.mutable_compute_reallocation();
      if (!(c->share() > 0.0 && c->share() <= 1.0)) {
        return FieldError("computeReallocation.share", "must be in (0, 1]");
      }
      if (auto s = NormaliseSlug(c->mutable_to_team(), false, aliases, "computeReallocation.toTeam", true); !s.ok()) {
        return s;
      }
      if (c->to_team() == e.team()) return FieldError("computeReallocation.toTeam", "must differ from team");
      return absl::OkStatus();
    }
    case v1::Event::kRetentionAction:
      return CheckEnum(e.retention_action().kind(), v1::RetentionKind_IsValid, "retentionAction.kind", false);
    case v1::Event::kTeamChange: {
      auto* t = e.mutable_team_change();
      if (auto s = CheckEnum(t->kind(), v1::TeamChangeKind_IsValid, "teamChange.kind", true); !s.ok()) return s;
      if (t->kind() == v1::TEAM_CHANGE_KIND_MERGED) {
        if (auto s = NormaliseSlug(t->mutable_into_team(), false, aliases, "teamChange.intoTeam", false); !s.ok()) {
          return s;
        }
        if (t->into_team() == e.team()) return FieldError("teamChange.intoTeam", "must differ from team");
      } else if (!t->into_team().empty()) {
        return FieldError("teamChange.intoTeam", "only allowed with TEAM_CHANGE_KIND_MERGED");
      }
      return absl::OkStatus();
    }
    case v1::Event::kHeadcountReport:
      if (e.headcount_report().headcount() < 0) return FieldError("headcountReport.headcount", "must be >= 0");
      return absl::OkStatus();
    case v1::Event::kRetraction:
      if (e.retraction().target_event_id().empty()) return FieldError("retraction.targetEventId", "required");
      if (!IsEventId(e.retraction().target_event_id())) {
        return FieldError("retraction.targetEventId", "must be 1-64 characters of [A-Za-z0-9._:-]");
      }
      if (e.retraction().target_event_id() == e.event_id()) {
        return FieldError("retraction.targetEventId", "an event cannot retract itself");
      }
      return absl::OkStatus();
  }
  return FieldError("payload", "unknown payload");
}

// Appends the effective date at its precision: "2026-02-10", "2026-02" or "2026-Q1" (the year as
// FormatDay prints it, so "0005" or "-001" far from today).
void AppendDateAtPrecision(const v1::Event& e, std::string* out) {
  const int64_t day = DayOf(e.effective_time());
  switch (e.date_precision()) {
    case v1::DATE_PRECISION_MONTH: return absl::StrAppend(out, FormatMonth(day));
    case v1::DATE_PRECISION_QUARTER: return absl::StrAppend(out, FormatQuarter(day));
    default: return absl::StrAppend(out, FormatDay(day));
  }
}

// Appends the value that tells two events of the same type, team and date apart when no person does.
void AppendDiscriminator(const v1::Event& e, std::string* out) {
  if (!e.person().id().empty()) return absl::StrAppend(out, "person:", e.person().id());
  if (!e.person().name().empty()) {
    const size_t start = out->size() + 5;
    absl::StrAppend(out, "name:", e.person().name());
    for (size_t i = start; i < out->size(); ++i) {
      (*out)[i] = absl::ascii_tolower(static_cast<unsigned char>((*out)[i]));
    }
    return;
  }
  switch (e.payload_case()) {
    case v1::Event::kReprioritisation: return absl::StrAppend(out, "priority:", e.reprioritisation().priority());
    case v1::Event::kBudgetChange: return absl::StrAppend(out, "budget:", e.budget_change().status());
    case v1::Event::kComputeReallocation:
      return absl::StrAppend(out, "compute:", e.compute_reallocation().to_team(), ":",
                             e.compute_reallocation().share());
    case v1::Event::kRetentionAction:
      return absl::StrAppend(out, "retention:", e.retention_action().kind(), ":", e.retention_action().population());
    case v1::Event::kTeamChange:
      return absl::StrAppend(out, "teamchange:", e.team_change().kind(), ":", e.team_change().into_team());
    case v1::Event::kHeadcountReport: return absl::StrAppend(out, "headcount:", e.headcount_report().headcount());
    case v1::Event::kRetraction: return absl::StrAppend(out, "retract:", e.retraction().target_event_id());
    case v1::Event::kTransferOut: return absl::StrAppend(out, "to:", e.transfer_out().to_team());
    case v1::Event::kTransferIn: return absl::StrAppend(out, "from:", e.transfer_in().from_team());
    default: return;
  }
}

}  // namespace

absl::Status FieldError(absl::string_view field, absl::string_view reason) {
  absl::Status s = absl::InvalidArgumentError(absl::StrCat(field, ": ", reason));
  s.SetPayload(kFieldPayloadUrl, absl::Cord(field));
  return s;
}

std::string RejectedField(const absl::Status& status) {
  auto p = status.GetPayload(kFieldPayloadUrl);
  return p ? std::string(*p) : std::string();
}

bool LacksEvidence(const v1::Event& event) { return event.evidence_size() == 0 && !event.has_retraction(); }

absl::Status CheckEvidenceRequired(const v1::Event& event) {
  if (!LacksEvidence(event)) return absl::OkStatus();
  return FieldError("evidence", "required by --require-evidence; add at least one {\"outlet\":…,\"url\":…}");
}

std::string DeriveIdempotencyKey(const v1::Event& e) {
  // Appended in place: this runs for every event that comes without a key.
  std::string material;
  material.reserve(128);
  absl::StrAppend(&material, e.org(), "|", e.team(), "|", static_cast<int>(e.payload_case()), "|");
  AppendDiscriminator(e, &material);
  material.push_back('|');
  AppendDateAtPrecision(e, &material);
  const XXH128_hash_t h = XXH3_128bits(material.data(), material.size());
  return absl::StrCat("ik1:", absl::Hex(h.high64, absl::kZeroPad16), absl::Hex(h.low64, absl::kZeroPad16));
}

absl::StatusOr<std::vector<v1::Event>> Normalise(v1::Event event, const Aliases& aliases, const Stamp& stamp,
                                                  const ValidationLimits& limits) {
  std::vector<v1::Event> records;
  records.push_back(std::move(event));
  RETURN_IF_ERROR(NormaliseInPlace(&records, aliases, stamp, limits));
  return records;
}

absl::Status NormaliseInPlace(std::vector<v1::Event>* records, const Aliases& aliases, const Stamp& stamp,
                              const ValidationLimits& limits) {
  v1::Event& e = records->front();
  if (!e.event_id().empty() && !IsEventId(e.event_id())) {
    return FieldError("eventId", "must be 1-64 characters of [A-Za-z0-9._:-]");
  }
  if (e.idempotency_key().size() > 256) return FieldError("idempotencyKey", "longer than 256 characters");
  if (e.correlation_id().size() > 128) return FieldError("correlationId", "longer than 128 characters");
  if (auto s = NormaliseSlug(e.mutable_org(), true, aliases, "org", false); !s.ok()) return s;
  if (auto s = NormaliseSlug(e.mutable_team(), false, aliases, "team", false); !s.ok()) return s;
  if (!e.has_effective_time()) return FieldError("effectiveTime", "required");
  if (auto s = CheckTimestamp(e.effective_time(), "effectiveTime"); !s.ok()) return s;
  const absl::Time effective = ToAbslTime(e.effective_time());
  if (effective < limits.earliest) {
    return FieldError("effectiveTime", absl::StrCat("before ", absl::FormatTime("%Y-%m-%d", limits.earliest,
                                                                                absl::UTCTimeZone())));
  }
  if (effective > stamp.now + limits.future_skew) {
    return FieldError("effectiveTime", "more than 1 day in the future");
  }
  if (e.has_announced_time()) {
    if (auto s = CheckTimestamp(e.announced_time(), "announcedTime"); !s.ok()) return s;
  }
  if (auto s = CheckEnum(e.date_precision(), v1::DatePrecision_IsValid, "datePrecision", false); !s.ok()) return s;
  if (auto s = CheckEnum(e.confidence(), v1::Confidence_IsValid, "confidence", false); !s.ok()) return s;
  if (e.has_person()) {
    if (e.person().id().size() > 128) return FieldError("person.id", "longer than 128 characters");
    if (auto s = CheckEnum(e.person().seniority(), v1::Seniority_IsValid, "person.seniority", false); !s.ok()) {
      return s;
    }
  }
  for (int i = 0; i < e.evidence_size(); ++i) {
    if (auto s = CheckEvidence(e.evidence(i)); !s.ok()) return WithFieldPrefix(absl::StrCat("evidence[", i, "]."), s);
  }
  if (auto s = ValidatePayload(e, aliases); !s.ok()) return s;

  // Stamp: what ingest decides, whatever the client sent.
  e.set_schema_version(1);
  *e.mutable_recorded_time() = ToTimestamp(stamp.now);
  e.set_recorded_by(stamp.principal);
  if (e.event_id().empty()) e.set_event_id(stamp.event_id);
  if (e.idempotency_key().empty()) e.set_idempotency_key(DeriveIdempotencyKey(e));
  if (e.ByteSizeLong() > limits.max_event_bytes) {
    return FieldError("event", absl::StrCat("larger than ", limits.max_event_bytes, " bytes"));
  }

  if (e.payload_case() != v1::Event::kTransferOut) {
    records->resize(1);
    return absl::OkStatus();
  }
  if (e.correlation_id().empty()) e.set_correlation_id(e.event_id());
  records->resize(2);  // may move the events: `e` is not used after this
  const v1::Event& out = (*records)[0];
  v1::Event& in = (*records)[1];
  in = out;
  in.set_team(out.transfer_out().to_team());
  in.mutable_transfer_in()->set_from_team(out.team());  // replaces the transferOut payload
  in.set_event_id(absl::StrCat(out.event_id(), ".in"));
  in.set_idempotency_key(absl::StrCat(out.idempotency_key(), "/in"));
  return absl::OkStatus();
}

}  // namespace talentflow::ingest
