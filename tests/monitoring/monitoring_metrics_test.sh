#!/usr/bin/env bash
# End-to-end: deploy/monitoring/ against the real stack. ./deploy/up.sh starts the stack on free
# ports (sample_stack.sh) and publishes the sample feed; a real Prometheus (Debian package
# prometheus) scrapes it with deploy/monitoring/prometheus.yml and alerts.yml, only the ports and
# the intervals changed; then check_metrics.py: every metric the alerts and the dashboard use is
# exported with the right type, each of their selectors finds series, every expression is valid,
# every rule is loaded healthy and the healthy stack raises no alert. A renamed metric fails here.
set -euo pipefail
command -v prometheus >/dev/null ||
  { echo "FAIL: prometheus not found: install Debian's package prometheus (deploy/install-deps.sh)"; exit 1; }
python3 -c 'import yaml' 2>/dev/null ||
  { echo "FAIL: PyYAML not found: install Debian's package python3-yaml (deploy/install-deps.sh)"; exit 1; }
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/sample_stack.sh" monitoring
read -r pp < <(python3 "$root/deploy/lib/free_ports.py" 1)
prom_pid=""
stop() {
  [[ -n $prom_pid ]] && kill "$prom_pid" 2>/dev/null && wait "$prom_pid" 2>/dev/null
  cleanup
}
trap stop EXIT

fail() {
  echo "FAIL: $*"
  local log
  for log in "$TALENTFLOW_HOME"/up.out "$TALENTFLOW_HOME"/logs/*.log "$TALENTFLOW_HOME"/prometheus.log; do
    [[ -f $log ]] && { echo "--- $log (tail):"; tail -n 30 "$log"; }
  done
  exit 1
}
"$root/deploy/up.sh" >"$TALENTFLOW_HOME/up.out" 2>&1 || fail "up.sh exited $?"

# prometheus.yml with this stack's ports, scraping and evaluating every second instead of 15 s.
mkdir -p "$TALENTFLOW_HOME/prometheus"
cp "$root/deploy/monitoring/alerts.yml" "$TALENTFLOW_HOME/prometheus/"
sed -e "s/127\.0\.0\.1:7411/127.0.0.1:$igh/" -e "s/127\.0\.0\.1:7412/127.0.0.1:$ph/" \
  -e "s/127\.0\.0\.1:7413/127.0.0.1:$qh/" -e 's/_interval: 15s/_interval: 1s/' \
  "$root/deploy/monitoring/prometheus.yml" >"$TALENTFLOW_HOME/prometheus/prometheus.yml"
grep -q "127.0.0.1:$qh" "$TALENTFLOW_HOME/prometheus/prometheus.yml" || fail "prometheus.yml has no query target to rewrite"
prometheus --config.file="$TALENTFLOW_HOME/prometheus/prometheus.yml" \
  --storage.tsdb.path="$TALENTFLOW_HOME/prometheus/data" --web.listen-address="127.0.0.1:$pp" \
  >"$TALENTFLOW_HOME/prometheus.log" 2>&1 &
prom_pid=$!
deadline=$((SECONDS + 30))
until curl -fsS -o /dev/null "http://127.0.0.1:$pp/-/ready" 2>/dev/null; do
  kill -0 "$prom_pid" 2>/dev/null || fail "prometheus exited"
  ((SECONDS < deadline)) || fail "prometheus not ready within 30 s"
  sleep 0.1
done

python3 "$root/tests/monitoring/check_metrics.py" "$root/deploy/monitoring" "http://127.0.0.1:$pp" \
  "http://127.0.0.1:$igh/metrics" "http://127.0.0.1:$ph/metrics" "http://127.0.0.1:$qh/metrics" ||
  fail "check_metrics.py"
echo "1 passed, 0 failed"
