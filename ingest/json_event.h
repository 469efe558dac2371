// A fast parser for the common shape of feed lines: talentflow.v1.Event in the proto3 JSON mapping.
// It is an accelerator in front of protobuf's JSON parser, not a second definition of the format.
#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "talentflow/v1/event.pb.h"

namespace talentflow::ingest {

// ParseEventJsonFast parses `json` into `*event` when the line lies in the subset of the proto3 JSON
// mapping it fully understands, and returns true. Whenever it returns true, `*event` equals
// (google::protobuf::util::MessageDifferencer::Equals) what
// google::protobuf::util::JsonStringToMessage(json, event, {ignore_unknown_fields = false}) yields,
// and that call would succeed.
//
// The subset: one JSON object (RFC 8259 syntax, whitespace = space, tab, CR, LF) whose keys are the
// fields' original or lowerCamel names written without escapes, each at most once and at most one
// payload; strings of valid UTF-8 without raw control characters, with the standard escapes and
// \uXXXX (surrogate pairs joined; not \u0000, not a lone surrogate); uint32/int32 as plain JSON
// integers in range; doubles as JSON numbers (integers of at most 15 digits, or with a fraction or
// exponent, finite); bools as true/false; enums by exact name or by the number of a defined value;
// Timestamps as "YYYY-MM-DDTHH:MM:SS[.1-9 digits](Z|+HH:MM|-HH:MM)" with years 1900-2199; arrays of
// objects for repeated messages.
//
// Returns false for anything else (null, numbers as strings, unknown fields, duplicate keys, syntax
// errors, …): the caller then parses the line with ParseEventJsonChecked (json_event_check.h), which
// checks it field by field and says in our words what is wrong. After false, `*event` holds a partial result: discard it.
// Thread-safe; allocates only for the message's own fields.
bool ParseEventJsonFast(absl::string_view json, v1::Event* event);

// Protobuf's JSON mapping with the options feed lines use (unknown fields are errors): the parser
// ParseEventJsonChecked ends with, and the reference ParseEventJsonFast is tested against. On failure
// InvalidArgument with protobuf's own message, e.g. "(person.seniority): invalid value …".
absl::Status ParseEventJsonReference(absl::string_view json, v1::Event* event);


}  // namespace talentflow::ingest
