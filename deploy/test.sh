#!/usr/bin/env bash
# The test command: installs what is missing, builds, starts a throwaway Kafka broker, runs every
# test (unit and integration, two at a time) and the fuzzers (deploy/fuzz.sh), stops the broker and
# exits with the tests' status.
# Extra arguments go to ctest (e.g. ./deploy/test.sh -L integration -R Feed).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)

./deploy/build.sh

# A throwaway broker on free ports, with its data in a temporary TALENTFLOW_HOME.
source deploy/lib/throwaway-broker.sh

status=0
ctest --test-dir build --output-on-failure -j 2 --timeout 600 "$@" || status=$?

# The libFuzzer targets, time-boxed, on a full run only (no ctest arguments): deploy/fuzz.sh builds
# them with clang into build-fuzz, replays tests/fuzz/regressions, then fuzzes them side by side.
# TALENTFLOW_FUZZ_SECONDS: fuzzing time per target (default 45; 0 skips the fuzzers).
fuzz_seconds=${TALENTFLOW_FUZZ_SECONDS:-45}
if [ $# -eq 0 ] && [ "$fuzz_seconds" != 0 ]; then
  ./deploy/fuzz.sh "$fuzz_seconds" || status=1
fi
exit $status
