# Sourced by the e2e tests: a fresh TALENTFLOW_HOME (mktemp -d /tmp/talentflow-$1.XXXXXX) and free
# ports for the broker and the services, exported as up.sh reads them, and an EXIT trap that stops
# the stack and removes the home. Sets `root` (the clone) and the ports kp kc ig igh ph q qh.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export TALENTFLOW_HOME
TALENTFLOW_HOME=$(mktemp -d "/tmp/talentflow-$1.XXXXXX")
read -r kp kc ig igh ph q qh < <(python3 "$root/deploy/lib/free_ports.py" 7)
unset TALENTFLOW_KAFKA_BROKERS TALENTFLOW_INGEST_ADDR TALENTFLOW_QUERY_ADDR
export TALENTFLOW_KAFKA_PORT=$kp TALENTFLOW_KAFKA_CONTROLLER_PORT=$kc
export TALENTFLOW_INGEST_LISTEN=127.0.0.1:$ig TALENTFLOW_INGEST_HTTP_PORT=$igh
export TALENTFLOW_PROJECTOR_HTTP_PORT=$ph
export TALENTFLOW_QUERY_LISTEN=127.0.0.1:$q TALENTFLOW_QUERY_HTTP_PORT=$qh
cleanup() { "$root/deploy/down.sh" >/dev/null 2>&1 || true; rm -rf "$TALENTFLOW_HOME"; }
trap cleanup EXIT

# await_up PID WHAT CURL_ARGS...: returns once `curl -fsS -o /dev/null CURL_ARGS` answers; prints why
# and returns 1 when process PID (the server WHAT) exits first or 30 s pass.
await_up() {
  local pid=$1 what=$2 deadline=$((SECONDS + 30))
  shift 2
  until curl -fsS -o /dev/null "$@" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "$what exited"; return 1; }
    ((SECONDS < deadline)) || { echo "$what did not answer within 30 s"; return 1; }
    sleep 0.1
  done
}
