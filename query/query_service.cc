#include "query/query_service.h"

#include <algorithm>
#include <future>
#include <map>
#include <mutex>
#include <tuple>
#include <optional>
#include <set>

#include "absl/functional/function_ref.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/base/record_key.h"
#include "common/base/slug.h"
#include "common/base/status.h"
#include "common/base/time_util.h"
#include "common/log/logging.h"
#include "common/rpc/grpc_status.h"
#include "common/rpc/serve.h"
#include "query/evidence.h"
#include "query/movement.h"
#include "query/names.h"
#include "query/org_totals.h"
#include "query/pending_retractions.h"
#include "query/people.h"
#include "views/keys.h"

namespace talentflow::query {
namespace {

absl::Status CheckSlug(const std::string& value, absl::string_view field) {
  if (!IsSlug(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", value, "\" is neither a slug ([a-z0-9][a-z0-9-]{0,62}) nor a known alias"));
  }
  return absl::OkStatus();
}

int64_t Today() { return DayOf(absl::Now()); }

// The UTC day of an optional timestamp; `fallback` when unset.
absl::StatusOr<int64_t> DayOrDefault(bool has, const google::protobuf::Timestamp& ts, int64_t fallback,
                                     absl::string_view field) {
  if (!has) return fallback;
  if (ts.seconds() < 0 || ts.seconds() > 253402300799) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": out of range"));
  }
  return DayOf(ts);
}

absl::Time DeadlineOf(const grpc::ServerContext& ctx) {
  const auto d = ctx.deadline();
  if (d == std::chrono::system_clock::time_point::max()) return absl::Now() + absl::Seconds(30);
  return absl::FromChrono(d);
}

// How long a routed read waits for its partitions to be served: a read with min_offsets
// (read-your-writes) waits up to its deadline, as for its records; others not at all.
absl::Time OwnersDeadline(const grpc::ServerContext& ctx, const v1::MinOffsets& min) {
  return min.offsets().empty() ? absl::InfinitePast() : DeadlineOf(ctx);
}

// Fills `out` from the views' applied offsets and the log's `ends` (may be empty). With a scope,
// lists exactly the scope's partitions (one never applied at offset 0) and no other.
void FillWatermark(const std::map<int32_t, v1::PartitionOffset>& applied, const std::map<int32_t, int64_t>& ends,
                   const Scope& scope, v1::Watermark* out) {
  int64_t newest = 0;
  auto add = [&](int32_t p, const v1::PartitionOffset* o) {
    auto* pw = out->add_partitions();
    pw->set_partition(p);
    const int64_t applied_offset = o != nullptr ? o->next_offset() : 0;
    pw->set_applied_offset(applied_offset);
    auto it = ends.find(p);
    pw->set_end_offset(it == ends.end() ? -1 : it->second);
    pw->set_lag(it == ends.end() ? -1 : std::max<int64_t>(0, it->second - applied_offset));
    if (o != nullptr) newest = std::max(newest, o->last_timestamp_ms());
  };
  if (scope) {
    for (int32_t p : *scope) {
      auto it = applied.find(p);
      add(p, it == applied.end() ? nullptr : &it->second);
    }
  } else {
    for (const auto& [p, o] : applied) add(p, &o);
  }
  if (newest > 0) *out->mutable_last_applied_time() = ToTimestamp(absl::FromUnixMillis(newest));
}

// Adds `part`'s partitions to `merged` (a gather's watermark); keeps the newest applied time.
void MergeWatermark(const v1::Watermark& part, v1::Watermark* merged) {
  for (const auto& pw : part.partitions()) *merged->add_partitions() = pw;
  if (part.has_last_applied_time() &&
      (!merged->has_last_applied_time() || ToAbslTime(part.last_applied_time()) > ToAbslTime(merged->last_applied_time()))) {
    *merged->mutable_last_applied_time() = part.last_applied_time();
  }
}

// A gather's answer is complete when its parts covered every partition exactly once; ownership
// that moved during the call can leave one out or bring one twice. Sorts the partitions.
absl::Status CheckCoverage(int32_t partition_count, v1::Watermark* merged) {
  std::sort(merged->mutable_partitions()->begin(), merged->mutable_partitions()->end(),
            [](const auto& a, const auto& b) { return a.partition() < b.partition(); });
  std::set<int32_t> seen, twice;
  for (const auto& pw : merged->partitions()) {
    if (!seen.insert(pw.partition()).second) twice.insert(pw.partition());
  }
  std::vector<int32_t> missing;
  for (int32_t p = 0; p < partition_count; ++p) {
    if (!seen.contains(p)) missing.push_back(p);
  }
  if (missing.empty() && twice.empty()) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat("partitions moved between instances during the call (",
                                             missing.empty() ? "" : absl::StrCat("missing ", absl::StrJoin(missing, ", ")),
                                             !missing.empty() && !twice.empty() ? "; " : "",
                                             twice.empty() ? "" : absl::StrCat("twice ", absl::StrJoin(twice, ", ")),
                                             "); try again"));
}

// The day a request's optional `as_of` names; today when unset.
template <typename Request>
absl::StatusOr<int64_t> AsOfDay(const Request& req) {
  return DayOrDefault(req.has_as_of(), req.as_of(), Today(), "as_of");
}

// The days of a request's optional `from` and `to`, both inclusive: `to` defaults to today, `from`
// to the `default_days` days ending on `to`. InvalidArgument when `from` is after `to`.
struct DayRange {
  int64_t from;
  int64_t to;
};
template <typename Request>
absl::StatusOr<DayRange> DaysOf(const Request& req, int64_t default_days) {
  ASSIGN_OR_RETURN(const int64_t to, DayOrDefault(req.has_to(), req.to(), Today(), "to"));
  ASSIGN_OR_RETURN(const int64_t from, DayOrDefault(req.has_from(), req.from(), to - (default_days - 1), "from"));
  if (from > to) return absl::InvalidArgumentError("from: after to");
  return DayRange{from, to};
}

// A request's page size: `fallback` for 0; InvalidArgument outside 0..`max`.
absl::StatusOr<int> PageSize(int32_t requested, int fallback, int max) {
  if (requested < 0 || requested > max) return absl::InvalidArgumentError(absl::StrCat("page_size: must be 0..", max));
  return requested == 0 ? fallback : requested;
}

// The API's record of a stored history entry (the stored record stays internal to the views).
void ToEventRecord(v1::HistoryEntry&& stored, v1::EventRecord* out) {
  *out->mutable_event() = std::move(*stored.mutable_event());
  out->set_status(stored.status());
  *out->mutable_note() = std::move(*stored.mutable_note());
  out->set_partition(stored.partition());
  out->set_offset(stored.offset());
  *out->mutable_duplicate_of() = std::move(*stored.mutable_duplicate_of());
}

// The outlets of the story of each move among `team_history` (every record of one team: a story
// is filed under one team), by (partition, offset).
std::map<std::pair<int32_t, int64_t>, std::vector<std::string>> StoryOutlets(
    const std::vector<v1::HistoryEntry>& team_history) {
  std::map<std::pair<int32_t, int64_t>, std::vector<std::string>> out;
  for (auto& m : MovesOf(team_history)) {
    out[{m.partition(), m.offset()}].assign(m.outlets().begin(), m.outlets().end());
  }
  return out;
}

void SetOutlets(const std::map<std::pair<int32_t, int64_t>, std::vector<std::string>>& outlets,
                v1::EventRecord* record) {
  auto it = outlets.find({record->partition(), record->offset()});
  if (it == outlets.end()) return;
  for (const auto& o : it->second) record->add_outlets(o);
}

double Attrition90(const v1::TeamHealth& h) {
  return h.windows_size() > 1 && h.windows(1).attrition_known() ? h.windows(1).annualised_attrition() : -1.0;
}

// Sort key of a team in a listing; page tokens carry the key of the last team returned.
std::string SortKey(const v1::TeamHealth& h, v1::ListTeamsRequest::OrderBy order) {
  switch (order) {
    case v1::ListTeamsRequest::ORDER_BY_NAME:
      return h.team();
    case v1::ListTeamsRequest::ORDER_BY_ATTRITION:
      // Highest first: invert a fixed-width rendering of the attrition in basis points.
      return absl::StrCat(absl::StrFormat("%012d", 999999999999LL - static_cast<int64_t>((Attrition90(h) + 1) * 10000)),
                          "/", h.team());
    default:
      // Worst first; unscored (UNKNOWN) teams after every scored one ("unk" sorts after "100").
      if (h.status() == v1::HEALTH_STATUS_UNKNOWN) return absl::StrCat("unk/", h.team());
      return absl::StrCat(absl::StrFormat("%03d", h.score()), "/", h.team());
  }
}

// Org totals over `teams` (GetOrgSnapshot).
void AddTotals(const std::vector<v1::TeamHealth>& teams, v1::OrgTotals* totals) {
  for (const auto& t : teams) {
    if (!t.active()) {
      totals->set_inactive_teams(totals->inactive_teams() + 1);
      continue;
    }
    totals->set_teams(totals->teams() + 1);
    if (t.headcount_known()) {
      totals->set_headcount(totals->headcount() + t.headcount());
    } else {
      totals->set_teams_without_headcount(totals->teams_without_headcount() + 1);
    }
    const auto& w90 = t.windows(1);
    totals->set_hires_90d(totals->hires_90d() + w90.hires());
    totals->set_departures_90d(totals->departures_90d() + w90.departures());
    totals->set_senior_departures_90d(totals->senior_departures_90d() + w90.senior_departures());
    totals->set_leadership_departures_90d(totals->leadership_departures_90d() + w90.leadership_departures());
    (*totals->mutable_status_counts())[views::ShortName(t.status())] += 1;
  }
}

// One mover of a talent flow, before the movers are grouped into edges.
struct Mover {
  std::string from_org, to_org;
  v1::FlowEdge::Person person;
};

