#!/usr/bin/env bash
# Installs what is missing and builds talentflow into ./build (Release with debug info, Ninja), and the
# web dashboard into ./build/web (web/build.sh: npm ci when the lock changed, protoc-gen-es, tsc, esbuild).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./deploy/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" >/dev/null
# Only warnings and errors are shown; a failed build fails the script (pipefail).
ninja -C build -j "$(nproc)" | { grep -vE '^\[[0-9]+/[0-9]+\] ' || true; }
./web/build.sh
