#include "query/health_cache.h"

#include <thread>
#include <utility>

#include "common/base/status.h"
#include "query/org_totals.h"

namespace talentflow::query {
namespace {

bool SameOffset(const v1::PartitionOffset& a, const v1::PartitionOffset& b) {
  return a.next_offset() == b.next_offset() && a.last_timestamp_ms() == b.last_timestamp_ms();
}

// The hires and departures among the movers of `teams` (of `org`) at `as_of_day`, from each
// team's history, in team order: what the org totals count (org_totals.h). Reads the history only
// of active teams with a hire or departure in the 90-day window (the others add nothing).
absl::Status ReadMovers(const views::Reader& reader, const std::string& org, const std::vector<v1::TeamHealth>& teams,
                        int64_t as_of_day, std::vector<v1::WindowMover>& out) {
  for (const auto& t : teams) {
    if (!t.active() || t.windows_size() < 2 || t.windows(1).days() != kOrgTotalsWindowDays ||
        t.windows(1).hires() + t.windows(1).departures() == 0) {
      continue;
    }
    ASSIGN_OR_RETURN(const std::vector<v1::HistoryEntry> history, reader.History(org, t.team()));
    for (auto& m : WindowMoversOfHistory(history, as_of_day)) {
      if (m.kind() == v1::MOVE_KIND_HIRE || m.kind() == v1::MOVE_KIND_DEPARTURE) out.push_back(std::move(m));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<v1::TeamHealth>> HealthCache::OrgHealth(const views::Reader& reader, const std::string& org,
                                                                   int64_t as_of_day) {
  ASSIGN_OR_RETURN(OrgParts parts, OrgHealthAndMovers(reader, org, as_of_day));
  return std::move(parts.teams);
}

absl::StatusOr<HealthCache::OrgParts> HealthCache::OrgHealthAndMovers(const views::Reader& reader,
                                                                      const std::string& org, int64_t as_of_day) {
  OrgParts out;
  const int32_t partitions = reader.partition_count();
  if (options_.max_teams <= 0 || partitions <= 0) {  // uncached (or the reader's Unavailable answer)
    ASSIGN_OR_RETURN(out.teams, reader.OrgHealth(org, as_of_day));
    RETURN_IF_ERROR(ReadMovers(reader, org, out.teams, as_of_day, out.movers));
    return out;
  }
  // Read through `reader`, so the offsets are those of the records it reads.
  ASSIGN_OR_RETURN(const auto watermark, reader.Watermark());

  // Each partition's part: a kept one (shared, copied out after the lock), else computed below.
  // Partitions without an applied offset hold nothing to keep (and are cheap to scan).
  std::vector<std::vector<v1::TeamHealth>> parts(partitions);
  std::vector<std::vector<v1::WindowMover>> part_movers(partitions);
  std::vector<std::shared_ptr<const std::vector<v1::TeamHealth>>> kept(partitions);
  std::vector<std::shared_ptr<const std::vector<v1::WindowMover>>> kept_movers(partitions);
  std::vector<int32_t> missing;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int32_t p = 0; p < partitions; ++p) {
      auto offset = watermark.find(p);
      auto it = offset == watermark.end() ? parts_.end() : parts_.find(Key(org, as_of_day, p));
      if (it != parts_.end() && SameOffset(it->second.offset, offset->second)) {
        kept[p] = it->second.teams;
        kept_movers[p] = it->second.movers;
        hits_ += static_cast<int64_t>(kept[p]->size());
        lru_.splice(lru_.begin(), lru_, it->second.lru);
      } else {
        missing.push_back(p);
      }
    }
  }

  // The missing parts, half of them on a second thread when there are several (a cold 200-team
  // org is a few ms of CPU; this halves the wait when a core is free), as Reader::OrgHealth does.
  std::vector<absl::Status> status(missing.size());
  auto compute = [&](size_t first, size_t end) {
    for (size_t i = first; i < end; ++i) {
      const int32_t p = missing[i];
      std::map<std::string, v1::TeamHealth, std::less<>> by_team;
      status[i] = reader.OrgHealthOf(org, as_of_day, p, p + 1, by_team);
      parts[p].reserve(by_team.size());
      for (auto& [team, health] : by_team) parts[p].push_back(std::move(health));
      if (status[i].ok()) status[i] = ReadMovers(reader, org, parts[p], as_of_day, part_movers[p]);
    }
  };
  const size_t half = missing.size() / 2;
  std::thread other;
  if (half > 0) other = std::thread([&] { compute(half, missing.size()); });
  compute(0, half > 0 ? half : missing.size());
  if (other.joinable()) other.join();
  for (const auto& s : status) RETURN_IF_ERROR(s);

  for (int32_t p : missing) {
    kept[p] = std::make_shared<const std::vector<v1::TeamHealth>>(std::move(parts[p]));
    kept_movers[p] = std::make_shared<const std::vector<v1::WindowMover>>(std::move(part_movers[p]));
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int32_t p : missing) {
      misses_ += static_cast<int64_t>(kept[p]->size());
      auto offset = watermark.find(p);
      if (offset != watermark.end()) PutLocked(Key(org, as_of_day, p), offset->second, kept[p], kept_movers[p]);
    }
  }

  // Merged in partition order, a later partition's team replacing an earlier one's, as OrgHealth;
  // a team's movers are those of the partition its health comes from.
  std::map<std::string, std::pair<v1::TeamHealth, int32_t>, std::less<>> merged;
  for (int32_t p = 0; p < partitions; ++p) {
    for (const auto& health : *kept[p]) merged[health.team()] = {health, p};
  }
  out.teams.reserve(merged.size());
  for (auto& [team, health] : merged) out.teams.push_back(std::move(health.first));
  for (int32_t p = 0; p < partitions; ++p) {
    for (const auto& m : *kept_movers[p]) {
      auto it = merged.find(m.team());
      if (it != merged.end() && it->second.second == p) out.movers.push_back(m);
    }
  }
  return out;
}

void HealthCache::PutLocked(const Key& key, const v1::PartitionOffset& offset,
                            std::shared_ptr<const std::vector<v1::TeamHealth>> teams,
                            std::shared_ptr<const std::vector<v1::WindowMover>> movers) {
  auto it = parts_.find(key);
  if (it != parts_.end()) {
    weight_ -= Weight(it->second);
    teams_ -= static_cast<int64_t>(it->second.teams->size());
    lru_.erase(it->second.lru);
    parts_.erase(it);
  }
  Part part{offset, std::move(teams), std::move(movers), {}};
  if (Weight(part) > options_.max_teams) return;  // larger than the whole cache
  lru_.push_front(key);
  part.lru = lru_.begin();
  weight_ += Weight(part);
  teams_ += static_cast<int64_t>(part.teams->size());
  parts_.emplace(key, std::move(part));
  while (weight_ > options_.max_teams) {
    auto last = parts_.find(lru_.back());
    weight_ -= Weight(last->second);
    teams_ -= static_cast<int64_t>(last->second.teams->size());
    parts_.erase(last);
    lru_.pop_back();
  }
}

int64_t HealthCache::hits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return hits_;
}

int64_t HealthCache::misses() const {
  std::lock_guard<std::mutex> lock(mu_);
  return misses_;
}

int64_t HealthCache::teams() const {
  std::lock_guard<std::mutex> lock(mu_);
  return teams_;
}

}  // namespace talentflow::query
