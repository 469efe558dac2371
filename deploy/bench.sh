#!/usr/bin/env bash
# Benchmarks, each stage against the tool that bounds it, in the same run on the same throwaway
# broker, alternating ours and the reference (A B A B A B); reports median ratio (min–max) and
# CPU-seconds per million events. Writes docs/BENCHMARKS.md.
#   ./deploy/bench.sh          1,000,000 events, 3 rounds (about 8 minutes on 2 cores)
#   ./deploy/bench.sh --quick  every stage at a tiny size, 1 round, no file written (run by ./deploy/test.sh)
#   ./deploy/bench.sh --large  also loads 10,000,000 events and replays them once (1M vs 10M cost per
#                              event), and holds freshness at 1,000 events/s for 5 minutes in round 1
#                              (the soak row); adds about 8 minutes
#   ./deploy/bench.sh --scaling  only the scale-out stage (three instances: routing cost, gathered org
#                              snapshots, failover; deploy/lib/bench-scaling.sh), about 3 minutes;
#                              replaces that section of docs/BENCHMARKS.md. Every full run includes it.
#   ./deploy/bench.sh --ingest   only the two ingest rows (feed and `Publish`, each vs `kcat -P`); prints
#                              them and writes nothing (for A/B work on ingest, a few minutes)
# Sizes (env): BENCH_EVENTS (feed/replay events), BENCH_ROUNDS, BENCH_GRPC_EVENTS (gRPC ingest),
# BENCH_FRESH_SECONDS (per freshness run), BENCH_QUERY_SECONDS (per ghz run), BENCH_LARGE_EVENTS
# (0 = no large replay), BENCH_SOAK_SECONDS (the --large soak; default 300). BENCH_SKIP_BUILD=1 uses ./build as it is. A run with any size changed from
# the defaults prints the table but does not write docs/BENCHMARKS.md unless BENCH_WRITE=1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
quick=0 large=0 scaling_only=0 ingest_only=0
for arg in "$@"; do
  case $arg in
    --quick) quick=1 ;;
    --large) large=1 ;;
    --scaling) scaling_only=1 ;;
    --ingest) ingest_only=1 ;;
    *) echo "usage: $0 [--quick] [--large] [--scaling] [--ingest]" >&2; exit 2 ;;
  esac
done
defaults="1000000 3 200000 10 10"
events=${BENCH_EVENTS:-1000000} rounds=${BENCH_ROUNDS:-3} grpc_events=${BENCH_GRPC_EVENTS:-200000}
fresh_s=${BENCH_FRESH_SECONDS:-10} query_s=${BENCH_QUERY_SECONDS:-10}
large_events=${BENCH_LARGE_EVENTS:-0}
soak_s=${BENCH_SOAK_SECONDS:-300}
# Publish calls in flight for the gRPC ingest stage: 1 gave ~20k ev/s, 4 ~56k, 8 ~67k, 16 ~63k (2 cores).
grpc_in_flight=8
((large)) && ((large_events == 0)) && large_events=10000000
if ((quick)); then
  events=20000 rounds=1 grpc_events=5000 fresh_s=2 query_s=2
  ((large_events > 0)) && large_events=50000
  [[ -n "${BENCH_SOAK_SECONDS:-}" ]] || soak_s=2
fi
invocation="$( (env | grep -E '^BENCH_[A-Z_]+=' || true) | sort | tr '\n' ' ')./deploy/bench.sh${*:+ $*}"
write=0
[[ "$events $rounds $grpc_events $fresh_s $query_s" == "$defaults" ]] && ((!quick)) && write=1
((large && soak_s != 300)) && write=0
[[ "${BENCH_WRITE:-0}" == 1 ]] && ((!quick)) && write=1
((ingest_only)) && write=0 large_events=0

