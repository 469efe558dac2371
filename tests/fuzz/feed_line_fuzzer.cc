// libFuzzer target: one feed line -> ParseFeedLine -> Normalise (the validator path every feed line
// and Publish call takes, without Kafka). Crashes, sanitizer reports and these contract violations
// fail the run:
//   - a rejection is InvalidArgument naming its field (RejectedField non-empty);
//   - every accepted record has slug org and team, an event id, an idempotency key, schema
//     version 1, fits the event size limit, and survives a serialize/parse round trip.
// The size limit is lowered to 2 KiB so that short inputs reach it.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/base/slug.h"
#include "ingest/aliases.h"
#include "ingest/feed_source.h"
#include "ingest/validator.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using talentflow::fuzz::Check;
namespace ingest = talentflow::ingest;

void CheckRejection(const absl::Status& s) {
  Check(s.code() == absl::StatusCode::kInvalidArgument, "a rejection is InvalidArgument");
  Check(!ingest::RejectedField(s).empty(), "a rejection names its field");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  talentflow::fuzz::QuietProtobufLogs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const ingest::Aliases* aliases = [] {
    auto parsed = ingest::Aliases::Parse(talentflow::fuzz::kAliasesJson);
    Check(parsed.ok(), "the fuzz aliases parse");
    return new ingest::Aliases(*std::move(parsed));
  }();
  ingest::ValidationLimits limits;
  limits.max_event_bytes = 2048;

  absl::StatusOr<talentflow::v1::Event> event =
      ingest::ParseFeedLine(absl::string_view(reinterpret_cast<const char*>(data), size));
  if (!event.ok()) {
    CheckRejection(event.status());
    return 0;
  }
  auto records = ingest::Normalise(*std::move(event), *aliases, talentflow::fuzz::FixedStamp(), limits);
  if (!records.ok()) {
    CheckRejection(records.status());
    return 0;
  }
  Check(records->size() == 1 || records->size() == 2, "one record, or two for a transferOut");
  for (const talentflow::v1::Event& r : *records) {
    Check(talentflow::IsSlug(r.org()) && talentflow::IsSlug(r.team()), "org and team are slugs");
    Check(!r.event_id().empty() && !r.idempotency_key().empty(), "event id and idempotency key are set");
    Check(r.schema_version() == 1, "schema version 1");
    Check(r.ByteSizeLong() <= limits.max_event_bytes, "a record fits the event size limit");
    std::string bytes = r.SerializeAsString();
    talentflow::v1::Event back;
    Check(back.ParseFromString(bytes) && back.SerializeAsString() == bytes, "serialize/parse round trip");
  }
  return 0;
}
