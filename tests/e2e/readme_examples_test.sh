#!/usr/bin/env bash
# The README's examples work as written: starts the sample stack with ./deploy/up.sh (its own broker,
# ports and TALENTFLOW_HOME), then runs every `talentflowctl …` line of the README's ```sh blocks that
# follow the marker line `<!-- examples: tests/e2e/readme_examples_test.sh -->`, in order, from a
# directory that looks like the clone's root (examples/ is the clone's, var/ is this run's
# TALENTFLOW_HOME), with `/tmp/` in a command replaced by a directory of this run. A command fails the
# test when it exits non-zero, prints nothing on stdout, or gives an empty answer (a first line "No …",
# as in "No teams"); `watch` runs until killed, so it passes when it printed a table within 5 s.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/sample_stack.sh" readme

"$root/deploy/up.sh" >"$TALENTFLOW_HOME/up.out" 2>&1 || { cat "$TALENTFLOW_HOME/up.out"; echo "FAIL: up.sh"; exit 1; }
export TALENTFLOW_KAFKA_BROKERS=127.0.0.1:$kp TALENTFLOW_INGEST_ADDR=127.0.0.1:$ig TALENTFLOW_QUERY_ADDR=127.0.0.1:$q
export PATH="$root/build/ctl:$root/build/ingest:$root/build/projector:$root/build/query:$PATH"

work="$TALENTFLOW_HOME/clone"
mkdir -p "$work/tmp"
ln -s "$root/examples" "$work/examples"
ln -s "$TALENTFLOW_HOME" "$work/var"
cd "$work"

mapfile -t commands < <(awk '
  /^<!-- examples: tests\/e2e\/readme_examples_test.sh -->$/ { marked = 1; next }
  marked && /^```sh$/ { inside = 1; next }
  inside && /^```$/ { inside = 0; marked = 0; next }
  inside && /^talentflowctl / { sub(/[[:space:]]+#.*$/, ""); print }
' "$root/README.md")
((${#commands[@]} >= 10)) || { echo "FAIL: found ${#commands[@]} README examples; the marker is gone?"; exit 1; }

failed=0
for command in "${commands[@]}"; do
  command=${command//\/tmp\//$work\/tmp\/}
  limit=60
  [[ $command == "talentflowctl watch "* ]] && limit=5
  status=0
  timeout "$limit" bash -c "$command" >"$TALENTFLOW_HOME/example.out" 2>"$TALENTFLOW_HOME/example.err" || status=$?
  [[ $status == 124 && $limit == 5 ]] && status=0
  if [[ $status != 0 || ! -s $TALENTFLOW_HOME/example.out ]] || head -n 1 "$TALENTFLOW_HOME/example.out" | grep -q '^No '; then
    echo "FAIL: $command (exit $status, $(wc -l <"$TALENTFLOW_HOME/example.out") lines)"
    sed 's/^/  stdout: /' "$TALENTFLOW_HOME/example.out" | head -n 5
    sed 's/^/  stderr: /' "$TALENTFLOW_HOME/example.err" | head -n 5
    failed=$((failed + 1))
  else
    echo "ok: $command ($(wc -l <"$TALENTFLOW_HOME/example.out") lines)"
  fi
done
echo "$((${#commands[@]} - failed)) passed, $failed failed"
((failed == 0))