[[ "${BENCH_SKIP_BUILD:-0}" == 1 ]] || ./deploy/build.sh
work=""
results=""
source deploy/lib/bench-lib.sh
((ingest_only)) || ensure_ghz
source deploy/lib/throwaway-broker.sh
work="$TALENTFLOW_HOME/bench"
results="$work/results"
mkdir -p "$work/bin"
# The binaries are copied first, so a rebuild of ./build during the run cannot change them mid-run.
cp "$root/build/ctl/talentflowctl" "$root/build/ingest/talentflow-ingest" "$root/build/tests/bench/talentflow-bench" "$work/bin/"
((ingest_only)) || cp "$root/build/projector/talentflow-projector" "$root/build/query/talentflow-query" "$work/bin/"
ctl="$work/bin/talentflowctl"
ingest="$work/bin/talentflow-ingest"
projector="$work/bin/talentflow-projector"
query="$work/bin/talentflow-query"
tool="$work/bin/talentflow-bench"
: >"$results"
brokers=$TALENTFLOW_KAFKA_BROKERS
broker_pid=$(tr -dc '0-9' <"$TALENTFLOW_HOME/kafka/kafka.pid")
started=$(date +%s)
ticks_at_start=$(cpu_ticks)

# Background services of the current round; stopped (by pid) at the end of a round and on exit.
pids=()
stop_services() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
trap 'stop_services; throwaway_broker_cleanup' EXIT

new_topic() { TALENTFLOW_TOPIC=$1 "$root/deploy/kafka/start.sh" >/dev/null; }
# measure FILE CMD...: runs CMD, appends "wall user+sys maxrss_kib machine_cpu" to FILE (machine_cpu:
# CPU seconds the whole machine was busy or stolen meanwhile, broker included).
measure() {
  local out=$1 m0; shift
  m0=$(machine_cpu)
  /usr/bin/time -f '%e %U %S %M' -o "$work/t" "$@" >/dev/null 2>"$work/stderr" || { cat "$work/stderr" >&2; return 1; }
  awk -v m="$(awk -v a="$m0" -v b="$(machine_cpu)" 'BEGIN { printf "%.2f", b - a }')" \
    '{printf "%s %.2f %s %s\n", $1, $2 + $3, $4, m}' "$work/t" >>"$out"
}

if ((scaling_only)); then
  source deploy/lib/bench-scaling.sh
  ((quick)) && exit 0
  # Replace the scale-out section of docs/BENCHMARKS.md (or add it before the commands).
  python3 - "$root/docs/BENCHMARKS.md" "$work/scaling.md" <<'PY'
import re, sys
doc, new = open(sys.argv[1]).read(), open(sys.argv[2]).read().rstrip("\n") + "\n\n"
m = re.search(r"^## Scale-out.*?(?=^## |\Z)", doc, flags=re.S | re.M)
if m:
    doc = doc[: m.start()] + new + doc[m.end():]
else:
    i = doc.find("## Commands")
    doc = doc[:i] + new + doc[i:] if i >= 0 else doc + "\n" + new
open(sys.argv[1], "w").write(doc)
PY
  echo "bench: wrote the scale-out section of docs/BENCHMARKS.md"
  exit 0
fi

echo "bench: generating $events synthetic events"
"$ctl" gen --events "$events" >"$work/feed.jsonl"
"$ctl" gen --events "$events" --keyed >"$work/feed.keyed"
"$ctl" gen --events "$grpc_events" --keyed >"$work/grpc.keyed"
producer=(-X enable.idempotence=true -X acks=all -X compression.type=lz4 -X linger.ms=5 -X partitioner=murmur2_random)
ghz_team='{"org":"org1","team":"team1"}'
ghz_org='{"org":"org0"}'

# A fresh broker's JIT compiler kept most of a core busy for its first minutes (48 CPU-s in 15
# minutes, docs/PERFORMANCE.md); the produce and fetch paths are compiled before the first round.
echo "bench: warming up the broker: kcat -P and kcat -C of the feed, unmeasured"
new_topic bench.warmup
kcat -P -b "$brokers" -t bench.warmup -K $'\t' -l "${producer[@]}" "$work/feed.keyed"
kcat -C -b "$brokers" -t bench.warmup -e -o beginning -q >/dev/null

