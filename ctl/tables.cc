#include "ctl/tables.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <set>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/base/time_util.h"
#include "views/health.h"

namespace talentflow::ctl {
namespace {

constexpr char kEllipsis[] = "…";

// Columns `s` takes on a terminal: one per UTF-8 code point.
size_t DisplayWidth(absl::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// `s` cut to at most `width` columns; a cut value ends in "…".
std::string Fit(absl::string_view s, size_t width) {
  if (DisplayWidth(s) <= width) return std::string(s);
  if (width == 0) return "";
  size_t cols = 0;
  size_t i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (cols == width - 1) break;
    ++cols;
  }
  return absl::StrCat(s.substr(0, i), kEllipsis);
}

// Data comes from scrapers: control characters (newlines, ESC sequences) must not reach the terminal.
std::string Clean(absl::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return out;
}

const char* StatusColor(v1::HealthStatus s) {
  switch (s) {
    case v1::HEALTH_STATUS_HEALTHY: return "32";
    case v1::HEALTH_STATUS_WATCH: return "33";
    case v1::HEALTH_STATUS_AT_RISK: return "31";
    case v1::HEALTH_STATUS_CRITICAL: return "1;31";
    default: return nullptr;
  }
}

std::string Paint(absl::string_view text, const char* code, bool color) {
  if (!color || code == nullptr) return std::string(text);
  return absl::StrCat("\x1b[", code, "m", text, "\x1b[0m");
}

// `s` cut to the screen's `width` (kUnlimited: whole).
std::string FitScreen(absl::string_view s, int width) {
  return width == kUnlimited ? std::string(s) : Fit(s, static_cast<size_t>(width));
}

// `prefix` then the words of `text`, wrapped to `width` columns; continuation lines start with
// `indent`. A word longer than a line is cut. kUnlimited: one line.
std::string Wrap(absl::string_view prefix, absl::string_view text, absl::string_view indent, int width) {
  if (width == kUnlimited) return absl::StrCat(prefix, text, "\n");
  std::string out;
  std::string line(prefix);
  bool bare = true;  // no word on `line` yet
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    if (!bare && DisplayWidth(line) + 1 + DisplayWidth(word) > static_cast<size_t>(width)) {
      absl::StrAppend(&out, Fit(line, width), "\n");
      line = std::string(indent);
      bare = true;
    }
    if (!bare) line += ' ';
    absl::StrAppend(&line, word);
    bare = false;
  }
  if (!bare || out.empty()) absl::StrAppend(&out, Fit(line, width), "\n");
  return out;
}

enum class Align { kLeft, kRight };

struct Column {
  std::string header;
  Align align = Align::kLeft;
  // The narrowest the column may be cut to when the table is too wide; 0: never cut.
  size_t min_width = 0;
  // Spaces before the column (none before the first). One is enough between right-aligned numbers.
  size_t gap = 2;
  // Columns are cut in ascending rank; those of one rank widest first.
  int cut_rank = 0;
  // A value wider than the column continues on the next lines (word-wrapped) instead of being cut.
  bool wrap = false;
};

struct Cell {
  Cell(std::string t) : text(Clean(t)) {}         // NOLINT: implicit on purpose, rows read as lists
  Cell(const char* t) : text(Clean(t)) {}         // NOLINT
  Cell(int64_t n) : text(absl::StrCat(n)) {}      // NOLINT
  Cell(std::string t, const char* c) : text(Clean(t)), color(c) {}
  std::string text;
  const char* color = nullptr;  // ANSI SGR code, used only when rendering with colour
};

// An aligned table: a header row, then the rows; columns Column::gap apart, no trailing spaces. When
// wider than the screen, cuttable columns lose a column at a time until it fits: the lowest
// Column::cut_rank first, the widest of a rank first, none below its Column::min_width. On a screen
// of kUnlimited width nothing is cut or wrapped: one line per row.
class Table {
 public:
  explicit Table(std::vector<Column> columns) : columns_(std::move(columns)) {}

  void AddRow(std::vector<Cell> row) {
    row.resize(columns_.size(), Cell(""));
    rows_.push_back(std::move(row));
  }

