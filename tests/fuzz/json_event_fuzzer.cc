// libFuzzer target: differential test of the fast feed-line parser (ingest/json_event.h) against
// protobuf's JSON parser, the reference. Fails the run when the fast parser accepts a line that
// protobuf rejects, or yields a message that differs from protobuf's (MessageDifferencer::Equals,
// and the same deterministic serialization). Lines it declines are not checked: ParseFeedLine gives
// those to protobuf.
#include <cstddef>
#include <cstdint>
#include <string>

#include <google/protobuf/util/message_differencer.h>

#include "ingest/json_event.h"
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
  return 0;
}
