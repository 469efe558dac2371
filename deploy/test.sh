#!/usr/bin/env bash
# The test command: installs what is missing, builds, starts a throwaway Kafka broker, runs every
# test (unit and integration, two at a time), stops the broker and exits with the tests' status.
# Extra arguments go to ctest (e.g. ./deploy/test.sh -L integration -R Feed).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)

./deploy/build.sh

# A throwaway broker on free ports, with its data in a temporary TALENTFLOW_HOME.
source deploy/lib/throwaway-broker.sh

status=0
ctest --test-dir build --output-on-failure -j 2 --timeout 600 "$@" || status=$?
exit $status
