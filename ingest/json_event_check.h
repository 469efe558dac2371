// The feed format's slow path: every feed line the fast parser (json_event.h) declines is checked here
// against the Event schema, field by field, so that a rejection says in our words which field is wrong,
// what was found and what is expected, instead of protobuf's JSON parser's message.
#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "talentflow/v1/event.pb.h"

namespace talentflow::ingest {

// Parses `json`, one feed line, into `*event` (cleared first). The accepted forms are the proto3 JSON
// mapping's (ParseEventJsonReference), with deliberate differences:
//   - stricter: a bool field takes only the JSON literals true and false (protobuf also takes the
//     string "true"; a scraper writing "regretted":"yes" meant something we cannot know). Also refused,
//     though protobuf takes them: a key given twice in one object, or one field under both its names
//     (protobuf keeps the last: we refuse to guess); an enum number no value has (the validator would
//     refuse it anyway); a Timestamp written as an object; a single object or a null where a list or
//     its element is expected. None is a form the README documents;
//   - friendlier: a Timestamp field also takes a bare date "YYYY-MM-DD", read as midnight UTC (the
//     event's datePrecision says how precise the date is; unset means a day).
// Everything the fast parser accepts is accepted here with the same result (the json_event fuzzer checks
// it).
//
// On failure a FieldError (validator.h) whose field is the JSON path of the first wrong field in the
// line ("person.seniority", "evidence[1].url"; "line" for the line as a whole) and whose reason says what
// was found and what is expected, with an example:
//   person.seniority: "LEADERSHIP" is not a Seniority; expected one of SENIORITY_JUNIOR, …,
//       SENIORITY_LEADERSHIP (did you mean SENIORITY_LEADERSHIP?)
//   departure.destination: unknown field; did you mean `destinationOrg`?
//   departure.regretted: the string "yes"; expected true or false (a JSON boolean, without quotes)
// A line this check passes and protobuf still rejects (not expected) keeps protobuf's message, under
// "line". Thread-safe.
absl::Status ParseEventJsonChecked(absl::string_view json, v1::Event* event);

}  // namespace talentflow::ingest
