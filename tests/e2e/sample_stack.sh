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