  std::string Render(bool color, int screen) const {
    std::vector<size_t> widths;
    for (const Column& c : columns_) widths.push_back(DisplayWidth(c.header));
    for (const auto& row : rows_) {
      for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i].text));
    }
    size_t total = 0;
    for (size_t i = 0; i < columns_.size(); ++i) total += widths[i] + (i > 0 ? columns_[i].gap : 0);
    while (screen != kUnlimited && total > static_cast<size_t>(screen)) {
      int widest = -1;
      for (size_t i = 0; i < columns_.size(); ++i) {
        if (columns_[i].min_width == 0 || widths[i] <= columns_[i].min_width) continue;
        if (widest < 0 || columns_[i].cut_rank < columns_[widest].cut_rank ||
            (columns_[i].cut_rank == columns_[widest].cut_rank && widths[i] > widths[widest])) {
          widest = static_cast<int>(i);
        }
      }
      if (widest < 0) break;
      --widths[widest];
      --total;
    }
    std::vector<Cell> header;
    for (const Column& c : columns_) header.emplace_back(c.header);
    std::string out = Line(header, widths, false, screen);
    for (const auto& row : rows_) out += Line(row, widths, color, screen);
    return out;
  }

 private:
  // One row: one line, plus continuation lines for the wrapped values of Column::wrap columns.
  std::string Line(const std::vector<Cell>& cells, const std::vector<size_t>& widths, bool color, int screen) const {
    std::vector<std::vector<std::string>> pieces(cells.size());
    size_t lines = 1;
    for (size_t i = 0; i < cells.size(); ++i) {
      pieces[i] = columns_[i].wrap && screen != kUnlimited ? WrapCell(cells[i].text, widths[i])
                                   : std::vector<std::string>{Fit(cells[i].text, widths[i])};
      lines = std::max(lines, pieces[i].size());
    }
    std::string out;
    for (size_t k = 0; k < lines; ++k) {
      std::string line;
      for (size_t i = 0; i < cells.size(); ++i) {
        if (i > 0) line.append(columns_[i].gap, ' ');
        const std::string text = k < pieces[i].size() ? pieces[i][k] : "";
        const std::string pad(widths[i] - DisplayWidth(text), ' ');
        const std::string painted = Paint(text, text.empty() ? nullptr : cells[i].color, color);
        line += columns_[i].align == Align::kRight ? pad + painted : painted + pad;
      }
      line.erase(line.find_last_not_of(' ') + 1);
      absl::StrAppend(&out, line, "\n");
    }
    return out;
  }

  // `text` in lines of at most `width` columns, broken at spaces where possible.
  static std::vector<std::string> WrapCell(absl::string_view text, size_t width) {
    width = std::max<size_t>(width, 1);
    std::vector<std::string> lines;
    std::string line;
    for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
      if (!line.empty() && DisplayWidth(line) + 1 + DisplayWidth(word) > width) {
        lines.push_back(std::move(line));
        line.clear();
      }
      if (!line.empty()) line += ' ';
      absl::StrAppend(&line, word);
      while (DisplayWidth(line) > width) {  // a word longer than the column: split it
        size_t cols = 0, i = 0;
        for (; i < line.size(); ++i) {
          if ((static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) continue;
          if (cols == width) break;
          ++cols;
        }
        lines.push_back(line.substr(0, i));
        line.erase(0, i);
      }
    }
    if (!line.empty() || lines.empty()) lines.push_back(std::move(line));
    return lines;
  }

  std::vector<Column> columns_;
  std::vector<std::vector<Cell>> rows_;
};

const v1::WindowStats* Window(const v1::TeamHealth& h, int days) {
  for (const auto& w : h.windows()) {
    if (w.days() == days) return &w;
  }
  return nullptr;
}

std::string Percent(double fraction) { return absl::StrFormat("%.1f", fraction * 100.0); }

std::string Heads(bool known, int64_t headcount) { return known ? absl::StrCat(headcount) : "-"; }

// The score, or "-" for a team with nothing to score (status UNKNOWN).
std::string ScoreCell(int32_t score, v1::HealthStatus status) {
  return status == v1::HEALTH_STATUS_UNKNOWN ? "-" : absl::StrCat(score);
}

std::string PriorityName(v1::Priority p) { return p == v1::PRIORITY_UNSPECIFIED ? "-" : views::ShortName(p); }

std::string BudgetName(v1::BudgetStatus b) {
  return b == v1::BUDGET_STATUS_UNSPECIFIED ? "-" : views::ShortName(b);
}

std::string StatusName(v1::HealthStatus s) {
  return s == v1::HEALTH_STATUS_UNSPECIFIED ? "-" : views::ShortName(s);
}

Cell StatusCell(v1::HealthStatus s) { return Cell(StatusName(s), StatusColor(s)); }

Cell StatusCell(const v1::TeamHealth& h) { return h.active() ? StatusCell(h.status()) : Cell("inactive"); }

std::string Plural(int64_t n, absl::string_view one, absl::string_view many) {
  return absl::StrCat(n, " ", n == 1 ? one : many);
}

Table TeamTable() {
  // Numbers one space apart leave the team slug (what other commands take) room to show whole.
  return Table({{"team", Align::kLeft, 12},
                {"heads", Align::kRight},
                {"dep90", Align::kRight, 0, 1},
                {"sen90", Align::kRight, 0, 1},
                {"attr%", Align::kRight, 0, 1},
                {"priority", Align::kLeft},
                {"budget", Align::kLeft},
                {"score", Align::kRight, 0, 1},
                {"status", Align::kLeft}});
}