// The edges of `movers`: one per (from, to), its movers ordered by month, team, name and id (the
// same whichever instances they came from), people = distinct person ids plus each mover without
// one; most people first, ties by (from, to).
void BuildEdges(std::vector<Mover> movers, google::protobuf::RepeatedPtrField<v1::FlowEdge>* out) {
  std::sort(movers.begin(), movers.end(), [](const Mover& a, const Mover& b) {
    return std::tie(a.from_org, a.to_org, a.person.month(), a.person.team(), a.person.name(), a.person.id()) <
           std::tie(b.from_org, b.to_org, b.person.month(), b.person.team(), b.person.name(), b.person.id());
  });
  std::map<std::pair<std::string, std::string>, v1::FlowEdge> edges;
  std::map<std::pair<std::string, std::string>, std::set<std::string>> people;
  for (Mover& m : movers) {
    const auto key = std::make_pair(m.from_org, m.to_org);
    v1::FlowEdge& e = edges[key];
    e.set_from_org(m.from_org);
    e.set_to_org(m.to_org);
    if (m.person.id().empty() || people[key].insert(m.person.id()).second) e.set_people(e.people() + 1);
    *e.add_movers() = std::move(m.person);
  }
  std::vector<v1::FlowEdge> sorted;
  for (auto& [k, e] : edges) sorted.push_back(std::move(e));
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.people() > b.people(); });
  for (auto& e : sorted) *out->Add() = std::move(e);
}

// The latest last_event_day of `teams` (YYYY-MM-DD sorts as text); empty when there is none.
std::string LatestEventDay(const std::vector<v1::TeamHealth>& teams) {
  std::string latest;
  for (const auto& t : teams) latest = std::max(latest, t.last_event_day());
  return latest;
}

// The payload kind of `event`: the name of its payload field ("departure"), empty when unset.
std::string PayloadKind(const v1::Event& event) {
  const google::protobuf::FieldDescriptor* field = v1::Event::GetReflection()->GetOneofFieldDescriptor(
      event, v1::Event::descriptor()->FindOneofByName("payload"));
  return field == nullptr ? "" : field->name();
}

// InvalidArgument naming the first of `types` that is not a payload kind, with the kinds that are.
absl::Status CheckPayloadKinds(const google::protobuf::RepeatedPtrField<std::string>& types) {
  const google::protobuf::OneofDescriptor* payload = v1::Event::descriptor()->FindOneofByName("payload");
  std::vector<std::string> kinds;
  for (int i = 0; i < payload->field_count(); ++i) kinds.push_back(payload->field(i)->name());
  for (const auto& t : types) {
    if (std::find(kinds.begin(), kinds.end(), t) == kinds.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("types: \"", t, "\" is not an event kind; expected one of ", absl::StrJoin(kinds, ", ")));
    }
  }
  return absl::OkStatus();
}

// GetTalentFlowsRequest.team: keeps the movers recorded by events of org/team (its departures and
// hires). A flow bucket's team is the team of the event that recorded it, which for a hire is a
// team of the hiring org; so a mover is kept when its event is in the team's history.
class TeamFlowFilter {
 public:
  // Every mover when `team` is empty. Else reads the team's history (none when `scope` leaves out
  // the team's partition: another part of the answer holds its flows).
  static absl::StatusOr<TeamFlowFilter> Of(const views::Reader& reader, const Scope& scope, const std::string& org,
                                           const std::string& team) {
    TeamFlowFilter filter;
    if (team.empty()) return filter;
    filter.team_ = team;
    filter.partition_ = KafkaPartitionFor(RecordKey(org, team), reader.partition_count());
    if (scope && !scope->contains(filter.partition_)) return filter;
    ASSIGN_OR_RETURN(const std::vector<v1::HistoryEntry> history, reader.History(org, team));
    for (const auto& e : history) filter.event_ids_.insert(e.event().event_id());
    return filter;
  }
  bool Keeps(const views::Reader::Flow& f) const {
    return !team_ || (f.team == *team_ && f.partition == partition_);
  }
  bool Keeps(const v1::FlowBucket::Mover& m) const { return !team_ || event_ids_.contains(m.event_id()); }

 private:
  std::optional<std::string> team_;
  int32_t partition_ = 0;
  std::set<std::string> event_ids_;
};

// Up to this many needles, a scan of the histories skips unparsed the records that contain none of them.
constexpr size_t kNeedles = 32;

// The moves (people.h MovesOf) of the history records of this DB's partitions in `scope` (every
// partition when unset) for which `keep` holds, and of the applied report of each kept duplicate's
// story. Every kept record's bytes contain one of `needles` (a person id, an org).
absl::StatusOr<std::vector<v1::PersonMove>> ScanMoves(const views::Reader& reader, const Scope& scope,
                                                      const std::vector<std::string>& needles,
                                                      absl::FunctionRef<bool(const v1::Event&)> keep) {
  std::vector<v1::HistoryEntry> entries;
  RETURN_IF_ERROR(reader.ForEachHistory(scope ? &*scope : nullptr, [&](int32_t, absl::string_view bytes) {
    // No person index: every record is read, and those whose bytes lack every needle (most) are
    // skipped unparsed.
    if (needles.size() <= kNeedles &&
        std::none_of(needles.begin(), needles.end(), [&](const std::string& n) { return absl::StrContains(bytes, n); })) {
      return;
    }
    v1::HistoryEntry e;
    if (!e.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) || !keep(e.event())) return;
    entries.push_back(std::move(e));
  }));
  // A story joined by a kept report may have been applied from a report `keep` passed over (filed
  // without the person's id, corrected later: issue 19): it comes along, so that the story is whole
  // (its applied move, every outlet, the person id MovesOf gives it). Same team, so same partition.
  std::set<std::string> have;
  for (const auto& e : entries) have.insert(e.event().event_id());
  const size_t kept = entries.size();
  for (size_t i = 0; i < kept; ++i) {
    const std::string applied = entries[i].duplicate_of();
    if (applied.empty() || !have.insert(applied).second) continue;
    ASSIGN_OR_RETURN(std::vector<v1::HistoryEntry> story, reader.FindEvent(applied));
    for (auto& h : story) {
      if (h.partition() == entries[i].partition() && IsMove(h.event())) entries.push_back(std::move(h));
    }
  }
  return MovesOf(entries);
}

// The index a filtered read of teams with `histories` needs: their stories (a story's reports are
// all in its team's history) and, with corroborated_only, the applied moves of the same people
// that `counterparts` finds in every partition (counterpart candidates).
absl::StatusOr<EvidenceIndex> IndexOver(const views::Reader& reader,
                                        const std::vector<const std::vector<v1::HistoryEntry>*>& histories,
                                        const v1::EvidenceFilter& filter, CounterpartSource counterparts) {
  EvidenceIndex index;
  std::set<std::string> orgs;  // where the moves are filed: their counterparts name these orgs
  for (const auto* history : histories) {
    for (const auto& e : *history) {
      index.Add(e);
      if (IsMove(e.event())) orgs.insert(e.event().org());
    }
  }
  if (filter.corroborated_only()) {
    const std::set<std::string> people = index.People();
    if (!people.empty()) {
      ASSIGN_OR_RETURN(const std::vector<v1::PersonMove> found, counterparts(reader, people, orgs));
      for (const auto& m : found) {
        if (people.contains(m.person().id())) index.AddMove(m);
      }
    }
  }
  index.Finish();
  return index;
}

// org/team's views up to `day` rebuilt from the applied events of its `history` that pass
// `filter` under `index`.
views::TeamInputs FilteredTeamInputs(const EvidenceIndex& index, const std::string& org, const std::string& team,
                                     const std::vector<v1::HistoryEntry>& history, const v1::EvidenceFilter& filter,
                                     int64_t day) {
  return FilteredInputs(org, team, history, [&](const std::string& id) { return index.Passes(id, filter); }, day);
}

// org/team's history; NotFound for a team the views do not hold.
absl::StatusOr<std::vector<v1::HistoryEntry>> TeamHistory(const views::Reader& reader, const std::string& org,
                                                          const std::string& team) {
  ASSIGN_OR_RETURN(std::vector<v1::HistoryEntry> history, reader.History(org, team));
  if (history.empty()) return absl::NotFoundError(absl::StrCat("team ", org, "/", team, " not found"));
  return history;
}

// org/team's health at `day` under `filter`: the stored views for the default filter, else the
// team's passing events folded afresh.
absl::StatusOr<v1::TeamHealth> HealthUnder(const views::Reader& reader, const std::string& org, const std::string& team,
                                           const v1::EvidenceFilter& filter, int64_t day, CounterpartSource counterparts) {
  if (IsDefault(filter)) return reader.TeamHealth(org, team, day);
  ASSIGN_OR_RETURN(const std::vector<v1::HistoryEntry> history, TeamHistory(reader, org, team));
  ASSIGN_OR_RETURN(const EvidenceIndex index, IndexOver(reader, {&history}, filter, counterparts));
  return views::ComputeHealth(org, team, FilteredTeamInputs(index, org, team, history, filter, day), day);
}

// Every team of `org` at `day` under a filter that is not the default (the health cache keeps
// unfiltered healths only), by team slug; teams of partitions outside `scope` left out. `movers`
// (optional) gets the passing hires and departures of the 90-day window (org_totals.h).
absl::StatusOr<std::vector<v1::TeamHealth>> FilteredOrgHealth(const views::Reader& reader, const Scope& scope,
                                                              const std::string& org, const v1::EvidenceFilter& filter,
                                                              int64_t day, CounterpartSource counterparts,
                                                              std::vector<v1::WindowMover>* movers = nullptr) {
  ASSIGN_OR_RETURN(const std::vector<views::Reader::TeamName> names, reader.TeamNames());
  std::map<std::string, std::vector<v1::HistoryEntry>> histories;  // a team in two partitions is one team
  for (const auto& n : names) {
    if (n.org == org && (!scope || scope->contains(KafkaPartitionFor(RecordKey(org, n.team), reader.partition_count())))) {
      histories[n.team];
    }
  }
  std::vector<const std::vector<v1::HistoryEntry>*> all;
  for (auto& [team, history] : histories) {
    ASSIGN_OR_RETURN(history, reader.History(org, team));
    all.push_back(&history);
  }
  ASSIGN_OR_RETURN(const EvidenceIndex index, IndexOver(reader, all, filter, counterparts));
  std::vector<v1::TeamHealth> out;
  for (const auto& [team, history] : histories) {
    out.push_back(views::ComputeHealth(org, team, FilteredTeamInputs(index, org, team, history, filter, day), day));
    if (movers == nullptr) continue;
    // The org totals' movers: the passing hires and departures of the 90-day window.
    std::vector<v1::HistoryEntry> passing;
    for (const auto& e : history) {
      if (IsMove(e.event()) && index.Passes(e.event().event_id(), filter)) passing.push_back(e);
    }
    for (auto& m : WindowMoversOfHistory(passing, day)) {
      if (m.kind() != v1::MOVE_KIND_HIRE && m.kind() != v1::MOVE_KIND_DEPARTURE) continue;
      movers->push_back(std::move(m));
    }
  }
  return out;
}

