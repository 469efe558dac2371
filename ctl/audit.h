// Replay and audit: rebuild views from the log with the projector's own fold, digest them,
// verify the live views, and rebuild what was known at a past moment (transaction time).
#pragma once

#include <map>
#include <optional>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/kafka/kafka.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "talentflow/v1/query.pb.h"
#include "views/view_store.h"

namespace talentflow::ctl {

struct ReplayOptions {
  KafkaOptions kafka;
  // The new database. Required; must not hold a database already.
  std::string db;
  // Stop partition p before offset until[p]. Default: the log's end at start.
  std::map<int32_t, int64_t> until;
  // Partitions rebuilt at once (ReplayerOptions::threads). Default: 2.
  int fold_threads = 2;
  // Where progress goes (nullptr: none); a bar redrawn in place when `tty`, else a line every 5 s.
  std::ostream* progress = nullptr;
  bool tty = false;
};

struct ReplaySummary {
  int64_t applied = 0, duplicates = 0, retractions = 0, dead_lettered = 0;
  absl::Duration elapsed;
  std::string digest;
  // "events applied N, duplicates D, retractions R, dead-lettered X, elapsed 1.2s, digest …"
  std::string ToString() const;
};

// Reads the topic from offset 0 of every partition (its own consumer, no group) into a fresh DB.
// Dead-letter records are counted, not written to the DLQ again.
absl::StatusOr<ReplaySummary> Replay(const ReplayOptions& options);

// The offsets, per partition, of the first record the broker accepted after `known_at` (log
// append time, from the broker's timestamp index): replaying up to them gives what was known at
// `known_at`. Partitions with nothing after `known_at` get their end offset.
absl::StatusOr<std::map<int32_t, int64_t>> OffsetsKnownAt(const KafkaOptions& kafka, absl::Time known_at);

struct VerifyResult {
  bool match = false;
  std::string live_digest, replay_digest;
  std::map<int32_t, int64_t> watermark;  // the live views' applied offsets the replay stopped at
  std::optional<views::ViewStore::Difference> difference;  // the first differing key
};

// Replays the log into `scratch_db` up to the live views' watermark and compares digests. The live
// views are read through a secondary instance, so the projector may keep running.
absl::StatusOr<VerifyResult> Verify(const KafkaOptions& kafka, const std::string& live_db,
                                    const std::string& scratch_db);

// A readable form of a stored record: its protobuf text by key kind (keys.h), or "(absent)".
std::string DescribeRecord(const std::string& key, const std::optional<std::string>& value);

// The subcommands (exit codes: 0 ok, 1 failure, 4 verify mismatch). Output goes to `out`, errors
// and progress to `err`.
int RunReplay(const ReplayOptions& options, std::ostream& out, std::ostream& err);
int RunDigest(const std::string& db, std::ostream& out, std::ostream& err);
int RunVerify(const KafkaOptions& kafka, const std::string& live_db, std::ostream& out, std::ostream& err);
// audit snapshot: a replay up to what the broker had accepted by `known_at`.
int RunSnapshot(ReplayOptions options, absl::Time known_at, std::ostream& out, std::ostream& err);
inline constexpr int kExitMismatch = 4;

}  // namespace talentflow::ctl