void AddTeamRow(Table& table, const v1::TeamHealth& h) {
  const v1::WindowStats* w90 = Window(h, 90);
  table.AddRow({h.team(), Heads(h.headcount_known(), h.headcount()), w90 ? Cell(w90->departures()) : Cell("-"),
                w90 ? Cell(w90->senior_departures()) : Cell("-"),
                w90 && w90->attrition_known() ? Percent(w90->annualised_attrition()) : "-", PriorityName(h.priority()),
                BudgetName(h.budget()), ScoreCell(h.score(), h.status()), StatusCell(h)});
}

// "2026-02-10", "2026-02" or "2026-Q1", by `precision`.
std::string DateAt(const google::protobuf::Timestamp& t, v1::DatePrecision precision) {
  const std::string day = FormatDay(DayOf(t));
  switch (precision) {
    case v1::DATE_PRECISION_MONTH:
      return day.substr(0, 7);
    case v1::DATE_PRECISION_QUARTER:
      return absl::StrCat(day.substr(0, 4), "-Q", (std::stoi(day.substr(5, 2)) - 1) / 3 + 1);
    default:
      return day;
  }
}

// "2026-02-10", "2026-02" or "2026-Q1", by the event's date precision.
std::string EffectiveDate(const v1::Event& e) {
  return e.has_effective_time() ? DateAt(e.effective_time(), e.date_precision()) : "-";
}

std::string EventType(const v1::Event& e) {
  switch (e.payload_case()) {
    case v1::Event::kHire: return "hire";
    case v1::Event::kDeparture: return "departure";
    case v1::Event::kTransferOut: return "transferOut";
    case v1::Event::kTransferIn: return "transferIn";
    case v1::Event::kReprioritisation: return "priority";
    case v1::Event::kBudgetChange: return "budget";
    case v1::Event::kComputeReallocation: return "compute";
    case v1::Event::kRetentionAction: return "retention";
    case v1::Event::kTeamChange: return "teamChange";
    case v1::Event::kHeadcountReport: return "headcount";
    case v1::Event::kRetraction: return "retraction";
    default: return "-";
  }
}

// Lower-case enum value name without its type prefix: "competitor" for DESTINATION_KIND_COMPETITOR.
std::string EnumWord(const std::string& name, absl::string_view prefix) {
  return absl::AsciiStrToLower(absl::string_view(name).substr(std::min(prefix.size(), name.size())));
}

// What the event did, in a few words: "to anthropic, regretted", "priority lowered".
std::string EventDetail(const v1::Event& e) {
  switch (e.payload_case()) {
    case v1::Event::kHire:
      return e.hire().from_org().empty() ? "" : absl::StrCat("from ", e.hire().from_org());
    case v1::Event::kDeparture: {
      const auto& d = e.departure();
      std::string s = d.destination_org().empty() ? "" : absl::StrCat("to ", d.destination_org());
      if (d.regretted()) absl::StrAppend(&s, s.empty() ? "" : ", ", "regretted");
      return s;
    }
    case v1::Event::kTransferOut:
      return absl::StrCat("to team ", e.transfer_out().to_team());
    case v1::Event::kTransferIn:
      return absl::StrCat("from team ", e.transfer_in().from_team());
    case v1::Event::kReprioritisation:
      return absl::StrCat("priority ", views::ShortName(e.reprioritisation().priority()));
    case v1::Event::kBudgetChange:
      return absl::StrCat("budget ", views::ShortName(e.budget_change().status()));
    case v1::Event::kComputeReallocation:
      return absl::StrFormat("%.0f%% to %s", e.compute_reallocation().share() * 100.0,
                             e.compute_reallocation().to_team());
    case v1::Event::kRetentionAction: {
      const auto& r = e.retention_action();
      std::string s = EnumWord(v1::RetentionKind_Name(r.kind()), "RETENTION_KIND_");
      if (!r.population().empty()) absl::StrAppend(&s, " for ", r.population());
      return s;
    }
    case v1::Event::kTeamChange: {
      const auto& t = e.team_change();
      std::string s = EnumWord(v1::TeamChangeKind_Name(t.kind()), "TEAM_CHANGE_KIND_");
      if (!t.into_team().empty()) absl::StrAppend(&s, " into ", t.into_team());
      if (!t.new_name().empty()) absl::StrAppend(&s, " \"", t.new_name(), "\"");
      return s;
    }
    case v1::Event::kHeadcountReport:
      return absl::StrCat("headcount ", e.headcount_report().headcount());
    case v1::Event::kRetraction:
      return absl::StrCat("retracts ", e.retraction().target_event_id());
    default:
      return "";
  }
}

std::string EntryStatus(v1::EventStatus s) {
  switch (s) {
    case v1::EVENT_STATUS_APPLIED: return "applied";
    case v1::EVENT_STATUS_DUPLICATE: return "duplicate";
    case v1::EVENT_STATUS_RETRACTED: return "retracted";
    case v1::EVENT_STATUS_RETRACTION_APPLIED: return "applied";  // the type column says "retraction"
    case v1::EVENT_STATUS_RETRACTION_PENDING: return "pending";
    case v1::EVENT_STATUS_RETRACTION_NOOP: return "noop";
    default: return "-";
  }
}

