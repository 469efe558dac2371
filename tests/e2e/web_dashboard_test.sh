#!/usr/bin/env bash
# The web dashboard in a real browser against the real stack: builds the page (web/build.sh), starts
# the sample stack with ./deploy/up.sh (its own broker, ports and TALENTFLOW_HOME; the sample feed
# published), then runs web/'s browser tests (`npm test`: node's test runner, puppeteer-core driving
# Debian's headless chromium) on the query service's HTTP port. Screenshots go to build/screenshots/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/sample_stack.sh" web

[[ -x ${CHROMIUM:-/usr/bin/chromium} ]] || { echo "FAIL: no chromium at ${CHROMIUM:-/usr/bin/chromium} (apt-get install chromium)"; exit 1; }
"$root/web/build.sh" >"$TALENTFLOW_HOME/web-build.out" 2>&1 || { cat "$TALENTFLOW_HOME/web-build.out"; echo "FAIL: web/build.sh"; exit 1; }
"$root/deploy/up.sh" >"$TALENTFLOW_HOME/up.out" 2>&1 || { cat "$TALENTFLOW_HOME/up.out"; echo "FAIL: up.sh"; exit 1; }

export TALENTFLOW_WEB_URL=http://127.0.0.1:$qh

# A second query service on the same views with a tokens file, for the page's token field.
read -r tq tqh < <(python3 "$root/deploy/lib/free_ports.py" 2)
TALENTFLOW_WEB_TOKEN=$(openssl rand -hex 16)
echo "dashboard $(printf %s "$TALENTFLOW_WEB_TOKEN" | sha256sum | cut -d' ' -f1) reader" >"$TALENTFLOW_HOME/tokens"
"$root/build/query/talentflow-query" serve --db "$TALENTFLOW_HOME/views" --listen 127.0.0.1:$tq --http-port $tqh \
  --tokens "$TALENTFLOW_HOME/tokens" --aliases "$root/deploy/aliases.json" >"$TALENTFLOW_HOME/logs/query-tokens.log" 2>&1 &
token_query=$!
trap 'kill $token_query 2>/dev/null; wait $token_query 2>/dev/null; cleanup' EXIT
await_up $token_query "the query service with tokens" "http://127.0.0.1:$tqh/healthz" ||
  { cat "$TALENTFLOW_HOME/logs/query-tokens.log"; echo "FAIL: query with tokens"; exit 1; }
export TALENTFLOW_WEB_TOKEN TALENTFLOW_WEB_URL_TOKENS=http://127.0.0.1:$tqh
export TALENTFLOW_INGEST_ADDR=127.0.0.1:$ig TALENTFLOW_QUERY_ADDR=127.0.0.1:$q
export TALENTFLOW_CTL=$root/build/ctl/talentflowctl
export TALENTFLOW_SCREENSHOTS=$root/build/screenshots
cd "$root/web"
npm test
