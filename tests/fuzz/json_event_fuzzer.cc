// libFuzzer target: differential test of the fast feed-line parser (ingest/json_event.h) against
// protobuf's JSON parser, the reference. Fails the run when the fast parser accepts a line that
// protobuf rejects, or yields a message that differs from protobuf's (MessageDifferencer::Equals,
// and the same deterministic serialization). Lines it declines are not compared with protobuf:
// ParseFeedLine gives those to the field-by-field check (json_event_check.h), which differs from
// protobuf on purpose (bools only as true/false, bare dates taken, …). That check must take every line
// the fast parser takes, with the same message, so that whichever path a line goes, it reads the same.
#include <cstddef>
#include <cstdint>
#include <string>

#include <google/protobuf/util/message_differencer.h>

#include "ingest/json_event.h"
#include "ingest/json_event_check.h"
#include "tests/common/deterministic_bytes.h"
#include "tests/fuzz/fuzz_support.h"

using talentflow::fuzz::Check;
using talentflow::testing::DeterministicBytes;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  talentflow::fuzz::QuietProtobufLogs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view line(reinterpret_cast<const char*>(data), size);
  talentflow::v1::Event fast;
  if (!talentflow::ingest::ParseEventJsonFast(line, &fast)) return 0;
  talentflow::v1::Event reference;
  const bool ok = talentflow::ingest::ParseEventJsonReference(line, &reference).ok();
  Check(ok, "protobuf accepts every line the fast parser accepts");
  Check(google::protobuf::util::MessageDifferencer::Equals(fast, reference),
        "the fast parser's message equals protobuf's");
  Check(DeterministicBytes(fast) == DeterministicBytes(reference), "the fast parser's message serializes as protobuf's");
  talentflow::v1::Event checked;
  Check(talentflow::ingest::ParseEventJsonChecked(line, &checked).ok(), "the checked parse accepts what the fast parser does");
  Check(DeterministicBytes(fast) == DeterministicBytes(checked), "the checked parse's message serializes as the fast one's");
  return 0;
}
