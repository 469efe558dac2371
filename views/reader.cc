// Reader: consistent reads of the views for the query service and tools (declared in view_store.h).
//
// Every read of a team or an org takes one RocksDB iterator and seeks it through the partition's
// key ranges: a GetTeamHealth costs one iterator and four seeks, an org snapshot one iterator and,
// per partition, a range scan each of timelines, team states and flows plus a bucket range per
// team. Keys and values are used in place (no copies); day buckets are reduced to the counts the
// metrics sum (DayTotals) as they are read, and only from the first day the metrics read
// (FirstBucketDay: the window's start or the last headcount report before it).
#include <map>
#include <thread>

#include <rocksdb/db.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/base/record_key.h"
#include "common/base/status.h"
#include "common/base/time_util.h"
#include "views/keys.h"
#include "views/rocks_status.h"
#include "views/view_store.h"

namespace talentflow::views {
namespace {

absl::string_view View(const rocksdb::Slice& s) { return absl::string_view(s.data(), s.size()); }

template <typename Message>
void Parse(absl::string_view bytes, Message& m) {
  m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

// Appends the HistoryEntry stored at `key` (with its partition prefix) to `out`; nothing when the
// key holds none.
absl::Status AppendHistory(rocksdb::DB& db, const rocksdb::ReadOptions& ro, const std::string& key,
                           std::vector<v1::HistoryEntry>& out) {
  rocksdb::PinnableSlice value;
  rocksdb::Status s = db.Get(ro, db.DefaultColumnFamily(), key, &value);
  if (s.IsNotFound()) return absl::OkStatus();
  RETURN_IF_ERROR(FromRocks(s, "read history"));
  Parse(View(value), out.emplace_back());
  return absl::OkStatus();
}

// The exclusive upper bound of all keys starting with `prefix`.
std::string PrefixEnd(std::string prefix) {
  prefix.back() = static_cast<char>(prefix.back() + 1);
  return prefix;
}

// Seeks `it` to `from` and calls fn(key, value) (valid only during the call) for each key below
// `to`, in key order, until fn returns false.
template <typename Fn>
absl::Status ScanWith(rocksdb::Iterator& it, absl::string_view from, absl::string_view to, Fn&& fn) {
  for (it.Seek(rocksdb::Slice(from.data(), from.size())); it.Valid(); it.Next()) {
    const absl::string_view k = View(it.key());
    if (k >= to) break;
    if (!fn(k, View(it.value()))) break;
  }
  return FromRocks(it.status(), "scan");
}

// Splits `rest` = "<team>/<suffix>" at its first '/'; false when there is none.
bool SplitTeam(absl::string_view rest, absl::string_view& team, absl::string_view& suffix) {
  const size_t slash = rest.find('/');
  if (slash == absl::string_view::npos) return false;
  team = rest.substr(0, slash);
  suffix = rest.substr(slash + 1);
  return true;
}

// Calls fn(team, destination org, FlowBucket bytes) for each flow bucket of `org`'s teams in the
// partition with prefix `pp` (only `team`'s unless it is null) whose month overlaps the 365 days
// up to `as_of`, in key order.
template <typename Fn>
absl::Status ReadOutboundFlows(rocksdb::Iterator& it, const std::string& pp, const std::string& org, int64_t as_of,
                               const std::string* team, Fn&& fn) {
  const std::string flows = pp + keys::OrgPrefix('f', org);
  const std::string first_month = MonthKey(as_of - 364), last_month = MonthKey(as_of);
  return ScanWith(it, flows, PrefixEnd(flows), [&](absl::string_view k, absl::string_view v) {
    // k = flows + <to_org>/<yyyymm>/<team>
    const absl::string_view rest = k.substr(flows.size());
    const size_t a = rest.find('/');
    const size_t b = rest.find('/', a + 1);
    if (a == absl::string_view::npos || b == absl::string_view::npos) return true;
    const absl::string_view month = rest.substr(a + 1, b - a - 1), flow_team = rest.substr(b + 1);
    if ((team != nullptr && flow_team != *team) || month < first_month || month > last_month) return true;
    fn(flow_team, rest.substr(0, a), v);
    return true;
  });
}

// Appends (day, totals) of each bucket under `prefix` (= "<pp>b/<org>/<team>/") from day `first`
// up to (excluding) the day key `end_day`, in day order.
absl::Status ReadDays(rocksdb::Iterator& it, const std::string& prefix, int64_t first, const std::string& end_day,
                      std::vector<std::pair<int64_t, DayTotals>>& days) {
  v1::DayBucket bucket;  // reused: its repeated fields keep their storage
  return ScanWith(it, prefix + DayKey(first), prefix + end_day, [&](absl::string_view k, absl::string_view v) {
    Parse(v, bucket);
    days.emplace_back(ParseDayKey(k.substr(prefix.size())).value_or(0), TotalsOf(bucket));
    return true;
  });
}

// One team's views as the metrics read them.
struct TeamViews {
  bool found = false;  // the team state exists
  v1::TeamState state;
  std::vector<std::pair<int64_t, DayTotals>> days;
  std::vector<v1::TimelineEntry> timeline;
  bool flows = false;  // some outbound flow was read
  DestinationTally destinations;

  v1::TeamHealth Compute(const std::string& org, const std::string& team, int64_t as_of) {
    NormalizeDays(days, as_of);  // a no-op for what a range read yields
    HealthSource source;
    source.state = &state;
    source.days = days;
    source.timeline = timeline;
    if (flows) source.destinations = &destinations;
    return ComputeHealth(org, team, source, as_of);
  }
};

absl::Status NotFound(const std::string& org, const std::string& team) {
  return absl::NotFoundError(absl::StrCat("team ", org, "/", team, " not found"));
}

// Reads the team state at `key` into `state`; false when there is none.
absl::StatusOr<bool> ReadState(rocksdb::Iterator& it, const std::string& key, v1::TeamState& state) {
  bool found = false;
  RETURN_IF_ERROR(ScanWith(it, key, key + '\0', [&](absl::string_view, absl::string_view v) {
    Parse(v, state);
    found = true;
    return false;
  }));
  return found;
}

}  // namespace

Reader::Reader(ViewStore* store)
    : store_(store), snapshot_(store->secondary_ ? nullptr : store->db()->GetSnapshot()) {
  std::string value;
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  if (store->db()->Get(ro, keys::kMetaPartitions, &value).ok()) absl::SimpleAtoi(value, &partitions_);
}

Reader::~Reader() {
  if (snapshot_) store_->db()->ReleaseSnapshot(snapshot_);
}

template <typename Fn>
absl::Status Reader::WithIterator(Fn&& fn) const {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  std::unique_ptr<rocksdb::Iterator> it(store_->db()->NewIterator(ro));
  RETURN_IF_ERROR(fn(*it));
  return FromRocks(it->status(), "scan");
}

absl::StatusOr<TeamInputs> Reader::Inputs(const std::string& org, const std::string& team, int64_t as_of_day) const {
  if (partitions_ <= 0) return absl::UnavailableError("views not ready: no partition applied yet");
  const std::string pp = keys::PartitionPrefix(KafkaPartitionFor(RecordKey(org, team), partitions_));
  const std::string end_day = DayKey(as_of_day + 1);
  TeamInputs in;
  bool found = false;
  RETURN_IF_ERROR(WithIterator([&](rocksdb::Iterator& it) -> absl::Status {
    const std::string buckets = pp + keys::TeamPrefix('b', org, team);
    RETURN_IF_ERROR(ScanWith(it, buckets, buckets + end_day, [&](absl::string_view k, absl::string_view v) {
      Parse(v, in.buckets.emplace_back(ParseDayKey(k.substr(buckets.size())).value_or(0), v1::DayBucket()).second);
      return true;
    }));
    RETURN_IF_ERROR(ReadOutboundFlows(
        it, pp, org, as_of_day, &team, [&](absl::string_view, absl::string_view dest, absl::string_view v) {
          Parse(v, in.outbound_flows.emplace_back(std::string(dest), v1::FlowBucket()).second);
        }));
    const std::string timeline = pp + keys::TeamPrefix('l', org, team);
    RETURN_IF_ERROR(ScanWith(it, timeline, timeline + end_day, [&](absl::string_view, absl::string_view v) {
      Parse(v, in.timeline.emplace_back());
      return true;
    }));
    ASSIGN_OR_RETURN(found, ReadState(it, pp + keys::Team(org, team), in.state));
    return absl::OkStatus();
  }));
  if (!found) return NotFound(org, team);
  return in;
}

absl::StatusOr<v1::TeamHealth> Reader::TeamHealth(const std::string& org, const std::string& team,
                                                  int64_t as_of_day) const {
  if (partitions_ <= 0) return absl::UnavailableError("views not ready: no partition applied yet");
  const std::string pp = keys::PartitionPrefix(KafkaPartitionFor(RecordKey(org, team), partitions_));
  const std::string end_day = DayKey(as_of_day + 1);
  TeamViews views;
  RETURN_IF_ERROR(WithIterator([&](rocksdb::Iterator& it) -> absl::Status {
    // The state decides NotFound; read it first so that an unknown team costs one seek.
    ASSIGN_OR_RETURN(views.found, ReadState(it, pp + keys::Team(org, team), views.state));
    if (!views.found) return absl::OkStatus();
    const std::string timeline = pp + keys::TeamPrefix('l', org, team);
    RETURN_IF_ERROR(ScanWith(it, timeline, timeline + end_day, [&](absl::string_view, absl::string_view v) {
      Parse(v, views.timeline.emplace_back());
      return true;
    }));
    const std::string buckets = pp + keys::TeamPrefix('b', org, team);
    RETURN_IF_ERROR(ReadDays(it, buckets, FirstBucketDay(views.timeline, as_of_day), end_day, views.days));
    v1::FlowBucket flow;  // reused: its movers keep their storage
    return ReadOutboundFlows(it, pp, org, as_of_day, &team,
                             [&](absl::string_view, absl::string_view dest, absl::string_view v) {
                               Parse(v, flow);
                               views.destinations.Add(dest, flow);
                               views.flows = true;
                             });
  }));
  if (!views.found) return NotFound(org, team);
  return views.Compute(org, team, as_of_day);
}

absl::Status Reader::OrgHealthOf(const std::string& org, int64_t as_of_day, int32_t first, int32_t end,
                                 std::map<std::string, v1::TeamHealth, std::less<>>& out) const {
  // Per partition: the org's timelines, team states and flows in one range scan each, and each
  // team's buckets from its FirstBucketDay; not a point read and three scans per team. The
  // org-wide ranges hold exactly what the per-team ranges select: l/<org>/<team>/<day>/<offset>
  // whose part after "<team>/" sorts below DayKey(as_of + 1). Teams are those with a state; a team
  // found in several partitions (the partition count changed) is read from the last one, as
  // reading the team list would.
  const std::string end_day = DayKey(as_of_day + 1);
  std::map<std::string, TeamViews, std::less<>> teams;
  RETURN_IF_ERROR(WithIterator([&](rocksdb::Iterator& it) -> absl::Status {
    v1::FlowBucket flow;  // reused: its movers keep their storage
    for (int32_t p = first; p < end; ++p) {
      const std::string pp = keys::PartitionPrefix(p);
      std::map<std::string, TeamViews, std::less<>> here;
      // Consecutive keys belong to the same team: look it up once per run of keys.
      TeamViews* current = nullptr;
      absl::string_view current_team;
      auto team_of = [&](absl::string_view name) -> TeamViews& {
        if (current == nullptr || name != current_team) {
          auto t = here.find(name);
          if (t == here.end()) t = here.emplace(std::string(name), TeamViews()).first;
          current = &t->second;
          current_team = t->first;
        }
        return *current;
      };
      const std::string timeline = pp + keys::OrgPrefix('l', org);
      RETURN_IF_ERROR(ScanWith(it, timeline, PrefixEnd(timeline), [&](absl::string_view k, absl::string_view v) {
        absl::string_view team, rest;
        if (!SplitTeam(k.substr(timeline.size()), team, rest) || rest >= end_day) return true;
        Parse(v, team_of(team).timeline.emplace_back());
        return true;
      }));
      current = nullptr;
      const std::string states = pp + keys::OrgPrefix('t', org);
      RETURN_IF_ERROR(ScanWith(it, states, PrefixEnd(states), [&](absl::string_view k, absl::string_view v) {
        TeamViews& views = team_of(k.substr(states.size()));
        Parse(v, views.state);
        views.found = true;
        return true;
      }));
      // Buckets team by team, each from the first day its metrics read (FirstBucketDay): a
      // year-long window over years of history skips most of them.
      for (auto& [team, views] : here) {
        if (!views.found) continue;
        RETURN_IF_ERROR(ReadDays(it, pp + keys::TeamPrefix('b', org, team),
                                 FirstBucketDay(views.timeline, as_of_day), end_day, views.days));
      }
      current = nullptr;
      RETURN_IF_ERROR(ReadOutboundFlows(it, pp, org, as_of_day, nullptr,
                                        [&](absl::string_view team, absl::string_view dest, absl::string_view v) {
                                          Parse(v, flow);
                                          TeamViews& views = team_of(team);
                                          views.destinations.Add(dest, flow);
                                          views.flows = true;
                                        }));
      for (auto& [team, views] : here) {
        if (!views.found) continue;  // records of a team without a state (none are written)
        teams[team] = std::move(views);
      }
    }
    return absl::OkStatus();
  }));
  for (auto& [team, views] : teams) out[team] = views.Compute(org, team, as_of_day);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::TeamHealth>> Reader::OrgHealth(const std::string& org, int64_t as_of_day) const {
  if (partitions_ <= 0) return absl::UnavailableError("views not ready: no partition applied yet");
  // The partitions in two halves, the second on a thread of its own (a 200-team org takes a few
  // ms of CPU; this halves the wait when a core is free). The later half's answer for a team
  // found in both wins, as the later partition's does within a half.
  const int32_t half = partitions_ / 2;
  std::map<std::string, v1::TeamHealth, std::less<>> low, high;
  absl::Status high_status;
  std::thread other;
  if (half > 0) other = std::thread([&] { high_status = OrgHealthOf(org, as_of_day, half, partitions_, high); });
  absl::Status low_status = OrgHealthOf(org, as_of_day, 0, half > 0 ? half : partitions_, low);
  if (other.joinable()) other.join();
  RETURN_IF_ERROR(low_status);
  RETURN_IF_ERROR(high_status);
  for (auto& [team, health] : high) low[team] = std::move(health);
  std::vector<v1::TeamHealth> out;
  out.reserve(low.size());
  for (auto& [team, health] : low) out.push_back(std::move(health));
  return out;
}

absl::StatusOr<std::vector<Reader::Flow>> Reader::Flows(const std::string& from_month,
                                                        const std::string& to_month) const {
  if (partitions_ <= 0) return absl::UnavailableError("views not ready: no partition applied yet");
  std::vector<Flow> out;
  RETURN_IF_ERROR(WithIterator([&](rocksdb::Iterator& it) -> absl::Status {
    v1::FlowBucket flow;  // reused: its movers keep their storage
    for (int32_t p = 0; p < partitions_; ++p) {
      const std::string prefix = keys::PartitionPrefix(p) + keys::KindPrefix('f');
      RETURN_IF_ERROR(ScanWith(it, prefix, PrefixEnd(prefix), [&](absl::string_view k, absl::string_view v) {
        std::vector<std::string> parts = absl::StrSplit(k.substr(prefix.size()), '/');
        if (parts.size() != 4 || parts[2] < from_month || parts[2] > to_month) return true;
        Flow& f = out.emplace_back(Flow{parts[0], parts[1], parts[2], parts[3], p, {}});
        Parse(v, f.bucket);
        return true;
      }));
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<v1::HistoryEntry>> Reader::History(const std::string& org, const std::string& team) const {
  if (partitions_ <= 0) return absl::UnavailableError("views not ready: no partition applied yet");
  const std::string prefix = keys::PartitionPrefix(KafkaPartitionFor(RecordKey(org, team), partitions_)) +
                             keys::TeamPrefix('h', org, team);
  std::vector<v1::HistoryEntry> out;
  RETURN_IF_ERROR(WithIterator([&](rocksdb::Iterator& it) {
    return ScanWith(it, prefix, PrefixEnd(prefix), [&](absl::string_view, absl::string_view v) {
      Parse(v, out.emplace_back());
      return true;
    });
  }));
  return out;
}

absl::StatusOr<std::vector<Reader::TeamName>> Reader::TeamNames() const {
  if (partitions_ <= 0) return absl::UnavailableError("views not ready: no partition applied yet");
  std::vector<TeamName> out;
  RETURN_IF_ERROR(WithIterator([&](rocksdb::Iterator& it) -> absl::Status {
    for (int32_t p = 0; p < partitions_; ++p) {
      const std::string prefix = keys::PartitionPrefix(p) + keys::KindPrefix('t');
      RETURN_IF_ERROR(ScanWith(it, prefix, PrefixEnd(prefix), [&](absl::string_view k, absl::string_view) {
        std::pair<std::string, std::string> name = absl::StrSplit(k.substr(prefix.size()), absl::MaxSplits('/', 1));
        out.push_back(TeamName{std::move(name.first), std::move(name.second), p});
        return true;
      }));
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::map<int32_t, v1::PartitionOffset>> Reader::Watermark() const {
  std::map<int32_t, v1::PartitionOffset> out;
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  for (int32_t p = 0; p < std::max(partitions_, 1); ++p) {
    rocksdb::PinnableSlice value;
    rocksdb::Status s =
        store_->db()->Get(ro, store_->db()->DefaultColumnFamily(), keys::PartitionPrefix(p) + keys::kOffset, &value);
    if (s.IsNotFound()) continue;
    RETURN_IF_ERROR(FromRocks(s, "read offset"));
    Parse(View(value), out[p]);
  }
  return out;
}

absl::StatusOr<std::vector<v1::HistoryEntry>> Reader::FindEvent(const std::string& event_id) const {
  if (partitions_ <= 0) return absl::UnavailableError("views not ready: no partition applied yet");
  std::vector<v1::HistoryEntry> out;
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  // Any partition may hold the id: it is filed under whatever team its event named.
  for (int32_t p = 0; p < partitions_; ++p) {
    const std::string pp = keys::PartitionPrefix(p);
    rocksdb::PinnableSlice history_key;
    rocksdb::Status s =
        store_->db()->Get(ro, store_->db()->DefaultColumnFamily(), pp + keys::EventIndex(event_id), &history_key);
    if (s.IsNotFound()) continue;
    RETURN_IF_ERROR(FromRocks(s, "read event index"));
    RETURN_IF_ERROR(AppendHistory(*store_->db(), ro, pp + history_key.ToString(), out));
  }
  return out;
}

absl::Status Reader::ForEachHistory(const std::set<int32_t>* only,
                                    absl::FunctionRef<void(int32_t partition, absl::string_view bytes)> fn) const {
  if (partitions_ <= 0) return absl::UnavailableError("views not ready: no partition applied yet");
  return WithIterator([&](rocksdb::Iterator& it) -> absl::Status {
    for (int32_t p = 0; p < partitions_; ++p) {
      if (only != nullptr && !only->contains(p)) continue;
      const std::string prefix = keys::PartitionPrefix(p) + keys::KindPrefix('h');
      RETURN_IF_ERROR(ScanWith(it, prefix, PrefixEnd(prefix), [&](absl::string_view, absl::string_view v) {
        fn(p, v);
        return true;
      }));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<v1::HistoryEntry>> Reader::PendingRetractions() const {
  if (partitions_ <= 0) return absl::UnavailableError("views not ready: no partition applied yet");
  std::vector<v1::HistoryEntry> out;
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  for (int32_t p = 0; p < partitions_; ++p) {
    const std::string pp = keys::PartitionPrefix(p);
    const std::string prefix = pp + keys::KindPrefix('r');
    std::vector<std::string> history_keys;
    RETURN_IF_ERROR(WithIterator([&](rocksdb::Iterator& it) {
      return ScanWith(it, prefix, PrefixEnd(prefix), [&](absl::string_view, absl::string_view v) {
        history_keys.push_back(pp + std::string(v));
        return true;
      });
    }));
    for (const std::string& key : history_keys) RETURN_IF_ERROR(AppendHistory(*store_->db(), ro, key, out));
  }
  return out;
}

}  // namespace talentflow::views
