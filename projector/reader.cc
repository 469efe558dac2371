// Reader: consistent reads of the views for the query service and tools (declared in view_store.h).
#include <map>

#include <rocksdb/db.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/kafka.h"
#include "common/status.h"
#include "common/time_util.h"
#include "projector/keys.h"
#include "projector/rocks_status.h"
#include "projector/view_store.h"

namespace talentflow::projector {

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

absl::Status Reader::Scan(const std::string& from, const std::string& to,
                          const std::function<bool(const std::string&, const std::string&)>& fn) {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  rocksdb::Slice upper(to);
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(store_->db()->NewIterator(ro));
  for (it->Seek(from); it->Valid(); it->Next()) {
    if (!fn(it->key().ToString(), it->value().ToString())) break;
  }
  return FromRocks(it->status(), "scan");
}

// The exclusive upper bound of all keys starting with `prefix`.
static std::string PrefixEnd(std::string prefix) {
  prefix.back() = static_cast<char>(prefix.back() + 1);
  return prefix;
}

absl::StatusOr<Reader::FlowsByTeam> Reader::OutboundFlows(int32_t p, const std::string& org, int64_t as_of_day,
                                                          const std::string* team) {
  const std::string flows = keys::PartitionPrefix(p) + "f/" + org + "/";
  const std::string first_month = MonthKey(as_of_day - 364), last_month = MonthKey(as_of_day);
  FlowsByTeam out;
  RETURN_IF_ERROR(Scan(flows, PrefixEnd(flows), [&](const std::string& k, const std::string& v) {
    // k = flows + <to_org>/<yyyymm>/<team>
    const absl::string_view rest = absl::string_view(k).substr(flows.size());
    const size_t a = rest.find('/');
    const size_t b = rest.find('/', a + 1);
    if (a == absl::string_view::npos || b == absl::string_view::npos) return true;
    const absl::string_view month = rest.substr(a + 1, b - a - 1), flow_team = rest.substr(b + 1);
    if ((team != nullptr && flow_team != *team) || month < first_month || month > last_month) return true;
    v1::FlowBucket f;
    f.ParseFromString(v);
    out[std::string(flow_team)].emplace_back(std::string(rest.substr(0, a)), std::move(f));
    return true;
  }));
  return out;
}

absl::StatusOr<TeamInputs> Reader::LoadTeam(int32_t p, const std::string& org, const std::string& team,
                                            int64_t as_of_day, FlowsByTeam* org_flows) {
  const std::string pp = keys::PartitionPrefix(p);
  TeamInputs in;
  std::string value;
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  rocksdb::Status s = store_->db()->Get(ro, pp + keys::Team(org, team), &value);
  if (s.IsNotFound()) return absl::NotFoundError(absl::StrCat("team ", org, "/", team, " not found"));
  RETURN_IF_ERROR(FromRocks(s, "read team"));
  in.state.ParseFromString(value);

  const std::string buckets = pp + keys::TeamPrefix('b', org, team);
  RETURN_IF_ERROR(Scan(buckets, buckets + DayKey(as_of_day + 1), [&](const std::string& k, const std::string& v) {
    int64_t day = ParseDayKey(k.substr(buckets.size())).value_or(0);
    v1::DayBucket b;
    b.ParseFromString(v);
    in.buckets.emplace_back(day, std::move(b));
    return true;
  }));
  const std::string timeline = pp + keys::TeamPrefix('l', org, team);
  RETURN_IF_ERROR(Scan(timeline, timeline + DayKey(as_of_day + 1), [&](const std::string&, const std::string& v) {
    v1::TimelineEntry t;
    t.ParseFromString(v);
    in.timeline.push_back(std::move(t));
    return true;
  }));
  if (org_flows != nullptr) {
    if (auto it = org_flows->find(team); it != org_flows->end()) in.outbound_flows = std::move(it->second);
  } else {
    ASSIGN_OR_RETURN(FlowsByTeam mine, OutboundFlows(p, org, as_of_day, &team));
    in.outbound_flows = std::move(mine[team]);
  }
  return in;
}

absl::StatusOr<TeamInputs> Reader::Inputs(const std::string& org, const std::string& team, int64_t as_of_day) {
  if (partitions_ <= 0) return absl::UnavailableError("views not ready: no partition applied yet");
  return LoadTeam(KafkaPartitionFor(org + "/" + team, partitions_), org, team, as_of_day);
}

absl::StatusOr<v1::TeamHealth> Reader::TeamHealth(const std::string& org, const std::string& team, int64_t as_of_day) {
  ASSIGN_OR_RETURN(TeamInputs in, Inputs(org, team, as_of_day));
  return ComputeHealth(org, team, in, as_of_day);
}

absl::StatusOr<std::vector<v1::TeamHealth>> Reader::OrgHealth(const std::string& org, int64_t as_of_day) {
  if (partitions_ <= 0) return absl::UnavailableError("views not ready: no partition applied yet");
  std::map<std::string, int32_t> teams;
  for (int32_t p = 0; p < partitions_; ++p) {
    const std::string prefix = keys::PartitionPrefix(p) + "t/" + org + "/";
    RETURN_IF_ERROR(Scan(prefix, PrefixEnd(prefix), [&](const std::string& k, const std::string&) {
      teams[k.substr(prefix.size())] = p;
      return true;
    }));
  }
  // The org's flow buckets are read once per partition, not once per team.
  std::map<int32_t, FlowsByTeam> flows;
  for (const auto& [team, p] : teams) {
    if (flows.count(p) == 0) {
      ASSIGN_OR_RETURN(flows[p], OutboundFlows(p, org, as_of_day, nullptr));
    }
  }
  std::vector<v1::TeamHealth> out;
  for (const auto& [team, p] : teams) {
    ASSIGN_OR_RETURN(TeamInputs in, LoadTeam(p, org, team, as_of_day, &flows[p]));
    out.push_back(ComputeHealth(org, team, in, as_of_day));
  }
  return out;
}

absl::StatusOr<std::vector<Reader::Flow>> Reader::Flows(const std::string& from_month, const std::string& to_month) {
  if (partitions_ <= 0) return absl::UnavailableError("views not ready: no partition applied yet");
  std::vector<Flow> out;
  for (int32_t p = 0; p < partitions_; ++p) {
    const std::string prefix = keys::PartitionPrefix(p) + "f/";
    RETURN_IF_ERROR(Scan(prefix, PrefixEnd(prefix), [&](const std::string& k, const std::string& v) {
      std::vector<std::string> parts = absl::StrSplit(k.substr(prefix.size()), '/');
      if (parts.size() != 4 || parts[2] < from_month || parts[2] > to_month) return true;
      Flow f{parts[0], parts[1], parts[2], parts[3], {}};
      f.bucket.ParseFromString(v);
      out.push_back(std::move(f));
      return true;
    }));
  }
  return out;
}

absl::StatusOr<std::vector<v1::HistoryEntry>> Reader::History(const std::string& org, const std::string& team) {
  if (partitions_ <= 0) return absl::UnavailableError("views not ready: no partition applied yet");
  const std::string prefix = keys::PartitionPrefix(KafkaPartitionFor(org + "/" + team, partitions_)) +
                             keys::TeamPrefix('h', org, team);
  std::vector<v1::HistoryEntry> out;
  RETURN_IF_ERROR(Scan(prefix, PrefixEnd(prefix), [&](const std::string&, const std::string& v) {
    v1::HistoryEntry h;
    h.ParseFromString(v);
    out.push_back(std::move(h));
    return true;
  }));
  return out;
}

absl::StatusOr<std::map<int32_t, v1::PartitionOffset>> Reader::Watermark() {
  std::map<int32_t, v1::PartitionOffset> out;
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  for (int32_t p = 0; p < std::max(partitions_, 1); ++p) {
    std::string value;
    rocksdb::Status s = store_->db()->Get(ro, keys::PartitionPrefix(p) + keys::kOffset, &value);
    if (s.IsNotFound()) continue;
    RETURN_IF_ERROR(FromRocks(s, "read offset"));
    out[p].ParseFromString(value);
  }
  return out;
}

}  // namespace talentflow::projector