// Whether a move of a person's ledger passes `filter` (its LinkMoves fields set): APPLIED, its
// story's confidence high enough, corroborated when asked. The rule EvidenceIndex applies to
// team figures.
bool MovePasses(const v1::PersonMove& m, const v1::EvidenceFilter& filter) {
  if (IsDefault(filter)) return true;
  return m.status() == v1::EVENT_STATUS_APPLIED &&
         ConfidenceRank(m.story_confidence()) >= ConfidenceRank(filter.min_confidence()) &&
         (!filter.corroborated_only() || m.corroborated());
}

}  // namespace

grpc::Status QueryServiceImpl::Serve(const grpc::ServerContext& ctx, absl::FunctionRef<absl::Status()> body) {
  return rpc::Serve(*gate_, ctx, auth::Role::kReader, body);
}

grpc::Status QueryServiceImpl::Serve(grpc::ServerContext* ctx, const google::protobuf::Message& req,
                                     absl::FunctionRef<absl::Status()> body) {
  return rpc::Serve(*gate_, *ctx, auth::Role::kReader, [&]() -> absl::Status {
    absl::Status s = body();
    if (!absl::IsNotFound(s) || (router_ != nullptr && Router::IsForwarded(*ctx))) return s;
    auto field = [&](const char* name) {
      const auto* f = req.GetDescriptor()->FindFieldByName(name);
      return f != nullptr && f->type() == google::protobuf::FieldDescriptor::TYPE_STRING && !f->is_repeated()
                 ? req.GetReflection()->GetString(req, f)
                 : std::string();
    };
    const std::string org = field("org");
    if (org.empty()) return s;
    return absl::Status(s.code(), absl::StrCat(s.message(), Suggestion(ctx, org, field("team"))));
  });
}

std::string QueryServiceImpl::Suggestion(grpc::ServerContext* ctx, const std::string& org, const std::string& team) {
  std::map<std::string, int64_t> orgs;
  v1::Watermark ignored;
  if (!GatherOrgs(ctx, v1::MinOffsets(), /*max_lag=*/0, &orgs, &ignored).ok()) return "";
  // The teams of `o` nearest to `team` (or `team` itself), as org/team.
  auto teams_near = [&](const std::string& o) {
    std::vector<v1::TeamHealth> teams;
    v1::Watermark unused;
    std::vector<std::string> names, refs;
    if (!GatherOrg(ctx, o, Today(), v1::MinOffsets(), /*max_lag=*/0, v1::EvidenceFilter(), &teams, &unused).ok()) {
      return refs;
    }
    for (const auto& t : teams) {
      if (t.team() == team) return std::vector<std::string>{absl::StrCat(o, "/", team)};
      names.push_back(t.team());
    }
    for (const auto& n : NearestNames(team, names)) refs.push_back(absl::StrCat(o, "/", n));
    return refs;
  };
  if (orgs.contains(org)) return team.empty() ? "" : DidYouMean(teams_near(org));
  std::vector<std::string> known;
  for (const auto& [o, n] : orgs) known.push_back(o);
  const std::vector<std::string> near = NearestNames(org, known);
  if (team.empty() || near.empty()) return DidYouMean(near);
  // A team of a misspelt org: the team in the nearest org, if that org has it (or one near it).
  if (std::vector<std::string> refs = teams_near(near.front()); !refs.empty()) return DidYouMean(refs);
  return DidYouMean(near);
}

absl::Status QueryServiceImpl::GatherOrgs(grpc::ServerContext* ctx, const v1::MinOffsets& min, int64_t max_lag,
                                          std::map<std::string, int64_t>* orgs, v1::Watermark* watermark) {
  std::mutex mu;  // guards `orgs` while parts arrive
  return Gather(
      ctx, max_lag, min, watermark,
      [&](const Scope& scope, v1::Watermark* part) {
        return Answer(ctx, min, scope, part, [&](const views::Reader& reader) -> absl::Status {
          ASSIGN_OR_RETURN(const std::vector<views::Reader::TeamName> names, reader.TeamNames());
          // A team stored in two partitions (the partition count changed) is one team.
          std::set<std::pair<std::string, std::string>> teams;
          for (const auto& n : names) {
            if (!scope || scope->contains(n.partition)) teams.emplace(n.org, n.team);
          }
          std::lock_guard<std::mutex> lock(mu);
          for (const auto& [o, t] : teams) (*orgs)[o] += 1;
          return absl::OkStatus();
        });
      },
      [&](const Router::Target& target, v1::Watermark* part) -> absl::Status {
        v1::ListOrgsRequest req;
        *req.mutable_min_offsets() = min;
        req.set_max_lag(max_lag);
        v1::ListOrgsResponse theirs;
        RETURN_IF_ERROR(
            Forward(&v1::QueryService::Stub::ListOrgs, *ctx, target.address, target.partitions, req, &theirs));
        std::lock_guard<std::mutex> lock(mu);
        for (const auto& o : theirs.orgs()) (*orgs)[o.org()] += o.teams();
        *part = theirs.watermark();
        return absl::OkStatus();
      });
}

absl::Status QueryServiceImpl::Answer(grpc::ServerContext* ctx, const v1::MinOffsets& min, const Scope& scope,
                                      v1::Watermark* watermark,
                                      absl::FunctionRef<absl::Status(const views::Reader&)> answer) {
  std::map<int32_t, int64_t> wanted;
  for (const auto& [p, o] : min.offsets()) {
    if (!scope || scope->contains(p)) wanted[p] = o;
  }
  if (!wanted.empty()) RETURN_IF_ERROR(source_->WaitFor(wanted, DeadlineOf(*ctx)));
  ASSIGN_OR_RETURN(std::unique_ptr<ReadHandle> h, source_->Acquire());
  RETURN_IF_ERROR(answer(h->reader()));
  FillWatermark(h->watermark(), {}, scope, watermark);
  Annotate(watermark);
  return absl::OkStatus();
}

void QueryServiceImpl::Annotate(v1::Watermark* watermark) const {
  if (router_ == nullptr) return;
  // One look at the ownership for the whole watermark, not one per partition.
  const std::set<int32_t> owned = router_->LocalPartitions();
  for (auto& pw : *watermark->mutable_partitions()) {
    pw.set_instance(router_->self());
    pw.set_standby(!owned.contains(pw.partition()));
  }
}

absl::StatusOr<QueryServiceImpl::Route> QueryServiceImpl::RouteTeam(const grpc::ServerContext& ctx,
                                                                    const std::string& org, const std::string& team,
                                                                    int64_t max_lag, const v1::MinOffsets& min) {
  if (router_ == nullptr) return Route{};
  if (Router::IsForwarded(ctx)) {
    ASSIGN_OR_RETURN(const int32_t p, router_->PartitionOf(org, team));
    ASSIGN_OR_RETURN(std::set<int32_t> scope, router_->ForwardedScope(ctx, max_lag));
    if (!scope.contains(p)) {
      return absl::InvalidArgumentError(absl::StrCat("forwarded for other partitions than ", p, " (", org, "/", team, ")"));
    }
    return Route{std::nullopt, std::move(scope), {}};
  }
  ASSIGN_OR_RETURN(Router::Target owner, router_->OwnerOfTeam(org, team, max_lag, OwnersDeadline(ctx, min)));
  if (!owner.local) return Route{std::move(owner.address), std::nullopt, std::move(owner.partitions)};
  return Route{std::nullopt, std::move(owner.partitions), {}};
}

