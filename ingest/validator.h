// Validation and normalisation of incoming events: the rules every event obeys before it is
// written to the log. Pure: no I/O; time and ids come from the caller.
#pragma once

#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/base/record_key.h"
#include "ingest/aliases.h"
#include "talentflow/v1/event.pb.h"

namespace talentflow::ingest {

struct ValidationLimits {
  // Largest serialized event. Default: 64 KiB.
  size_t max_event_bytes = 64 * 1024;
  // Earliest effective time. Default: 1990-01-01.
  absl::Time earliest = absl::FromCivil(absl::CivilDay(1990, 1, 1), absl::UTCTimeZone());
  // How far effective time may lie beyond `now`. Default: 1 day.
  absl::Duration future_skew = absl::Hours(24);
};

// What ingest stamps on an accepted event.
struct Stamp {
  absl::Time now;                 // recordedTime; also the reference for the future-skew rule
  std::string principal;          // recordedBy
  std::string event_id;           // used when the event has no eventId
};

// A rejection: InvalidArgument whose message is "<field>: <reason>" and whose payload names the
// field (read it back with RejectedField).
absl::Status FieldError(absl::string_view field, absl::string_view reason);
// The field path of a FieldError ("" for other statuses).
std::string RejectedField(const absl::Status& status);

// Validates `event`, normalises its slugs through `aliases`, and stamps it: recordedTime,
// recordedBy, schemaVersion 1, eventId and idempotencyKey when absent. Returns the records to
// write: one event, or for a transferOut two (the transferOut on the source team, then a
// transferIn on the target team, eventId "<eventId>.in") sharing one correlationId. A rejection is a FieldError.
absl::StatusOr<std::vector<v1::Event>> Normalise(v1::Event event, const Aliases& aliases,
                                                  const Stamp& stamp,
                                                  const ValidationLimits& limits = {});
// Normalise for a caller that reuses its records (feed mode recycles those of published lines):
// validates and stamps (*records)[0] in place; on success `*records` holds what Normalise returns
// (a transferIn is copied into an existing (*records)[1], reusing its strings), on a FieldError its
// contents are unspecified. Same records, same errors as Normalise. REQUIRES: !records->empty().
absl::Status NormaliseInPlace(std::vector<v1::Event>* records, const Aliases& aliases, const Stamp& stamp,
                              const ValidationLimits& limits = {});

// Whether `event` reports something without saying where it was reported: no evidence entry and not
// a retraction (a correction of our own log, justified by its reason). Such lines are counted in the
// summary (", N lines without evidence").
bool LacksEvidence(const v1::Event& event);

// The rule of --require-evidence (PublishRequest.require_evidence): OK unless LacksEvidence(event),
// else the FieldError "evidence: required by --require-evidence; add at least one
// {"outlet":…,"url":…}".
absl::Status CheckEvidenceRequired(const v1::Event& event);

// The idempotency key derived for an event without one: a hash of org, team, payload type, the
// person (id, else lower-cased name) or the payload's discriminating value, and the effective
// date at its precision — so the same story from two outlets gets the same key.
// Example: "ik1:6f1c…" (32 hex digits).
std::string DeriveIdempotencyKey(const v1::Event& event);

// The record key of an event: "<org>/<team>".
inline std::string RecordKey(const v1::Event& e) { return ::talentflow::RecordKey(e.org(), e.team()); }

}  // namespace talentflow::ingest
