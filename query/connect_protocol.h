// The wire details of the Connect protocol (connectrpc.com/docs/protocol) that the HTTP/JSON
// gateway (query/http_gateway.h) speaks: error codes and their HTTP statuses, the JSON error body,
// the envelope of streamed messages, and the Connect-Timeout-Ms header. Pure functions, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace talentflow::query::connect {

// A Connect error code and the HTTP status a unary answer carries with it.
struct ErrorCode {
  absl::string_view name;  // e.g. "not_found"
  int http_status;         // e.g. 404
};

// The Connect code of a status code (the gRPC codes; Connect spells CANCELLED "canceled"), with the
// protocol's HTTP status: canceled 499, unknown 500, invalid_argument 400, deadline_exceeded 504,
// not_found 404, already_exists 409, permission_denied 403, resource_exhausted 429,
// failed_precondition 400, aborted 409, out_of_range 400, unimplemented 501, internal 500,
// unavailable 503, data_loss 500, unauthenticated 401. REQUIRES: `code` is not kOk.
ErrorCode ToErrorCode(absl::StatusCode code);

// The Connect JSON error of a failed status, e.g. {"code":"not_found","message":"team openai/x not found"}.
// REQUIRES: !status.ok().
std::string ErrorJson(const absl::Status& status);

// Flags of an enveloped message (streams): bit 0 compressed, bit 1 end of stream.
inline constexpr uint8_t kCompressedFlag = 0x01;
inline constexpr uint8_t kEndStreamFlag = 0x02;

// One envelope: the flags byte, the payload's length as 4 bytes big-endian, the payload.
// Example: Envelope(0, "{}") is "\x00\x00\x00\x00\x02{}".
std::string Envelope(uint8_t flags, absl::string_view payload);

// The payload of the end-of-stream envelope: "{}" for OK, else {"error":<ErrorJson(status)>}.
std::string EndStreamJson(const absl::Status& status);

// A request body of exactly one envelope (a server stream's request): its payload.
// InvalidArgument naming what is wrong (short body, compressed flag, length beyond the body, bytes
// after the envelope).
absl::StatusOr<std::string> SingleEnvelopePayload(absl::string_view body);

// The Connect-Timeout-Ms header: nullopt when absent (""), else a positive integer of at most 10
// digits as a duration. InvalidArgument naming the header otherwise.
absl::StatusOr<std::optional<absl::Duration>> ParseTimeout(absl::string_view header);

}  // namespace talentflow::query::connect