for r in $(seq 1 "$rounds"); do
  echo "bench: round $r/$rounds: ingest$( ((ingest_only)) || echo " and replay")"
  new_topic "bench.ours.$r"
  new_topic "bench.kcat.$r"
  measure "$work/ingest.ours" "$ingest" feed "$work/feed.jsonl" --topic "bench.ours.$r" --kafka-brokers "$brokers"
  measure "$work/ingest.kcat" kcat -P -b "$brokers" -t "bench.kcat.$r" -K $'\t' -l "${producer[@]}" "$work/feed.keyed"
  ((ingest_only)) || measure "$work/replay.ours" "$ctl" replay --db "$work/views.$r" --topic "bench.ours.$r" --kafka-brokers "$brokers"
  ((ingest_only)) || measure "$work/replay.kcat" kcat -C -b "$brokers" -t "bench.ours.$r" -e -o beginning -q
  rm -rf "$work/views.$r"

  echo "bench: round $r/$rounds: ingest over gRPC (Publish, 500 events per call)"
  read -r p_ingest p_ingest_http p_proj_http p_query p_query_http p_stub < <(free_ports 6)
  new_topic "bench.grpc.$r"
  new_topic "bench.kcatg.$r"
  new_topic "bench.ref.$r"
  # TALENTFLOW_MAX_IN_FLIGHT: the freshness client may have up to 64 calls open, the query service
  # serves 100 watch streams plus ghz's 16 calls; the default limit (64) would refuse some.
  export TALENTFLOW_MAX_IN_FLIGHT=256
  "$ingest" serve --listen "127.0.0.1:$p_ingest" --http-port "$p_ingest_http" --topic "bench.grpc.$r" \
    --kafka-brokers "$brokers" 2>"$work/ingest-serve.log" &
  pids+=($!)
  ingest_pid=$!
  wait_port "$p_ingest"
  # The client says "started" once its requests are built; the cores of the server, the broker and
  # the machine are measured from then until its result line (its own CPU is in that line).
  rm -f "$work/publish.fifo"; mkfifo "$work/publish.fifo"
  "$tool" publish --ingest "127.0.0.1:$p_ingest" --events "$grpc_events" --batch 500 --concurrency "$grpc_in_flight" \
    >"$work/publish.fifo" &
  client_pid=$!
  exec {publish_fd}<"$work/publish.fifo"
  read -r _ <&"$publish_fd"
  cpu0=$(cpu_seconds "$ingest_pid")
  cores_start "$ingest_pid" "$broker_pid"
  read -r line <&"$publish_fd"
  read -r c_ingest c_broker c_machine < <(cores_end)
  cpu1=$(cpu_seconds "$ingest_pid")
  exec {publish_fd}<&-
  wait "$client_pid"
  put grpc "$r" ours_cores "$c_ingest"; put grpc "$r" broker_cores "$c_broker"; put grpc "$r" machine_cores "$c_machine"
  put grpc "$r" client_cores "$(awk -v c="$(field cpu_s "$line")" -v s="$(field seconds "$line")" 'BEGIN { printf "%.2f", c / s }')"
  put grpc "$r" ours_s "$(field seconds "$line")"
  put grpc "$r" ours_cpu "$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.2f", b - a }')"
  measure "$work/grpc.kcat" kcat -P -b "$brokers" -t "bench.kcatg.$r" -K $'\t' -l "${producer[@]}" "$work/grpc.keyed"
  read -r wall cpu _ < <(tail -1 "$work/grpc.kcat")
  put grpc "$r" ref_s "$wall"
  put grpc "$r" ref_cpu "$cpu"
  if ((ingest_only)); then
    stop_services
    continue
  fi

  echo "bench: round $r/$rounds: projector and query service on the gRPC topic (+ one 200-team org)"
  "$ctl" gen --produce --events $((quick ? 2000 : 10000)) --orgs 1 --teams 200 --seed 7 --topic "bench.grpc.$r" \
    --kafka-brokers "$brokers" 2>>"$work/gen.log"
  db="$work/live.$r"
  "$projector" run --db "$db" --http-port "$p_proj_http" --topic "bench.grpc.$r" --kafka-brokers "$brokers" \
    --group "bench.$r" 2>"$work/projector.log" &
  pids+=($!)
  projector_pid=$!
  "$query" serve --db "$db" --listen "127.0.0.1:$p_query" --http-port "$p_query_http" --topic "bench.grpc.$r" \
    --kafka-brokers "$brokers" 2>"$work/query.log" &
  pids+=($!)
  query_pid=$!
  wait_port "$p_query"
  "$tool" wait --query "127.0.0.1:$p_query" --timeout 600 >/dev/null

  # Warm-up, not in the freshness rows: the first freshness seconds after the catch-up measure the
  # stack's start-up, not its steady freshness. The broker's JIT compiles its small-request paths
  # (idempotent produce of small batches, long-poll fetches; the kcat warm-up above sends large
  # batches): its C2 compiler threads took 6 CPU-s in the first 20 s of 1,000 events/s, and the
  # projector hands each rebuilt partition to its live consumer (docs/PERFORMANCE.md, "Freshness:
  # the start-up transient"). The warm-up's p99 is recorded and shown under the table.
  echo "bench: round $r/$rounds: freshness warm-up at 1000 then 10000 events/s, not in the rows"
  for rate in 1000 10000; do
    line=$("$tool" fresh --ingest "127.0.0.1:$p_ingest" --query "127.0.0.1:$p_query" --rate "$rate" \
      --seconds $((rate == 1000 ? 2 * fresh_s : fresh_s)) --seed $((2000 + r)) --orgs 500 --teams 20) || true
    echo "  warm-up:   $line"
    put "warmup$rate" "$r" p99 "$(field p99_ms "$line")"
    put "warmup$rate" "$r" max "$(field max_ms "$line")"
  done

  for rate in 1000 10000; do
    echo "bench: round $r/$rounds: freshness at $rate events/s offered"
    cores_start "$ingest_pid" "$projector_pid" "$query_pid" "$broker_pid"
    line=$("$tool" fresh --ingest "127.0.0.1:$p_ingest" --query "127.0.0.1:$p_query" --rate "$rate" \
      --seconds "$fresh_s" --seed $((1000 + r)) --orgs 500 --teams 20) || true
    read -r c_ingest c_proj c_query c_broker c_machine < <(cores_end)
    put "fresh$rate" "$r" ingest_cores "$c_ingest"; put "fresh$rate" "$r" projector_cores "$c_proj"
    put "fresh$rate" "$r" query_cores "$c_query"; put "fresh$rate" "$r" broker_cores "$c_broker"
    put "fresh$rate" "$r" machine_cores "$c_machine"
    echo "  ours:      $line"
    put "fresh$rate" "$r" ours_p99 "$(field p99_ms "$line")"
    put "fresh$rate" "$r" ours_p50 "$(field p50_ms "$line")"
    put "fresh$rate" "$r" ours_pub99 "$(field publish_p99_ms "$line")"
    put "fresh$rate" "$r" ours_err "$(field errors "$line")"
    line=$("$tool" kafka-fresh --kafka-brokers "$brokers" --topic "bench.ref.$r" --rate "$rate" \
      --seconds "$fresh_s" --seed $((1000 + r))) || true
    echo "  reference: $line"
    put "fresh$rate" "$r" ref_p99 "$(field p99_ms "$line")"
    put "fresh$rate" "$r" ref_p50 "$(field p50_ms "$line")"
  done
  # The soak (--large, round 1 only): the 1,000 events/s run held for minutes, where the 10 s rows
  # hide the tail (a broker log roll, a RocksDB flush or compaction, a GC of the broker's JVM).
  if ((large && r == 1)); then
    echo "bench: round $r/$rounds: freshness soak, 1000 events/s offered for $soak_s s"
    cores_start "$ingest_pid" "$projector_pid" "$query_pid" "$broker_pid"
    line=$("$tool" fresh --ingest "127.0.0.1:$p_ingest" --query "127.0.0.1:$p_query" --rate 1000 \
      --seconds "$soak_s" --seed 3001 --orgs 500 --teams 20) || true
    read -r c_ingest c_proj c_query c_broker c_machine < <(cores_end)
    echo "  ours:      $line"
    put soak 1 seconds "$soak_s"
    for k in samples errors p50_ms p99_ms max_ms publish_p99_ms publish_max_ms; do put soak 1 "$k" "$(field "$k" "$line")"; done
    put soak 1 ingest_cores "$c_ingest"; put soak 1 projector_cores "$c_proj"; put soak 1 query_cores "$c_query"
    put soak 1 broker_cores "$c_broker"; put soak 1 machine_cores "$c_machine"
  fi

  if [[ -n "$ghz" ]]; then
    echo "bench: round $r/$rounds: query (ghz, GetTeamHealth) vs a trivial QueryService"
    "$tool" wait --query "127.0.0.1:$p_query" --timeout 600 >/dev/null
    "$tool" stub --listen "127.0.0.1:$p_stub" --from "127.0.0.1:$p_query" --org org1 --team team1 >"$work/stub.out" &
    pids+=($!)
    stub_pid=$!
    wait_port "$p_stub"
    cores_start "$query_pid"
    ghz_run "$work/q.ours.json" "127.0.0.1:$p_query" GetTeamHealth "$ghz_team" -c 16 -z "${query_s}s"
    read -r c_query c_machine < <(cores_end)
    put query "$r" ours_cores "$c_query"; put query "$r" machine_cores "$c_machine"
    cores_start "$stub_pid"
    ghz_run "$work/q.stub.json" "127.0.0.1:$p_stub" GetTeamHealth "$ghz_team" -c 16 -z "${query_s}s"
    read -r c_stub _ < <(cores_end)
    put query "$r" ref_cores "$c_stub"
    read -r qps p50 p99 errs < <(ghz_stat "$work/q.ours.json")
    put query "$r" ours_qps "$qps"; put query "$r" ours_err "$errs"
    read -r sqps _ _ serrs < <(ghz_stat "$work/q.stub.json")
    put query "$r" ref_qps "$sqps"; put query "$r" ref_err "$serrs"
    half=$(awk -v q="$qps" 'BEGIN { h = int(q / 2); printf "%d\n", (h > 1 ? h : 1) }')
    ghz_run "$work/q.ours.json" "127.0.0.1:$p_query" GetTeamHealth "$ghz_team" -c 16 --rps "$half" -z "${query_s}s"
    ghz_run "$work/q.stub.json" "127.0.0.1:$p_stub" GetTeamHealth "$ghz_team" -c 16 --rps "$half" -z "${query_s}s"
    read -r _ _ p99 errs < <(ghz_stat "$work/q.ours.json")
    put query "$r" ours_p99 "$p99"; put query "$r" half_rps "$half"
    read -r _ _ sp99 _ < <(ghz_stat "$work/q.stub.json")
    put query "$r" ref_p99 "$sp99"

    echo "bench: round $r/$rounds: org snapshot (ghz, GetOrgSnapshot of a 200-team org)"
    cores_start "$query_pid"
    ghz_run "$work/o.json" "127.0.0.1:$p_query" GetOrgSnapshot "$ghz_org" -c 16 -z "${query_s}s"
    read -r c_query c_machine < <(cores_end)
    put org "$r" ours_cores "$c_query"; put org "$r" machine_cores "$c_machine"
    read -r oqps _ _ oerrs < <(ghz_stat "$work/o.json")
    put org "$r" ours_qps "$oqps"; put org "$r" ours_err "$oerrs"
    ohalf=$(awk -v q="$oqps" 'BEGIN { h = int(q / 2); printf "%d\n", (h > 1 ? h : 1) }')
    ghz_run "$work/o.json" "127.0.0.1:$p_query" GetOrgSnapshot "$ghz_org" -c 16 --rps "$ohalf" -z "${query_s}s"
    read -r _ _ op99 _ < <(ghz_stat "$work/o.json")
    put org "$r" ours_p99 "$op99"; put org "$r" half_rps "$ohalf"
  fi

  echo "bench: round $r/$rounds: memory (query service with 100 WatchTeamHealth streams)"
  "$tool" watch --query "127.0.0.1:$p_query" --streams 100 --orgs 500 --seconds $((quick ? 6 : 12)) >"$work/watch.out" &
  watch_pid=$!
  deadline=$((SECONDS + 30))
  until grep -q connected "$work/watch.out" || ((SECONDS > deadline)); do sleep 0.2; done
  "$ctl" gen --produce --events $((quick ? 1000 : 5000)) --seed $((2000 + r)) --topic "bench.grpc.$r" \
    --kafka-brokers "$brokers" 2>>"$work/gen.log"
  sleep 2
  put memory "$r" watchers "$(field connected "$(cat "$work/watch.out")")"
  wait "$watch_pid" || echo "bench: watch client failed: $(cat "$work/watch.out")" >&2
  put memory "$r" query_mib "$(hwm_mib "$query_pid")"
  put memory "$r" live_projector_mib "$(hwm_mib "$projector_pid")"
  stop_services
  rm -rf "$db"
