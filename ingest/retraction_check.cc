#include "ingest/retraction_check.h"

#include <chrono>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "common/rpc/grpc_status.h"
#include "ingest/validator.h"

namespace talentflow::ingest {

RetractionCheck::RetractionCheck(v1::QueryService::StubInterface* stub, const Aliases* aliases,
                                 RetractionCheckOptions options)
    : stub_(stub), aliases_(aliases != nullptr ? aliases : &no_aliases_), options_(options) {}

std::string RetractionCheck::Org(const std::string& raw) const {
  absl::StatusOr<std::string> slug = aliases_->Org(raw);
  return slug.ok() ? *slug : raw;
}

std::string RetractionCheck::Team(const std::string& raw) const {
  absl::StatusOr<std::string> slug = aliases_->Team(raw);
  return slug.ok() ? *slug : raw;
}

void RetractionCheck::Note(const v1::Event& event) {
  if (event.event_id().empty()) return;
  // The first filing of an id is the one the views keep.
  seen_.emplace(event.event_id(), absl::StrCat(Org(event.org()), "/", Team(event.team())));
}

absl::Status RetractionCheck::Check(const v1::Event& event) {
  if (!event.has_retraction() || event.retraction().target_event_id().empty()) return absl::OkStatus();
  const std::string& target = event.retraction().target_event_id();
  const std::string filed = absl::StrCat(Org(event.org()), "/", Team(event.team()));
  std::string where;
  if (auto it = seen_.find(target); it != seen_.end()) {
    where = it->second;
  } else {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(options_.timeout));
    v1::GetEventRequest req;
    req.set_event_id(target);
    v1::GetEventResponse resp;
    const absl::Status s = FromGrpc(stub_->GetEvent(&ctx, req, &resp));
    if (absl::IsNotFound(s)) {
      if (options_.allow_pending) return absl::OkStatus();
      return FieldError("retraction.targetEventId",
                        absl::StrCat("retraction of ", target,
                                     ": its target is unknown (not in the views, not earlier in this feed); check "
                                     "targetEventId, or pass --allow-pending to publish it pending until the target "
                                     "arrives"));
    }
    if (!s.ok()) {
      // Not checked is not the same as checked: the line is not published on a guess.
      return FieldError("retraction.targetEventId",
                        absl::StrCat("retraction of ", target, ": cannot check its target (GetEvent: ",
                                     absl::StatusCodeToString(s.code()), ": ", s.message(), ")"));
    }
    where = absl::StrCat(resp.record().event().org(), "/", resp.record().event().team());
  }
  if (where == filed) return absl::OkStatus();
  return FieldError("retraction.targetEventId",
                    absl::StrCat("retraction of ", target, ": its target is in ", where, ", not ", filed,
                                 "; file the retraction under ", where));
}

}  // namespace talentflow::ingest
