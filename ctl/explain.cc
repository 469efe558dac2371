#include "ctl/explain.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include "absl/strings/cord.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/base/time_util.h"
#include "views/health.h"

namespace talentflow::ctl {
namespace {

constexpr char kExplainedPayload[] = "talentflow.ctl/explained";

LogFormat g_error_format = LogFormat::kText;

// "YYYY-MM-DD" -> days since 1970-01-01; nullopt when not a date.
std::optional<int64_t> ParseDay(const std::string& day) {
  absl::CivilDay civil;
  if (!absl::ParseCivilTime(day, &civil)) return std::nullopt;
  return civil - absl::CivilDay(1970, 1, 1);
}

std::string StatusName(v1::HealthStatus s) { return views::ShortName(s); }

// "X", "X or Y", "X, Y or Z".
std::string OrList(const std::vector<std::string>& items) {
  if (items.size() <= 1) return items.empty() ? "" : items[0];
  return absl::StrCat(absl::StrJoin(items.begin(), items.end() - 1, ", "), " or ", items.back());
}

// "retraction_pending" for EVENT_STATUS_RETRACTION_PENDING: the name --status takes.
std::string EventStatusName(int status) {
  std::string name = absl::AsciiStrToLower(v1::EventStatus_Name(static_cast<v1::EventStatus>(status)));
  return absl::StartsWith(name, "event_status_") ? name.substr(13) : name;
}

std::string Signed(int64_t n) { return n > 0 ? absl::StrCat("+", n) : absl::StrCat(n); }

}  // namespace

absl::Status Explained(absl::StatusCode code, const std::string& message) {
  absl::Status status(code, message);
  status.SetPayload(kExplainedPayload, absl::Cord("1"));
  return status;
}

bool IsExplained(const absl::Status& status) { return status.GetPayload(kExplainedPayload).has_value(); }

void SetErrorFormat(LogFormat format) { g_error_format = format; }

namespace {

// `text` as one line: as it is, or as the services' JSON log object at `level`.
void WriteLine(spdlog::level::level_enum level, const std::string& text, std::ostream& err) {
  if (g_error_format == LogFormat::kText) {
    err << text << std::endl;
    return;
  }
  // The services' formatter, so that one parser reads both.
  spdlog::details::log_msg msg(spdlog::string_view_t("talentflowctl"), level,
                               spdlog::string_view_t(text.data(), text.size()));
  spdlog::memory_buf_t buf;
  JsonLogFormatter().format(msg, buf);
  err.write(buf.data(), static_cast<std::streamsize>(buf.size()));
  err.flush();
}

}  // namespace

void WriteError(const std::string& message, std::ostream& err) {
  // Under json the level already says "error".
  WriteLine(spdlog::level::err, g_error_format == LogFormat::kText ? "error: " + message : message, err);
}

void WriteDiagnostic(const std::string& text, std::ostream& err) { WriteLine(spdlog::level::warn, text, err); }

absl::Status CheckReachable(grpc::Channel& channel, const ServerRef& server, absl::Duration timeout) {
  const auto deadline = absl::ToChronoTime(absl::Now() + timeout);
  grpc_connectivity_state state = channel.GetState(/*try_to_connect=*/true);
  // A refused connection shows as TRANSIENT_FAILURE at once; waiting out gRPC's reconnect backoff
  // would only delay the same answer.
  while (state != GRPC_CHANNEL_READY && state != GRPC_CHANNEL_TRANSIENT_FAILURE &&
         state != GRPC_CHANNEL_SHUTDOWN) {
    if (!channel.WaitForStateChange(state, deadline)) break;
    state = channel.GetState(/*try_to_connect=*/true);
  }
  if (state == GRPC_CHANNEL_READY) return absl::OkStatus();
  if (server.tls) {
    return Explained(absl::StatusCode::kUnavailable,
                     absl::StrCat("cannot reach ", server.name, " at ", server.address,
                                  " over TLS: is it running, serving TLS, with a certificate for that host that "
                                  "--tls-ca signed? (or pass ", server.flag, " ADDR)"));
  }
  return Explained(absl::StatusCode::kUnavailable,
                   absl::StrCat("cannot reach ", server.name, " at ", server.address,
                                ": is it running? Start it with ./deploy/up.sh (or pass ", server.flag, " ADDR)"));
}

absl::Status CheckViewDb(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  const std::string shown = ec ? path : absolute.lexically_normal().string();
  std::string why;
  if (!std::filesystem::exists(absolute, ec)) {
    why = "no such directory";
  } else if (!std::filesystem::is_directory(absolute, ec)) {
    why = "not a directory";
  } else if (!std::filesystem::exists(absolute / "CURRENT", ec)) {
    why = "a directory without a RocksDB CURRENT file";
  } else {
    return absl::OkStatus();
  }
  return Explained(absl::StatusCode::kNotFound,
                   absl::StrCat("no talentflow view database at ", shown, " (", why,
                                "): pass --db DIR; ./deploy/up.sh keeps the views in $TALENTFLOW_HOME/views "
                                "(default ./var/views)"));
}

absl::Status OffsetsNotReached(const std::map<int32_t, int64_t>& min_offsets, const v1::Watermark& wm,
                               absl::Duration timeout) {
  if (wm.partitions().empty()) {
    return Explained(absl::StatusCode::kDeadlineExceeded,
                     absl::StrCat("views did not answer within ", absl::FormatDuration(timeout),
                                  " (is the query service up and its views open?)"));
  }
  std::vector<std::string> behind;
  for (const auto& [partition, offset] : min_offsets) {
    const v1::PartitionWatermark* found = nullptr;
    for (const auto& p : wm.partitions()) {
      if (p.partition() == partition) found = &p;
    }
    if (found == nullptr) {
      behind.push_back(absl::StrCat("partition ", partition, " is not in the views (does the topic have it?)"));
      continue;
    }
    // applied_offset is the next offset to apply: the views include `offset` once it is past it.
    if (found->applied_offset() > offset) continue;
    std::string clause = absl::StrCat("partition ", partition, " is at ", found->applied_offset(), ", needs ", offset,
                                      " (", offset - found->applied_offset() + 1, " behind");
    if (found->end_offset() >= 0 && offset >= found->end_offset()) {
      absl::StrAppend(&clause, "; offset ", offset, " was never written: the log ends at ", found->end_offset());
    }
    behind.push_back(clause + ")");
  }
  return Explained(absl::StatusCode::kDeadlineExceeded,
                   absl::StrCat("views did not reach the requested offsets within ", absl::FormatDuration(timeout),
                                ": ", absl::StrJoin(behind, "; ")));
}

std::string DayOrToday(const std::optional<google::protobuf::Timestamp>& ts) {
  return FormatDay(ts ? DayOf(*ts) : DayOf(absl::Now()));
}

std::string WhyNoTeams(const std::string& org, const std::vector<v1::HealthStatus>& statuses, const std::string& as_of,
                       const std::string& latest) {
  std::vector<std::string> names;
  for (v1::HealthStatus s : statuses) names.push_back(StatusName(s));
  std::string out = absl::StrCat("No ", names.empty() ? "active" : OrList(names), " teams in ", org, " as of ", as_of);
  if (!latest.empty() && latest < as_of) {
    absl::StrAppend(&out, "; the latest event is effective ", latest, " (try --as-of ", latest, ")");
  }
  return out + "\n";
}

std::string WhyNoEvents(const v1::ListEventsRequest& req, const std::string& latest) {
  std::string out = "No ";
  if (!req.types().empty()) {
    out += OrList(std::vector<std::string>(req.types().begin(), req.types().end())) + " ";
  }
  absl::StrAppend(&out, "events of ", req.org(), "/", req.team());
  if (!req.statuses().empty()) {
    std::vector<std::string> names;
    for (int s : req.statuses()) names.push_back(EventStatusName(s));
    absl::StrAppend(&out, " with status ", OrList(names));
  }
  if (req.has_from()) absl::StrAppend(&out, " from ", FormatDay(DayOf(req.from())));
  if (req.has_to()) absl::StrAppend(&out, " to ", FormatDay(DayOf(req.to())));
  if (!latest.empty()) absl::StrAppend(&out, "; the latest event of the team is effective ", latest);
  return out + "\n";
}

std::string WhyNoFlows(const v1::GetTalentFlowsRequest& req, const std::string& latest_month) {
  // The server's defaults: `to` today, `from` the 365 days ending on it.
  const int64_t to = req.has_to() ? DayOf(req.to()) : DayOf(absl::Now());
  const int64_t from = req.has_from() ? DayOf(req.from()) : to - 364;
  const char* direction = req.direction() == v1::GetTalentFlowsRequest::DIRECTION_INBOUND    ? "into"
                          : req.direction() == v1::GetTalentFlowsRequest::DIRECTION_OUTBOUND ? "out of"
                                                                                             : "into or out of";
  std::string out = absl::StrCat("No moves ", direction, " ", req.org());
  if (!req.team().empty()) absl::StrAppend(&out, " (team ", req.team(), ")");
  absl::StrAppend(&out, " from ", FormatDay(from).substr(0, 7), " to ", FormatDay(to).substr(0, 7));
  if (latest_month.empty()) return out + "; none in any month\n";
  absl::StrAppend(&out, "; the latest was in ", latest_month);
  absl::CivilDay last_day;
  if (absl::ParseCivilTime(latest_month + "-01", &last_day)) {
    last_day = absl::CivilDay(absl::CivilMonth(last_day) + 1) - 1;
    const std::string end = absl::FormatCivilTime(last_day);
    if (latest_month < FormatDay(from).substr(0, 7)) absl::StrAppend(&out, " (try --to ", end, ")");
  }
  return out + "\n";
}

std::string WhyNoPeople(const v1::ListPeopleRequest& req, const std::string& latest_move_day) {
  // The server's defaults: `to` today, `from` the 365 days ending on it.
  const int64_t to = req.has_to() ? DayOf(req.to()) : DayOf(absl::Now());
  const int64_t from = req.has_from() ? DayOf(req.from()) : to - 364;
  std::string out = absl::StrCat("No one moved into or out of ", req.org());
  if (!req.team().empty()) absl::StrAppend(&out, " (team ", req.team(), ")");
  absl::StrAppend(&out, " from ", FormatDay(from), " to ", FormatDay(to));
  if (latest_move_day.empty()) return absl::StrCat(out, "; no move is filed under it\n");
  absl::StrAppend(&out, "; the latest move is effective ", latest_move_day);
  if (latest_move_day < FormatDay(from)) absl::StrAppend(&out, " (try --to ", latest_move_day, ")");
  if (latest_move_day > FormatDay(to)) absl::StrAppend(&out, " (try --from ", latest_move_day, ")");
  return out + "\n";
}

std::string WhyTrendIsFlat(const std::string& org, const std::string& team, const v1::GetTeamTrendResponse& trend) {
  if (trend.points().empty()) return "";
  for (const auto& p : trend.points()) {
    if (p.hires() != 0 || p.departures() != 0) return "";
  }
  const std::string& from = trend.points(0).date();
  const std::string& to = trend.points(trend.points_size() - 1).date();
  std::string out = absl::StrCat("No hires or departures of ", org, "/", team, " from ", from, " to ", to);
  const std::string& latest = trend.latest_event_day();
  if (!latest.empty()) {
    absl::StrAppend(&out, "; the latest event of the team is effective ", latest);
    if (latest < from) absl::StrAppend(&out, " (try --to ", latest, ")");
  }
  return out + "\n";
}

std::string RenderOrgCompare(const v1::GetOrgSnapshotResponse& before, const v1::GetOrgSnapshotResponse& after) {
  std::map<std::string, std::pair<const v1::TeamHealth*, const v1::TeamHealth*>> teams;
  for (const auto& t : before.teams()) teams[t.team()].first = &t;
  for (const auto& t : after.teams()) teams[t.team()].second = &t;
  auto heads = [](const v1::TeamHealth* h) -> std::optional<int64_t> {
    if (h == nullptr || !h->headcount_known()) return std::nullopt;
    return h->headcount();
  };
  auto dep90 = [](const v1::TeamHealth* h) -> std::optional<int64_t> {
    if (h == nullptr || h->windows_size() < 2) return std::nullopt;
    return h->windows(1).departures();
  };
  auto score = [](const v1::TeamHealth* h) -> std::optional<int64_t> {
    if (h == nullptr || h->status() == v1::HEALTH_STATUS_UNKNOWN) return std::nullopt;
    return h->score();
  };
  auto status = [](const v1::TeamHealth* h) -> std::string {
    if (h == nullptr) return "-";
    if (!h->active()) return "inactive";
    return h->status() == v1::HEALTH_STATUS_UNSPECIFIED ? "-" : views::ShortName(h->status());
  };
  auto value = [](std::optional<int64_t> v) { return v ? absl::StrCat(*v) : std::string("-"); };
  auto change = [](std::optional<int64_t> a, std::optional<int64_t> b) {
    return a && b ? Signed(*b - *a) : std::string("-");
  };
  std::string out = absl::StrCat(after.org(), ": ", before.as_of(), " -> ", after.as_of(), "\n");
  static constexpr absl::string_view kRow = "%-18.18s %13s %6s %11s %6s %11s %6s  %s\n";
  absl::StrAppend(&out, absl::StrFormat(kRow, "team", "heads", "chg", "dep90", "chg", "score", "chg", "status"));
  for (const auto& [name, pair] : teams) {
    const auto [a, b] = pair;
    // A team inactive at both days is left out, as the org table leaves it out.
    if ((a == nullptr || !a->active()) && (b == nullptr || !b->active())) continue;
    absl::StrAppend(&out, absl::StrFormat(kRow, name, value(heads(a)) + "->" + value(heads(b)), change(heads(a), heads(b)),
                                          value(dep90(a)) + "->" + value(dep90(b)), change(dep90(a), dep90(b)),
                                          value(score(a)) + "->" + value(score(b)), change(score(a), score(b)),
                                          status(a) + "->" + status(b)));
  }
  return out;
}

}  // namespace talentflow::ctl
