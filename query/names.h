// How the query service reads the names in a request: the org and team names the feed takes
// (aliases, any case, surrounding spaces) resolve to the slugs the views are keyed by, and a name
// the views do not hold is answered with the nearest ones they do ("did you mean openai/sora?").
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/support/server_interceptor.h>

#include "absl/strings/string_view.h"
#include "common/base/aliases.h"
#include "google/protobuf/message.h"

namespace talentflow::query {

// Rewrites the names of a QueryService request to canonical slugs through `aliases`, as ingest
// does for events: the top-level string fields `org` and `counterparty` (Aliases::Org) and `team`
// and the repeated `teams` (Aliases::Team). A name that does not resolve is left as it is (the method rejects it,
// naming the field). Idempotent: a slug resolves to itself.
void ResolveNames(const Aliases& aliases, google::protobuf::Message* request);

// A server interceptor factory that applies ResolveNames to the request of every
// talentflow.v1.QueryService call before its handler runs (other services are left alone): the
// one place reads resolve names, whichever method. Does not own `aliases`, which must outlive
// the server.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> NameResolvingInterceptors(
    const Aliases* aliases);

// The names among `known` nearest to `wanted` by edit distance (insertions, deletions,
// substitutions, and swaps of neighbours, each 1), at most max(2, |wanted| / 3) away: those at the
// smallest distance found, by name, at most `limit`. Empty when none is that near.
// Example: NearestNames("teamm7", {"team7", "team1", "codex"}) -> {"team7"}.
std::vector<std::string> NearestNames(absl::string_view wanted, const std::vector<std::string>& known,
                                      size_t limit = 3);

// "; did you mean a?" / "; did you mean a or b?" / "; did you mean a, b or c?"; "" for none.
std::string DidYouMean(const std::vector<std::string>& names);

}  // namespace talentflow::query
