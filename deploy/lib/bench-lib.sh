# Helpers for deploy/bench.sh (sourced). REQUIRES: $root is the repository root, $work a scratch
# directory, $results the file stage results are appended to.

# free_ports N: prints N free TCP ports on 127.0.0.1, space-separated.
free_ports() { python3 "$root/deploy/lib/free_ports.py" "$1"; }

# put STAGE ROUND KEY VALUE: one measured value, for deploy/lib/bench_table.py.
put() { echo "$1 $2 $3 $4" >>"$results"; }

# cpu_seconds PID: user+system CPU seconds the process has used so far.
cpu_seconds() {
  awk -v tck="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13) / tck }' "/proc/$1/stat"
}

# machine_cpu: CPU seconds the whole machine has been busy (user, nice, system, irq, softirq) or
# stolen (the hypervisor gave our virtual CPUs to another guest): the CPU time nothing of ours could use.
machine_cpu() { awk -v tck="$(getconf CLK_TCK)" '/^cpu / { printf "%.2f\n", ($2 + $3 + $4 + $7 + $8 + $9) / tck }' /proc/stat; }

# cpu_ticks: "steal all" clock ticks of the whole machine so far: the time the hypervisor gave our
# virtual CPUs to someone else, and all CPU time (steal included).
cpu_ticks() { awk '/^cpu / { print $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }

# steal_since "STEAL ALL" (an earlier cpu_ticks): the percentage of CPU time stolen since then.
steal_since() {
  local s0 t0 s1 t1
  read -r s0 t0 <<<"$1"
  read -r s1 t1 < <(cpu_ticks)
  awk -v s=$((s1 - s0)) -v t=$((t1 - t0)) 'BEGIN { printf "%.1f\n", t ? 100 * s / t : 0 }'
}

# cores_start PID...; ...; cores_end: prints the cores each PID kept busy in between (CPU seconds /
# wall seconds), then the machine's, busy or stolen (every process, other users' too: this machine
# is shared).
cores_start() {
  _cores_pids=("$@") _cores_c0=()
  local p
  for p in "$@"; do _cores_c0+=("$(cpu_seconds "$p")"); done
  _cores_m0=$(machine_cpu) _cores_t0=$(date +%s.%N)
}
cores_end() {
  local t1 i out=()
  t1=$(date +%s.%N)
  for i in "${!_cores_pids[@]}"; do
    out+=("$(awk -v a="${_cores_c0[$i]}" -v b="$(cpu_seconds "${_cores_pids[$i]}")" -v t0="$_cores_t0" -v t1="$t1" \
      'BEGIN { printf "%.2f", (b - a) / (t1 - t0) }')")
  done
  out+=("$(awk -v a="$_cores_m0" -v b="$(machine_cpu)" -v t0="$_cores_t0" -v t1="$t1" 'BEGIN { printf "%.2f", (b - a) / (t1 - t0) }')")
  echo "${out[*]}"
}

# hwm_mib PID: peak resident set size (VmHWM) of a running process, MiB.
hwm_mib() { awk '/^VmHWM/ { printf "%.0f\n", $2 / 1024 }' "/proc/$1/status"; }

# field KEY LINE...: the value after KEY in a "key value key value" line.
field() {
  local key=$1; shift
  awk -v k="$key" '{ for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }' <<<"$*"
}

# ensure_ghz: sets $ghz to a ghz binary: on PATH, in build/gobin, or installed there now through the
# Go module proxy (about a minute). Empty when neither ghz nor go is available.
ghz_version=v0.93.0
ensure_ghz() {
  ghz=$(command -v ghz || true)
  [[ -z "$ghz" && -x "$root/build/gobin/ghz" ]] && ghz="$root/build/gobin/ghz"
  if [[ -z "$ghz" ]] && command -v go >/dev/null; then
    echo "bench: installing ghz $ghz_version into build/gobin (go install)"
    GOBIN="$root/build/gobin" go install "github.com/bojand/ghz/cmd/ghz@$ghz_version" && ghz="$root/build/gobin/ghz"
  fi
  if [[ -z "$ghz" ]]; then
    echo "bench: ghz unavailable (no ghz and no go): the query stages are skipped" >&2
  fi
}

# wait_port PORT [SECONDS]: waits until something listens on 127.0.0.1:PORT.
wait_port() {
  local deadline=$((SECONDS + ${2:-30}))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    ((SECONDS < deadline)) || { echo "bench: nothing listens on port $1" >&2; return 1; }
    sleep 0.1
  done
}

# ghz_run OUT ADDR METHOD DATA ARGS...: one ghz run against the query proto, JSON report to OUT.
ghz_run() {
  local out=$1 addr=$2 method=$3 data=$4; shift 4
  "$ghz" --insecure --proto "$root/proto/talentflow/v1/query.proto" -i "$root/proto,/usr/include" \
    --call "talentflow.v1.QueryService.$method" -d "$data" -O json "$@" "$addr" >"$out"
}

# ghz_stat FILE: "qps P50_MS P99_MS ERRORS" of a ghz JSON report.
ghz_stat() {
  python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
lat = {d["percentage"]: d["latency"] / 1e6 for d in (r.get("latencyDistribution") or [])}
# When -z ends ghz closes its connection under the calls in flight ("Canceled ... connection is
# closing", "Unavailable ... transport is closing"): those are not the server's errors.
errors = sum(v for k, v in (r.get("errorDistribution") or {}).items() if "is closing" not in k)
print(f'{r["rps"]:.1f} {lat.get(50, 0):.3f} {lat.get(99, 0):.3f} {errors}')
PY
}
