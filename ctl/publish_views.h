// `talentflowctl publish --views`: what the views made of the events a publish wrote. Ingest only
// knows which lines of one run share an idempotency key; whether a line is a DUPLICATE (of a story
// published earlier, or told under another key: issue 19) is the fold's call, so it is read back
// from the views once they include the writes.
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "talentflow/v1/query.grpc.pb.h"

namespace talentflow::ctl {

// One accepted line of a publish.
struct PublishedEvent {
  int64_t line = 0;
  std::string event_id;
};

// Reads each event's record from the views (GetEvent with `offsets` as min_offsets, so each call
// waits until the views include every write of the publish; each call has `timeout`) and prints
//   "views: applied N, duplicate M" — every status that occurs, in EventStatus order ("retracted",
//   "retraction applied", "retraction pending", "retraction no-op") —
// then, per duplicate, "line L: <event id> is a duplicate of <event id>: <why>" (its note), e.g.
//   "line 2: evt-2 is a duplicate of evt-1: same departure of jane-doe on 2026-02-18".
// Returns false after writing the failed call's error to `err` (nothing on `out` then).
bool ReportViews(const std::vector<PublishedEvent>& events, const std::map<int32_t, int64_t>& offsets,
                 v1::QueryService::StubInterface& stub, absl::Duration timeout, std::ostream& out, std::ostream& err);

}  // namespace talentflow::ctl
