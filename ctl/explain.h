// Messages that say why and what to do: talentflowctl's errors for a server it cannot reach, a view
// database that is not there and offsets the views did not reach, the format errors are written
// in (--log-format), and the sentences that explain an empty answer. Pure functions, except
// CheckReachable (connects) and CheckViewDb (looks at the file system); used by commands.cc and
// the cli_*.cc files.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <grpcpp/channel.h>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/log/logging.h"
#include "google/protobuf/timestamp.pb.h"
#include "talentflow/v1/query.pb.h"

namespace talentflow::ctl {

// A status whose message already says what happened and what to do: ReportError prints it
// without the code ("error: cannot reach …").
absl::Status Explained(absl::StatusCode code, const std::string& message);
bool IsExplained(const absl::Status& status);

// How ReportError writes: "error: …" lines (kText), or one JSON object per error as the services
// log ({"ts","level":"error","logger":"talentflowctl","msg"}). Set once by main before any
// command runs (not thread-safe). Default: kText.
void SetErrorFormat(LogFormat format);
// Writes one error line in the format SetErrorFormat chose: "error: <message>", or under json the
// log object with level "error" and msg "<message>".
void WriteError(const std::string& message, std::ostream& err);
// Writes one line of a command's diagnostics as it is (publish's "line 3: org: unknown org"), or
// under json as a log object at level warn, as talentflow-ingest logs a rejected feed line.
void WriteDiagnostic(const std::string& text, std::ostream& err);

// A server talentflowctl calls, as its errors name it.
struct ServerRef {
  std::string name;     // "talentflow-query"
  std::string address;  // "127.0.0.1:7402"
  std::string flag;     // "--query"
  bool tls = false;     // the channel uses TLS (--tls-ca or --tls-cert)
};

// Connects `channel` (up to `timeout`). OK once connected; else an explained Unavailable:
// "cannot reach talentflow-query at 127.0.0.1:7402: is it running? Start it with ./deploy/up.sh
// (or pass --query ADDR)"; with TLS a failed handshake looks the same to the client, so the
// message names that cause too: "cannot reach talentflow-query at HOST:7402 over TLS: is it
// running, serving TLS, with a certificate for HOST that --tls-ca signed? (or pass --query ADDR)".
absl::Status CheckReachable(grpc::Channel& channel, const ServerRef& server, absl::Duration timeout);

// OK when `path` holds a view database (a RocksDB directory: its CURRENT file); else an explained
// NotFound naming the absolute path looked at and where the stack keeps its views, e.g. "no
// talentflow view database at /home/me/var/views (no such directory): pass --db DIR; ./deploy/up.sh
// keeps the views in $TALENTFLOW_HOME/views (default ./var/views)".
absl::Status CheckViewDb(const std::string& path);

// The explained DeadlineExceeded of a wait for `min_offsets` that timed out at `wm`: "views did not
// reach the requested offsets within 10s: partition 0 is at 57, needs 1000 (944 behind; offset
// 1000 was never written: the log ends at 57); …", one clause per partition behind.
absl::Status OffsetsNotReached(const std::map<int32_t, int64_t>& min_offsets, const v1::Watermark& wm,
                               absl::Duration timeout);

// "YYYY-MM-DD" of `ts`, else of today (UTC): the day a read without --as-of answers for.
std::string DayOrToday(const std::optional<google::protobuf::Timestamp>& ts);

// Why a ListTeams answer is empty: "No at_risk or critical teams in openai as of 2026-12-04; the
// latest event is effective 2026-03-01 (try --as-of 2026-03-01)". The hint only when `latest`
// (ListTeamsResponse.latest_event_day) is before `as_of`.
std::string WhyNoTeams(const std::string& org, const std::vector<v1::HealthStatus>& statuses, const std::string& as_of,
                       const std::string& latest);

// Why a ListEvents answer is empty: "No departure events of openai/sora with status applied from
// 2026-04-01; the latest event of the team is effective 2026-03-01".
std::string WhyNoEvents(const v1::ListEventsRequest& req, const std::string& latest);

// Why a GetTalentFlows answer is empty: "No moves into or out of openai (team sora) from 2025-12
// to 2026-12; the latest was in 2026-03 (try --to 2026-03-31)". `from`/`to` as the request had
// them (unset: the server's defaults, 12 months to today).
std::string WhyNoFlows(const v1::GetTalentFlowsRequest& req, const std::string& latest_month);

// Why a ListPeople answer is empty: "No one moved into or out of openai (team sora) from
// 2025-12-05 to 2026-12-04; the latest move is effective 2026-03-27 (try --to 2026-03-27)", or
// "…; no move is filed under it" when there never was one. `from`/`to` as the request had them
// (unset: the server's defaults, the 365 days to today).
std::string WhyNoPeople(const v1::ListPeopleRequest& req, const std::string& latest_move_day);

// Set when a trend has no hire or departure at any point: "No hires or departures of openai/sora
// from 2026-09-06 to 2026-12-04; the latest event of the team is effective 2026-03-01 (try --to
// 2026-03-01)". Empty otherwise.
std::string WhyTrendIsFlat(const std::string& org, const std::string& team, const v1::GetTeamTrendResponse& trend);

// The org's teams at two days side by side, active at either: headcount, departures in 90 days,
// score and status at `before` and at `after`, and the change of each number. Teams by slug.
std::string RenderOrgCompare(const v1::GetOrgSnapshotResponse& before, const v1::GetOrgSnapshotResponse& after);

}  // namespace talentflow::ctl
