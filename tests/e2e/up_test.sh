#!/usr/bin/env bash
# End-to-end: the README's first command (./deploy/up.sh) on a clean TALENTFLOW_HOME, with its own
# broker and service ports, ends with the org table telling the article's story; a second run
# reuses everything and changes nothing (the sample is not published again).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/sample_stack.sh" e2e

fail() {
  echo "FAIL: $*"
  echo "--- output:"; cat "$TALENTFLOW_HOME/up.out"
  local log
  for log in "$TALENTFLOW_HOME"/logs/*.log; do
    [[ -f $log ]] && { echo "--- $log (tail):"; tail -n 30 "$log"; }
  done
  exit 1
}
"$root/deploy/up.sh" >"$TALENTFLOW_HOME/up.out" 2>&1 || fail "up.sh exited $?"
out="$TALENTFLOW_HOME/up.out"
grep -q '^accepted 73, rejected 0, 4 lines repeat a story of this run (published for their evidence)$' "$out" ||
  fail "publish summary"
# The table rows, as worked out by hand in examples/feeds/EXPECTED.md (as of 2026-03-01).
grep -Eq '^sora +50 +7 +5 +50\.2 +lowered +frozen +2 +critical$' "$out" || fail "sora row"
grep -Eq '^chatgpt +435 +2 +1 +1\.9 +high +growing +96 +healthy$' "$out" || fail "chatgpt row"
grep -Eq '^dall-e +32 +3 +2 +35\.7 +maintenance +steady +46 +at_risk$' "$out" || fail "dall-e row"
table1=$(sed -n '/^team /,/^status:/p' "$out")

"$root/deploy/up.sh" >"$out" 2>&1 || fail "second up.sh exited $?"
grep -q 'projector: already running' "$out" || fail "second run did not reuse the projector"
grep -q '^The sample feed (examples/feeds/openai-2026.jsonl) is already in the log: not published again.$' "$out" ||
  fail "second run did not see the sample in the log"
grep -q '^accepted ' "$out" && fail "second run published the sample again"
# 26 of the sample's 73 lines are sora's (evt-0051, a duplicate of evt-0050, too), so 26 history
# entries (examples/feeds/EXPECTED.md), however often up.sh ran.
sora_events=$("$root/build/ctl/talentflowctl" --query "$TALENTFLOW_QUERY_LISTEN" events openai/sora --json |
  python3 -c 'import json, sys; print(len(json.load(sys.stdin)["events"]))')
[[ $sora_events == 26 ]] || fail "openai/sora has $sora_events events, expected 26"
table2=$(sed -n '/^team /,/^status:/p' "$out")
[[ "$table1" == "$table2" ]] || fail "second run changed the views"
# Reads take the names the feed takes (up.sh gives the query service deploy/aliases.json, where
# "Open AI" is openai), and an unknown team is answered with the nearest one.
ctl=("$root/build/ctl/talentflowctl" --query "$TALENTFLOW_QUERY_LISTEN")
"${ctl[@]}" team "Open AI/Sora" --as-of 2026-03-01 >"$out" 2>&1 || fail "team \"Open AI/Sora\" exited $?"
grep -q '^openai/sora as of 2026-03-01$' "$out" || fail "team \"Open AI/Sora\" is not openai/sora"
if "${ctl[@]}" team openai/soraa >"$out" 2>&1; then fail "team openai/soraa succeeded"; fi
grep -qx 'error: NOT_FOUND: team openai/soraa not found; did you mean openai/sora?' "$out" || fail "no hint for soraa"
echo "1 passed, 0 failed"
