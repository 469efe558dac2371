#!/usr/bin/env bash
# Builds the web dashboard into build/web/ of the clone (the folder `talentflow-query serve` serves by
# default): installs the locked npm packages (`npm ci`) only when node_modules is missing or
# package-lock.json changed since the last install, then generates the clients from proto/, typechecks
# and bundles (`npm run build`). Needs node >= 20, npm and protoc (Debian's protobuf-compiler).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
for tool in node npm protoc; do
  command -v "$tool" >/dev/null || { echo "web/build.sh: $tool is missing (deploy/install-deps.sh installs it)" >&2; exit 1; }
done
stamp=node_modules/.talentflow-lock.sha256
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$lock_sum" ]]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" >"$stamp"
fi
npm run --silent build