std::string FormatInstant(const google::protobuf::Timestamp& ts) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", ToAbslTime(ts), absl::UTCTimeZone());
}

// "key       value": a label column of 10 then the value, cut to the screen.
std::string Field(absl::string_view key, absl::string_view value, int screen) {
  constexpr size_t kLabel = 10;
  std::string line = absl::StrCat(key, std::string(kLabel > key.size() ? kLabel - key.size() : 1, ' '), Clean(value));
  return FitScreen(line, screen) + "\n";
}

}  // namespace

int TableWidth(bool tty, bool wide, const char* columns_env, int terminal_columns) {
  if (!tty || wide) return kUnlimited;
  int columns = 0;
  if (columns_env != nullptr && absl::SimpleAtoi(columns_env, &columns) && columns > 0) return columns;
  return terminal_columns > 0 ? terminal_columns : kScreenWidth;
}

absl::StatusOr<std::string> RenderJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = false;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) return absl::InternalError(absl::StrCat("cannot print as JSON: ", status.message().as_string()));
  return json + "\n";
}

std::string RenderTeamHealth(const v1::TeamHealth& h, bool color, int width) {
  auto field = [width](absl::string_view key, absl::string_view value) { return Field(key, value, width); };
  std::string title = absl::StrCat(h.org(), "/", h.team());
  if (!h.display_name().empty() && h.display_name() != h.team()) absl::StrAppend(&title, " \"", h.display_name(), "\"");
  absl::StrAppend(&title, " as of ", h.as_of());
  std::string out = FitScreen(Clean(title), width) + "\n";

  // The status word may carry colour, so its line is built outside Field (which would count the escapes).
  std::string status = h.active() ? StatusName(h.status()) : "inactive";
  std::string status_rest = h.status() == v1::HEALTH_STATUS_UNKNOWN
                                ? std::string(", no score")
                                : absl::StrCat(", score ", h.score(), " (v", h.score_version(), ")");
  if (h.low_confidence()) absl::StrAppend(&status_rest, ", low confidence");
  absl::StrAppend(&out, "status    ", Paint(status, h.active() ? StatusColor(h.status()) : nullptr, color),
                  status_rest, "\n");

  std::string heads = "unknown";
  if (h.headcount_known()) {
    heads = absl::StrCat(h.headcount());
    if (!h.headcount_reported_on().empty()) absl::StrAppend(&heads, " (reported ", h.headcount_reported_on(), ")");
  }
  out += field("headcount", heads);
  auto since = [](std::string value, const std::string& day) {
    return day.empty() ? value : absl::StrCat(value, " since ", day);
  };
  out += field("priority", h.priority() == v1::PRIORITY_UNSPECIFIED
                               ? "not reported"
                               : since(views::ShortName(h.priority()), h.priority_since()));
  out += field("budget", h.budget() == v1::BUDGET_STATUS_UNSPECIFIED
                             ? "not reported"
                             : since(views::ShortName(h.budget()), h.budget_since()));
  out += field("compute", h.compute_share_moved_out() > 0
                              ? absl::StrFormat("%.0f%% moved out", h.compute_share_moved_out() * 100.0)
                              : "none moved out");
  out += field("retention",
               h.retention_actions() == 0 ? "no actions" : Plural(h.retention_actions(), "action", "actions"));
  if (h.active()) {
    out += field("active", "yes");
  } else {
    std::string why = h.successor().empty() ? "no" : absl::StrCat("no: merged into ", h.successor());
    out += field("active", since(why, h.inactive_since()));
  }
  std::string events = absl::StrCat(h.events(), " (", h.duplicates(), " duplicate", h.duplicates() == 1 ? "" : "s",
                                    ", ", h.retracted(), " retracted)");
  if (!h.last_event_day().empty()) absl::StrAppend(&events, ", last on ", h.last_event_day());
  out += field("events", events);

  if (h.windows_size() > 0) {
    std::vector<Column> columns;
    columns.push_back(Column{""});
    for (const auto& w : h.windows()) columns.push_back({absl::StrCat(w.days(), "d"), Align::kRight});
    Table table(std::move(columns));
    auto row = [&](std::string label, auto value) {
      std::vector<Cell> cells = {std::move(label)};
      for (const auto& w : h.windows()) cells.push_back(value(w));
      table.AddRow(std::move(cells));
    };
    using W = const v1::WindowStats&;
    row("hires", [](W w) { return Cell(w.hires()); });
    row("departures", [](W w) { return Cell(w.departures()); });
    row("  senior", [](W w) { return Cell(w.senior_departures()); });
    row("  leadership", [](W w) { return Cell(w.leadership_departures()); });
    row("  regretted", [](W w) { return Cell(w.regretted_departures()); });
    row("transfers in", [](W w) { return Cell(w.transfers_in()); });
    row("transfers out", [](W w) { return Cell(w.transfers_out()); });
    row("net flow", [](W w) { return Cell(w.net_flow()); });
    row("avg headcount", [](W w) {
      return w.attrition_known() ? Cell(absl::StrFormat("%.1f", w.average_headcount())) : Cell("-");
    });
    row("attrition %", [](W w) { return w.attrition_known() ? Cell(Percent(w.attrition())) : Cell("-"); });
    row("annualised %", [](W w) { return w.attrition_known() ? Cell(Percent(w.annualised_attrition())) : Cell("-"); });
    absl::StrAppend(&out, "\n", table.Render(color, width));
  }
  if (h.reasons_size() > 0) {
    out += "\nreasons\n";
    for (const auto& r : h.reasons()) out += Wrap("  - ", Clean(r), "    ", width);
  }
  if (h.top_destinations_size() > 0) {
    std::vector<std::string> items;
    for (const auto& d : h.top_destinations()) items.push_back(absl::StrCat(Clean(d.org()), " ", d.people()));
    out += "\n" + Wrap("top destinations (365d): ", absl::StrJoin(items, ", "), "  ", width);
  }
  return out;
}

