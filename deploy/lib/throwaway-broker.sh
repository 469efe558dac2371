# Sourced by test.sh and bench.sh: starts a throwaway Kafka broker on free ports with its data in a
# temporary TALENTFLOW_HOME, exports TALENTFLOW_KAFKA_BROKERS, and stops and removes it on exit.
# REQUIRES: $root is the repository root.
export TALENTFLOW_HOME
TALENTFLOW_HOME=$(mktemp -d /tmp/talentflow-throwaway.XXXXXX)
read -r port cport < <(python3 "$root/deploy/lib/free_ports.py" 2)
export TALENTFLOW_KAFKA_PORT=$port TALENTFLOW_KAFKA_CONTROLLER_PORT=$cport
export TALENTFLOW_KAFKA_BROKERS=127.0.0.1:$port
throwaway_broker_cleanup() {
  "$root/deploy/kafka/stop.sh" >/dev/null 2>&1 || true
  rm -rf "$TALENTFLOW_HOME"
}
trap throwaway_broker_cleanup EXIT
"$root/deploy/kafka/start.sh"
