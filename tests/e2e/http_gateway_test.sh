#!/usr/bin/env bash
# HTTP/JSON (Connect) on the query service's HTTP port, against the sample stack (./deploy/up.sh:
# real broker, the sample feed published): unary reads with the figures of examples/feeds/EXPECTED.md,
# Connect errors with their HTTP statuses, Connect-Timeout-Ms as the deadline, a WatchTeamHealth
# stream read with enveloped messages, and a second query service on the same views with a tokens
# file, HTTPS, --max-in-flight 1 and a web folder: 401/403, a stream holding the one slot (429)
# until its client leaves, the dashboard's files with the page for its routes and no path outside
# the folder, a stream ended by shutdown; then mTLS, and a non-loopback --http-listen refused
# without tokens.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/sample_stack.sh" http

work="$TALENTFLOW_HOME/http"
mkdir -p "$work"
fail() {
  echo "FAIL: $*"
  [[ -f $work/body ]] && { echo "--- last body:"; cat "$work/body"; echo; }
  local log
  for log in "$TALENTFLOW_HOME"/logs/*.log "$work"/*.log; do
    [[ -f $log ]] && { echo "--- $log (tail):"; tail -n 20 "$log"; }
  done
  exit 1
}
"$root/deploy/up.sh" >"$TALENTFLOW_HOME/up.out" 2>&1 || { status=$?; cat "$TALENTFLOW_HOME/up.out"; fail "up.sh exited $status"; }
passed=0
ok() { echo "ok: $*"; passed=$((passed + 1)); }

# call URL BODY [curl args]: POSTs BODY as JSON, writes the answer to $work/body, prints the HTTP status.
call() {
  local url=$1 body=$2
  shift 2
  curl -sS -o "$work/body" -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data-binary "$body" "$@" "$url"
}
# expect_body TEXT: the last answer is exactly TEXT.
expect_body() { [[ "$(cat "$work/body")" == "$1" ]] || fail "body is not $1"; }
# expect_error CODE MESSAGE: the last answer is the Connect error {"code":CODE,"message":MESSAGE}
# (compared as JSON: the writer may escape characters such as < as \u003c).
expect_error() {
  python3 -c 'import json,sys; got=json.load(open(sys.argv[1])); assert got=={"code":sys.argv[2],"message":sys.argv[3]}, got' \
    "$work/body" "$1" "$2" || fail "not the error $1: $2"
}
# check_sora FILE: a GetTeamHealthResponse of openai/sora as of 2026-03-01, as EXPECTED.md works it out.
check_sora() {
  python3 - "$1" <<'PY' || fail "sora's figures"
import json, sys
h = json.load(open(sys.argv[1]))["health"]
want = {"org": "openai", "team": "sora", "asOf": "2026-03-01", "headcount": "50", "score": 2,
        "status": "HEALTH_STATUS_CRITICAL", "priority": "PRIORITY_LOWERED", "budget": "BUDGET_STATUS_FROZEN"}
got = {k: h.get(k) for k in want}
assert got == want, got
w90 = [w for w in h["windows"] if w["days"] == 90][0]
# 90 days: 7 departures, 5 senior, 2 leadership, no hires, one transfer out.
assert (w90["departures"], w90["seniorDepartures"], w90["leadershipDepartures"], w90["hires"], w90["transfersOut"]) == \
    ("7", "5", "2", "0", "1"), w90
PY
}

api="http://127.0.0.1:$qh/talentflow.v1.QueryService"
sora='{"org":"openai","team":"sora","asOf":"2026-03-01T00:00:00Z"}'
code=$(call "$api/GetTeamHealth" "$sora" -H 'Connect-Protocol-Version: 1')
[[ $code == 200 ]] || fail "GetTeamHealth: HTTP $code"
check_sora "$work/body"
# Every field is printed, zero values too (a dashboard need not know proto3's defaults).
python3 -c 'import json,sys; w=json.load(open(sys.argv[1]))["health"]["windows"][0]; assert w["hires"]=="0", w' \
  "$work/body" || fail "zero fields are not printed"
ok "GetTeamHealth openai/sora as of 2026-03-01: headcount 50, score 2, critical"

# The names the feed takes resolve as on gRPC (the same interceptor): "Open AI"/"Sora" is openai/sora.
code=$(call "$api/GetTeamHealth" '{"org":"Open AI","team":"Sora","asOf":"2026-03-01T00:00:00Z"}')
[[ $code == 200 ]] || fail "GetTeamHealth of aliases: HTTP $code"
check_sora "$work/body"
ok "aliases resolve"

code=$(call "$api/GetOrgSnapshot" '{"org":"openai","asOf":"2026-03-01T00:00:00Z"}')
[[ $code == 200 ]] || fail "GetOrgSnapshot: HTTP $code"
python3 - "$work/body" <<'PY' || fail "org snapshot figures"
import json, sys
teams = {t["team"]: (t["score"], t["status"]) for t in json.load(open(sys.argv[1]))["teams"]}
assert teams == {"chatgpt": (96, "HEALTH_STATUS_HEALTHY"), "dall-e": (46, "HEALTH_STATUS_AT_RISK"),
                 "safety-alignment": (57, "HEALTH_STATUS_WATCH"), "sora": (2, "HEALTH_STATUS_CRITICAL")}, teams
PY
ok "GetOrgSnapshot openai as of 2026-03-01: chatgpt 96, dall-e 46, safety-alignment 57, sora 2"

code=$(call "$api/GetTeamHealth" '{"org":"openai","team":"soraa"}')
[[ $code == 404 ]] || fail "unknown team: HTTP $code, expected 404"
expect_error not_found 'team openai/soraa not found; did you mean openai/sora?'
ok "unknown team: 404 not_found"

code=$(call "$api/GetTeamHealth" '{"org":"openai","tem":"sora"}')
[[ $code == 400 ]] || fail "unknown field: HTTP $code, expected 400"
grep -q '^{"code":"invalid_argument","message":"request body is not a talentflow.v1.GetTeamHealthRequest in proto3 JSON: .*tem' \
  "$work/body" || fail "unknown field: error does not name the field"
code=$(call "$api/GetTeamHealth" '{"org":')
[[ $code == 400 ]] || fail "broken JSON: HTTP $code, expected 400"
ok "bad JSON bodies: 400 invalid_argument naming the problem"

# Connect-Timeout-Ms is the call's deadline: a read-your-writes wait for an offset the log will not
# reach in time ends with deadline_exceeded (504). openai/sora is on partition 5 (murmur2 of its key).
code=$(call "$api/GetTeamHealth" '{"org":"openai","team":"sora","minOffsets":{"offsets":{"5":"999999"}}}' \
  -H 'Connect-Timeout-Ms: 300')
[[ $code == 504 ]] || fail "Connect-Timeout-Ms 300 with unreachable min_offsets: HTTP $code, expected 504"
grep -q '^{"code":"deadline_exceeded","message":' "$work/body" || fail "not deadline_exceeded"
ok "Connect-Timeout-Ms: 504 deadline_exceeded"

code=$(call "$api/GetTeamHelth" '{}')
[[ $code == 501 ]] || fail "unknown method: HTTP $code, expected 501"
grep -q '^{"code":"unimplemented","message":"no method \\"GetTeamHelth\\" in talentflow.v1.QueryService (methods: GetTeamHealth, ' \
  "$work/body" || fail "unknown method: error does not name it"
code=$(curl -sS -o "$work/body" -w '%{http_code}' -X POST -H 'Content-Type: text/plain' -d x "$api/GetWatermark")
[[ $code == 415 ]] || fail "text/plain: HTTP $code, expected 415"
ok "unknown method 501, wrong Content-Type 415"

# An empty body is the empty request, whatever its Content-Type (`curl -d ''` sends a form's).
code=$(curl -sS -o "$work/body" -w '%{http_code}' -d '' "$api/GetWatermark")
[[ $code == 200 ]] || fail "empty GetWatermark: HTTP $code"
python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["partitions"]; assert len(p)==12, len(p)' "$work/body" ||
  fail "GetWatermark does not list 12 partitions"
ok "empty request"

# watch.py PORT SCHEME BODY [TOKEN]: opens a WatchTeamHealth stream with the Connect streaming form,
# prints each envelope as "<flags> <json>" (flushing), until the stream ends.
cat >"$work/watch.py" <<'PY'
import http.client, json, ssl, struct, sys
port, scheme, body = int(sys.argv[1]), sys.argv[2], sys.argv[3].encode()
headers = {"Content-Type": "application/connect+json", "Connect-Protocol-Version": "1"}
if len(sys.argv) > 4: headers["Authorization"] = "Bearer " + sys.argv[4]
if scheme == "https":
    c = http.client.HTTPSConnection("127.0.0.1", port, context=ssl.create_default_context(cafile=sys.argv[5]))
else:
    c = http.client.HTTPConnection("127.0.0.1", port)
c.request("POST", "/talentflow.v1.QueryService/WatchTeamHealth", body=struct.pack(">BI", 0, len(body)) + body,
          headers=headers)
r = c.getresponse()
print("status", r.status, r.getheader("Content-Type"), flush=True)
while True:
    head = r.read(5)
    if len(head) < 5: break
    flags, n = struct.unpack(">BI", head)
    print(flags, r.read(n).decode(), flush=True)
    if flags & 2: break
PY
timeout 30 python3 -u "$work/watch.py" "$qh" http '{"org":"openai","teams":["sora"]}' >"$work/watch.out" &
watcher=$!
deadline=$((SECONDS + 20))
until grep -q '^0 ' "$work/watch.out"; do
  kill -0 "$watcher" 2>/dev/null || fail "the watch ended: $(cat "$work/watch.out")"
  ((SECONDS < deadline)) || fail "no streamed message within 20 s"
  sleep 0.1
done
kill "$watcher"
head -n 1 "$work/watch.out" | grep -qx 'status 200 application/connect+json' || fail "stream answer: $(head -n 1 "$work/watch.out")"
grep '^0 ' "$work/watch.out" | head -n 1 | cut -c3- >"$work/body"
python3 -c 'import json,sys; h=json.load(open(sys.argv[1]))["health"]; assert (h["org"],h["team"])==("openai","sora"), h' \
  "$work/body" || fail "first streamed message is not openai/sora"
ok "WatchTeamHealth stream: first envelope is openai/sora"
timeout 30 python3 -u "$work/watch.py" "$qh" http '{"org":"Bad Org!"}' >"$work/watch.out" || fail "bad watch did not end"
tail -n 1 "$work/watch.out" | grep -qxF '2 {"error":{"code":"invalid_argument","message":"org: \"Bad Org!\" is neither a slug ([a-z0-9][a-z0-9-]{0,62}) nor a known alias"}}' ||
  fail "bad watch: $(cat "$work/watch.out")"
ok "WatchTeamHealth error: end-of-stream envelope with invalid_argument"

# The default web folder is build/web: the built page, or a note saying how to build it.
code=$(curl -sS -o "$work/body" -w '%{http_code}' "http://127.0.0.1:$qh/")
if [[ -f $root/build/web/index.html ]]; then
  [[ $code == 200 ]] || fail "GET / with build/web: HTTP $code"
else
  [[ $code == 404 ]] && grep -q 'The web dashboard was not built' "$work/body" || fail "GET / without build/web: HTTP $code"
fi
ok "GET / of the default web folder"

# --- A second query service on the same views: tokens, HTTPS, one call in flight, a web folder.
cd "$work"
cat >pki.sh <<'SH'
set -e
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=test-ca
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1
printf 'subjectAltName=IP:127.0.0.1\n' >server.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile server.ext
SH
sh pki.sh >pki.log 2>&1 || fail "openssl: $(cat pki.log)"
printf 'dash %s reader\nscraper %s publisher\n' "$(printf %s read-token | sha256sum | cut -d' ' -f1)" \
  "$(printf %s pub-token | sha256sum | cut -d' ' -f1)" >tokens
mkdir -p web/assets
printf '<!doctype html><title>talentflow test page</title>\n' >web/index.html
printf 'console.log("app");\n' >web/assets/app.js
printf 'not for the web\n' >secret.txt
read -r bq bh <<<"$(python3 "$root/deploy/lib/free_ports.py" 2)"
export TALENTFLOW_KAFKA_BROKERS=127.0.0.1:$kp  # the sample stack's broker, for lag
"$root/build/query/talentflow-query" serve --db "$TALENTFLOW_HOME/views" --listen "127.0.0.1:$bq" \
  --http-listen "127.0.0.1:$bh" --tokens tokens --tls-cert server.crt --tls-key server.key --web web \
  --max-in-flight 1 >"$work/query-b.log" 2>&1 &
second=$!
trap 'kill "$second" 2>/dev/null || true; cleanup' EXIT
https=(curl -sS --cacert "$work/ca.crt")
await_up "$second" "the second query service" --cacert "$work/ca.crt" "https://127.0.0.1:$bh/healthz" || fail "/healthz"
ok "HTTPS /healthz without a token"
bapi="https://127.0.0.1:$bh/talentflow.v1.QueryService"

code=$(call "$bapi/GetTeamHealth" "$sora" --cacert ca.crt)
[[ $code == 401 ]] || fail "no token: HTTP $code, expected 401"
expect_error unauthenticated 'missing "authorization: Bearer <token>" metadata'
code=$(call "$bapi/GetTeamHealth" "$sora" --cacert ca.crt -H 'Authorization: Bearer wrong')
[[ $code == 401 ]] || fail "wrong token: HTTP $code, expected 401"
expect_error unauthenticated 'unknown token'
code=$(call "$bapi/GetTeamHealth" "$sora" --cacert ca.crt -H 'Authorization: Bearer pub-token')
[[ $code == 403 ]] || fail "publisher token: HTTP $code, expected 403"
expect_error permission_denied 'principal "scraper" lacks role "reader"'
ok "401 without or with an unknown token, 403 without the reader role"
code=$(call "$bapi/GetTeamHealth" "$sora" --cacert ca.crt -H 'Authorization: Bearer read-token')
[[ $code == 200 ]] || fail "reader token over HTTPS: HTTP $code"
check_sora "$work/body"
ok "GetTeamHealth over HTTPS with the reader token"

# A stream holds the one slot (--max-in-flight 1) until its client leaves.
timeout 60 python3 -u watch.py "$bh" https '{"org":"openai"}' read-token ca.crt >watch.out &
watcher=$!
deadline=$((SECONDS + 20))
until grep -q '^0 ' watch.out; do
  kill -0 "$watcher" 2>/dev/null || fail "the HTTPS watch ended: $(cat watch.out)"
  ((SECONDS < deadline)) || fail "no streamed message over HTTPS within 20 s"
  sleep 0.1
done
code=$(call "$bapi/GetTeamHealth" "$sora" --cacert ca.crt -H 'Authorization: Bearer read-token')
[[ $code == 429 ]] || fail "call beside the stream: HTTP $code, expected 429"
expect_error resource_exhausted 'server busy: 1 calls in flight (--max-in-flight); retry later'
kill "$watcher"
deadline=$((SECONDS + 10))
until [[ $(call "$bapi/GetTeamHealth" "$sora" --cacert ca.crt -H 'Authorization: Bearer read-token') == 200 ]]; do
  ((SECONDS < deadline)) || fail "the stream's slot was not released within 10 s of its client leaving"
  sleep 0.1
done
ok "a stream holds its slot (429 beside it) until the client leaves"

# The dashboard's files: the page for its routes, files with their types, nothing outside the folder.
page='<!doctype html><title>talentflow test page</title>'
for path in / /orgs/openai /orgs/openai/teams/sora /orgs/openai/flows; do
  code=$("${https[@]}" -o body -w '%{http_code} %{content_type}' "https://127.0.0.1:$bh$path")
  [[ $code == "200 text/html; charset=utf-8" ]] || fail "GET $path: $code"
  expect_body "$page"
done
code=$("${https[@]}" -o body -w '%{http_code} %{content_type}' "https://127.0.0.1:$bh/assets/app.js")
[[ $code == "200 text/javascript; charset=utf-8" ]] || fail "GET /assets/app.js: $code"
expect_body 'console.log("app");'
code=$("${https[@]}" -o body -w '%{http_code}' "https://127.0.0.1:$bh/assets/gone.js")
[[ $code == 404 ]] || fail "GET /assets/gone.js: HTTP $code, expected 404"
for path in /../secret.txt /assets/../../secret.txt /%2e%2e/secret.txt /assets/%2E%2E/%2e%2e/secret.txt; do
  code=$("${https[@]}" --path-as-is -o body -w '%{http_code}' "https://127.0.0.1:$bh$path")
  [[ $code == 400 ]] || fail "GET $path: HTTP $code, expected 400"
  grep -q 'not for the web' body && fail "GET $path served the file outside the folder"
done
code=$("${https[@]}" -o body -w '%{http_code}' "$bapi/GetTeamHealth")
[[ $code == 405 ]] || fail "GET of a method: HTTP $code, expected 405"
ok "static files, client-side routes, traversal refused"

# Shutdown ends an open stream with `unavailable`, and the service exits. Its own output file: the slot
# test's watch.out already holds a "0 " line, which the wait below must not take for this stream's.
timeout 60 python3 -u watch.py "$bh" https '{"org":"openai","teams":["sora"]}' read-token ca.crt >shutdown-watch.out &
watcher=$!
deadline=$((SECONDS + 20))
until grep -q '^0 ' shutdown-watch.out; do
  ((SECONDS < deadline)) || fail "no streamed message over HTTPS within 20 s"
  sleep 0.1
done
kill -TERM "$second"
wait "$watcher" || fail "the watch did not end with the service"
tail -n 1 shutdown-watch.out | grep -qxF '2 {"error":{"code":"unavailable","message":"the query service is shutting down"}}' ||
  fail "stream at shutdown: $(tail -n 1 shutdown-watch.out)"
wait "$second" || fail "the second query service exited $? on SIGTERM"
ok "shutdown ends a stream with unavailable"

# --tls-client-ca: the HTTPS port requires a client certificate the CA signed (mTLS), as gRPC does.
cat >client-pki.sh <<'SH'
set -e
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout client.key -out client.csr -subj /CN=dashboard
openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt -days 2
SH
sh client-pki.sh >>pki.log 2>&1 || fail "openssl: $(cat pki.log)"
"$root/build/query/talentflow-query" serve --db "$TALENTFLOW_HOME/views" --listen "127.0.0.1:$bq" \
  --http-listen "127.0.0.1:$bh" --tokens tokens --tls-cert server.crt --tls-key server.key --tls-client-ca ca.crt \
  >"$work/query-c.log" 2>&1 &
second=$!
mtls=("${https[@]}" --cert client.crt --key client.key)
await_up "$second" "the mTLS query service" --cacert "$work/ca.crt" --cert client.crt --key client.key \
  "https://127.0.0.1:$bh/healthz" || fail "/healthz"
"${https[@]}" -o /dev/null "https://127.0.0.1:$bh/healthz" 2>/dev/null && fail "mTLS: a client without a certificate got an answer"
code=$(call "$bapi/GetTeamHealth" "$sora" --cacert ca.crt --cert client.crt --key client.key -H 'Authorization: Bearer read-token')
[[ $code == 200 ]] || fail "mTLS GetTeamHealth: HTTP $code"
check_sora "$work/body"
kill -TERM "$second"
wait "$second" || fail "the mTLS query service exited $? on SIGTERM"
ok "mTLS: no answer without a client certificate, sora's figures with one"

# Without a tokens file, the HTTP port stays on loopback (as the gRPC one).
status=0
"$root/build/query/talentflow-query" serve --db "$TALENTFLOW_HOME/views" --listen "127.0.0.1:$bq" \
  --http-listen "0.0.0.0:$bh" >refused.log 2>&1 || status=$?
[[ $status == 2 ]] || fail "non-loopback --http-listen without --tokens: exit $status, expected 2"
grep -qF -- "--http-listen 0.0.0.0:$bh: no --tokens file, so there is no access control and only a loopback address (127.0.0.1, [::1], localhost) may be used" \
  refused.log || fail "refusal message: $(cat refused.log)"
ok "non-loopback --http-listen refused without tokens"
echo "$passed passed, 0 failed"
