#!/usr/bin/env bash
# Installs every system package talentflow needs to build, test and run (Debian 12).
# Idempotent and quiet when everything is present; uses sudo only when not root.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git curl
  librdkafka-dev librocksdb-dev
  libprotobuf-dev protobuf-compiler
  libgrpc++-dev protobuf-compiler-grpc
  libabsl-dev libgtest-dev libgmock-dev
  libcli11-dev libspdlog-dev libfmt-dev libcpp-httplib-dev
  libssl-dev libxxhash-dev libgoogle-perftools-dev
  openjdk-17-jre-headless maven kcat time python3
  clang-14 libclang-rt-14-dev
  python3-venv openssl chromium prometheus python3-yaml
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

# The web dashboard (web/build.sh) needs Node.js 20 or later and npm; Debian 12's nodejs is 18, so
# they come from the machine (https://nodejs.org), not from apt.
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ] || ! command -v npm >/dev/null; then
  echo "install-deps: Node.js >= 20 with npm is needed for the web dashboard (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
