// Feed mode: publish a JSON Lines file (or stdin) through the Publisher, one event per line.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "ingest/publisher.h"

namespace talentflow::ingest {

struct FeedOptions {
  // The feed: a path, or "-" for standard input. Required.
  std::string path;
  // Where rejected lines go, as "line N: <field>: <reason>\t<the line>". Default: none (stderr only).
  std::string rejects_path;
  // Keep reading as the file grows, until `stop` is set. Default: false.
  bool follow = false;
  // How long to wait for the last acknowledgements (use the sink's delivery timeout).
  // Default: 30 s.
  absl::Duration delivery_timeout = absl::Seconds(30);
  // recordedBy of the published events. Default: "feed".
  std::string principal = "feed";
};

struct FeedSummary {
  int64_t accepted = 0;     // lines whose every record the broker acknowledged
  int64_t duplicates = 0;   // lines whose idempotency key an earlier line of this run had
  int64_t rejected = 0;     // lines that failed validation (nothing written)
  int64_t not_delivered = 0;
  int64_t first_not_delivered_line = 0;  // 0 when every valid line was delivered

  // "accepted N, duplicates D, rejected R" (+ ", not delivered F (first: line L)").
  std::string ToString() const;
  // 0 when all lines were accepted or duplicates, 3 when some were rejected, 1 when some were
  // not delivered.
  int ExitCode() const;
};

// Reads the feed and publishes every valid line; returns once every written record is
// acknowledged or has failed (after at most the sink's delivery timeout). Fails only when the
// feed or the rejects file cannot be opened. `stop` ends a --follow run.
absl::StatusOr<FeedSummary> RunFeed(Publisher& publisher, const FeedOptions& options,
                                    const std::atomic<bool>& stop);

}  // namespace talentflow::ingest