template <typename Request, typename Response>
absl::Status QueryServiceImpl::Forward(
    grpc::Status (v1::QueryService::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    const grpc::ServerContext& ctx, const std::string& address, const std::set<int32_t>& partitions,
    const Request& req, Response* resp) {
  std::unique_ptr<grpc::ClientContext> cctx = router_->ForwardContext(ctx, partitions);
  const absl::Status s = FromGrpc((router_->Stub(address).*method)(cctx.get(), req, resp));
  if (s.ok()) return s;
  return absl::Status(s.code(), absl::StrCat("instance at ", address, ": ", s.message()));
}

absl::Status QueryServiceImpl::Gather(
    grpc::ServerContext* ctx, int64_t max_lag, const v1::MinOffsets& min, v1::Watermark* watermark,
    absl::FunctionRef<absl::Status(const Scope& scope, v1::Watermark* watermark)> local,
    absl::FunctionRef<absl::Status(const Router::Target& target, v1::Watermark* watermark)> remote) {
  if (router_ == nullptr) return local(std::nullopt, watermark);
  if (Router::IsForwarded(*ctx)) {
    ASSIGN_OR_RETURN(const std::set<int32_t> scope, router_->ForwardedScope(*ctx, max_lag));
    return local(scope, watermark);
  }
  ASSIGN_OR_RETURN(const std::vector<Router::Target> targets, router_->OwnersOfAll(max_lag, OwnersDeadline(*ctx, min)));
  std::vector<v1::Watermark> parts(targets.size());
  std::vector<std::future<absl::Status>> others;
  absl::Status status;
  for (size_t i = 0; i < targets.size(); ++i) {
    if (targets[i].local) continue;
    others.push_back(std::async(std::launch::async, [&, i] { return remote(targets[i], &parts[i]); }));
  }
  for (size_t i = 0; i < targets.size(); ++i) {
    if (targets[i].local) status.Update(local(targets[i].partitions, &parts[i]));
  }
  for (auto& o : others) status.Update(o.get());
  RETURN_IF_ERROR(status);
  for (const auto& part : parts) MergeWatermark(part, watermark);
  int32_t partition_count = 0;
  for (const auto& t : targets) partition_count += static_cast<int32_t>(t.partitions.size());
  return CheckCoverage(partition_count, watermark);
}

absl::Status QueryServiceImpl::GatherOrg(grpc::ServerContext* ctx, const std::string& org, int64_t day,
                                         const v1::MinOffsets& min, int64_t max_lag, const v1::EvidenceFilter& filter,
                                         std::vector<v1::TeamHealth>* teams, v1::Watermark* watermark,
                                         std::vector<v1::WindowMover>* movers) {
  std::mutex mu;  // guards `teams` and `movers` while parts arrive
  RETURN_IF_ERROR(Gather(
      ctx, max_lag, min, watermark,
      [&](const Scope& scope, v1::Watermark* part) {
        return Answer(ctx, min, scope, part, [&](const views::Reader& reader) -> absl::Status {
          std::vector<v1::TeamHealth> all;
          std::vector<v1::WindowMover> their_movers;
          if (IsDefault(filter)) {
            ASSIGN_OR_RETURN(HealthCache::OrgParts parts, health_cache_.OrgHealthAndMovers(reader, org, day));
            all = std::move(parts.teams);
            their_movers = std::move(parts.movers);
          } else {
            ASSIGN_OR_RETURN(all, FilteredOrgHealth(reader, scope, org, filter, day, CounterpartsFor(ctx, max_lag, min),
                                                    &their_movers));
          }
          auto in_scope = [&](const std::string& team) {
            return !scope || scope->contains(KafkaPartitionFor(RecordKey(org, team), reader.partition_count()));
          };
          std::lock_guard<std::mutex> lock(mu);
          for (auto& t : all) {
            if (in_scope(t.team())) teams->push_back(std::move(t));
          }
          if (movers != nullptr) {
            for (auto& m : their_movers) {
              if (in_scope(m.team())) movers->push_back(std::move(m));
            }
          }
          return absl::OkStatus();
        });
      },
      [&](const Router::Target& target, v1::Watermark* part) -> absl::Status {
        v1::GetOrgSnapshotRequest req;
        req.set_org(org);
        *req.mutable_as_of() = ToTimestamp(absl::FromUnixSeconds(day * 86400));
        *req.mutable_min_offsets() = min;
        req.set_max_lag(max_lag);
        *req.mutable_evidence() = filter;
        v1::GetOrgSnapshotResponse resp;
        RETURN_IF_ERROR(
            Forward(&v1::QueryService::Stub::GetOrgSnapshot, *ctx, target.address, target.partitions, req, &resp));
        std::lock_guard<std::mutex> lock(mu);
        for (auto& t : *resp.mutable_teams()) teams->push_back(std::move(t));
        if (movers != nullptr) {
          for (auto& m : *resp.mutable_movers()) movers->push_back(std::move(m));
        }
        *part = resp.watermark();
        return absl::OkStatus();
      }));
  std::sort(teams->begin(), teams->end(), [](const auto& a, const auto& b) { return a.team() < b.team(); });
  return absl::OkStatus();
}

grpc::Status QueryServiceImpl::GetTeamHealth(grpc::ServerContext* ctx, const v1::GetTeamHealthRequest* req,
                                             v1::GetTeamHealthResponse* resp) {
  return Serve(ctx, *req, [&]() -> absl::Status {
    RETURN_IF_ERROR(CheckSlug(req->org(), "org"));
    RETURN_IF_ERROR(CheckSlug(req->team(), "team"));
    RETURN_IF_ERROR(CheckFilter(req->evidence()));
    ASSIGN_OR_RETURN(const int64_t day, AsOfDay(*req));
    ASSIGN_OR_RETURN(const Route route, RouteTeam(*ctx, req->org(), req->team(), req->max_lag(), req->min_offsets()));
    if (route.remote) return Forward(&v1::QueryService::Stub::GetTeamHealth, *ctx, *route.remote, route.partitions, *req, resp);
    if (req->has_evidence()) *resp->mutable_evidence() = req->evidence();
    return Answer(ctx, req->min_offsets(), route.scope, resp->mutable_watermark(),
                  [&](const views::Reader& reader) -> absl::Status {
                    ASSIGN_OR_RETURN(*resp->mutable_health(),
                                     HealthUnder(reader, req->org(), req->team(), req->evidence(), day,
                                                 CounterpartsFor(ctx, req->max_lag(), req->min_offsets())));
                    return absl::OkStatus();
                  });
  });
}

grpc::Status QueryServiceImpl::ListTeams(grpc::ServerContext* ctx, const v1::ListTeamsRequest* req,
                                         v1::ListTeamsResponse* resp) {
  return Serve(ctx, *req, [&]() -> absl::Status {
    RETURN_IF_ERROR(CheckSlug(req->org(), "org"));
    ASSIGN_OR_RETURN(const int page_size, PageSize(req->page_size(), 50, 500));
    const v1::ListTeamsRequest::OrderBy order = req->order_by();
    std::string after;
    if (!req->page_token().empty()) {
      if (!absl::StartsWith(req->page_token(), "after:")) {
        return absl::InvalidArgumentError("page_token: not a token from a previous ListTeams response");
      }
      after = req->page_token().substr(6);
    }
    RETURN_IF_ERROR(CheckFilter(req->evidence()));
    ASSIGN_OR_RETURN(const int64_t day, AsOfDay(*req));
    std::vector<v1::TeamHealth> teams;
    RETURN_IF_ERROR(GatherOrg(ctx, req->org(), day, req->min_offsets(), req->max_lag(), req->evidence(), &teams,
                              resp->mutable_watermark()));
    if (teams.empty()) return absl::NotFoundError(absl::StrCat("org ", req->org(), " not found"));
    if (req->has_evidence()) *resp->mutable_evidence() = req->evidence();
    resp->set_latest_event_day(LatestEventDay(teams));
    const std::set<int> statuses(req->status().begin(), req->status().end());
    std::vector<std::pair<std::string, v1::TeamHealth*>> keyed;
    for (auto& t : teams) {
      if (!t.active() && !req->include_inactive()) continue;
      if (!statuses.empty() && !statuses.contains(t.status())) continue;
      keyed.emplace_back(SortKey(t, order), &t);
    }
    std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    auto it = after.empty() ? keyed.begin()
                            : std::upper_bound(keyed.begin(), keyed.end(), after,
                                               [](const std::string& k, const auto& e) { return k < e.first; });
    for (; it != keyed.end() && resp->teams_size() < page_size; ++it) *resp->add_teams() = *it->second;
    if (it != keyed.end()) resp->set_next_page_token(absl::StrCat("after:", std::prev(it)->first));
    return absl::OkStatus();
  });
}

grpc::Status QueryServiceImpl::GetOrgSnapshot(grpc::ServerContext* ctx, const v1::GetOrgSnapshotRequest* req,
                                              v1::GetOrgSnapshotResponse* resp) {
  return Serve(ctx, *req, [&]() -> absl::Status {
    RETURN_IF_ERROR(CheckSlug(req->org(), "org"));
    RETURN_IF_ERROR(CheckFilter(req->evidence()));
    ASSIGN_OR_RETURN(const int64_t day, AsOfDay(*req));
    std::vector<v1::TeamHealth> teams;
    std::vector<v1::WindowMover> movers;
    RETURN_IF_ERROR(GatherOrg(ctx, req->org(), day, req->min_offsets(), req->max_lag(), req->evidence(), &teams,
                              resp->mutable_watermark(), &movers));
    if (req->has_evidence()) *resp->mutable_evidence() = req->evidence();
    const bool forwarded = router_ != nullptr && Router::IsForwarded(*ctx);
    // A forwarded call answers for its own partitions, which may hold none of the org's teams.
    if (teams.empty() && !forwarded) {
      return absl::NotFoundError(absl::StrCat("org ", req->org(), " not found"));
    }
    resp->set_org(req->org());
    resp->set_as_of(FormatDay(day));
    resp->set_latest_event_day(LatestEventDay(teams));
    AddTotals(teams, resp->mutable_totals());
    // Each person once in the org's windows; the coordinating instance counts over every part.
    std::set<std::string> active;
    for (const auto& t : teams) {
      if (t.active()) active.insert(t.team());
    }
    CountPeopleOnce(movers, active, day, *resp->mutable_totals());
    if (forwarded) {
      for (auto& m : movers) *resp->add_movers() = std::move(m);
    }
    for (auto& t : teams) *resp->add_teams() = std::move(t);
    return absl::OkStatus();
  });
}

grpc::Status QueryServiceImpl::GetTeamTrend(grpc::ServerContext* ctx, const v1::GetTeamTrendRequest* req,
                                            v1::GetTeamTrendResponse* resp) {
  return Serve(ctx, *req, [&]() -> absl::Status {
    RETURN_IF_ERROR(CheckSlug(req->org(), "org"));
    RETURN_IF_ERROR(CheckSlug(req->team(), "team"));
    RETURN_IF_ERROR(CheckFilter(req->evidence()));
    ASSIGN_OR_RETURN(const DayRange days, DaysOf(*req, 90));
    // Period ends, newest last.
    std::vector<int64_t> ends;
    switch (req->granularity()) {
      case v1::GetTeamTrendRequest::GRANULARITY_WEEK:
        for (int64_t d = days.to; d >= days.from; d -= 7) ends.push_back(d);
        break;
      case v1::GetTeamTrendRequest::GRANULARITY_MONTH: {
        ends.push_back(days.to);
        absl::CivilDay c = absl::CivilDay(1970, 1, 1) + days.to;
        for (absl::CivilDay m = absl::CivilDay(absl::CivilMonth(c)) - 1; m - absl::CivilDay(1970, 1, 1) >= days.from;
             m = absl::CivilDay(absl::CivilMonth(m)) - 1) {
          ends.push_back(m - absl::CivilDay(1970, 1, 1));
        }
        break;
      }
      default:
        for (int64_t d = days.to; d >= days.from; --d) ends.push_back(d);
    }
    if (ends.size() > 1000) return absl::InvalidArgumentError("from/to: more than 1,000 points");
    std::reverse(ends.begin(), ends.end());
    ASSIGN_OR_RETURN(const Route route, RouteTeam(*ctx, req->org(), req->team(), req->max_lag(), req->min_offsets()));
    if (route.remote) return Forward(&v1::QueryService::Stub::GetTeamTrend, *ctx, *route.remote, route.partitions, *req, resp);
    if (req->has_evidence()) *resp->mutable_evidence() = req->evidence();
    return Answer(ctx, req->min_offsets(), route.scope, resp->mutable_watermark(),
                  [&](const views::Reader& reader) -> absl::Status {
      // One read of the team's views up to `to` (under a filter: its passing events folded up to
      // `to`); every point is computed from it.
      views::TeamInputs inputs;
      if (IsDefault(req->evidence())) {
        ASSIGN_OR_RETURN(inputs, reader.Inputs(req->org(), req->team(), days.to));
      } else {
        ASSIGN_OR_RETURN(const std::vector<v1::HistoryEntry> history, TeamHistory(reader, req->org(), req->team()));
        ASSIGN_OR_RETURN(const EvidenceIndex index,
                         IndexOver(reader, {&history}, req->evidence(),
                                   CounterpartsFor(ctx, req->max_lag(), req->min_offsets())));
        inputs = FilteredTeamInputs(index, req->org(), req->team(), history, req->evidence(), days.to);
      }
      if (inputs.state.applied() > 0) resp->set_latest_event_day(FormatDay(inputs.state.last_effective_day()));
      auto b = inputs.buckets.begin();
      for (size_t i = 0; i < ends.size(); ++i) {
        const v1::TeamHealth health = views::ComputeHealth(req->org(), req->team(), inputs, ends[i]);
        // The period: the days after the previous point up to this one; the first point's period is
        // its own day, week or calendar month.
        int64_t period_start = ends[i];
        if (i > 0) {
          period_start = ends[i - 1] + 1;
        } else if (req->granularity() == v1::GetTeamTrendRequest::GRANULARITY_WEEK) {
          period_start = ends[i] - 6;
        } else if (req->granularity() == v1::GetTeamTrendRequest::GRANULARITY_MONTH) {
          period_start =
              absl::CivilDay(absl::CivilMonth(absl::CivilDay(1970, 1, 1) + ends[i])) - absl::CivilDay(1970, 1, 1);
        }
        v1::TrendPoint* p = resp->add_points();
        p->set_date(FormatDay(ends[i]));
        p->set_headcount_known(health.headcount_known());
        p->set_headcount(health.headcount());
        p->set_score(health.score());
        p->set_status(health.status());
        for (; b != inputs.buckets.end() && b->first <= ends[i]; ++b) {
          if (b->first < period_start) continue;
          p->set_hires(p->hires() + b->second.hires());
          p->set_departures(p->departures() + b->second.departures());
        }
      }
      return absl::OkStatus();
    });
  });
}

grpc::Status QueryServiceImpl::GetTalentFlows(grpc::ServerContext* ctx, const v1::GetTalentFlowsRequest* req,
                                              v1::GetTalentFlowsResponse* resp) {
  return Serve(*ctx, [&]() -> absl::Status {
    RETURN_IF_ERROR(CheckSlug(req->org(), "org"));
    if (!req->team().empty()) RETURN_IF_ERROR(CheckSlug(req->team(), "team"));
    RETURN_IF_ERROR(CheckFilter(req->evidence()));
    const std::string& counterparty = req->counterparty();
    if (!counterparty.empty()) RETURN_IF_ERROR(CheckSlug(counterparty, "counterparty"));
    ASSIGN_OR_RETURN(const DayRange days, DaysOf(*req, 365));
    if (req->has_evidence()) *resp->mutable_evidence() = req->evidence();
    const bool filtered = !IsDefault(req->evidence());
    const auto dir = req->direction();
    const bool inbound = dir != v1::GetTalentFlowsRequest::DIRECTION_OUTBOUND;
    const bool outbound = dir != v1::GetTalentFlowsRequest::DIRECTION_INBOUND;
    std::mutex mu;  // guards `movers` and `latest_month` while parts arrive
    std::vector<Mover> movers;
    std::string latest_month;  // YYYYMM, of the parts that found no mover
    RETURN_IF_ERROR(Gather(
        ctx, req->max_lag(), req->min_offsets(), resp->mutable_watermark(),
        [&](const Scope& scope, v1::Watermark* part) {
          return Answer(ctx, req->min_offsets(), scope, part, [&](const views::Reader& reader) -> absl::Status {
            ASSIGN_OR_RETURN(const TeamFlowFilter filter, TeamFlowFilter::Of(reader, scope, req->org(), req->team()));
            ASSIGN_OR_RETURN(const std::vector<views::Reader::Flow> flows,
                             reader.Flows(MonthKey(days.from), MonthKey(days.to)));
            auto of_org = [&](const views::Reader::Flow& f) {
              return (!scope || scope->contains(f.partition)) && filter.Keeps(f) &&
                     ((outbound && f.from_org == req->org() && (counterparty.empty() || f.to_org == counterparty)) ||
                      (inbound && f.to_org == req->org() && (counterparty.empty() || f.from_org == counterparty)));
            };
            // Under an evidence filter, only the movers whose event passes it: the index over the
            // histories of the teams that filed `fs`' movers (a flow's team is of its from_org when
            // that org's team key is in the flow's partition, else of its to_org).
            std::optional<EvidenceIndex> index;
            auto index_of = [&](const std::vector<views::Reader::Flow>& fs) -> absl::Status {
              std::map<std::pair<std::string, std::string>, std::vector<v1::HistoryEntry>> histories;
              for (const auto& f : fs) {
                if (!of_org(f)) continue;
                const bool from = KafkaPartitionFor(RecordKey(f.from_org, f.team), reader.partition_count()) == f.partition;
                histories[{from ? f.from_org : f.to_org, f.team}];
              }
              std::vector<const std::vector<v1::HistoryEntry>*> all;
              for (auto& [key, history] : histories) {
                ASSIGN_OR_RETURN(history, reader.History(key.first, key.second));
                all.push_back(&history);
              }
              ASSIGN_OR_RETURN(index, IndexOver(reader, all, req->evidence(),
                                                CounterpartsFor(ctx, req->max_lag(), req->min_offsets())));
              return absl::OkStatus();
            };
            if (filtered) RETURN_IF_ERROR(index_of(flows));
            auto passes = [&](const v1::FlowBucket::Mover& m) {
              return filter.Keeps(m) && (!index || index->Passes(m.event_id(), req->evidence()));
            };
            std::lock_guard<std::mutex> lock(mu);
            const size_t before = movers.size();
            for (const auto& f : flows) {
              if (!of_org(f)) continue;
              for (const auto& m : f.bucket.movers()) {
                if (!passes(m)) continue;
                Mover& out = movers.emplace_back(Mover{f.from_org, f.to_org, {}});
                out.person.set_id(m.person_id());
                out.person.set_name(m.name());
                out.person.set_seniority(m.seniority());
                out.person.set_team(f.team);
                out.person.set_month(f.month.substr(0, 4) + "-" + f.month.substr(4, 2));
              }
            }
            if (movers.size() == before) {
              // Nothing in the range: say when something last moved (a scan of every month, paid
              // only by empty answers).
              ASSIGN_OR_RETURN(const std::vector<views::Reader::Flow> all, reader.Flows("000000", "999999"));
              if (filtered) RETURN_IF_ERROR(index_of(all));
              for (const auto& f : all) {
                if (!of_org(f)) continue;
                for (const auto& m : f.bucket.movers()) {
                  if (passes(m)) latest_month = std::max(latest_month, f.month);
                }
              }
            }
            return absl::OkStatus();
          });
        },
        [&](const Router::Target& target, v1::Watermark* part) -> absl::Status {
          v1::GetTalentFlowsResponse theirs;
          RETURN_IF_ERROR(Forward(&v1::QueryService::Stub::GetTalentFlows, *ctx, target.address, target.partitions,
                                  *req, &theirs));
          std::lock_guard<std::mutex> lock(mu);
          for (auto& e : *theirs.mutable_edges()) {
            for (auto& m : *e.mutable_movers()) movers.push_back(Mover{e.from_org(), e.to_org(), std::move(m)});
          }
          const std::string month = absl::StrReplaceAll(theirs.latest_month(), {{"-", ""}});
          latest_month = std::max(latest_month, month);
          *part = theirs.watermark();
          return absl::OkStatus();
        }));
    BuildEdges(std::move(movers), resp->mutable_edges());
    if (resp->edges().empty() && latest_month.size() == 6) {
      resp->set_latest_month(latest_month.substr(0, 4) + "-" + latest_month.substr(4, 2));
    }
    if (req->granularity() == v1::FLOW_GRANULARITY_MONTH) {
      ASSIGN_OR_RETURN(std::vector<v1::FlowMonth> months, FlowMonths(req->org(), resp->edges(), days.from, days.to));
      for (auto& m : months) *resp->add_months() = std::move(m);
    }
    return absl::OkStatus();
  });
}

grpc::Status QueryServiceImpl::ListEvents(grpc::ServerContext* ctx, const v1::ListEventsRequest* req,
                                          v1::ListEventsResponse* resp) {
  return Serve(ctx, *req, [&]() -> absl::Status {
    RETURN_IF_ERROR(CheckSlug(req->org(), "org"));
    RETURN_IF_ERROR(CheckSlug(req->team(), "team"));
    ASSIGN_OR_RETURN(const int page_size, PageSize(req->page_size(), 100, 1000));
    int64_t after = -1;
    if (!req->page_token().empty() &&
        (!absl::StartsWith(req->page_token(), "offset:") || !absl::SimpleAtoi(req->page_token().substr(7), &after))) {
      return absl::InvalidArgumentError("page_token: not a token from a previous ListEvents response");
    }
    if (req->has_from() && req->has_to() && ToAbslTime(req->from()) > ToAbslTime(req->to())) {
      return absl::InvalidArgumentError("from: after to");
    }
    RETURN_IF_ERROR(CheckPayloadKinds(req->types()));
    RETURN_IF_ERROR(CheckFilter(req->evidence()));
    const std::set<std::string> types(req->types().begin(), req->types().end());
    const std::set<int> statuses(req->statuses().begin(), req->statuses().end());
    ASSIGN_OR_RETURN(const Route route, RouteTeam(*ctx, req->org(), req->team(), req->max_lag(), req->min_offsets()));
    if (route.remote) return Forward(&v1::QueryService::Stub::ListEvents, *ctx, *route.remote, route.partitions, *req, resp);
    if (req->has_evidence()) *resp->mutable_evidence() = req->evidence();
    return Answer(ctx, req->min_offsets(), route.scope, resp->mutable_watermark(),
                  [&](const views::Reader& reader) -> absl::Status {
      ASSIGN_OR_RETURN(std::vector<v1::HistoryEntry> history, reader.History(req->org(), req->team()));
      if (history.empty()) return absl::NotFoundError(absl::StrCat("team ", req->org(), "/", req->team(), " not found"));
      // Under an evidence filter: only the applied events that count.
      std::optional<EvidenceIndex> index;
      if (!IsDefault(req->evidence())) {
        ASSIGN_OR_RETURN(index, IndexOver(reader, {&history}, req->evidence(),
                                          CounterpartsFor(ctx, req->max_lag(), req->min_offsets())));
      }
      absl::Time latest = absl::InfinitePast();
      for (const auto& e : history) latest = std::max(latest, ToAbslTime(e.event().effective_time()));
      resp->set_latest_event_day(FormatDay(DayOf(latest)));
      const auto outlets = StoryOutlets(history);
      // The filters apply before the page is counted, so every page but the last is full.
      for (auto& e : history) {
        if (e.offset() <= after) continue;
        const absl::Time t = ToAbslTime(e.event().effective_time());
        if (req->has_from() && t < ToAbslTime(req->from())) continue;
        if (req->has_to() && t > ToAbslTime(req->to())) continue;
        if (!types.empty() && !types.contains(PayloadKind(e.event()))) continue;
        if (!statuses.empty() && !statuses.contains(e.status())) continue;
        if (index && !index->Passes(e.event().event_id(), req->evidence())) continue;
        if (resp->events_size() == page_size) {
          resp->set_next_page_token(absl::StrCat("offset:", resp->events(page_size - 1).offset()));
          break;
        }
        v1::EventRecord* record = resp->add_events();
        ToEventRecord(std::move(e), record);
        SetOutlets(outlets, record);
      }
      return absl::OkStatus();
    });
  });
}

absl::StatusOr<std::vector<v1::TeamHealth>> QueryServiceImpl::WatchedTeams(grpc::ServerContext* ctx,
                                                                           const v1::WatchTeamHealthRequest& req,
                                                                           v1::Watermark* watermark) {
  const int64_t today = Today();
  std::vector<v1::TeamHealth> teams;
  if (router_ == nullptr) {
    // One DB holds every partition: one consistent read.
    RETURN_IF_ERROR(Answer(ctx, {}, std::nullopt, watermark, [&](const views::Reader& reader) -> absl::Status {
      if (req.teams().empty()) {
        auto all = IsDefault(req.evidence()) ? reader.OrgHealth(req.org(), today)
                                              : FilteredOrgHealth(reader, std::nullopt, req.org(), req.evidence(), today,
                                                                  CounterpartsFor(ctx, 0, v1::MinOffsets()));
        if (all.ok()) teams = *std::move(all);
      } else {
        for (const auto& t : req.teams()) {
          if (auto one = HealthUnder(reader, req.org(), t, req.evidence(), today, CounterpartsFor(ctx, 0, v1::MinOffsets()));
              one.ok()) {
            teams.push_back(*std::move(one));
          }
        }
      }
      return absl::OkStatus();
    }));
    return teams;
  }
  // Routed: the owners' views must include what their projectors announced: the last applied
  // record of each partition (min_offsets names records; an announced offset is the next one).
  v1::MinOffsets min;
  for (const auto& [p, next] : router_->ServedOffsets()) {
    if (next > 0) (*min.mutable_offsets())[p] = next - 1;
  }
  // A round does not wait for partitions without an owner (the next change tries again); only for
  // the announced records.
  if (req.teams().empty()) {
    RETURN_IF_ERROR(router_->OwnersOfAll().status());
    RETURN_IF_ERROR(GatherOrg(ctx, req.org(), today, min, /*max_lag=*/0, req.evidence(), &teams, watermark));
    return teams;
  }
  for (const auto& t : req.teams()) {
    v1::GetTeamHealthRequest one;
    one.set_org(req.org());
    one.set_team(t);
    *one.mutable_min_offsets() = min;
    *one.mutable_evidence() = req.evidence();
    v1::GetTeamHealthResponse resp;
    ASSIGN_OR_RETURN(const Route route, RouteTeam(*ctx, req.org(), t, /*max_lag=*/0, v1::MinOffsets()));
    absl::Status s = route.remote ? Forward(&v1::QueryService::Stub::GetTeamHealth, *ctx, *route.remote,
                                            route.partitions, one, &resp)
                                  : Answer(ctx, min, route.scope, resp.mutable_watermark(),
                                           [&](const views::Reader& reader) -> absl::Status {
                                             ASSIGN_OR_RETURN(*resp.mutable_health(),
                                                              HealthUnder(reader, req.org(), t, req.evidence(), today,
                                                                          CounterpartsFor(ctx, 0, min)));
                                             return absl::OkStatus();
                                           });
    if (absl::IsNotFound(s)) continue;  // not known yet: watched until it is
    RETURN_IF_ERROR(s);
    teams.push_back(std::move(*resp.mutable_health()));
    MergeWatermark(resp.watermark(), watermark);
  }
  return teams;
}

grpc::Status QueryServiceImpl::WatchTeamHealth(grpc::ServerContext* ctx, const v1::WatchTeamHealthRequest* req,
                                               grpc::ServerWriter<v1::TeamHealthUpdate>* writer) {
  return Serve(*ctx, [&]() -> absl::Status {  // admitted for the stream's whole life
    RETURN_IF_ERROR(CheckSlug(req->org(), "org"));
    for (const auto& t : req->teams()) RETURN_IF_ERROR(CheckSlug(t, "teams"));
    RETURN_IF_ERROR(CheckFilter(req->evidence()));
    std::map<std::string, std::string> last_sent;  // team -> serialized TeamHealth last sent
    // What moves when the views may have changed: the local views, or (routed) any instance's
    // announced offsets.
    auto version = [&] { return router_ == nullptr ? source_->version() : router_->membership().version(); };
    uint64_t seen = version() + 1;  // forces the first round
    while (!ctx->IsCancelled()) {
      const uint64_t now = version();
      if (now != seen) {
        seen = now;
        v1::Watermark watermark;
        // An error (views not ready, a partition without owner) sends nothing this round: the
        // stream stays open and the next change tries again.
        absl::StatusOr<std::vector<v1::TeamHealth>> teams = WatchedTeams(ctx, *req, &watermark);
        if (!teams.ok()) spdlog::debug("watch {}: {}", req->org(), teams.status().message());
        for (auto& t : teams.ok() ? *teams : std::vector<v1::TeamHealth>{}) {
          std::string bytes = t.SerializeAsString();
          if (last_sent[t.team()] == bytes) continue;
          v1::TeamHealthUpdate update;
          *update.mutable_health() = t;
          *update.mutable_watermark() = watermark;
          if (req->has_evidence()) *update.mutable_evidence() = req->evidence();
          if (!writer->Write(update)) return absl::OkStatus();
          last_sent[t.team()] = std::move(bytes);
        }
      }
      // Wakes at least every second for cancellation.
      const absl::Time deadline = absl::Now() + absl::Seconds(1);
      if (router_ == nullptr) {
        source_->WaitForChange(seen, deadline);
      } else {
        router_->membership().WaitForChange(seen, deadline);
      }
    }
    return absl::OkStatus();
  });
}

grpc::Status QueryServiceImpl::GetWatermark(grpc::ServerContext* ctx, const v1::GetWatermarkRequest* req,
                                            v1::Watermark* resp) {
  return Serve(*ctx, [&]() -> absl::Status {
    return Gather(
        ctx, /*max_lag=*/0, v1::MinOffsets(), resp,
        [&](const Scope& scope, v1::Watermark* part) -> absl::Status {
          ASSIGN_OR_RETURN(std::unique_ptr<ReadHandle> h, source_->Acquire());
          FillWatermark(h->watermark(), log_ends_ ? log_ends_() : std::map<int32_t, int64_t>(), scope, part);
          Annotate(part);
          return absl::OkStatus();
        },
        [&](const Router::Target& target, v1::Watermark* part) {
          return Forward(&v1::QueryService::Stub::GetWatermark, *ctx, target.address, target.partitions, *req, part);
        });
  });
}

grpc::Status QueryServiceImpl::GetEvent(grpc::ServerContext* ctx, const v1::GetEventRequest* req,
                                        v1::GetEventResponse* resp) {
  return Serve(*ctx, [&]() -> absl::Status {
    if (req->event_id().empty()) return absl::InvalidArgumentError("event_id: required");
    std::mutex mu;  // guards `found` while parts arrive
    std::vector<v1::EventRecord> found;
    RETURN_IF_ERROR(Gather(
        ctx, req->max_lag(), req->min_offsets(), resp->mutable_watermark(),
        [&](const Scope& scope, v1::Watermark* part) {
          return Answer(ctx, req->min_offsets(), scope, part, [&](const views::Reader& reader) -> absl::Status {
            ASSIGN_OR_RETURN(std::vector<v1::HistoryEntry> entries, reader.FindEvent(req->event_id()));
            std::vector<v1::EventRecord> mine;
            for (auto& e : entries) {
              if (scope && !scope->contains(e.partition())) continue;
              const bool move = IsMove(e.event());
              const std::string org = e.event().org(), team = e.event().team();
              v1::EventRecord* record = &mine.emplace_back();
              ToEventRecord(std::move(e), record);
              if (!move) continue;
              // The story's other reports are in the same team's history.
              ASSIGN_OR_RETURN(std::vector<v1::HistoryEntry> history, reader.History(org, team));
              SetOutlets(StoryOutlets(history), record);
            }
            std::lock_guard<std::mutex> lock(mu);
            for (auto& r : mine) found.push_back(std::move(r));
            return absl::OkStatus();
          });
        },
        [&](const Router::Target& target, v1::Watermark* part) -> absl::Status {
          v1::GetEventResponse theirs;
          RETURN_IF_ERROR(Forward(&v1::QueryService::Stub::GetEvent, *ctx, target.address, target.partitions, *req,
                                  &theirs));
          std::lock_guard<std::mutex> lock(mu);
          if (theirs.has_record()) found.push_back(std::move(*theirs.mutable_record()));
          *part = theirs.watermark();
          return absl::OkStatus();
        }));
    if (found.empty()) {
      // A forwarded call answers for its own partitions; the gathering instance decides.
      if (router_ != nullptr && Router::IsForwarded(*ctx)) return absl::OkStatus();
      return absl::NotFoundError(absl::StrCat("event ", req->event_id(), " not found in any team"));
    }
    // An id is in one partition unless two teams' events shared it: the first in log order wins.
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
      return std::make_pair(a.partition(), a.offset()) < std::make_pair(b.partition(), b.offset());
    });
    *resp->mutable_record() = std::move(found.front());
    return absl::OkStatus();
  });
}

