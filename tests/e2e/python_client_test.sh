#!/usr/bin/env bash
# The Python client (clients/python) against the real stack: starts the sample stack with ./deploy/up.sh
# (its own broker, ports and TALENTFLOW_HOME), installs the package into build/python-venv (made when
# missing, then reused) from the lock file — `pip install ./clients/python` with build isolation, so the
# stubs are generated from proto/ as a user's install does — and runs its pytest suite with --stack: the
# pure tests and the ones that reproduce examples/feeds/EXPECTED.md, publish, read their writes and watch.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/sample_stack.sh" python

venv="$root/build/python-venv"
[[ -x $venv/bin/python ]] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --require-hashes -r "$root/clients/python/requirements.lock"
# --force-reinstall: the stubs and modules come from this clone's proto/ and sources, not an earlier run's.
"$venv/bin/pip" install -q --no-deps --force-reinstall "$root/clients/python"

"$root/deploy/up.sh" >"$TALENTFLOW_HOME/up.out" 2>&1 || { cat "$TALENTFLOW_HOME/up.out"; echo "FAIL: up.sh"; exit 1; }
export TALENTFLOW_QUERY_ADDR=127.0.0.1:$q TALENTFLOW_INGEST_ADDR=127.0.0.1:$ig
unset TALENTFLOW_TOKEN TALENTFLOW_TLS_CA

cd "$root/clients/python"
"$venv/bin/python" -m pytest -p no:cacheprovider --stack -q -rs tests
