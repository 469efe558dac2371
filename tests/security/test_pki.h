// A throwaway PKI for the security tests, made with the `openssl` command: a CA, a server
// certificate for 127.0.0.1 / localhost and a client certificate, all signed by the CA, plus a
// second CA nobody trusts. P-256 keys, valid for 2 days.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "ctl/commands.h"

namespace talentflow::testing {

struct TestPki {
  std::string dir;
  std::string ca_cert;        // the CA that signed server and client
  std::string server_cert, server_key;
  std::string client_cert, client_key;
  std::string other_ca_cert;  // a CA that signed nothing here
};

// Creates the files under `dir` (created if missing). Internal when openssl fails; its output
// is in `dir`/openssl.log.
inline absl::StatusOr<TestPki> MakeTestPki(const std::string& dir) {
  std::filesystem::create_directories(dir);
  TestPki pki{dir,
              dir + "/ca.crt",
              dir + "/server.crt",
              dir + "/server.key",
              dir + "/client.crt",
              dir + "/client.key",
              dir + "/other-ca.crt"};
  const std::string script = R"(set -e
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }
ca() {  # ca NAME CN
  key "$1.key"
  openssl req -x509 -new -key "$1.key" -out "$1.crt" -days 2 -subj "/CN=$2" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
}
leaf() {  # leaf NAME CN EXTENSIONS
  key "$1.key"
  openssl req -new -key "$1.key" -out "$1.csr" -subj "/CN=$2"
  printf '%s\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$1.crt" -days 2 -extfile "$1.ext"
}
ca ca talentflow-test-ca
ca other-ca untrusted-test-ca
leaf server localhost "subjectAltName=IP:127.0.0.1,DNS:localhost
basicConstraints=CA:FALSE
keyUsage=digitalSignature
extendedKeyUsage=serverAuth"
leaf client test-client "basicConstraints=CA:FALSE
keyUsage=digitalSignature
extendedKeyUsage=clientAuth"
)";
  const std::string script_path = dir + "/make-pki.sh";
  std::ofstream(script_path) << script;
  const std::string command = absl::StrCat("cd '", dir, "' && sh make-pki.sh > openssl.log 2>&1");
  if (std::system(command.c_str()) != 0) {
    std::ifstream log(dir + "/openssl.log");
    std::stringstream text;
    text << log.rdbuf();
    return absl::InternalError(absl::StrCat("openssl failed: ", text.str()));
  }
  return pki;
}

// talentflowctl's client options: TLS with CA `ca` when not empty, `token` when not empty, and a
// client certificate when `cert` is not empty.
inline ctl::ClientSecurityOptions Client(std::string ca, std::string token, std::string cert = "",
                                         std::string key = "") {
  ctl::ClientSecurityOptions o;
  o.tls_ca_path = std::move(ca);
  o.token = std::move(token);
  o.tls_cert_path = std::move(cert);
  o.tls_key_path = std::move(key);
  return o;
}

}  // namespace talentflow::testing
