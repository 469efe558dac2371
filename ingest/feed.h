// Feed mode: publish a JSON Lines file (or stdin) through one PublishSession, one event per line.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "ingest/feed_source.h"
#include "ingest/publisher.h"
#include "ingest/retraction_check.h"

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
  // Validate and dedupe only; nothing is written (the summary counts the lines that would be
  // accepted as valid). Default: false.
  bool dry_run = false;
  // recordedBy of the published events. Default: "feed".
  std::string principal = "feed";
  // Checks every retraction's target before it is published (feed --query); a line it refuses is
  // rejected like an invalid one. Not owned. Default: none (retractions are not checked).
  RetractionCheck* retraction_check = nullptr;
  // Reject every line without evidence (CheckEvidenceRequired). Default: false (such lines are only
  // counted in the summary).
  bool require_evidence = false;
};

// Reads the feed and publishes every valid line; returns once every written record is
// acknowledged or has failed (after at most the sink's delivery timeout). Fails only when the
// feed or the rejects file cannot be opened. `stop` ends a --follow run.
absl::StatusOr<FeedSummary> RunFeed(Publisher& publisher, const FeedOptions& options,
                                    const std::atomic<bool>& stop);

}  // namespace talentflow::ingest
