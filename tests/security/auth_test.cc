// The pure parts of access control: the tokens file, roles, bearer metadata, the in-flight
// limit, rpc::Serve, the loopback rule and the checks of MakeServerSecurity. No network, no broker.
#include "common/rpc/auth.h"

#include <cctype>
#include <deque>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "common/rpc/serve.h"
#include "common/rpc/server_security.h"

namespace talentflow::auth {
namespace {

using ::testing::HasSubstr;

// printf %s test | sha256sum
constexpr char kTestHash[] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

// The metadata a client sends; string_refs point into `storage`.
class Metadata {
 public:
  Metadata& Add(std::string key, std::string value) {
    storage_.emplace_back(std::move(key), std::move(value));
    return *this;
  }
  const std::multimap<grpc::string_ref, grpc::string_ref>& map() {
    map_.clear();
    for (const auto& [k, v] : storage_) map_.emplace(grpc::string_ref(k), grpc::string_ref(v));
    return map_;
  }

 private:
  std::deque<std::pair<std::string, std::string>> storage_;
  std::multimap<grpc::string_ref, grpc::string_ref> map_;
};

std::shared_ptr<const TokenStore> Store() {
  const std::string text = absl::StrCat(                                   //
      "# principals of the test\n",                                        //
      "\n",                                                                //
      "scraper-1  ", Sha256Hex("pub-token"), "  publisher   # a scraper\n",  //
      "dashboard\t", Sha256Hex("read-token"), "\treader\n",                //
      "ops@example.com ", Sha256Hex("admin-token"), " admin\n",            //
      "both ", Sha256Hex("both-token"), " reader,publisher\n");
  return std::make_shared<const TokenStore>(TokenStore::Parse(text, "tokens.txt").value());
}

CallGateOptions Options(std::shared_ptr<const TokenStore> tokens, int max_in_flight) {
  CallGateOptions o;
  o.tokens = std::move(tokens);
  o.max_in_flight = max_in_flight;
  return o;
}

TEST(Sha256Hex, EqualsWhatSha256sumPrints) {
  EXPECT_EQ(Sha256Hex("test"), kTestHash);
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(TokenStore, FindsThePrincipalOfAToken) {
  auto store = Store();
  EXPECT_EQ(store->size(), 4u);
  const Principal* p = store->Find("pub-token");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->name, "scraper-1");
  EXPECT_TRUE(p->Has(Role::kPublisher));
  EXPECT_FALSE(p->Has(Role::kReader));
  EXPECT_FALSE(p->Has(Role::kAdmin));
  EXPECT_EQ(store->Find("read-token")->name, "dashboard");
  EXPECT_EQ(store->Find("admin-token")->name, "ops@example.com");
  // The stored value is the hash: presenting the hash itself, or nothing, finds no one.
  EXPECT_EQ(store->Find(Sha256Hex("pub-token")), nullptr);
  EXPECT_EQ(store->Find(""), nullptr);
  EXPECT_EQ(store->Find("pub-token "), nullptr);
}

TEST(TokenStore, AcceptsUpperCaseHexAndCrLf) {
  std::string upper = kTestHash;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto store = TokenStore::Parse(absl::StrCat("a ", upper, " reader\r\n"));
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_NE(store->Find("test"), nullptr);
  EXPECT_EQ(store->Find("test")->name, "a");
}

TEST(TokenStore, RejectsBadLinesNamingTheLine) {
  const std::string ok = absl::StrCat("fine ", Sha256Hex("x"), " reader\n");
  struct Case {
    std::string text;
    std::string message;
  };
  const Case cases[] = {
      {absl::StrCat(ok, "lonely\n"), "tokens.txt:2: expected \"<principal> <sha256-hex> <role>[,<role>...]\", got 1 fields"},
      {absl::StrCat(ok, "# c\nx ", kTestHash, " reader extra\n"), "tokens.txt:3: expected"},
      {absl::StrCat("bad/name ", kTestHash, " reader\n"), "tokens.txt:1: principal \"bad/name\" is not [A-Za-z0-9._@-]{1,128}"},
      {absl::StrCat(ok, "short abc123 reader\n"), "tokens.txt:2: token hash is not 64 hex digits"},
      {absl::StrCat(ok, "zz ", std::string(63, 'a'), "g reader\n"), "tokens.txt:2: token hash is not 64 hex digits"},
      {absl::StrCat(ok, "\n\nw ", kTestHash, " writer\n"), "tokens.txt:4: unknown role \"writer\" (roles: publisher, reader, admin)"},
      {absl::StrCat(ok, "w ", kTestHash, " reader,\n"), "tokens.txt:2: unknown role \"\""},
      {absl::StrCat(ok, "fine ", kTestHash, " reader\n"), "tokens.txt:2: principal \"fine\" appears twice"},
      {absl::StrCat(ok, "other ", Sha256Hex("x"), " admin\n"), "tokens.txt:2: token hash appears twice"},
  };
  for (const Case& c : cases) {
    auto store = TokenStore::Parse(c.text, "tokens.txt");
    ASSERT_FALSE(store.ok()) << c.text;
    EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(store.status().message()), ::testing::StartsWith(c.message)) << c.text;
  }
}

TEST(TokenStore, ABadHashIsNotEchoed) {
  // Someone pasted the token instead of its hash: the error must not print it.
  auto store = TokenStore::Parse("svc s3cret-token-value reader\n", "t");
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(std::string(store.status().message()), ::testing::Not(HasSubstr("s3cret")));
}

TEST(TokenStore, LoadNamesAMissingFile) {
  auto store = TokenStore::Load("/nonexistent/tokens");
  EXPECT_EQ(store.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("/nonexistent/tokens"));
}

TEST(BearerToken, ReadsTheAuthorizationMetadata) {
  Metadata md;
  EXPECT_EQ(BearerToken(md.map()).status().code(), absl::StatusCode::kUnauthenticated);
  md.Add("authorization", "Basic dXNlcjpwYXNz");
  EXPECT_EQ(BearerToken(md.map()).status().code(), absl::StatusCode::kUnauthenticated);
  Metadata bearer;
  bearer.Add("authorization", "bearer  abc ");
  EXPECT_EQ(BearerToken(bearer.map()).value(), "abc");
  Metadata empty;
  empty.Add("authorization", "Bearer ");
  EXPECT_EQ(BearerToken(empty.map()).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(CallGate, AuthorizesByRole) {
  CallGate gate(Options(Store(), 0));
  auto as = [&](const std::string& token, Role role) {
    Metadata md;
    if (!token.empty()) md.Add("authorization", "Bearer " + token);
    return gate.Authorize(md.map(), role);
  };
  EXPECT_EQ(as("pub-token", Role::kPublisher).value(), "scraper-1");
  EXPECT_EQ(as("read-token", Role::kReader).value(), "dashboard");
  EXPECT_EQ(as("both-token", Role::kReader).value(), "both");
  EXPECT_EQ(as("both-token", Role::kPublisher).value(), "both");
  // admin implies every role
  EXPECT_EQ(as("admin-token", Role::kPublisher).value(), "ops@example.com");
  EXPECT_EQ(as("admin-token", Role::kReader).value(), "ops@example.com");
  EXPECT_EQ(as("admin-token", Role::kAdmin).value(), "ops@example.com");

  EXPECT_EQ(as("", Role::kReader).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(as("guess", Role::kReader).status().code(), absl::StatusCode::kUnauthenticated);
  auto denied = as("read-token", Role::kPublisher);
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(denied.status().message(), "principal \"dashboard\" lacks role \"publisher\"");
  EXPECT_EQ(as("pub-token", Role::kReader).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(as("both-token", Role::kAdmin).status().code(), absl::StatusCode::kPermissionDenied);
}

TEST(CallGate, WithoutTokensEveryoneIsAnonymous) {
  CallGate gate;
  Metadata md;
  EXPECT_FALSE(gate.access_control());
  EXPECT_EQ(gate.Authorize(md.map(), Role::kAdmin).value(), kAnonymous);
}

TEST(CallGate, AdmitsAtMostMaxInFlight) {
  CallGate gate(Options(nullptr, 2));
  grpc::ServerContext ctx;  // no metadata; no tokens, so anonymous
  auto a = gate.Admit(ctx, Role::kReader);
  auto b = gate.Admit(ctx, Role::kReader);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(gate.in_flight(), 2);
  auto c = gate.Admit(ctx, Role::kReader);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(gate.in_flight(), 2);  // a refused call holds no slot
  {
    CallGate::Admission moved = *std::move(a);  // the slot moves with the admission
    EXPECT_EQ(gate.in_flight(), 2);
  }
  EXPECT_EQ(gate.in_flight(), 1);
  auto d = gate.Admit(ctx, Role::kReader);
  EXPECT_TRUE(d.ok());
  EXPECT_EQ(gate.in_flight(), 2);
}

TEST(CallGate, RefusedCallersTakeNoSlot) {
  CallGate gate(Options(Store(), 1));
  grpc::ServerContext ctx;  // no token
  EXPECT_EQ(gate.Admit(ctx, Role::kReader).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(gate.in_flight(), 0);
}

TEST(CallGate, CountsRefusedCallsByCode) {
  CallGate gate(Options(Store(), 0));
  grpc::ServerContext ctx;  // no token
  EXPECT_EQ(gate.Admit(ctx, Role::kReader).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(gate.Admit(ctx, Role::kPublisher).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(gate.refused(absl::StatusCode::kUnauthenticated), 2u);
  EXPECT_EQ(gate.refused(absl::StatusCode::kResourceExhausted), 0u);
  EXPECT_EQ(gate.refused(absl::StatusCode::kPermissionDenied), 0u);

  CallGate busy(Options(nullptr, 1));
  auto held = busy.Admit(ctx, Role::kReader);
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(busy.Admit(ctx, Role::kReader).status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(busy.Admit(ctx, Role::kReader).status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(busy.Admit(ctx, Role::kReader).status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(busy.refused(absl::StatusCode::kResourceExhausted), 3u);
  EXPECT_EQ(busy.refused(absl::StatusCode::kUnauthenticated), 0u);
  EXPECT_EQ(busy.refused(absl::StatusCode::kNotFound), 0u);  // not a refusal
}

TEST(Serve, HoldsTheSlotWhileTheBodyRunsAndReturnsItsStatus) {
  CallGate gate(Options(nullptr, 1));
  grpc::ServerContext ctx;  // no tokens: anonymous
  bool nested_ran = false;
  const grpc::Status outer = rpc::Serve(gate, ctx, Role::kReader, [&](const std::string& principal) -> absl::Status {
    EXPECT_EQ(principal, kAnonymous);
    EXPECT_EQ(gate.in_flight(), 1);
    const grpc::Status nested = rpc::Serve(gate, ctx, Role::kReader, [&]() -> absl::Status {
      nested_ran = true;
      return absl::OkStatus();
    });
    EXPECT_EQ(nested.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    return absl::NotFoundError("team openai/sora not found");
  });
  EXPECT_FALSE(nested_ran);  // a call that is not admitted never reaches its handler
  EXPECT_EQ(outer.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(outer.error_message(), "team openai/sora not found");
  EXPECT_EQ(gate.in_flight(), 0);
}

TEST(Serve, AnUnauthenticatedCallNeverRunsTheBody) {
  CallGate gate(Options(Store(), 0));
  grpc::ServerContext ctx;  // no token
  bool ran = false;
  const grpc::Status s = rpc::Serve(gate, ctx, Role::kReader, [&]() -> absl::Status {
    ran = true;
    return absl::OkStatus();
  });
  EXPECT_FALSE(ran);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(s.error_message(), "missing \"authorization: Bearer <token>\" metadata");
}

}  // namespace
}  // namespace talentflow::auth

namespace talentflow {
namespace {

TEST(IsLoopbackAddress, OnlyAddressesNoOtherHostReaches) {
  EXPECT_TRUE(IsLoopbackAddress("127.0.0.1:7401"));
  EXPECT_TRUE(IsLoopbackAddress("127.1.2.3:0"));
  EXPECT_TRUE(IsLoopbackAddress("localhost:7401"));
  EXPECT_TRUE(IsLoopbackAddress("[::1]:7401"));
  EXPECT_TRUE(IsLoopbackAddress("ipv4:127.0.0.1:7401"));
  EXPECT_TRUE(IsLoopbackAddress("unix:/tmp/tf.sock"));
  EXPECT_FALSE(IsLoopbackAddress("0.0.0.0:7401"));
  EXPECT_FALSE(IsLoopbackAddress("[::]:7401"));
  EXPECT_FALSE(IsLoopbackAddress(":7401"));
  EXPECT_FALSE(IsLoopbackAddress("10.0.0.5:7401"));
  EXPECT_FALSE(IsLoopbackAddress("example.com:7401"));
  EXPECT_FALSE(IsLoopbackAddress("128.0.0.1:7401"));
  EXPECT_FALSE(IsLoopbackAddress("[::ffff:10.0.0.1]:7401"));
}

TEST(MakeServerSecurity, NoTokensMeansLoopbackOnly) {
  ServerSecurityOptions options;
  auto loopback = MakeServerSecurity(options, "127.0.0.1:0");
  ASSERT_TRUE(loopback.ok()) << loopback.status();
  EXPECT_FALSE(loopback->gate->access_control());
  EXPECT_THAT(loopback->description, ::testing::HasSubstr("NO access control"));
  auto any = MakeServerSecurity(options, "0.0.0.0:7401");
  EXPECT_EQ(any.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(any.status().message()), ::testing::HasSubstr("no --tokens file"));
}

TEST(MakeServerSecurity, ChecksTheTlsFlagsGoTogether) {
  ServerSecurityOptions cert_only;
  cert_only.tls_cert_path = "/x.crt";
  EXPECT_EQ(MakeServerSecurity(cert_only, "127.0.0.1:0").status().code(), absl::StatusCode::kInvalidArgument);
  ServerSecurityOptions ca_only;
  ca_only.tls_client_ca_path = "/ca.crt";
  EXPECT_EQ(MakeServerSecurity(ca_only, "127.0.0.1:0").status().code(), absl::StatusCode::kInvalidArgument);
  ServerSecurityOptions missing;
  missing.tls_cert_path = "/nonexistent.crt";
  missing.tls_key_path = "/nonexistent.key";
  EXPECT_EQ(MakeServerSecurity(missing, "127.0.0.1:0").status().code(), absl::StatusCode::kNotFound);
  ServerSecurityOptions negative;
  negative.max_in_flight = -1;
  EXPECT_EQ(MakeServerSecurity(negative, "127.0.0.1:0").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace talentflow