std::string RenderTeamList(const google::protobuf::RepeatedPtrField<v1::TeamHealth>& teams, bool color, int width) {
  if (teams.empty()) return "no teams\n";
  Table table = TeamTable();
  for (const auto& h : teams) AddTeamRow(table, h);
  return table.Render(color, width);
}

namespace {

// "; one person filed under several teams counts once (1 filing left out)" when the org totals
// count fewer hires and departures than the active teams' rows add up to (README, org totals).
std::string RepeatedFilings(const v1::GetOrgSnapshotResponse& snapshot) {
  int64_t filed = 0;
  for (const auto& h : snapshot.teams()) {
    if (h.active() && h.windows_size() > 1) filed += h.windows(1).hires() + h.windows(1).departures();
  }
  const int64_t left_out = filed - snapshot.totals().hires_90d() - snapshot.totals().departures_90d();
  if (left_out <= 0) return "";
  return absl::StrCat("; one person filed under several teams counts once (",
                      Plural(left_out, "filing", "filings"), " left out)");
}

}  // namespace

std::string RenderOrgSnapshot(const v1::GetOrgSnapshotResponse& snapshot, bool color, int width) {
  std::string out = FitScreen(Clean(absl::StrCat(snapshot.org(), " as of ", snapshot.as_of())), width) + "\n";
  const v1::OrgTotals& t = snapshot.totals();
  Table table = TeamTable();
  for (const auto& h : snapshot.teams()) AddTeamRow(table, h);
  table.AddRow({"total", t.headcount(), t.departures_90d(), t.senior_departures_90d()});
  out += table.Render(color, width);

  absl::StrAppend(&out, Wrap("teams: ", absl::StrCat(t.teams(), " active, ", t.inactive_teams(), " inactive, ",
                                                   t.teams_without_headcount(), " without headcount"),
                             "  ", width));
  absl::StrAppend(&out, Wrap("90d: ", absl::StrCat(Plural(t.hires_90d(), "hire", "hires"), ", ",
                                                 Plural(t.departures_90d(), "departure", "departures"), " (",
                                                 t.senior_departures_90d(), " senior, ",
                                                 t.leadership_departures_90d(), " leadership)",
                                                 RepeatedFilings(snapshot)),
                             "  ", width));
  std::vector<std::string> counts;
  for (v1::HealthStatus s : {v1::HEALTH_STATUS_HEALTHY, v1::HEALTH_STATUS_WATCH, v1::HEALTH_STATUS_AT_RISK,
                             v1::HEALTH_STATUS_CRITICAL, v1::HEALTH_STATUS_UNKNOWN}) {
    const std::string name = views::ShortName(s);
    auto it = t.status_counts().find(name);
    const int64_t n = it == t.status_counts().end() ? 0 : it->second;
    counts.push_back(absl::StrCat(n, " ", Paint(name, StatusColor(s), color)));
  }
  absl::StrAppend(&out, "status: ", absl::StrJoin(counts, ", "), "\n");
  return out;
}

std::string RenderTrend(const v1::GetTeamTrendResponse& trend, bool color, int width) {
  if (trend.points().empty()) return "no points\n";
  Table table({{"date"},
               {"heads", Align::kRight},
               {"hires", Align::kRight},
               {"departures", Align::kRight},
               {"score", Align::kRight},
               {"status"}});
  for (const auto& p : trend.points()) {
    table.AddRow({p.date(), Heads(p.headcount_known(), p.headcount()), p.hires(), p.departures(), ScoreCell(p.score(), p.status()),
                  StatusCell(p.status())});
  }
  return table.Render(color, width);
}

