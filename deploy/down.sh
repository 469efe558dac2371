#!/usr/bin/env bash
# Stops the local stack started by up.sh (services with SIGTERM, then Kafka). Data is kept in
# $TALENTFLOW_HOME; remove that directory to start from nothing.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export TALENTFLOW_HOME="${TALENTFLOW_HOME:-$(pwd)/var}"
for name in query projector ingest; do
  pidfile="$TALENTFLOW_HOME/run/$name.pid"
  [[ -f $pidfile ]] || continue
  pid=$(cat "$pidfile")
  if kill -TERM "$pid" 2>/dev/null; then
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    echo "$name: stopped"
  fi
  rm -f "$pidfile"
done
./deploy/kafka/stop.sh
