#!/usr/bin/env bash
# Builds the web dashboard into build/web/ of the clone (the folder `talentflow-query serve` serves by
# default): installs the locked npm packages (`npm ci`) only when node_modules is missing or
# package-lock.json changed since the last install, then generates the clients from proto/, typechecks
# and bundles (`npm run build`) — only when an input changed since the last build. Needs node >= 20, npm
# and protoc (Debian's protobuf-compiler).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
for tool in node npm protoc; do
  command -v "$tool" >/dev/null || { echo "web/build.sh: $tool is missing (deploy/install-deps.sh installs it)" >&2; exit 1; }
done
# One build at a time (every up.sh calls build.sh, and tests run up.sh two at a time).
mkdir -p ../build
exec 9>../build/.web-build.lock
flock 9
# Nothing to do when no input changed since the last build (the page's sources, the lock, proto/).
out=${TALENTFLOW_WEB_OUT:-../build/web}
inputs_sum=$(find src static scripts ../proto -type f \( -name '*.ts' -o -name '*.mjs' -o -name '*.html' \
  -o -name '*.css' -o -name '*.proto' \) -not -path 'src/gen/*' -print0 | sort -z | xargs -0 sha256sum |
  cat - package-lock.json tsconfig.json | sha256sum | cut -d' ' -f1)
if [[ -f $out/index.html && -f $out/.inputs.sha256 && $(cat "$out/.inputs.sha256") == "$inputs_sum" ]]; then
  exit 0
fi
stamp=node_modules/.talentflow-lock.sha256
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$lock_sum" ]]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" >"$stamp"
fi
npm run --silent build
echo "$inputs_sum" >"$out/.inputs.sha256"
