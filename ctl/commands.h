// talentflowctl's subcommands. Each is a function of its parsed options and a stub: it makes the
// calls, writes the result to `out` (a table, or proto3 JSON with ReadOptions::json) and
// diagnostics to `err`, and returns the process's exit code. Not thread-safe; the stubs are not
// owned. Remote servers and the in-process server of `--db` (LocalQueryServer) are used alike.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <grpcpp/channel.h>
#include <grpcpp/support/channel_arguments.h>
#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ctl/args.h"
#include "google/protobuf/timestamp.pb.h"
#include "ingest/retraction_check.h"
#include "talentflow/v1/ingest.grpc.pb.h"
#include "talentflow/v1/query.grpc.pb.h"

namespace talentflow::ctl {

// Exit codes.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;    // a call failed, or publish could not deliver an event
inline constexpr int kExitUsage = 2;     // bad command-line input
inline constexpr int kExitRejected = 3;  // publish: some lines were rejected

// Prints "error: <CODE>: <message>" (e.g. "error: NOT_FOUND: org acme not found") on `err` and
// returns kExitFailed. The one place a failed call becomes output. Under --log-format json the line
// is a JSON log object instead (ctl/explain.h, WriteError).
int ReportError(const grpc::Status& status, std::ostream& err);
// The same for a local failure; the codes are gRPC's. A status that already says what to do
// (ctl/explain.h, Explained: "cannot reach talentflow-query at …") is printed without its code.
int ReportError(const absl::Status& status, std::ostream& err);

// Arguments of talentflowctl's channels: responses of up to 64 MiB (a page of 1,000 events with
// their evidence can pass gRPC's default 4 MiB).
grpc::ChannelArguments ClientChannelArguments();

// How talentflowctl reaches a remote server. Default: plaintext, no token.
struct ClientSecurityOptions {
  // PEM CA bundle that signed the server's certificate; enables TLS. Default: none.
  std::string tls_ca_path;
  // PEM client certificate and key for a server that requires them (mTLS); enables TLS, with the
  // system's roots when tls_ca_path is empty. Both or neither. Default: none.
  std::string tls_cert_path;
  std::string tls_key_path;
  // Sent as "authorization: Bearer <token>" on every call when not empty. Default: none.
  std::string token;
};

// Whether CreateClientChannel makes a TLS channel for `security` (--tls-ca or --tls-cert given).
inline bool UsesTls(const ClientSecurityOptions& security) {
  return !security.tls_ca_path.empty() || !security.tls_cert_path.empty();
}

// The one place talentflowctl's remote channels are made: ClientChannelArguments, TLS credentials
// as `security` asks, and the token on every call. NotFound/InvalidArgument for an unreadable or
// non-PEM file, or a certificate without its key.
absl::StatusOr<std::shared_ptr<grpc::Channel>> CreateClientChannel(const std::string& address,
                                                                   const ClientSecurityOptions& security);

// Options every read shares.
struct ReadOptions {
  // Read-your-writes: the records the read must include, partition -> offset, as printed by
  // `publish`. The read waits (up to `timeout`) until the views include them. Default: none.
  std::map<int32_t, int64_t> min_offsets;
  // Several instances (docs/SCALING.md): partitions without a serving owner may be answered by a
  // standby copy at most this many records behind. Default: 0 (owners only).
  int64_t max_lag = 0;
  // Deadline of each call (a walk over pages gives each page its own). For `watch`, only the wait
  // for min_offsets has one. Default: 10 s.
  absl::Duration timeout = absl::Seconds(10);
  // Print the response as one line of proto3 JSON instead of a table; a walk over pages prints one
  // response holding every page, `watch` one line per update. Default: false.
  bool json = false;
  // Colour health statuses with ANSI escapes. Default: false.
  bool color = false;
  // Columns a table may take (tables.h TableWidth); kUnlimited (0): every value whole, one line per
  // row. Default: 80.
  int width = 80;
  // Print CSV (csv.h) instead of a table; `json` wins when both are set. Default: false.
  bool csv = false;
  // Which reports the figures count (query.proto EvidenceFilter); a table then says so in a line
  // "evidence: …". Default: every report.
  v1::EvidenceFilter evidence;
};

// InvalidArgument naming the flags when both are set and `from` is after `to`.
absl::Status CheckRange(const std::optional<google::protobuf::Timestamp>& from,
                        const std::optional<google::protobuf::Timestamp>& to);

struct TeamOptions {
  TeamRef team;
  // Valid time of the answer (its UTC day). Default: today.
  std::optional<google::protobuf::Timestamp> as_of;
};
// GetTeamHealth.
int RunTeam(const TeamOptions& options, const ReadOptions& read, v1::QueryService::StubInterface& stub,
            std::ostream& out, std::ostream& err);

struct TeamsOptions {
  std::string org;
  // Only teams with one of these statuses. Default: all.
  std::vector<v1::HealthStatus> statuses;
  // Default: lowest score first.
  v1::ListTeamsRequest::OrderBy order_by = v1::ListTeamsRequest::ORDER_BY_SCORE;
  // Include merged and dissolved teams. Default: false.
  bool include_inactive = false;
  // Default: today.
  std::optional<google::protobuf::Timestamp> as_of;
  // Teams per call. Default: 500 (the most the server allows).
  int32_t page_size = 500;
};
// ListTeams, every page.
int RunTeams(const TeamsOptions& options, const ReadOptions& read, v1::QueryService::StubInterface& stub,
             std::ostream& out, std::ostream& err);

struct OrgOptions {
  std::string org;
  // Default: today.
  std::optional<google::protobuf::Timestamp> as_of;
  // Also read the org at this day and print each team's change from it to as_of
  // (RenderOrgCompare). Default: none.
  std::optional<google::protobuf::Timestamp> compare;
};
// GetOrgSnapshot. The table leaves merged and dissolved teams out and names them below it (--json
// has every team). An empty ListTeams, ListEvents, GetTalentFlows answer, or a trend without a move,
// says why (ctl/explain.h).
int RunOrg(const OrgOptions& options, const ReadOptions& read, v1::QueryService::StubInterface& stub,
           std::ostream& out, std::ostream& err);

struct TrendOptions {
  TeamRef team;
  // Default (server): 89 days before `to`.
  std::optional<google::protobuf::Timestamp> from;
  // Default (server): today.
  std::optional<google::protobuf::Timestamp> to;
  // Default: one point per day.
  v1::GetTeamTrendRequest::Granularity granularity = v1::GetTeamTrendRequest::GRANULARITY_DAY;
};
// GetTeamTrend.
int RunTrend(const TrendOptions& options, const ReadOptions& read, v1::QueryService::StubInterface& stub,
             std::ostream& out, std::ostream& err);

struct FlowsOptions {
  std::string org;
  // Default: inbound and outbound.
  v1::GetTalentFlowsRequest::Direction direction = v1::GetTalentFlowsRequest::DIRECTION_BOTH;
  // Default (server): 12 months before `to`.
  std::optional<google::protobuf::Timestamp> from;
  // Default (server): today.
  std::optional<google::protobuf::Timestamp> to;
  // Only movers of this team of the org (a slug). Default: every team.
  std::string team;
  // Only flows between the org and this org (a slug). Default: every org.
  std::string counterparty;
  // One row per calendar month (in, out, net) instead of one per edge (FLOW_GRANULARITY_MONTH).
  // Default: false.
  bool monthly = false;
};
// GetTalentFlows.
int RunFlows(const FlowsOptions& options, const ReadOptions& read, v1::QueryService::StubInterface& stub,
             std::ostream& out, std::ostream& err);

struct EventsOptions {
  TeamRef team;
  // Bounds on the effective time, inclusive. Default: none.
  std::optional<google::protobuf::Timestamp> from;
  std::optional<google::protobuf::Timestamp> to;
  // Events per call. Default: 1000 (the most the server allows).
  int32_t page_size = 1000;
  // Print CSV (audit history --csv) instead of a table. Default: false.
  bool csv = false;
  // Only events of these payload kinds ("departure", "transfer_out", …). Default: every kind.
  std::vector<std::string> types;
  // Only events with these statuses. Default: every status.
  std::vector<v1::EventStatus> statuses;
};
// ListEvents, every page.
int RunEvents(const EventsOptions& options, const ReadOptions& read, v1::QueryService::StubInterface& stub,
              std::ostream& out, std::ostream& err);

struct PersonOptions {
  std::string person_id;
};
// GetPerson.
int RunPerson(const PersonOptions& options, const ReadOptions& read, v1::QueryService::StubInterface& stub,
              std::ostream& out, std::ostream& err);

struct PeopleOptions {
  // The org, and optionally one of its teams (team empty: the whole org).
  TeamRef target;
  // Default (server): 364 days before `to`.
  std::optional<google::protobuf::Timestamp> from;
  // Default (server): today.
  std::optional<google::protobuf::Timestamp> to;
  // People per call. Default: 1000 (the most the server allows).
  int32_t page_size = 1000;
};
// ListPeople, every page. An empty answer says why (the range, and the latest move of the org).
int RunPeople(const PeopleOptions& options, const ReadOptions& read, v1::QueryService::StubInterface& stub,
              std::ostream& out, std::ostream& err);

struct MovementOptions {
  // The org, and optionally one of its teams (team empty: the org's totals).
  TeamRef target;
  // Default: today.
  std::optional<google::protobuf::Timestamp> as_of;
  // With --csv, the backfill rows instead of the seniority mix. Default: false.
  bool backfills = false;
};
// GetTeamMovement.
int RunMovement(const MovementOptions& options, const ReadOptions& read, v1::QueryService::StubInterface& stub,
                std::ostream& out, std::ostream& err);

struct WatchOptions {
  WatchTarget target;
  // Clear the screen before each table (for a terminal). Default: false.
  bool clear_screen = false;
};
// WatchTeamHealth: re-prints the table of the latest health of every watched team whenever one
// changes (updates arriving together are shown once), until `stop` is set (exit 0) or the stream
// fails. With ReadOptions::min_offsets, first waits for the views to include them.
int RunWatch(const WatchOptions& options, const ReadOptions& read, v1::QueryService::StubInterface& stub,
             const std::atomic<bool>& stop, std::ostream& out, std::ostream& err);

// GetWatermark, repeated until the views include `read.min_offsets` (at once when there are none).
// UNAVAILABLE (views not open yet, or partitions between owners) is asked again like offsets not
// reached yet. At ReadOptions::timeout: DeadlineExceeded naming each partition behind and by how
// much (OffsetsNotReached), also when the time runs out during a call. Fills `wm` with the last
// watermark read.
absl::Status WaitForOffsets(const ReadOptions& read, v1::QueryService::StubInterface& stub, v1::Watermark* wm);

// GetWatermark: partition, applied offset, log end, lag. With ReadOptions::min_offsets, polls
// until every listed partition's applied offset is past its offset (DEADLINE_EXCEEDED after
// ReadOptions::timeout).
int RunLag(const ReadOptions& read, v1::QueryService::StubInterface& stub, std::ostream& out, std::ostream& err);

// ListOrgs: every org the views know with its team count ("no orgs: the views hold no events yet"
// when there is none).
int RunOrgs(const ReadOptions& read, v1::QueryService::StubInterface& stub, std::ostream& out, std::ostream& err);

struct PublishOptions {
  // A JSON Lines feed (one proto3-JSON Event per line), or "-" for standard input. Required.
  std::string path;
  // Events per Publish call. Default: 500.
  size_t batch_events = 500;
  // Serialized size at which a batch is sent early (the server takes at most 4 MiB). Default: 3.5 MiB.
  size_t batch_bytes = 3584 * 1024;
  // Deadline of each Publish call (it returns once the broker acknowledged). Default: 60 s.
  absl::Duration timeout = absl::Seconds(60);
  // Send every batch as a dry run (PublishRequest.dry_run): validated and deduped by the service,
  // nothing written; the summary counts valid lines. Default: false.
  bool dry_run = false;
  // Checks each retraction's target before it is sent (ingest/retraction_check.h); a line it
  // refuses is reported and counted as rejected. Not owned. Default: none.
  ingest::RetractionCheck* retraction_check = nullptr;
  // Have the service reject every line without evidence (PublishRequest.require_evidence). Default:
  // false (such lines are counted in the summary: ", N lines without evidence").
  bool require_evidence = false;
  // Once published, wait for the views to include the writes and report what they made of each
  // accepted line (publish_views.h ReportViews, each read with `timeout`). Not owned. Default: none
  // (the summary says what ingest did, not what the views counted).
  v1::QueryService::StubInterface* views = nullptr;
};
// Publishes the feed in batches, read with ingest's FeedReader. Prints its ingest::FeedSummary line,
// "accepted N, rejected R" (", K lines repeat a story of this run (published for their evidence)"
// for lines whose idempotency key an earlier line had, ", not delivered F" when some were not), and
// "offsets: P:O,…", the highest offset written per partition (pass it to
// --min-offsets to read these writes); with options.views then the views' report (ReportViews;
// kExitFailed when it cannot be read). Each rejected line is reported on `err` as
// "line N: <field>: <reason>", in line order (whether the client's parse or the service rejected it). Exit: kExitOk; kExitRejected when some line was rejected;
// kExitFailed when a call failed (nothing more is sent) or an event was not delivered;
// with options.dry_run the summary is "dry run, nothing written: valid N, …" and "offsets:" is empty;
// kExitUsage when the feed cannot be opened.
int RunPublish(const PublishOptions& options, v1::IngestService::StubInterface& stub, std::ostream& out,
               std::ostream& err);

}  // namespace talentflow::ctl
