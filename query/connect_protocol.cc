#include "query/connect_protocol.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace talentflow::query::connect {

ErrorCode ToErrorCode(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kCancelled: return {"canceled", 499};
    case absl::StatusCode::kInvalidArgument: return {"invalid_argument", 400};
    case absl::StatusCode::kDeadlineExceeded: return {"deadline_exceeded", 504};
    case absl::StatusCode::kNotFound: return {"not_found", 404};
    case absl::StatusCode::kAlreadyExists: return {"already_exists", 409};
    case absl::StatusCode::kPermissionDenied: return {"permission_denied", 403};
    case absl::StatusCode::kResourceExhausted: return {"resource_exhausted", 429};
    case absl::StatusCode::kFailedPrecondition: return {"failed_precondition", 400};
    case absl::StatusCode::kAborted: return {"aborted", 409};
    case absl::StatusCode::kOutOfRange: return {"out_of_range", 400};
    case absl::StatusCode::kUnimplemented: return {"unimplemented", 501};
    case absl::StatusCode::kInternal: return {"internal", 500};
    case absl::StatusCode::kUnavailable: return {"unavailable", 503};
    case absl::StatusCode::kDataLoss: return {"data_loss", 500};
    case absl::StatusCode::kUnauthenticated: return {"unauthenticated", 401};
    default: return {"unknown", 500};
  }
}

namespace {

// `text` as a JSON string, quoted and escaped by protobuf's JSON writer.
std::string JsonString(absl::string_view text) {
  google::protobuf::Value value;
  value.set_string_value(std::string(text));
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(value, &json);  // cannot fail for a string Value
  return json;
}

}  // namespace

std::string ErrorJson(const absl::Status& status) {
  return absl::StrCat("{\"code\":", JsonString(ToErrorCode(status.code()).name), ",\"message\":",
                      JsonString(status.message()), "}");
}

std::string Envelope(uint8_t flags, absl::string_view payload) {
  const uint32_t n = static_cast<uint32_t>(payload.size());
  std::string out;
  out.reserve(5 + payload.size());
  out.push_back(static_cast<char>(flags));
  out.push_back(static_cast<char>((n >> 24) & 0xff));
  out.push_back(static_cast<char>((n >> 16) & 0xff));
  out.push_back(static_cast<char>((n >> 8) & 0xff));
  out.push_back(static_cast<char>(n & 0xff));
  out.append(payload.data(), payload.size());
  return out;
}

std::string EndStreamJson(const absl::Status& status) {
  if (status.ok()) return "{}";
  return absl::StrCat("{\"error\":", ErrorJson(status), "}");
}

absl::StatusOr<std::string> SingleEnvelopePayload(absl::string_view body) {
  if (body.size() < 5) {
    return absl::InvalidArgumentError(absl::StrCat(
        "request body: ", body.size(), " bytes, less than one Connect envelope (a flags byte and a 4-byte length)"));
  }
  const auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(body[i])); };
  if ((byte(0) & kCompressedFlag) != 0) {
    return absl::InvalidArgumentError("request body: compressed envelope, but no Connect-Content-Encoding is supported");
  }
  const uint32_t n = (byte(1) << 24) | (byte(2) << 16) | (byte(3) << 8) | byte(4);
  if (n > body.size() - 5) {
    return absl::InvalidArgumentError(
        absl::StrCat("request body: envelope length ", n, " exceeds the ", body.size() - 5, " bytes that follow it"));
  }
  if (n < body.size() - 5) {
    return absl::InvalidArgumentError(
        absl::StrCat("request body: ", body.size() - 5 - n, " bytes after the envelope (a server stream takes one request)"));
  }
  return std::string(body.substr(5));
}

absl::StatusOr<std::optional<absl::Duration>> ParseTimeout(absl::string_view header) {
  if (header.empty()) return std::nullopt;
  int64_t ms = 0;
  bool digits = header.size() <= 10;
  for (char c : header) digits = digits && absl::ascii_isdigit(static_cast<unsigned char>(c));
  if (!digits || !absl::SimpleAtoi(header, &ms) || ms <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("Connect-Timeout-Ms: \"", header, "\" is not a positive integer of at most 10 digits"));
  }
  return absl::Milliseconds(ms);
}

}  // namespace talentflow::query::connect
