#!/usr/bin/env bash
# The test command: installs what is missing, builds, starts a throwaway Kafka broker, runs every
# test (unit and integration, two at a time), stops the broker and exits with the tests' status.
# Extra arguments go to ctest (e.g. ./deploy/test.sh -L integration -R Feed).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)

./deploy/build.sh

# A throwaway broker on free ports, with its data in a temporary TALENTFLOW_HOME.
export TALENTFLOW_HOME
TALENTFLOW_HOME=$(mktemp -d /tmp/talentflow-test.XXXXXX)
read -r port cport < <(python3 - <<'PY'
import socket
s1, s2 = socket.socket(), socket.socket()
s1.bind(("127.0.0.1", 0)); s2.bind(("127.0.0.1", 0))
print(s1.getsockname()[1], s2.getsockname()[1])
PY
)
export TALENTFLOW_KAFKA_PORT=$port TALENTFLOW_KAFKA_CONTROLLER_PORT=$cport
export TALENTFLOW_KAFKA_BROKERS=127.0.0.1:$port
cleanup() {
  "$root/deploy/kafka/stop.sh" >/dev/null 2>&1 || true
  rm -rf "$TALENTFLOW_HOME"
}
trap cleanup EXIT
./deploy/kafka/start.sh

status=0
ctest --test-dir build --output-on-failure -j 2 --timeout 600 "$@" || status=$?
exit $status
