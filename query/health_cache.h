// HealthCache keeps the TeamHealth of an org's teams between org-wide reads (GetOrgSnapshot,
// ListTeams), so that a read recomputes only what the projector changed since the last one.
//
// The unit cached is one partition's part of an org at one as-of day: the teams of `org` stored in
// partition p, as views::Reader::OrgHealthIn computes them. A part depends on partition p's records
// only, and the projector writes p's records in the same WriteBatch as p's applied offset (a
// rebuild's table file holds them with it too; dropping a partition deletes the offset). So a part
// computed when p's stored offset was O equals a fresh computation whenever p's offset is O again:
// a part is valid while its partition's PartitionOffset (next offset and timestamp) is unchanged,
// whatever the other partitions did. A write to one partition recomputes only that partition's
// teams of the org. `as_of` "today" is keyed by the resolved day, so a part ages out at midnight.
//
// A part also keeps its teams' hires and departures of the 90-day window (org_totals.h: what the
// org totals count each person once by), read from the histories of its teams with such moves
// when, and only when, the part is computed: a default org snapshot reads no history of unchanged
// teams. (A team's records are in its partition; after a change of the partition count, older
// records of a team may sit in another partition, whose writes do not refresh the kept movers
// until the part is recomputed.)
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/statusor.h"
#include "talentflow/v1/query.pb.h"
#include "views/view_store.h"

namespace talentflow::query {

struct HealthCacheOptions {
  // Most team healths kept over all parts, each part counting one more for itself (so parts of
  // partitions holding none of an org's teams are bounded too); the least recently used parts go
  // first. 0 turns the cache off (every read computes). Default: 20000 (a 200-team org on 12
  // partitions at about 90 as-of days).
  int64_t max_teams = 20000;
};

class HealthCache {
 public:
  explicit HealthCache(HealthCacheOptions options = {}) : options_(options) {}

  // The teams of an org, and the hires and departures of their 90-day window (org_totals.h
  // WindowMoversOfHistory of the history of each active team with a hire or departure in that
  // window; the others have none the org totals count), by team slug.
  struct OrgParts {
    std::vector<v1::TeamHealth> teams;
    std::vector<v1::WindowMover> movers;
  };
  // OrgHealth's teams, and their movers. On a miss the part's teams' histories are read too.
  absl::StatusOr<OrgParts> OrgHealthAndMovers(const views::Reader& reader, const std::string& org,
                                              int64_t as_of_day);

  // Every team of `org` at `as_of_day` read through `reader`, sorted by team slug: the same
  // answer, byte for byte, as reader.OrgHealth(org, as_of_day). Parts of partitions whose applied
  // offset in `reader`'s views equals the one they were computed at are reused; the others are
  // computed (up to two partitions at a time) and kept. Errors are the reader's. Thread-safe;
  // concurrent misses of one part may both compute it (the answers are equal). A miss also reads
  // the part's teams' histories for their movers (OrgHealthAndMovers).
  absl::StatusOr<std::vector<v1::TeamHealth>> OrgHealth(const views::Reader& reader, const std::string& org,
                                                        int64_t as_of_day);

  // Team healths answered from kept parts / computed, since the start (for /metrics).
  int64_t hits() const;
  int64_t misses() const;
  // Team healths kept now.
  int64_t teams() const;

 private:
  using Key = std::tuple<std::string, int64_t, int32_t>;  // org, as-of day, partition
  struct Part {
    v1::PartitionOffset offset;  // the partition's applied position the teams were computed at
    // By team slug; shared with the reads copying it out, so the copy happens outside mu_.
    std::shared_ptr<const std::vector<v1::TeamHealth>> teams;
    std::shared_ptr<const std::vector<v1::WindowMover>> movers;  // of those teams, by team
    std::list<Key>::iterator lru;  // its place in lru_
  };
  // Keeps `teams` under `key` (replacing what was there) and evicts the least recently used parts
  // beyond max_teams. REQUIRES: mu_ held.
  void PutLocked(const Key& key, const v1::PartitionOffset& offset,
                 std::shared_ptr<const std::vector<v1::TeamHealth>> teams,
                 std::shared_ptr<const std::vector<v1::WindowMover>> movers);
  // What a part counts against max_teams: its teams, and one for the entry itself.
  static int64_t Weight(const Part& part) { return static_cast<int64_t>(part.teams->size()) + 1; }

  const HealthCacheOptions options_;
  mutable std::mutex mu_;
  std::map<Key, Part> parts_;
  std::list<Key> lru_;  // most recently used first
  int64_t weight_ = 0;  // of every part kept
  int64_t teams_ = 0;
  int64_t hits_ = 0;
  int64_t misses_ = 0;
};

}  // namespace talentflow::query