std::string RenderFlows(const v1::GetTalentFlowsResponse& flows, int width) {
  if (flows.edges().empty()) return "no talent flows\n";
  Table table({{"from", Align::kLeft, 8, 2, 1},
               {"to", Align::kLeft, 8, 2, 1},
               {"people", Align::kRight},
               {"movers", Align::kLeft, 20}});
  for (const auto& e : flows.edges()) {
    std::set<std::string> seen;
    std::vector<std::string> movers;
    for (const auto& m : e.movers()) {
      if (!m.id().empty() && !seen.insert(m.id()).second) continue;
      const std::string& who = m.name().empty() ? (m.id().empty() ? "?" : m.id()) : m.name();
      movers.push_back(absl::StrCat(who, " (", m.month(), ")"));
    }
    table.AddRow({e.from_org(), e.to_org(), e.people(), movers.empty() ? "-" : absl::StrJoin(movers, ", ")});
  }
  return table.Render(false, width);
}

namespace {

// A net count with its sign: "+7", "-7", "0".
std::string SignedCount(int64_t n) { return n > 0 ? absl::StrCat("+", n) : absl::StrCat(n); }

}  // namespace

std::string RenderFlowMonths(const v1::GetTalentFlowsRequest& request, const v1::GetTalentFlowsResponse& flows,
                             int width) {
  const std::string title =
      request.counterparty().empty()
          ? absl::StrCat(request.org(), " by month (people in: from any org, out: to any org)")
          : absl::StrCat(request.org(), " and ", request.counterparty(), " by month (people in: from ",
                         request.counterparty(), ", out: to ", request.counterparty(), ")");
  std::string out = FitScreen(title, width);
  out += "\n";
  Table table({{"month"}, {"in", Align::kRight}, {"out", Align::kRight}, {"net", Align::kRight}});
  int64_t in = 0, outbound = 0;
  for (const auto& m : flows.months()) {
    table.AddRow({m.month(), m.inbound(), m.outbound(), SignedCount(m.net())});
    in += m.inbound();
    outbound += m.outbound();
  }
  table.AddRow({"total", in, outbound, SignedCount(in - outbound)});
  return out + table.Render(false, width);
}

namespace {

// The seven seniorities and the total of `c`, in Seniority order.
std::vector<int64_t> ByLevel(const v1::SeniorityCounts& c) {
  return {c.unspecified(), c.junior(), c.mid(), c.senior(), c.staff(), c.principal(), c.leadership(), c.total()};
}

std::string SeniorityWord(v1::Seniority s) {
  return s == v1::SENIORITY_UNSPECIFIED ? "-" : EnumWord(v1::Seniority_Name(s), "SENIORITY_");
}

// The name (the id in --json and --csv), else the id.
std::string PersonText(const v1::Person& p) {
  if (!p.name().empty()) return p.name();
  return p.id().empty() ? "?" : p.id();
}

}  // namespace

std::string RenderMovement(const v1::GetTeamMovementResponse& movement, int width) {
  const bool one_team = movement.teams_size() == 1 && !movement.teams(0).team().empty();
  const std::string subject =
      one_team ? absl::StrCat(movement.org(), "/", movement.teams(0).team())
               : absl::StrCat(movement.org(), " (", Plural(movement.teams_size(), "team", "teams"), ")");
  const v1::TeamMovement& m = one_team ? movement.teams(0) : movement.totals();
  std::string out =
      FitScreen(absl::StrCat(subject, " as of ", movement.as_of(), ": hires and departures by seniority"), width);
  out += "\n";
  if (m.windows_size() != 3) return out + "no windows in the answer\n";
  const v1::MovementWindow &w30 = m.windows(0), &w90 = m.windows(1), &w365 = m.windows(2);
  Table table({{"seniority"},
               {"hires30", Align::kRight},
               {"hires90", Align::kRight, 0, 1},
               {"hires365", Align::kRight, 0, 1},
               {"deps30", Align::kRight},
               {"deps90", Align::kRight, 0, 1},
               {"deps365", Align::kRight, 0, 1},
               {"in365", Align::kRight},
               {"out365", Align::kRight, 0, 1}});
  const std::vector<std::vector<int64_t>> columns = {
      ByLevel(w30.hires()),      ByLevel(w90.hires()),      ByLevel(w365.hires()),
      ByLevel(w30.departures()), ByLevel(w90.departures()), ByLevel(w365.departures()),
      ByLevel(w365.transfers_in()), ByLevel(w365.transfers_out())};
  const char* levels[] = {"unspecified", "junior", "mid", "senior", "staff", "principal", "leadership", "total"};
  for (size_t level = 0; level < 8; ++level) {
    std::vector<Cell> row = {levels[level]};
    for (const auto& c : columns) row.emplace_back(c[level]);
    table.AddRow(std::move(row));
  }
  out += table.Render(false, width);
  std::vector<std::string> windows;
  for (const auto* w : {&w30, &w90, &w365}) {
    windows.push_back(absl::StrCat(w->days(), "d ", w->senior_departures(), " (", w->backfilled(), " backfilled, ",
                                   w->open(), " open)"));
  }
  out += Wrap("senior departures: ", absl::StrJoin(windows, ", "), "  ", width);
  if (m.backfills().empty()) return out;
  std::vector<Column> cols = {{"left"}};
  // The backfill wraps first, then the person, then the team.
  if (!one_team) cols.push_back({"team", Align::kLeft, 6, 2, 2});
  cols.push_back({"person", Align::kLeft, 10, 2, 1, /*wrap=*/true});
  cols.push_back({"seniority"});
  cols.push_back({"backfilled by", Align::kLeft, 12, 2, 0, /*wrap=*/true});
  cols.push_back({"days", Align::kRight});
  Table backfills(cols);
  for (const auto& b : m.backfills()) {
    std::vector<Cell> row = {b.departure_day()};
    if (!one_team) row.emplace_back(b.team());
    row.emplace_back(PersonText(b.person()));
    row.emplace_back(SeniorityWord(b.person().seniority()));
    if (b.open()) {
      row.emplace_back("open");
    } else {
      row.emplace_back(absl::StrCat(b.hire_day(), " ", b.hire_kind() == v1::MOVE_KIND_TRANSFER_IN ? "transfer in" : "hire",
                                    ": ", PersonText(b.hire_person()), " (",
                                    SeniorityWord(b.hire_person().seniority()), ")"));
    }
    row.emplace_back(b.days());
    backfills.AddRow(std::move(row));
  }
  return out + "\n" + backfills.Render(false, width);
}

