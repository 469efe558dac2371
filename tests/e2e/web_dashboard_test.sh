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
export TALENTFLOW_INGEST_ADDR=127.0.0.1:$ig
export TALENTFLOW_CTL=$root/build/ctl/talentflowctl
export TALENTFLOW_SCREENSHOTS=$root/build/screenshots
cd "$root/web"
npm test
