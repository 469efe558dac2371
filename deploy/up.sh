#!/usr/bin/env bash
# The main job: installs what is missing, builds, starts the local stack (Kafka, ingest,
# projector, query), publishes the sample feed, waits until the views include it
# (read-your-writes) and prints the OpenAI org table. Safe to run again: it reuses the running
# stack and the data, and publishes the sample only into a log that does not hold it yet.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
export TALENTFLOW_HOME="${TALENTFLOW_HOME:-$root/var}"
mkdir -p "$TALENTFLOW_HOME/run" "$TALENTFLOW_HOME/logs"
export TALENTFLOW_KAFKA_BROKERS="${TALENTFLOW_KAFKA_BROKERS:-127.0.0.1:${TALENTFLOW_KAFKA_PORT:-9092}}"
bin="$root/build"
ingest_http="${TALENTFLOW_INGEST_HTTP_PORT:-7411}"
export TALENTFLOW_INGEST_ADDR="${TALENTFLOW_INGEST_ADDR:-${TALENTFLOW_INGEST_LISTEN:-127.0.0.1:7401}}"
export TALENTFLOW_QUERY_ADDR="${TALENTFLOW_QUERY_ADDR:-${TALENTFLOW_QUERY_LISTEN:-127.0.0.1:7402}}"
# One instance (projector + query service on one DB) named local-1; README "Several instances"
# shows how to add a second on this machine.
export TALENTFLOW_INSTANCE_ID="${TALENTFLOW_INSTANCE_ID:-local-1}"

./deploy/build.sh
./deploy/kafka/start.sh

# start NAME CMD...: runs CMD in the background unless NAME is already running.
start() {
  local name=$1; shift
  local pidfile="$TALENTFLOW_HOME/run/$name.pid"
  if [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "$name: already running (pid $(cat "$pidfile"))"
    return
  fi
  nohup "$@" >>"$TALENTFLOW_HOME/logs/$name.log" 2>&1 &
  echo $! >"$pidfile"
  echo "$name: started (pid $!, log $TALENTFLOW_HOME/logs/$name.log)"
}
start ingest "$bin/ingest/talentflow-ingest" serve --aliases "$root/deploy/aliases.json"
start projector "$bin/projector/talentflow-projector" run --db "$TALENTFLOW_HOME/views" --advertise "$TALENTFLOW_QUERY_ADDR"
start query "$bin/query/talentflow-query" serve --db "$TALENTFLOW_HOME/views" --aliases "$root/deploy/aliases.json"

# Wait until ingest answers (its /healthz), at most 30 s, or until it exits.
ingest_pid=$(cat "$TALENTFLOW_HOME/run/ingest.pid")
deadline=$((SECONDS + 30))
until curl -fsS -o /dev/null http://127.0.0.1:$ingest_http/healthz 2>/dev/null; do
  if ! kill -0 "$ingest_pid" 2>/dev/null || ((SECONDS >= deadline)); then
    echo "ingest did not start: the end of $TALENTFLOW_HOME/logs/ingest.log:" >&2
    tail -n 20 "$TALENTFLOW_HOME/logs/ingest.log" >&2
    exit 1
  fi
  sleep 0.1
done

ctl="$bin/ctl/talentflowctl"
sample="$root/examples/feeds/openai-2026.jsonl"
echo
# The sample goes into the log once: a log that already holds every sample event (any status) is left
# as it is, so `events openai/sora` does not grow with duplicates on every run.
in_log=0
python3 "$root/deploy/lib/sample_in_log.py" "$ctl" "$sample" openai "${TALENTFLOW_TOPIC:-talentflow.events}" \
  "$TALENTFLOW_KAFKA_BROKERS" || in_log=$?
if [[ $in_log == 0 ]]; then
  echo "The sample feed (examples/feeds/openai-2026.jsonl) is already in the log: not published again."
  offsets=""
elif [[ $in_log == 1 ]]; then
  echo "Publishing examples/feeds/openai-2026.jsonl through IngestService:"
  out=$("$ctl" publish "$sample")
  echo "$out"
  offsets=$(sed -n 's/^offsets: //p' <<<"$out")
else
  echo "could not tell whether the sample feed is in the log (above); not publishing it" >&2
  exit 1
fi

echo
echo "OpenAI as of 2026-03-01, after the February 2026 tipping point (views include every record above):"
"$ctl" org openai --as-of 2026-03-01 ${offsets:+--min-offsets "$offsets"} --timeout 60
cat <<MSG

The dashboard: http${TALENTFLOW_TLS_CERT:+s}://${TALENTFLOW_QUERY_HTTP_LISTEN:-127.0.0.1:${TALENTFLOW_QUERY_HTTP_PORT:-7413}}/orgs/openai?as_of=2026-03-01

Look further:
  $ctl org openai                        # today
  $ctl team openai/sora --as-of 2026-03-31
  $ctl trend openai/sora --from 2025-09-01 --to 2026-03-31 --by month
  $ctl flows openai --out
  $ctl events openai/sora
  $ctl watch openai                      # live table; Ctrl-C to leave
  $ctl lag
  grpcurl -plaintext $TALENTFLOW_QUERY_ADDR list # server reflection (go install github.com/fullstorydev/grpcurl/cmd/grpcurl@latest)
  kcat -b $TALENTFLOW_KAFKA_BROKERS -C -t talentflow.events -e -f '%k @ %p/%o\n'
Stop everything with ./deploy/down.sh (data stays in $TALENTFLOW_HOME).
MSG