grpc::Status QueryServiceImpl::ListPendingRetractions(grpc::ServerContext* ctx,
                                                      const v1::ListPendingRetractionsRequest* req,
                                                      v1::ListPendingRetractionsResponse* resp) {
  return Serve(*ctx, [&]() -> absl::Status {
    const absl::Time before = req->has_recorded_before() ? ToAbslTime(req->recorded_before()) : absl::InfiniteFuture();
    std::mutex mu;  // guards `found` while parts arrive
    std::vector<v1::EventRecord> found;
    RETURN_IF_ERROR(Gather(
        ctx, req->max_lag(), req->min_offsets(), resp->mutable_watermark(),
        [&](const Scope& scope, v1::Watermark* part) {
          return Answer(ctx, req->min_offsets(), scope, part, [&](const views::Reader& reader) -> absl::Status {
            ASSIGN_OR_RETURN(std::vector<v1::HistoryEntry> entries, reader.PendingRetractions());
            std::lock_guard<std::mutex> lock(mu);
            for (auto& e : entries) {
              if (scope && !scope->contains(e.partition())) continue;
              if (!RecordedBefore(e.event(), before)) continue;
              ToEventRecord(std::move(e), &found.emplace_back());
            }
            return absl::OkStatus();
          });
        },
        [&](const Router::Target& target, v1::Watermark* part) -> absl::Status {
          v1::ListPendingRetractionsResponse theirs;
          RETURN_IF_ERROR(Forward(&v1::QueryService::Stub::ListPendingRetractions, *ctx, target.address,
                                  target.partitions, *req, &theirs));
          std::lock_guard<std::mutex> lock(mu);
          for (auto& r : *theirs.mutable_retractions()) found.push_back(std::move(r));
          *part = theirs.watermark();
          return absl::OkStatus();
        }));
    auto recorded = [](const v1::EventRecord& r) { return ToAbslTime(r.event().recorded_time()); };
    std::sort(found.begin(), found.end(), [&](const auto& a, const auto& b) {
      return std::make_tuple(recorded(a), a.partition(), a.offset()) <
             std::make_tuple(recorded(b), b.partition(), b.offset());
    });
    for (auto& r : found) *resp->add_retractions() = std::move(r);
    return absl::OkStatus();
  });
}

