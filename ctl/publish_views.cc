#include "ctl/publish_views.h"

#include <grpcpp/grpcpp.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "ctl/commands.h"

namespace talentflow::ctl {
namespace {

// "retraction applied" for EVENT_STATUS_RETRACTION_APPLIED; "retraction no-op" for _NOOP.
std::string StatusWords(v1::EventStatus status) {
  const std::string name(absl::StripPrefix(v1::EventStatus_Name(status), "EVENT_STATUS_"));
  if (name == "RETRACTION_NOOP") return "retraction no-op";
  return absl::AsciiStrToLower(absl::StrReplaceAll(name, {{"_", " "}}));
}

}  // namespace

bool ReportViews(const std::vector<PublishedEvent>& events, const std::map<int32_t, int64_t>& offsets,
                 v1::QueryService::StubInterface& stub, absl::Duration timeout, std::ostream& out, std::ostream& err) {
  std::map<v1::EventStatus, int64_t> counts;
  std::vector<std::string> duplicates;
  for (const PublishedEvent& e : events) {
    v1::GetEventRequest req;
    req.set_event_id(e.event_id);
    for (const auto& [p, o] : offsets) (*req.mutable_min_offsets()->mutable_offsets())[p] = o;
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    v1::GetEventResponse resp;
    if (grpc::Status s = stub.GetEvent(&ctx, req, &resp); !s.ok()) {
      ReportError(grpc::Status(s.error_code(), absl::StrCat("views: reading line ", e.line, " (", e.event_id,
                                                            ") back: ", s.error_message())),
                  err);
      return false;
    }
    const v1::EventRecord& r = resp.record();
    ++counts[r.status()];
    if (r.status() == v1::EVENT_STATUS_DUPLICATE) {
      // The fold's note says of which story and why ("duplicate of evt-1: same idempotency key"),
      // or that the event id itself was seen before.
      duplicates.push_back(absl::StrCat("line ", e.line, ": ", e.event_id, " is a ",
                                        absl::StartsWith(r.note(), "duplicate of ") ? "" : "duplicate: ", r.note()));
    }
  }
  std::vector<std::string> parts;
  for (const auto& [status, n] : counts) parts.push_back(absl::StrCat(StatusWords(status), " ", n));
  out << "views: " << absl::StrJoin(parts, ", ") << "\n";
  for (const auto& d : duplicates) out << d << "\n";
  out.flush();
  return true;
}

}  // namespace talentflow::ctl
