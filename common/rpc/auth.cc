#include "common/rpc/auth.h"

#include <fstream>
#include <sstream>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace talentflow::auth {
namespace {

constexpr absl::string_view kRoleNames[] = {"publisher", "reader", "admin"};

bool IsPrincipalName(absl::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '@' && c != '-') {
      return false;
    }
  }
  return true;
}

absl::Status LineError(absl::string_view source, int line, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(source, ":", line, ": ", reason));
}

}  // namespace

absl::string_view RoleName(Role role) { return kRoleNames[static_cast<int>(role)]; }

bool Principal::Has(Role role) const {
  return (roles & (1u << static_cast<int>(Role::kAdmin))) != 0 || (roles & (1u << static_cast<int>(role))) != 0;
}

std::array<unsigned char, 32> Sha256(absl::string_view data) {
  std::array<unsigned char, 32> out{};
  unsigned int len = 0;
  // EVP_Digest cannot fail for SHA-256 on in-memory input short of allocation failure.
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1 || len != out.size()) {
    std::abort();
  }
  return out;
}

std::string Sha256Hex(absl::string_view data) {
  const std::array<unsigned char, 32> digest = Sha256(data);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

absl::StatusOr<TokenStore> TokenStore::Parse(absl::string_view text, absl::string_view source) {
  TokenStore store;
  absl::flat_hash_set<std::string> names;
  absl::flat_hash_set<std::string> hashes;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    if (size_t hash = line.find('#'); hash != absl::string_view::npos) line = line.substr(0, hash);
    std::vector<absl::string_view> fields = absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
    if (fields.empty()) continue;
    if (fields.size() != 3) {
      return LineError(source, line_number,
                       absl::StrCat("expected \"<principal> <sha256-hex> <role>[,<role>...]\", got ", fields.size(),
                                    " fields"));
    }
    Principal p;
    if (!IsPrincipalName(fields[0])) {
      return LineError(source, line_number,
                       absl::StrCat("principal \"", fields[0], "\" is not [A-Za-z0-9._@-]{1,128}"));
    }
    p.name = std::string(fields[0]);
    if (!names.insert(p.name).second) {
      return LineError(source, line_number, absl::StrCat("principal \"", p.name, "\" appears twice"));
    }
    const std::string hex = absl::AsciiStrToLower(fields[1]);
    bool is_hex = hex.size() == 64;
    for (char c : hex) is_hex = is_hex && absl::ascii_isxdigit(static_cast<unsigned char>(c));
    if (!is_hex) {
      // The field is meant to be a hash; do not echo it in case a token was pasted by mistake.
      return LineError(source, line_number, "token hash is not 64 hex digits (SHA-256 of the token, as sha256sum prints it)");
    }
    if (!hashes.insert(hex).second) {
      return LineError(source, line_number, "token hash appears twice (each principal needs its own token)");
    }
    const std::string bytes = absl::HexStringToBytes(hex);
    std::copy(bytes.begin(), bytes.end(), p.token_sha256.begin());
    for (absl::string_view role : absl::StrSplit(fields[2], ',')) {
      int found = -1;
      for (int r = 0; r < 3; ++r) {
        if (role == kRoleNames[r]) found = r;
      }
      if (found < 0) {
        return LineError(source, line_number,
                         absl::StrCat("unknown role \"", role, "\" (roles: publisher, reader, admin)"));
      }
      p.roles |= 1u << found;
    }
    store.principals_.push_back(std::move(p));
  }
  return store;
}

absl::StatusOr<TokenStore> TokenStore::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("tokens file ", path, ": cannot be read"));
  std::ostringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

const Principal* TokenStore::Find(absl::string_view token) const {
  const std::array<unsigned char, 32> digest = Sha256(token);
  const Principal* found = nullptr;
  for (const Principal& p : principals_) {
    // Every entry is compared; hashes are unique, so at most one matches.
    const bool match = CRYPTO_memcmp(digest.data(), p.token_sha256.data(), digest.size()) == 0;
    if (match) found = &p;
  }
  return found;
}

absl::StatusOr<std::string> BearerToken(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata) {
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return absl::UnauthenticatedError("missing \"authorization: Bearer <token>\" metadata");
  }
  absl::string_view value(it->second.data(), it->second.size());
  constexpr absl::string_view kScheme = "bearer ";
  if (!absl::StartsWithIgnoreCase(value, kScheme)) {
    return absl::UnauthenticatedError("authorization metadata is not a bearer token");
  }
  value = absl::StripAsciiWhitespace(value.substr(kScheme.size()));
  if (value.empty()) return absl::UnauthenticatedError("empty bearer token");
  return std::string(value);
}

CallGate::Admission::Admission(Admission&& other) noexcept
    : principal_(std::move(other.principal_)), slot_(other.slot_) {
  other.slot_ = nullptr;
}

CallGate::Admission::~Admission() {
  if (slot_ != nullptr) slot_->fetch_sub(1);
}

CallGate::CallGate(CallGateOptions options) : options_(std::move(options)) {}

absl::StatusOr<std::string> CallGate::Authorize(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
                                                Role required) const {
  if (options_.tokens == nullptr) return std::string(kAnonymous);
  absl::StatusOr<std::string> token = BearerToken(metadata);
  if (!token.ok()) return token.status();
  const Principal* p = options_.tokens->Find(*token);
  if (p == nullptr) return absl::UnauthenticatedError("unknown token");
  if (!p->Has(required)) {
    return absl::PermissionDeniedError(
        absl::StrCat("principal \"", p->name, "\" lacks role \"", RoleName(required), "\""));
  }
  return p->name;
}

absl::StatusOr<CallGate::Admission> CallGate::Admit(const grpc::ServerContextBase& context, Role required) {
  absl::StatusOr<std::string> principal = Authorize(context.client_metadata(), required);
  if (!principal.ok()) {
    (principal.status().code() == absl::StatusCode::kPermissionDenied ? refused_permission_denied_
                                                                      : refused_unauthenticated_)
        .fetch_add(1, std::memory_order_relaxed);
    return principal.status();
  }
  const int before = in_flight_.fetch_add(1);
  Admission admission(*std::move(principal), &in_flight_);  // releases the slot on every path
  if (options_.max_in_flight > 0 && before >= options_.max_in_flight) {
    refused_busy_.fetch_add(1, std::memory_order_relaxed);
    return absl::ResourceExhaustedError(
        absl::StrCat("server busy: ", options_.max_in_flight, " calls in flight (--max-in-flight); retry later"));
  }
  return admission;
}

uint64_t CallGate::refused(absl::StatusCode code) const {
  switch (code) {
    case absl::StatusCode::kResourceExhausted:
      return refused_busy_.load(std::memory_order_relaxed);
    case absl::StatusCode::kUnauthenticated:
      return refused_unauthenticated_.load(std::memory_order_relaxed);
    case absl::StatusCode::kPermissionDenied:
      return refused_permission_denied_.load(std::memory_order_relaxed);
    default:
      return 0;
  }
}

}  // namespace talentflow::auth