std::string RenderEvents(const google::protobuf::RepeatedPtrField<v1::EventRecord>& events, int width) {
  if (events.empty()) return "no events\n";
  // The id comes first and is never cut or wrapped: `retract` and `--min-offsets` readers copy it.
  Table table({{"id"},
               {"date"},
               {"type"},
               {"person", Align::kLeft, 12},
               {"status"},
               {"note", Align::kLeft, 16, 2, 1, /*wrap=*/true}});
  for (const auto& entry : events) {
    const v1::Event& e = entry.event();
    std::string person = e.person().name().empty() ? e.person().id() : e.person().name();
    std::vector<std::string> notes;
    if (std::string detail = EventDetail(e); !detail.empty()) notes.push_back(std::move(detail));
    if (!entry.note().empty()) notes.push_back(entry.note());
    // A story told by more than one outlet says so (its duplicates' notes name the story they joined).
    if (entry.outlets_size() >= 2) notes.push_back(absl::StrCat("outlets: ", absl::StrJoin(entry.outlets(), ", ")));
    table.AddRow({e.event_id().empty() ? "-" : e.event_id(), EffectiveDate(e), EventType(e),
                  person.empty() ? "-" : person, EntryStatus(entry.status()),
                  notes.empty() ? "-" : absl::StrJoin(notes, "; ")});
  }
  return table.Render(false, width);
}

std::string RenderOrgs(const v1::ListOrgsResponse& orgs, int width) {
  if (orgs.orgs().empty()) return "no orgs: the views hold no events yet\n";
  Table table({{"org"}, {"teams", Align::kRight}});
  for (const auto& o : orgs.orgs()) table.AddRow({o.org(), o.teams()});
  return table.Render(false, width);
}

std::string RenderWatermark(const v1::Watermark& watermark) {
  if (watermark.partitions().empty()) return "no partition applied yet\n";
  Table table(
      {{"partition", Align::kRight}, {"applied", Align::kRight}, {"end", Align::kRight}, {"lag", Align::kRight}});
  int64_t total_lag = 0;
  bool lag_known = true;
  for (const auto& p : watermark.partitions()) {
    table.AddRow({p.partition(), p.applied_offset(), p.end_offset() < 0 ? Cell("-") : Cell(p.end_offset()),
                  p.lag() < 0 ? Cell("-") : Cell(p.lag())});
    lag_known = lag_known && p.lag() >= 0;
    total_lag += std::max<int64_t>(0, p.lag());
  }
  if (watermark.partitions_size() > 1) table.AddRow({"total", "", "", lag_known ? Cell(total_lag) : Cell("-")});
  std::string out = table.Render(false, kScreenWidth);
  if (watermark.has_last_applied_time()) {
    absl::StrAppend(&out, "last applied record: ", FormatInstant(watermark.last_applied_time()), "\n");
  }
  return out;
}

std::string RenderWatch(const std::string& org, const std::map<std::string, v1::TeamHealth>& latest,
                        const v1::Watermark& watermark, bool color, int width) {
  std::string title = org;
  if (!latest.empty()) absl::StrAppend(&title, " as of ", latest.begin()->second.as_of());
  if (watermark.has_last_applied_time()) {
    absl::StrAppend(&title, ", views at ", FormatInstant(watermark.last_applied_time()));
  }
  google::protobuf::RepeatedPtrField<v1::TeamHealth> teams;
  for (const auto& [team, h] : latest) *teams.Add() = h;
  return FitScreen(Clean(title), width) + "\n" + RenderTeamList(teams, color, width);
}

