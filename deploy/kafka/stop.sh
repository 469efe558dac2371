#!/usr/bin/env bash
# Stop the broker started by start.sh for this TALENTFLOW_HOME (same env as start.sh).
# SIGTERM, wait up to 30 s for a clean shutdown, then SIGKILL. Data is kept.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
TALENTFLOW_HOME="${TALENTFLOW_HOME:-$REPO_ROOT/var}"
STOP_TIMEOUT=30

if [[ ! -d "$TALENTFLOW_HOME/kafka" ]]; then
  echo "kafka: not running"
  exit 0
fi
KDIR="$(cd "$TALENTFLOW_HOME/kafka" && pwd)"
PID_FILE="$KDIR/kafka.pid"
PROPS="$KDIR/server.properties"

pid=""
[[ -f "$PID_FILE" ]] && pid="$(tr -dc '0-9' <"$PID_FILE")"
# Only signal a live kafka.Kafka process started with this home's config (guards against pid reuse).
if [[ -z "$pid" ]] || ! kill -0 "$pid" 2>/dev/null ||
   ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "kafka\.Kafka $PROPS"; then
  rm -f "$PID_FILE"
  echo "kafka: not running"
  exit 0
fi

kill -TERM "$pid" 2>/dev/null || true
deadline=$((SECONDS + STOP_TIMEOUT))
while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
  sleep 0.2
done
if kill -0 "$pid" 2>/dev/null; then
  echo "kafka: pid $pid did not exit within ${STOP_TIMEOUT}s, sending SIGKILL" >&2
  kill -KILL "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
fi
rm -f "$PID_FILE"
echo "kafka: stopped (pid $pid)"