done
records=$(kcat -C -b "$brokers" -t bench.ours.1 -e -o beginning -q -f 'x\n' | wc -l)
if ((!ingest_only)); then
  read -r _ _ rss _ < <(sort -k3 -n "$work/replay.ours" | tail -1)
  put memory 1 replay_mib $((rss / 1024))
fi

if ((large_events > 0)); then
  echo "bench: large: producing $large_events events (talentflowctl gen --produce) and replaying them once"
  new_topic bench.large
  /usr/bin/time -f '%e' -o "$work/t" "$ctl" gen --produce --events "$large_events" --topic bench.large \
    --kafka-brokers "$brokers" 2>>"$work/gen.log"
  put large 1 load_s "$(cat "$work/t")"
  large_records=$(kcat -C -b "$brokers" -t bench.large -e -o beginning -q -f 'x\n' | wc -l)
  measure "$work/replay.large" "$ctl" replay --db "$work/views.large" --topic bench.large --kafka-brokers "$brokers"
  rm -rf "$work/views.large"
  read -r wall cpu rss machine < <(tail -1 "$work/replay.large")
  put large 1 records "$large_records"; put large 1 wall "$wall"; put large 1 cpu "$cpu"; put large 1 rss_mib $((rss / 1024))
  put large 1 machine_cpu "$machine"