grpc::Status QueryServiceImpl::ListOrgs(grpc::ServerContext* ctx, const v1::ListOrgsRequest* req,
                                        v1::ListOrgsResponse* resp) {
  return Serve(*ctx, [&]() -> absl::Status {
    std::map<std::string, int64_t> orgs;
    RETURN_IF_ERROR(GatherOrgs(ctx, req->min_offsets(), req->max_lag(), &orgs, resp->mutable_watermark()));
    for (const auto& [org, teams] : orgs) {
      v1::OrgSummary* o = resp->add_orgs();
      o->set_org(org);
      o->set_teams(teams);
    }
    return absl::OkStatus();
  });
}

QueryServiceImpl::Counterparts QueryServiceImpl::CounterpartsFor(grpc::ServerContext* ctx, int64_t max_lag,
                                                                 const v1::MinOffsets& min) {
  return [this, ctx, max_lag, min](const views::Reader& reader, const std::set<std::string>& people,
                                   const std::set<std::string>& orgs) -> absl::StatusOr<std::vector<v1::PersonMove>> {
    const std::vector<std::string> needles(people.begin(), people.end());
    auto mine = [&](const Scope& scope) {
      return ScanMoves(reader, scope, needles,
                       [&](const v1::Event& e) { return IsMove(e) && people.contains(e.person().id()); });
    };
    if (router_ == nullptr) return mine(std::nullopt);  // this DB holds every partition
    // Every partition, forwarded calls included: a part answering for its own partitions still
    // needs counterparts filed in the others. The owners answer a forwarded ListPeople from their
    // own DBs, so this is one level more, never a chain. Unavailable naming the partitions nobody
    // serves: a --corroborated figure without them would look complete and not be.
    ASSIGN_OR_RETURN(const std::vector<Router::Target> targets, router_->OwnersOfAll(max_lag, OwnersDeadline(*ctx, min)));
    std::vector<v1::PersonMove> out;
    std::mutex mu;  // guards `out` while parts arrive
    std::vector<std::future<absl::Status>> others;
    for (const auto& t : targets) {
      if (t.local) continue;
      // A counterpart of a move filed under org O names O (a hire from O, a departure to O, a
      // transfer within O): the owner's forwarded ListPeople of O returns every such move, unlinked.
      for (const auto& org : orgs) {
        others.push_back(std::async(std::launch::async, [&, org]() -> absl::Status {
          v1::ListPeopleRequest req;
          req.set_org(org);
          *req.mutable_min_offsets() = min;
          req.set_max_lag(max_lag);
          v1::ListPeopleResponse theirs;
          RETURN_IF_ERROR(Forward(&v1::QueryService::Stub::ListPeople, *ctx, t.address, t.partitions, req, &theirs));
          std::lock_guard<std::mutex> lock(mu);
          for (auto& row : *theirs.mutable_people()) {
            for (auto& m : *row.mutable_moves()) {
              if (people.contains(m.person().id())) out.push_back(std::move(m));
            }
          }
          return absl::OkStatus();
        }));
      }
    }
    absl::Status status;
    for (const auto& t : targets) {
      if (!t.local) continue;
      absl::StatusOr<std::vector<v1::PersonMove>> found = mine(t.partitions);
      if (!found.ok()) {
        status.Update(found.status());
        continue;
      }
      std::lock_guard<std::mutex> lock(mu);
      for (auto& m : *found) out.push_back(std::move(m));
    }
    for (auto& o : others) status.Update(o.get());
    if (!status.ok()) {
      return absl::Status(status.code(), absl::StrCat("counterparts for --corroborated: ", status.message()));
    }
    return out;
  };
}

