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
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
