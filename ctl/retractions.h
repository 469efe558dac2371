// talentflowctl's commands about single events and retractions: `event` (GetEvent), `retract`
// (GetEvent, then a retraction through IngestService.Publish) and `audit pending`
// (ListPendingRetractions). Same conventions as commands.h: each writes its answer to `out`,
// diagnostics to `err`, and returns the process's exit code. Not thread-safe; stubs not owned.
#pragma once

#include <ostream>
#include <string>

#include "absl/time/time.h"
#include "ctl/commands.h"
#include "talentflow/v1/ingest.grpc.pb.h"
#include "talentflow/v1/query.grpc.pb.h"

namespace talentflow::ctl {

struct EventOptions {
  // The event id. Required.
  std::string event_id;
};
// GetEvent: the event's team, type, dates, status, note, where it is in the log, and its evidence.
int RunEvent(const EventOptions& options, const ReadOptions& read, v1::QueryService::StubInterface& stub,
             std::ostream& out, std::ostream& err);

struct RetractOptions {
  // The event to retract. Required.
  std::string event_id;
  // Why it is retracted (retraction.reason). Required.
  std::string reason;
  // Validate through the service only; nothing written. Default: false.
  bool dry_run = false;
  // Deadline of the GetEvent and of the Publish call. Default: 60 s.
  absl::Duration timeout = absl::Seconds(60);
};
// The effective time of a retraction of `target` filed at `now`: now, or the target's own
// effective time when that is later (ingest admits events up to a day ahead), so that a
// retraction never precedes its target in valid time. The fold undoes the target whatever the
// retraction's effective time (at every as_of); this only places the correction in the history.
google::protobuf::Timestamp RetractionEffectiveTime(const v1::Event& target, absl::Time now);
// The retraction `retract` publishes for `target` (as GetEvent returned it): filed under the
// target's org/team, effective at RetractionEffectiveTime, day precision, CONFIRMED (the user
// states it), no event id (ingest assigns a fresh one).
v1::Event MakeRetraction(const v1::Event& target, const std::string& reason, absl::Time now);
// Looks the event up (GetEvent on `query`) and publishes its retraction (MakeRetraction) through
// `ingest`. Prints "retracted <target> (<org>/<team> <type> <day>) with <retraction id>" and
// "offsets: P:O" (pass to --min-offsets); with dry_run "dry run, nothing written: would retract …"
// and "offsets:". Refuses with kExitUsage an event that is a retraction, already retracted, or a
// duplicate (nothing to undo); kExitFailed when a call fails (NOT_FOUND for an unknown id),
// kExitRejected when ingest rejects the retraction.
int RunRetract(const RetractOptions& options, v1::QueryService::StubInterface& query,
               v1::IngestService::StubInterface& ingest, std::ostream& out, std::ostream& err);

struct PendingOptions {
  // List retractions pending for more than this. Default: 7 days (what /metrics counts as stale).
  absl::Duration older_than = absl::Hours(7 * 24);
};
// ListPendingRetractions: one line per retraction waiting for its target longer than
// options.older_than, oldest first: retraction id, team, target id, age in days, reason; "No
// retractions pending for more than N days" when none.
// The table of RunAuditPending: RETRACTION, TEAM, TARGET, AGE (whole days since recorded at
// `now`), REASON, with full values one row a line; or the "No retractions pending …" line.
std::string RenderPendingRetractions(const google::protobuf::RepeatedPtrField<v1::EventRecord>& pending,
                                     absl::Time now, absl::Duration older_than);
int RunAuditPending(const PendingOptions& options, const ReadOptions& read, v1::QueryService::StubInterface& stub,
                    absl::Time now, std::ostream& out, std::ostream& err);

}  // namespace talentflow::ctl
