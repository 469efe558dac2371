// Key layout of the view store. Every view key lives under its Kafka partition's prefix
// "p<ppp>/" (so a partition's state can be dropped with one range delete); the fold sees keys
// without that prefix. Slugs contain no '/', so '/' separates components unambiguously.
//
//   b/<org>/<team>/<yyyymmdd>               DayBucket
//   l/<org>/<team>/<yyyymmdd>/<offset:020>  TimelineEntry
//   t/<org>/<team>                          TeamState
//   f/<from_org>/<to_org>/<yyyymm>/<team>   FlowBucket (team = the team whose event it was)
//   h/<org>/<team>/<offset:020>             HistoryEntry
//   e/<event_id>                            the event's history key (h/…)
//   k/<idempotency_key>                     event_id of the applied event with that key
//   r/<target_event_id>                     history key of a retraction waiting for its target
//   s/<org>/<team>/<kind>/<period>          StoryIndex: the applied moves of that kind ("hire",
//                                           "departure", "transfer_in", "transfer_out") and
//                                           effective date at its precision ("2026-02-18",
//                                           "2026-02", "2026-Q1"); views/story.h
//   ~offset                                 PartitionOffset
// Global keys (outside partitions): "meta/partitions" (topic partition count, decimal).
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/base/time_util.h"

namespace talentflow::views::keys {

inline std::string PartitionPrefix(int32_t partition) { return absl::StrFormat("p%03d/", partition); }
// Zero-padded to 20 digits (offsets are never negative), written by hand: StrFormat's parsing of
// "%020d" was a measurable share of a replay's key building (docs/PERFORMANCE.md).
inline std::string Offset20(int64_t offset) {
  if (offset < 0) return absl::StrFormat("%020d", offset);
  std::string s(20, '0');  // int64's largest value has 19 digits
  size_t i = s.size();
  for (auto u = static_cast<uint64_t>(offset); u != 0; u /= 10) s[--i] = static_cast<char>('0' + u % 10);
  return s;
}

// "<kind>/": every key of one kind in a partition.
inline std::string KindPrefix(char kind) { return std::string{kind, '/'}; }
// "<kind>/<org>/": every key of one kind ('b', 'l', 't', 'f', 'h') of the org's teams.
inline std::string OrgPrefix(char kind, const std::string& org) { return absl::StrCat(std::string(1, kind), "/", org, "/"); }
inline std::string TeamPrefix(char kind, const std::string& org, const std::string& team) {
  return absl::StrCat(std::string(1, kind), "/", org, "/", team, "/");
}
inline std::string Bucket(const std::string& org, const std::string& team, int64_t day) {
  return absl::StrCat("b/", org, "/", team, "/", DayKey(day));
}
inline std::string Timeline(const std::string& org, const std::string& team, int64_t day, int64_t offset) {
  return absl::StrCat("l/", org, "/", team, "/", DayKey(day), "/", Offset20(offset));
}
inline std::string Team(const std::string& org, const std::string& team) { return absl::StrCat("t/", org, "/", team); }
inline std::string Flow(const std::string& from, const std::string& to, int64_t day, const std::string& team) {
  return absl::StrCat("f/", from, "/", to, "/", MonthKey(day), "/", team);
}
inline std::string History(const std::string& org, const std::string& team, int64_t offset) {
  return absl::StrCat("h/", org, "/", team, "/", Offset20(offset));
}
inline std::string EventIndex(const std::string& event_id) { return absl::StrCat("e/", event_id); }
inline std::string Dedupe(const std::string& idempotency_key) { return absl::StrCat("k/", idempotency_key); }
inline std::string PendingRetraction(const std::string& target) { return absl::StrCat("r/", target); }
inline std::string Stories(const std::string& org, const std::string& team, const std::string& kind,
                           const std::string& period) {
  return absl::StrCat("s/", org, "/", team, "/", kind, "/", period);
}
inline constexpr char kOffset[] = "~offset";
inline constexpr char kMetaPartitions[] = "meta/partitions";

}  // namespace talentflow::views::keys