absl::Status QueryServiceImpl::GatherMoves(
    grpc::ServerContext* ctx, int64_t max_lag, const v1::MinOffsets& min, v1::Watermark* watermark,
    absl::string_view needle, absl::FunctionRef<bool(const v1::Event&)> keep,
    absl::FunctionRef<absl::Status(const Router::Target& target, v1::Watermark* part, std::vector<v1::PersonMove>* moves)>
        remote,
    std::vector<v1::PersonMove>* moves) {
  std::mutex mu;  // guards `moves` while parts arrive
  return Gather(
      ctx, max_lag, min, watermark,
      [&](const Scope& scope, v1::Watermark* part) {
        return Answer(ctx, min, scope, part, [&](const views::Reader& reader) -> absl::Status {
          ASSIGN_OR_RETURN(std::vector<v1::PersonMove> found, ScanMoves(reader, scope, {std::string(needle)}, keep));
          std::lock_guard<std::mutex> lock(mu);
          for (auto& m : found) moves->push_back(std::move(m));
          return absl::OkStatus();
        });
      },
      [&](const Router::Target& target, v1::Watermark* part) -> absl::Status {
        std::vector<v1::PersonMove> theirs;
        RETURN_IF_ERROR(remote(target, part, &theirs));
        std::lock_guard<std::mutex> lock(mu);
        for (auto& m : theirs) moves->push_back(std::move(m));
        return absl::OkStatus();
      });
}

grpc::Status QueryServiceImpl::GetPerson(grpc::ServerContext* ctx, const v1::GetPersonRequest* req,
                                         v1::GetPersonResponse* resp) {
  return Serve(*ctx, [&]() -> absl::Status {
    const std::string& id = req->person_id();
    if (id.empty()) return absl::InvalidArgumentError("person_id: required");
    RETURN_IF_ERROR(CheckFilter(req->evidence()));
    std::vector<v1::PersonMove> moves;
    RETURN_IF_ERROR(GatherMoves(
        ctx, req->max_lag(), req->min_offsets(), resp->mutable_watermark(), id,
        [&](const v1::Event& e) { return e.person().id() == id && IsMove(e); },
        [&](const Router::Target& target, v1::Watermark* part, std::vector<v1::PersonMove>* theirs) -> absl::Status {
          v1::GetPersonResponse r;
          RETURN_IF_ERROR(Forward(&v1::QueryService::Stub::GetPerson, *ctx, target.address, target.partitions, *req, &r));
          for (auto& m : *r.mutable_moves()) theirs->push_back(std::move(m));
          *part = r.watermark();
          return absl::OkStatus();
        },
        &moves));
    if (moves.empty()) {
      // A forwarded call answers for its own partitions; the gathering instance decides.
      if (router_ != nullptr && Router::IsForwarded(*ctx)) return absl::OkStatus();
      return absl::NotFoundError(absl::StrCat("person ", id, " not found: no move in any team's history has this person.id",
                                              PersonSuggestion(id)));
    }
    resp->set_person_id(id);
    if (req->has_evidence()) *resp->mutable_evidence() = req->evidence();
    std::set<std::string> kept;  // event ids of the moves that pass the filter
    const std::vector<v1::MoveCounterpart> counterparts = LinkMoves(moves);
    for (const auto& m : moves) {
      if (MovePasses(m, req->evidence())) kept.insert(m.event_id());
    }
    for (const auto& c : counterparts) {
      if (kept.contains(c.out_event_id()) && kept.contains(c.in_event_id())) *resp->add_counterparts() = c;
    }
    for (auto& m : moves) {
      if (!kept.contains(m.event_id())) continue;
      const v1::Person& p = m.person();
      if (!p.name().empty()) resp->mutable_person()->set_name(p.name());
      if (!p.title().empty()) resp->mutable_person()->set_title(p.title());
      if (p.seniority() != v1::SENIORITY_UNSPECIFIED) resp->mutable_person()->set_seniority(p.seniority());
      *resp->add_moves() = std::move(m);
    }
    resp->mutable_person()->set_id(id);
    return absl::OkStatus();
  });
}