namespace {

// "departure to google-deepmind", "hire from meta", "transfer to team chatgpt"; an unknown org is
// left out ("departure").
std::string MoveText(const v1::PersonMove& m) {
  switch (m.kind()) {
    case v1::MOVE_KIND_HIRE:
      return m.from_org().empty() ? "hire" : absl::StrCat("hire from ", m.from_org());
    case v1::MOVE_KIND_DEPARTURE:
      return m.to_org().empty() ? "departure" : absl::StrCat("departure to ", m.to_org());
    case v1::MOVE_KIND_TRANSFER_IN:
      return absl::StrCat("transfer from team ", m.from_team());
    case v1::MOVE_KIND_TRANSFER_OUT:
      return absl::StrCat("transfer to team ", m.to_team());
    default:
      return "-";
  }
}

// The status and, for an applied move, whether it is corroborated and why: "applied, corroborated
// (2 outlets, confirmed)", "applied, not corroborated", "retracted".
std::string MoveStatus(const v1::PersonMove& m) {
  std::string out = EntryStatus(m.status());
  if (m.corroborated()) return absl::StrCat(out, ", corroborated (", absl::StrJoin(m.corroborated_by(), ", "), ")");
  if (m.status() == v1::EVENT_STATUS_APPLIED) absl::StrAppend(&out, ", not corroborated");
  return out;
}

std::string MoveDate(const v1::PersonMove& m) {
  return m.has_effective_time() ? DateAt(m.effective_time(), m.date_precision()) : "-";
}

}  // namespace

std::string RenderPerson(const v1::GetPersonResponse& person, int width) {
  const v1::Person& p = person.person();
  std::string out = p.name().empty() ? person.person_id() : absl::StrCat(p.name(), " (", person.person_id(), ")");
  if (!p.title().empty()) absl::StrAppend(&out, ", ", p.title());
  if (p.seniority() != v1::SENIORITY_UNSPECIFIED) absl::StrAppend(&out, ", ", EnumWord(v1::Seniority_Name(p.seniority()), "SENIORITY_"));
  out = FitScreen(Clean(out), width) + "\n";
  // Wrapped rather than cut: every value says where the person went or where the claim came from;
  // the date and id are never cut (the id is what `event` and `retract` take).
  Table table({{"date"},
               {"org/team", Align::kLeft, 11, 2, 0, /*wrap=*/true},
               {"move", Align::kLeft, 16, 2, 0, /*wrap=*/true},
               {"evidence", Align::kLeft, 11, 2, 1, /*wrap=*/true},
               {"status", Align::kLeft, 14, 2, 1, /*wrap=*/true},
               {"id"}});
  for (const auto& m : person.moves()) {
    std::string evidence = EnumWord(v1::Confidence_Name(m.confidence()), "CONFIDENCE_");
    if (evidence == "unspecified") evidence = "-";
    absl::StrAppend(&evidence, ": ", m.outlets().empty() ? "no outlet" : absl::StrJoin(m.outlets(), ", "));
    table.AddRow({MoveDate(m), absl::StrCat(m.org(), "/", m.team()), MoveText(m), evidence, MoveStatus(m),
                  m.event_id()});
  }
  out += table.Render(false, width);
  for (const auto& c : person.counterparts()) {
    absl::StrAppend(&out, "counterpart: ", c.out_event_id(), " -> ", c.in_event_id(), " (", c.days_apart(),
                    c.days_apart() == 1 ? " day" : " days", " apart)\n");
  }
  for (const auto& m : person.moves()) {
    if (!m.note().empty()) absl::StrAppend(&out, m.event_id(), ": ", Clean(m.note()), "\n");
  }
  return out;
}

std::string RenderPeople(const v1::ListPeopleResponse& people, int width) {
  Table table({{"person", Align::kLeft, 12, 2, 0, /*wrap=*/true},
               {"date"},
               {"team", Align::kLeft, 8},
               {"move", Align::kLeft, 16, 2, 0, /*wrap=*/true},
               {"status", Align::kLeft, 14, 2, 1, /*wrap=*/true},
               {"id"}});
  for (const auto& row : people.people()) {
    bool first = true;
    for (const auto& m : row.moves()) {
      std::string who;
      if (first) who = row.name().empty() ? row.person_id() : row.name();
      if (first && !row.name().empty() && !row.person_id().empty()) absl::StrAppend(&who, " (", row.person_id(), ")");
      table.AddRow({first ? Cell(who) : Cell(""), MoveDate(m), m.team(), MoveText(m), MoveStatus(m), m.event_id()});
      first = false;
    }
  }
  return table.Render(false, width);
}

}  // namespace talentflow::ctl
