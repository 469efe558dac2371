// RetractionCheck: the check `talentflowctl publish` and `talentflow-ingest feed --query` make on
// every retraction before publishing it. A retraction only lands when it is filed under its
// target's org/team (the target's partition and team history); one filed elsewhere, or with a
// mistyped targetEventId, would be accepted and stay pending forever. The check asks the
// QueryService where the target is (GetEvent) and rejects such a line with a message that says
// where the target really is, or that it is unknown.
#pragma once

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "ingest/aliases.h"
#include "talentflow/v1/event.pb.h"
#include "talentflow/v1/query.grpc.pb.h"

namespace talentflow::ingest {

struct RetractionCheckOptions {
  // Publish a retraction whose target is unknown anyway: it stays pending until the target arrives
  // (a target published later, or by another feed). A target under another org/team is rejected
  // all the same: that retraction could never land. Default: false.
  bool allow_pending = false;
  // Deadline of each GetEvent call. Default: 10 s.
  absl::Duration timeout = absl::Seconds(10);
};

class RetractionCheck {
 public:
  // Does not own `stub` (the QueryService to ask), which must outlive the check. Slugs are
  // normalised through `aliases` (null: no aliases, only lower-casing), so that "OpenAI" and
  // "openai" name the same org.
  RetractionCheck(v1::QueryService::StubInterface* stub, const Aliases* aliases, RetractionCheckOptions options = {});

  // Remembers where an event of the feed is filed (its event id, org and team), so that a later
  // retraction of it in the same feed finds it without the views. Call for every line submitted,
  // in feed order. Events without an event id are ignored.
  void Note(const v1::Event& event);

  // OK for an event that is not a retraction, and for a retraction whose target is filed under the
  // same org/team (earlier in the feed, or in the views). Otherwise a FieldError on
  // retraction.targetEventId (validator.h), for example
  //   "retraction of evt-0052: its target is in openai/dall-e, not openai/sora; file the retraction
  //    under openai/dall-e"
  //   "retraction of evt-0O52: its target is unknown (not in the views, not earlier in this feed);
  //    check targetEventId, or pass --allow-pending to publish it pending until the target arrives"
  // (the latter is OK with allow_pending), or naming the failed GetEvent call when the
  // QueryService cannot answer. Not thread-safe.
  absl::Status Check(const v1::Event& event);

 private:
  // The canonical slug of `raw`, or `raw` itself when it is none (validation rejects it then).
  std::string Org(const std::string& raw) const;
  std::string Team(const std::string& raw) const;

  v1::QueryService::StubInterface* stub_;
  Aliases no_aliases_;
  const Aliases* aliases_;
  RetractionCheckOptions options_;
  absl::flat_hash_map<std::string, std::string> seen_;  // event id -> "org/team", earlier in the feed
};

}  // namespace talentflow::ingest
