// Access control for the gRPC services: bearer tokens from a tokens file, roles, and a bound on
// the calls a server runs at once. Every guarded RPC runs through rpc::Serve (serve.h), which calls
// CallGate::Admit — the one place where a call is authenticated, authorised and counted.
//
// Tokens file (`--tokens FILE`), one principal a line, `#` starts a comment, blank lines ignored:
//
//   # principal   sha256-hex of the token                                           roles
//   scraper-1     9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08  publisher   # token "test"
//   dashboard     66e7ac6f0a86850313c536f2b5b8fbaab05647f13ce254c24982e254bd7293c4  reader,publisher
//   ops           d9310c002af91822beb0b3487d8b04f85bf6bf1f8a5496bff7d35fc7c5a29def  admin
//
// principal: [A-Za-z0-9._@-]{1,128}, unique; the hash: 64 hex digits (`printf %s "$TOKEN" | sha256sum`),
// unique; roles: comma-separated from publisher, reader, admin (admin implies the others).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/server_context.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace talentflow::auth {

// What a principal may do. kAdmin implies every other role.
enum class Role { kPublisher = 0, kReader = 1, kAdmin = 2 };

// "publisher", "reader", "admin".
absl::string_view RoleName(Role role);

// The principal stamped into `recordedBy` when a server runs without a tokens file.
inline constexpr char kAnonymous[] = "anonymous";

// One line of the tokens file.
struct Principal {
  std::string name;
  std::array<unsigned char, 32> token_sha256{};
  uint32_t roles = 0;  // bit (1 << Role)

  // True when the principal holds `role`, or is admin.
  bool Has(Role role) const;
};

// SHA-256 of `data` (OpenSSL EVP).
std::array<unsigned char, 32> Sha256(absl::string_view data);
// The same as 64 lower-case hex digits, as `sha256sum` prints it.
std::string Sha256Hex(absl::string_view data);

// The principals of a tokens file. Immutable after loading; thread-safe.
class TokenStore {
 public:
  // Parses the format above. InvalidArgument "<source>:<line>: <reason>" for the first bad line
  // (e.g. "tokens.txt:3: unknown role \"writer\"").
  static absl::StatusOr<TokenStore> Parse(absl::string_view text, absl::string_view source = "tokens");
  // Reads and parses `path`. NotFound when it cannot be read; errors of Parse name the path.
  static absl::StatusOr<TokenStore> Load(const std::string& path);

  // The principal whose token is `token`, or nullptr. Hashes `token` and compares the hash with
  // every entry in constant time (CRYPTO_memcmp, no early exit), so timing does not reveal which
  // hashes are close.
  const Principal* Find(absl::string_view token) const;

  size_t size() const { return principals_.size(); }

 private:
  std::vector<Principal> principals_;
};

// The bearer token of the "authorization: Bearer <token>" entry of `metadata` (scheme matched
// case-insensitively). Unauthenticated when it is missing or not a bearer token.
absl::StatusOr<std::string> BearerToken(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata);

struct CallGateOptions {
  // Who may call. Null: no access control — every caller is kAnonymous with every role (the
  // servers then refuse non-loopback addresses, see server_security.h). Default: null.
  std::shared_ptr<const TokenStore> tokens;
  // Most calls admitted at once (streams count for their whole life); a call beyond answers
  // ResourceExhausted at once instead of queueing. 0: no limit. Default: 0.
  int max_in_flight = 0;
};

// CallGate admits calls of one server. Thread-safe.
class CallGate {
 public:
  // Proof of admission: the caller's principal, and one in-flight slot, released on destruction.
  class Admission {
   public:
    Admission(Admission&& other) noexcept;
    Admission& operator=(Admission&&) = delete;
    Admission(const Admission&) = delete;
    ~Admission();
    const std::string& principal() const { return principal_; }

   private:
    friend class CallGate;
    Admission(std::string principal, std::atomic<int>* slot) : principal_(std::move(principal)), slot_(slot) {}
    std::string principal_;
    std::atomic<int>* slot_;  // null once moved from
  };

  explicit CallGate(CallGateOptions options = {});

  // Authenticates the caller by the bearer token in `metadata` and checks it holds `required`:
  // the principal's name. Unauthenticated for a missing, malformed or unknown token;
  // PermissionDenied (naming principal and role) when the role is missing. Takes no slot.
  absl::StatusOr<std::string> Authorize(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
                                        Role required) const;

  // Authorize with the client's metadata, then takes an in-flight slot: ResourceExhausted when
  // max_in_flight calls are already admitted. The Admission is kept until the handler returns
  // (rpc::Serve does both).
  absl::StatusOr<Admission> Admit(const grpc::ServerContextBase& context, Role required);

  // Calls admitted and not yet finished.
  int in_flight() const { return in_flight_.load(); }
  bool access_control() const { return options_.tokens != nullptr; }

  // Calls Admit refused since the gate was made, by the code it answered: kResourceExhausted,
  // kUnauthenticated or kPermissionDenied; 0 for any other code. For /metrics (call_gate_metrics.h).
  uint64_t refused(absl::StatusCode code) const;

 private:
  CallGateOptions options_;
  std::atomic<int> in_flight_{0};
  std::atomic<uint64_t> refused_busy_{0};
  std::atomic<uint64_t> refused_unauthenticated_{0};
  std::atomic<uint64_t> refused_permission_denied_{0};
};

}  // namespace talentflow::auth
