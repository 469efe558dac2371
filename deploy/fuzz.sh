#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang into ./build-fuzz, replays the committed
# regression inputs, then runs the fuzzers side by side for SECONDS each (default 60) under
# ASan+UBSan. Exit status 0 when nothing crashed; 1 otherwise, with each crash input copied to
# tests/fuzz/regressions/<target>/ (fix the bug, then commit the input: it is replayed every run).
#   ./deploy/fuzz.sh [SECONDS]
# The corpus grows in build-fuzz/corpus/<target> across runs, the last run's output is build-fuzz/<target>.log; seeds are made fresh each run from
# examples/feeds/openai-2026.jsonl and tests/data/broken_feed.jsonl.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
seconds=${1:-60}
targets=(feed_line_fuzzer fold_fuzzer json_event_fuzzer)
declare -A max_len=([feed_line_fuzzer]=4096 [fold_fuzzer]=8192 [json_event_fuzzer]=4096)

./deploy/install-deps.sh
started=$(date +%s)
# The same lock as the main build: the two cores are shared.
flock /tmp/tf-build.lock cmake -S . -B build-fuzz -G Ninja -DTALENTFLOW_FUZZ=ON \
  -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" >/dev/null
flock /tmp/tf-build.lock ninja -C build-fuzz -j "$(nproc)" "${targets[@]}" fuzz_seed_events \
  | { grep -vE '^\[[0-9]+/[0-9]+\] |^ninja: (Entering|no work)' || true; }
echo "fuzz: built in $(( $(date +%s) - started )) s"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Seeds: one file per feed line; for the fold, the same feeds as validated, framed records.
mkdir -p "$work/seeds/feed_line_fuzzer" "$work/seeds/fold_fuzzer" "$work/seeds/json_event_fuzzer"
n=0
for feed in examples/feeds/openai-2026.jsonl tests/data/broken_feed.jsonl; do
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    printf '%s' "$line" >"$work/seeds/feed_line_fuzzer/line-$n"
    printf '%s' "$line" >"$work/seeds/json_event_fuzzer/line-$n"
  done <"$feed"
done
build-fuzz/tests/fuzz/fuzz_seed_events examples/feeds/openai-2026.jsonl "$work/seeds/fold_fuzzer"

export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
for t in "${targets[@]}"; do
  reg=tests/fuzz/regressions/$t
  mapfile -t inputs < <(find "$reg" -type f ! -name '.*' 2>/dev/null | sort)
  if [ ${#inputs[@]} -gt 0 ]; then
    if ! "build-fuzz/tests/fuzz/$t" -runs=1 "${inputs[@]}" >"$work/$t.replay.log" 2>&1; then
      echo "fuzz: $t fails a regression input in $reg:"; tail -n 40 "$work/$t.replay.log"; status=1
    fi
  fi
  echo "fuzz: $t replayed ${#inputs[@]} regression input(s)"
done

pids=()
for t in "${targets[@]}"; do
  mkdir -p "build-fuzz/corpus/$t" "$work/artifacts/$t"
  "build-fuzz/tests/fuzz/$t" "build-fuzz/corpus/$t" "$work/seeds/$t" \
    -max_total_time="$seconds" -rss_limit_mb=2048 -max_len="${max_len[$t]}" -timeout=25 \
    -print_final_stats=1 -artifact_prefix="$work/artifacts/$t/" >"build-fuzz/$t.log" 2>&1 &
  pids+=($!)
done
for i in "${!targets[@]}"; do
  t=${targets[$i]}
  if wait "${pids[$i]}"; then
    echo "fuzz: $t: $(grep -E '^stat::number_of_executed_units' "build-fuzz/$t.log" | awk '{print $2}') runs, no crash"
  else
    status=1
    echo "fuzz: $t FAILED:"; grep -vE '^#[0-9]+' "build-fuzz/$t.log" | tail -n 60
    mkdir -p "tests/fuzz/regressions/$t"
    for a in "$work/artifacts/$t"/*; do
      [ -e "$a" ] || continue
      cp "$a" "tests/fuzz/regressions/$t/" && echo "fuzz: crash input saved as tests/fuzz/regressions/$t/$(basename "$a")"
    done
  fi
done
echo "fuzz: total $(( $(date +%s) - started )) s (build, replay, ${seconds} s of fuzzing)"
exit $status