fi
((ingest_only)) || source deploy/lib/bench-scaling.sh
elapsed=$(($(date +%s) - started))

table=$(python3 "$root/deploy/lib/bench_table.py" "$work" "$events" "$records" "$grpc_events" "$large_events")
echo
echo "$table"
echo
echo "bench: $((elapsed / 60)) min $((elapsed % 60)) s after the build"
if ((!write)); then
  if ((ingest_only)); then
    echo "bench: --ingest: docs/BENCHMARKS.md not written"
  elif ((!quick)); then
    echo "bench: sizes differ from the defaults: docs/BENCHMARKS.md not written (BENCH_WRITE=1 to force)"
  fi
  exit 0
fi

{
  echo "# Benchmarks"
  echo
  echo "Written by \`$invocation\` on $(date -u +%Y-%m-%d) in $((elapsed / 60)) minutes. $events synthetic events (\`talentflowctl gen\`: 500 orgs x 20"
  echo "teams, ~460 B of JSON, ~300 B protobuf), $records records on a 12-partition topic, one local Kafka $(basename "$(ls "$root"/deploy/kafka/lib/kafka_2.13-*.jar)" .jar | sed 's/kafka_2.13-//') broker."
  echo "Ours and the reference alternate, $rounds rounds; each row's ratio is ours / reference, per round: median (min-max)."
  echo "Sizes: feed and replay $events events, gRPC ingest $grpc_events events, freshness ${fresh_s} s per run, ghz ${query_s} s per run$( ((large_events > 0)) && echo ", large replay $large_events events")$( ((large)) && echo ", freshness soak ${soak_s} s")."
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"
  echo "$(steal_since "$ticks_at_start") % of its CPU time stolen by the hypervisor during the run (\`steal\` in /proc/stat; the rows' machine cores count busy and stolen time);"
  echo "librdkafka $(dpkg-query -W -f='${Version}' librdkafka-dev), RocksDB $(dpkg-query -W -f='${Version}' librocksdb-dev), gRPC $(dpkg-query -W -f='${Version}' libgrpc++-dev), kcat $(dpkg-query -W -f='${Version}' kcat), ghz ${ghz_version}."
  echo
  echo "$table"
  echo
  cat "$work/scaling.md"
  echo
  echo "## Commands (per round; ports and directories are the run's own)"
  echo
  echo "- before the first round, unmeasured: \`kcat -P\` of the feed to a topic of its own and \`kcat -C\` of it, so the broker's JIT has compiled its produce and fetch paths."
  echo "- ingest: \`talentflow-ingest feed feed.jsonl --topic T1\` vs \`kcat -P -t T2 -K '\\t' -l ${producer[*]} feed.keyed\`."
  echo "- replay: \`talentflowctl replay --db DIR --topic T1\` vs \`kcat -C -t T1 -e -o beginning -q > /dev/null\`; peak RSS by \`/usr/bin/time -f %M\`."
  echo "- ingest over gRPC: \`talentflow-ingest serve --topic T3\`, then \`talentflow-bench publish --events $grpc_events --batch 500 --concurrency $grpc_in_flight\`"
  echo "  (pre-built requests, $grpc_in_flight calls in flight: more gave no more; ours CPU = the server's, from /proc; the cores of server, broker and machine from the client's \"started\" line to its result, the client's own from its getrusage) vs \`kcat -P\` (as above) of the same $grpc_events events."
  echo "- then \`talentflowctl gen --produce --orgs 1 --teams 200 --seed 7 --events 10000 --topic T3\` (org0 becomes a 200-team org),"
  echo "  \`talentflow-projector run --topic T3\` and \`talentflow-query serve\` on its DB, until the views caught up (\`talentflow-bench wait\`)."
  echo "- freshness warm-up, not in the rows: \`talentflow-bench fresh --rate 1000 --seconds $((2 * fresh_s))\`, then \`--rate 10000 --seconds $fresh_s\` (another seed), so the broker's JIT"
  echo "  has compiled its small-request paths and the projector's partitions are with its live consumer; their p99 is under the table."
  echo "- freshness: \`talentflow-bench fresh --rate R --seconds $fresh_s\`: a batch of R/100 events every 10 ms through \`Publish\`, then for"
  echo "  the batch's last event \`GetTeamHealth\` with \`min_offsets\` = its record; latency = answer - batch due time. Reference:"
  echo "  \`talentflow-bench kafka-fresh --rate R\`: the same events on the same schedule produced with ingest's producer settings,"
  echo "  consumed by a bare librdkafka consumer with the live projector's fetch settings (fetch.wait.max.ms=100); latency = consumed - due."
  ((large)) && echo "- soak (round 1): \`talentflow-bench fresh --rate 1000 --seconds $soak_s\` after the freshness runs, same stack; no reference run."
  echo "- query: \`ghz --insecure --proto query.proto --call talentflow.v1.QueryService.GetTeamHealth -d '$ghz_team' -c 16 -z ${query_s}s\`"
  echo "  against \`talentflow-query serve\` and against \`talentflow-bench stub\` (a QueryService answering a copy of the real"
  echo "  answer: same method, same bytes); then both at \`--rps\` = half of ours' saturated QPS."
  echo "- org snapshot: the same with \`GetOrgSnapshot -d '$ghz_org'\` (200 teams), saturated then at half."
  echo "- memory: \`talentflow-bench watch --streams 100\` (100 WatchTeamHealth streams, each an org's every team) while 5,000 more"
  echo "  events arrive; query peak = VmHWM of \`talentflow-query serve\` after every query stage; replay peak from \`/usr/bin/time\`."
  ((large_events > 0)) && echo "- large: \`talentflowctl gen --produce --events $large_events --topic T4\`, then \`talentflowctl replay --topic T4\` once."
  echo
  echo "What bounds each stage (profiles): docs/PERFORMANCE.md."
} >"$root/docs/BENCHMARKS.md"
echo "bench: wrote docs/BENCHMARKS.md"
