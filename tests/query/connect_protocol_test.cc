// The Connect protocol's wire details (query/connect_protocol.h): codes and HTTP statuses as in
// connectrpc.com/docs/protocol, and envelopes as golden bytes written by hand.
#include "query/connect_protocol.h"

#include <gtest/gtest.h>

#include "absl/status/status.h"

namespace talentflow::query::connect {
namespace {

TEST(ToErrorCode, FollowsTheProtocolTable) {
  const struct {
    absl::StatusCode code;
    const char* name;
    int http;
  } kTable[] = {
      {absl::StatusCode::kCancelled, "canceled", 499},
      {absl::StatusCode::kUnknown, "unknown", 500},
      {absl::StatusCode::kInvalidArgument, "invalid_argument", 400},
      {absl::StatusCode::kDeadlineExceeded, "deadline_exceeded", 504},
      {absl::StatusCode::kNotFound, "not_found", 404},
      {absl::StatusCode::kAlreadyExists, "already_exists", 409},
      {absl::StatusCode::kPermissionDenied, "permission_denied", 403},
      {absl::StatusCode::kResourceExhausted, "resource_exhausted", 429},
      {absl::StatusCode::kFailedPrecondition, "failed_precondition", 400},
      {absl::StatusCode::kAborted, "aborted", 409},
      {absl::StatusCode::kOutOfRange, "out_of_range", 400},
      {absl::StatusCode::kUnimplemented, "unimplemented", 501},
      {absl::StatusCode::kInternal, "internal", 500},
      {absl::StatusCode::kUnavailable, "unavailable", 503},
      {absl::StatusCode::kDataLoss, "data_loss", 500},
      {absl::StatusCode::kUnauthenticated, "unauthenticated", 401},
  };
  for (const auto& row : kTable) {
    const ErrorCode got = ToErrorCode(row.code);
    EXPECT_EQ(got.name, row.name) << static_cast<int>(row.code);
    EXPECT_EQ(got.http_status, row.http) << row.name;
  }
}

TEST(ErrorJson, NamesCodeAndMessage) {
  EXPECT_EQ(ErrorJson(absl::NotFoundError("team openai/soraa not found; did you mean openai/sora?")),
            R"({"code":"not_found","message":"team openai/soraa not found; did you mean openai/sora?"})");
}

TEST(ErrorJson, EscapesTheMessage) {
  EXPECT_EQ(ErrorJson(absl::InvalidArgumentError("org: \"a\\b\"\n")),
            R"({"code":"invalid_argument","message":"org: \"a\\b\"\n"})");
}

TEST(Envelope, IsFlagsLengthPayload) {
  EXPECT_EQ(Envelope(0, "{}"), std::string("\x00\x00\x00\x00\x02{}", 7));
  EXPECT_EQ(Envelope(kEndStreamFlag, "{}"), std::string("\x02\x00\x00\x00\x02{}", 7));
  // 300 = 0x012c: the length is big-endian.
  const std::string payload(300, 'x');
  EXPECT_EQ(Envelope(0, payload), std::string("\x00\x00\x00\x01\x2c", 5) + payload);
}

TEST(EndStreamJson, IsEmptyObjectOrError) {
  EXPECT_EQ(EndStreamJson(absl::OkStatus()), "{}");
  EXPECT_EQ(EndStreamJson(absl::UnauthenticatedError("unknown token")),
            R"({"error":{"code":"unauthenticated","message":"unknown token"}})");
}

TEST(SingleEnvelopePayload, ReadsOneEnvelope) {
  const std::string body("\x00\x00\x00\x00\x10{\"org\":\"openai\"}", 21);
  EXPECT_EQ(*SingleEnvelopePayload(body), R"({"org":"openai"})");
  EXPECT_EQ(*SingleEnvelopePayload(std::string("\x00\x00\x00\x00\x00", 5)), "");
}

TEST(SingleEnvelopePayload, RejectsMalformedBodies) {
  EXPECT_EQ(SingleEnvelopePayload(std::string("\x00\x00\x00", 3)).status().message(),
            "request body: 3 bytes, less than one Connect envelope (a flags byte and a 4-byte length)");
  EXPECT_EQ(SingleEnvelopePayload(std::string("\x01\x00\x00\x00\x02{}", 7)).status().message(),
            "request body: compressed envelope, but no Connect-Content-Encoding is supported");
  EXPECT_EQ(SingleEnvelopePayload(std::string("\x00\x00\x00\x00\x09{}", 7)).status().message(),
            "request body: envelope length 9 exceeds the 2 bytes that follow it");
  EXPECT_EQ(SingleEnvelopePayload(std::string("\x00\x00\x00\x00\x01{}", 7)).status().message(),
            "request body: 1 bytes after the envelope (a server stream takes one request)");
}

TEST(ParseTimeout, TakesPositiveMilliseconds) {
  EXPECT_EQ(*ParseTimeout(""), std::nullopt);
  EXPECT_EQ(**ParseTimeout("1500"), absl::Milliseconds(1500));
  EXPECT_EQ(**ParseTimeout("9999999999"), absl::Milliseconds(9999999999));
  for (const char* bad : {"0", "-5", "1.5", "abc", "12345678901", " 10"}) {
    EXPECT_TRUE(absl::IsInvalidArgument(ParseTimeout(bad).status())) << bad;
  }
  EXPECT_EQ(ParseTimeout("abc").status().message(),
            "Connect-Timeout-Ms: \"abc\" is not a positive integer of at most 10 digits");
}

}  // namespace
}  // namespace talentflow::query::connect