std::string QueryServiceImpl::PersonSuggestion(const std::string& id) {
  // Only for a NotFound answer, so a second scan is affordable; this DB's partitions only.
  absl::StatusOr<std::unique_ptr<ReadHandle>> h = source_->Acquire();
  if (!h.ok()) return "";
  std::set<std::string> ids;
  const absl::Status s = (*h)->reader().ForEachHistory(nullptr, [&](int32_t, absl::string_view bytes) {
    v1::HistoryEntry e;
    if (e.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) && !e.event().person().id().empty()) {
      ids.insert(e.event().person().id());
    }
  });
  if (!s.ok()) return "";
  return DidYouMean(NearestNames(id, std::vector<std::string>(ids.begin(), ids.end())));
}

grpc::Status QueryServiceImpl::ListPeople(grpc::ServerContext* ctx, const v1::ListPeopleRequest* req,
                                          v1::ListPeopleResponse* resp) {
  return Serve(*ctx, [&]() -> absl::Status {
    const std::string& org = req->org();
    const std::string& team = req->team();
    RETURN_IF_ERROR(CheckSlug(org, "org"));
    if (!team.empty()) RETURN_IF_ERROR(CheckSlug(team, "team"));
    ASSIGN_OR_RETURN(const DayRange days, DaysOf(*req, 365));
    ASSIGN_OR_RETURN(const int page_size, PageSize(req->page_size(), 100, 1000));
    RETURN_IF_ERROR(CheckFilter(req->evidence()));
    std::string after;
    if (!req->page_token().empty()) {
      if (!absl::StartsWith(req->page_token(), "person:")) {
        return absl::InvalidArgumentError("page_token: not a token from a previous ListPeople response");
      }
      after = req->page_token().substr(7);
    }
    std::vector<v1::PersonMove> moves;
    // The org's moves and those filed elsewhere that name it (their counterparts: a hire at B from
    // the org, a departure to it).
    RETURN_IF_ERROR(GatherMoves(
        ctx, req->max_lag(), req->min_offsets(), resp->mutable_watermark(), org,
        [&](const v1::Event& e) {
          return IsMove(e) && (e.org() == org || (e.has_hire() && e.hire().from_org() == org) ||
                               (e.has_departure() && e.departure().destination_org() == org));
        },
        [&](const Router::Target& target, v1::Watermark* part, std::vector<v1::PersonMove>* theirs) -> absl::Status {
          v1::ListPeopleResponse r;
          RETURN_IF_ERROR(Forward(&v1::QueryService::Stub::ListPeople, *ctx, target.address, target.partitions, *req, &r));
          for (auto& row : *r.mutable_people()) {
            for (auto& m : *row.mutable_moves()) theirs->push_back(std::move(m));
          }
          *part = r.watermark();
          return absl::OkStatus();
        },
        &moves));
    if (router_ != nullptr && Router::IsForwarded(*ctx)) {
      // A forwarded part returns every move it found, unfiltered and unpaged, in one row: the
      // gathering instance links them across parts, then filters and pages.
      v1::PersonRow* row = resp->add_people();
      for (auto& m : moves) *row->add_moves() = std::move(m);
      return absl::OkStatus();
    }
    LinkMoves(moves);
    if (req->has_evidence()) *resp->mutable_evidence() = req->evidence();
    std::map<std::string, v1::PersonRow> rows;
    std::string latest;  // YYYY-MM-DD
    for (auto& m : moves) {
      const bool filed_here =
          m.org() == org && (team.empty() ? m.kind() == v1::MOVE_KIND_HIRE || m.kind() == v1::MOVE_KIND_DEPARTURE
                                          : m.team() == team);
      if (!filed_here || !MovePasses(m, req->evidence())) continue;
      const int64_t day = DayOf(m.effective_time());
      latest = std::max(latest, FormatDay(day));
      if (day < days.from || day > days.to) continue;
      const std::string key = PersonKey(m.person());
      if (!after.empty() && key <= after) continue;
      v1::PersonRow& row = rows[key];
      row.set_person_id(m.person().id());
      if (!m.person().name().empty()) row.set_name(m.person().name());
      *row.add_moves() = std::move(m);
    }
    for (auto& [key, row] : rows) {
      if (resp->people_size() == page_size) {
        resp->set_next_page_token(absl::StrCat("person:", PersonKey(resp->people(page_size - 1).moves(0).person())));
        break;
      }
      *resp->add_people() = std::move(row);
    }
    if (resp->people().empty() && after.empty()) resp->set_latest_move_day(latest);
    return absl::OkStatus();
  });
}

grpc::Status QueryServiceImpl::GetTeamMovement(grpc::ServerContext* ctx, const v1::GetTeamMovementRequest* req,
                                               v1::GetTeamMovementResponse* resp) {
  return Serve(ctx, *req, [&]() -> absl::Status {
    const std::string& org = req->org();
    RETURN_IF_ERROR(CheckSlug(org, "org"));
    if (!req->team().empty()) RETURN_IF_ERROR(CheckSlug(req->team(), "team"));
    RETURN_IF_ERROR(CheckFilter(req->evidence()));
    ASSIGN_OR_RETURN(const int64_t day, AsOfDay(*req));
    std::mutex mu;  // guards `teams` and `movers` while parts arrive
    std::vector<v1::TeamMovement> teams;
    std::vector<v1::WindowMover> movers;  // of the 365-day window, for the org totals
    // Appends a team's movement (and movers) from this DB's history of it; false when the history
    // is empty.
    auto add_team = [&](const views::Reader& reader, const std::string& team) -> absl::StatusOr<bool> {
      ASSIGN_OR_RETURN(const std::vector<v1::HistoryEntry> history, reader.History(org, team));
      if (history.empty()) return false;
      std::vector<v1::PersonMove> moves = MovesOf(history);
      if (!IsDefault(req->evidence())) {  // only the moves whose story passes count
        ASSIGN_OR_RETURN(const EvidenceIndex index,
                         IndexOver(reader, {&history}, req->evidence(),
                                   CounterpartsFor(ctx, req->max_lag(), req->min_offsets())));
        std::erase_if(moves, [&](const v1::PersonMove& m) { return !index.Passes(m.event_id(), req->evidence()); });
      }
      v1::TeamMovement movement = TeamMovementOf(team, moves, day);
      std::set<std::string> backfilled;
      for (const auto& b : movement.backfills()) {
        if (!b.open()) backfilled.insert(b.departure_event_id());
      }
      std::vector<v1::WindowMover> window = WindowMoversOf(moves, day, kMovementWindowDays[2], backfilled);
      std::lock_guard<std::mutex> lock(mu);
      teams.push_back(std::move(movement));
      for (auto& m : window) movers.push_back(std::move(m));
      return true;
    };
    if (!req->team().empty()) {
      ASSIGN_OR_RETURN(const Route route, RouteTeam(*ctx, org, req->team(), req->max_lag(), req->min_offsets()));
      if (route.remote) {
        return Forward(&v1::QueryService::Stub::GetTeamMovement, *ctx, *route.remote, route.partitions, *req, resp);
      }
      RETURN_IF_ERROR(Answer(ctx, req->min_offsets(), route.scope, resp->mutable_watermark(),
                             [&](const views::Reader& reader) -> absl::Status {
                               ASSIGN_OR_RETURN(const bool found, add_team(reader, req->team()));
                               if (!found) return absl::NotFoundError(absl::StrCat("team ", org, "/", req->team(), " not found"));
                               return absl::OkStatus();
                             }));
    } else {
      RETURN_IF_ERROR(Gather(
          ctx, req->max_lag(), req->min_offsets(), resp->mutable_watermark(),
          [&](const Scope& scope, v1::Watermark* part) {
            return Answer(ctx, req->min_offsets(), scope, part, [&](const views::Reader& reader) -> absl::Status {
              ASSIGN_OR_RETURN(const std::vector<views::Reader::TeamName> names, reader.TeamNames());
              std::set<std::string> of_org;  // a team stored in two partitions is one team
              for (const auto& n : names) {
                if (n.org == org && (!scope || scope->contains(n.partition))) of_org.insert(n.team);
              }
              for (const auto& team : of_org) RETURN_IF_ERROR(add_team(reader, team).status());
              return absl::OkStatus();
            });
          },
          [&](const Router::Target& target, v1::Watermark* part) -> absl::Status {
            v1::GetTeamMovementResponse theirs;
            RETURN_IF_ERROR(Forward(&v1::QueryService::Stub::GetTeamMovement, *ctx, target.address, target.partitions,
                                    *req, &theirs));
            std::lock_guard<std::mutex> lock(mu);
            for (auto& t : *theirs.mutable_teams()) teams.push_back(std::move(t));
            for (auto& m : *theirs.mutable_movers()) movers.push_back(std::move(m));
            *part = theirs.watermark();
            return absl::OkStatus();
          }));
      // A forwarded call answers for its own partitions, which may hold none of the org's teams.
      if (teams.empty() && !(router_ != nullptr && Router::IsForwarded(*ctx))) {
        return absl::NotFoundError(absl::StrCat("org ", org, " not found"));
      }
      std::sort(teams.begin(), teams.end(), [](const auto& a, const auto& b) { return a.team() < b.team(); });
    }
    resp->set_org(org);
    resp->set_as_of(FormatDay(day));
    if (req->has_evidence()) *resp->mutable_evidence() = req->evidence();
    *resp->mutable_totals() = SumMovement(teams);
    if (req->team().empty()) {
      // The org: each person once per window and kind, over every instance's teams.
      CountPeopleOnce(movers, day, *resp->mutable_totals());
      if (router_ != nullptr && Router::IsForwarded(*ctx)) {
        for (auto& m : movers) *resp->add_movers() = std::move(m);
      }
    }
    for (auto& t : teams) *resp->add_teams() = std::move(t);
    return absl::OkStatus();
  });
}

}  // namespace talentflow::query
