#!/usr/bin/env bash
# Benchmarks, each stage against the tool that bounds it, in the same run on the same throwaway
# broker, alternating ours and the reference (A B A B A B); reports median ratio (min–max) and
# CPU-seconds per million events. Writes docs/BENCHMARKS.md.
#   ./deploy/bench.sh          1,000,000 events, 3 rounds
#   ./deploy/bench.sh --quick  20,000 events, 1 round, no file written (run by ./deploy/test.sh)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
quick=0
[[ "${1:-}" == "--quick" ]] && quick=1
events=1000000 rounds=3
((quick)) && events=20000 rounds=1

./deploy/build.sh
source deploy/lib/throwaway-broker.sh
ctl="$root/build/ctl/talentflowctl"
ingest="$root/build/ingest/talentflow-ingest"
work="$TALENTFLOW_HOME/bench"
mkdir -p "$work"
brokers=$TALENTFLOW_KAFKA_BROKERS

new_topic() { TALENTFLOW_TOPIC=$1 "$root/deploy/kafka/start.sh" >/dev/null; }
# measure FILE CMD...: runs CMD, appends "wall user+sys" to FILE.
measure() {
  local out=$1; shift
  /usr/bin/time -f '%e %U %S' -o "$work/t" "$@" >/dev/null 2>"$work/stderr" || { cat "$work/stderr" >&2; return 1; }
  awk '{printf "%s %.2f\n", $1, $2 + $3}' "$work/t" >>"$out"
}

echo "bench: generating $events synthetic events"
"$ctl" gen --events "$events" >"$work/feed.jsonl"
"$ctl" gen --events "$events" --keyed >"$work/feed.keyed"
producer=(-X enable.idempotence=true -X acks=all -X compression.type=lz4 -X linger.ms=5 -X partitioner=murmur2_random)

for r in $(seq 1 "$rounds"); do
  echo "bench: round $r/$rounds"
  new_topic "bench.ours.$r"
  new_topic "bench.kcat.$r"
  measure "$work/ingest.ours" "$ingest" feed "$work/feed.jsonl" --topic "bench.ours.$r" --kafka-brokers "$brokers"
  measure "$work/ingest.kcat" kcat -P -b "$brokers" -t "bench.kcat.$r" -K $'\t' -l "${producer[@]}" "$work/feed.keyed"
  measure "$work/replay.ours" "$ctl" replay --db "$work/views.$r" --topic "bench.ours.$r" --kafka-brokers "$brokers"
  measure "$work/replay.kcat" kcat -C -b "$brokers" -t "bench.ours.$r" -e -o beginning -q
  rm -rf "$work/views.$r"
done
records=$(kcat -C -b "$brokers" -t bench.ours.1 -e -o beginning -q -f 'x\n' | wc -l)

# row NAME OURS REF TARGET: events/s of each (median), ratio median (min–max), CPU s per 1M events.
table=$(python3 - "$work" "$events" "$records" <<'PY'
import statistics, sys
work, events, records = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def load(name):
    return [tuple(map(float, l.split())) for l in open(f"{work}/{name}")]
rows = [("ingest: talentflow-ingest feed vs kcat -P (acks=all, idempotent, lz4)", "ingest", events, ">= 0.8x"),
        ("projector rebuild: talentflowctl replay vs kcat -C to /dev/null", "replay", records, ">= 0.5x")]
print("| stage | ours ev/s (median) | reference ev/s (median) | ratio median (min-max) | target | ours CPU s / 1M | ref CPU s / 1M |")
print("|---|---|---|---|---|---|---|")
for title, stage, n, target in rows:
    ours, ref = load(f"{stage}.ours"), load(f"{stage}.kcat")
    ratios = [r[0] / o[0] for o, r in zip(ours, ref)]
    print(f"| {title} | {n / statistics.median(o[0] for o in ours):,.0f} | {n / statistics.median(r[0] for r in ref):,.0f} "
          f"| {statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f}) | {target} "
          f"| {statistics.median(o[1] for o in ours) / n * 1e6:.1f} | {statistics.median(r[1] for r in ref) / n * 1e6:.1f} |")
PY
)
echo
echo "$table"
((quick)) && exit 0

{
  echo "# Benchmarks"
  echo
  echo "Written by \`./deploy/bench.sh\` on $(date -u +%Y-%m-%d). $events synthetic events (\`talentflowctl gen\`: 500 orgs x 20"
  echo "teams, ~460 B of JSON, ~300 B protobuf), $records records on a 12-partition topic, one local Kafka $(basename "$(ls "$root"/deploy/kafka/lib/kafka_2.13-*.jar)" .jar | sed 's/kafka_2.13-//') broker."
  echo "Ours and the reference alternate, $rounds rounds; ratio = ours / reference events/s (higher is better for us)."
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //');"
  echo "librdkafka $(dpkg-query -W -f='${Version}' librdkafka-dev), RocksDB $(dpkg-query -W -f='${Version}' librocksdb-dev), kcat $(dpkg-query -W -f='${Version}' kcat)."
  echo
  echo "$table"
  echo
  echo "Commands (per round): \`talentflow-ingest feed feed.jsonl --topic T1\`; \`kcat -P -t T2 -K '\\t' -l ${producer[*]} feed.keyed\`;"
  echo "\`talentflowctl replay --db DIR --topic T1\`; \`kcat -C -t T1 -e -o beginning -q > /dev/null\`."
  echo
  echo "What bounds each stage (profiles) and what is not measured yet: docs/PERFORMANCE.md."
} >"$root/docs/BENCHMARKS.md"
echo "bench: wrote docs/BENCHMARKS.md"
