# Sourced by bench.sh: the scale-out stage (docs/SCALING.md). Three instances (projector + query
# service, one DB each) in one group over a 12-partition topic holding a 200-team org:
#   - GetTeamHealth on instance s1 for a team it serves (local) and for one another instance serves
#     (forwarded, one hop), both at half of the local call's saturated QPS: the cost of routing;
#   - GetOrgSnapshot of the 200-team org on s1 (a gather from all three) vs one unrouted instance
#     over a replay of the same log, each at half of its own saturated QPS;
#   - failover: kill -9 of instance s3 (projector and query), then `talentflowctl org` on s1 every
#     50 ms until it answers completely: without standby copies, and with them (owners only, and
#     with --max-lag).
# Needs bench.sh's variables and helpers ($work $brokers $ctl $projector $query $ghz $quick $query_s,
# new_topic, free_ports, wait_port, ghz_run, ghz_stat, pids, stop_services). Writes "$work/scaling.md".
scale_events=$((quick ? 2000 : 20000))
scale_s=$((quick ? 2 : query_s))
new_topic bench.scale
"$ctl" gen --produce --events "$scale_events" --orgs 1 --teams 200 --seed 7 --topic bench.scale \
  --kafka-brokers "$brokers" 2>>"$work/gen.log"
declare -A scale_addr scale_http scale_pids

# scale_start RUN ID [--standby]: instance ID of run RUN (own group and DBs per run).
scale_start() {
  local run=$1 id=$2 qp qh ph
  read -r qp qh ph < <(free_ports 3)
  scale_addr[$id]=127.0.0.1:$qp
  scale_http[$id]=$ph
  "$projector" run --db "$work/scale.$run.$id" --http-port "$ph" --topic bench.scale --kafka-brokers "$brokers" \
    --group "bench.scale.$run" --instance-id "$id" --advertise "127.0.0.1:$qp" "${@:3}" 2>"$work/scale.$run.$id.projector.log" &
  pids+=($!)
  scale_pids[$id]="$!"
  "$query" serve --db "$work/scale.$run.$id" --listen "127.0.0.1:$qp" --http-port "$qh" --topic bench.scale \
    --kafka-brokers "$brokers" --instance-id "$id" 2>"$work/scale.$run.$id.query.log" &
  pids+=($!)
  scale_pids[$id]+=" $!"
}

# scale_ready: every projector has partitions and s1 answers the whole org.
scale_ready() {
  local id deadline=$((SECONDS + 300))
  for id in s1 s2 s3; do
    until curl -fsS "http://127.0.0.1:${scale_http[$id]}/metrics" 2>/dev/null | grep -q '^talentflow_projector_applied_offset{'; do
      ((SECONDS < deadline)) || { echo "bench: scale-out: $id got no partition" >&2; return 1; }
      sleep 0.2
    done
  done
  for id in s1 s2 s3; do wait_port "${scale_addr[$id]#*:}"; done
  "$tool" wait --query "${scale_addr[s1]}" --timeout 600 >/dev/null
}

# scale_probe OUT ARGS...: ms from now until `talentflowctl org org0 ARGS` on s1
# succeeds (one process per try, every 50 ms), into OUT.
scale_probe() {
  local out=$1 t0; shift
  t0=$(date +%s%N)
  until "$ctl" org org0 --query "${scale_addr[s1]}" --timeout 2 "$@" >/dev/null 2>&1; do sleep 0.05; done
  echo $((($(date +%s%N) - t0) / 1000000)) >"$out"
}

echo "bench: scale-out: three instances, routed vs local GetTeamHealth, GetOrgSnapshot gathered from three"
scale_start plain s1
scale_start plain s2
scale_start plain s3
scale_ready
# A team s1 serves and one it forwards: the watermark of a GetTeamHealth names the instance that answered.
local_team="" routed_team=""
for n in $(seq 0 199); do
  who=$("$ctl" team "org0/team$n" --query "${scale_addr[s1]}" --json 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["watermark"]["partitions"][0].get("instance",""))' || true)
  [[ -z $local_team && $who == s1 ]] && local_team=team$n
  [[ -z $routed_team && -n $who && $who != s1 ]] && routed_team=team$n
  [[ -n $local_team && -n $routed_team ]] && break
done
if [[ -n "$ghz" && -n $local_team && -n $routed_team ]]; then
  # Saturated first, each path; then both at half of the forwarded path's QPS (a forwarded call
  # costs two services' work on this machine's two cores, so half of the local QPS would saturate it).
  ghz_run "$work/s.local.json" "${scale_addr[s1]}" GetTeamHealth "{\"org\":\"org0\",\"team\":\"$local_team\"}" -c 16 -z "${scale_s}s"
  read -r lqps _ _ _ < <(ghz_stat "$work/s.local.json")
  ghz_run "$work/s.routed.json" "${scale_addr[s1]}" GetTeamHealth "{\"org\":\"org0\",\"team\":\"$routed_team\"}" -c 16 -z "${scale_s}s"
  read -r rqps _ _ _ < <(ghz_stat "$work/s.routed.json")
  shalf=$(awk -v q="$rqps" 'BEGIN { h = int(q / 2); printf "%d\n", (h > 1 ? h : 1) }')
  ghz_run "$work/s.local.json" "${scale_addr[s1]}" GetTeamHealth "{\"org\":\"org0\",\"team\":\"$local_team\"}" -c 16 --rps "$shalf" -z "${scale_s}s"
  ghz_run "$work/s.routed.json" "${scale_addr[s1]}" GetTeamHealth "{\"org\":\"org0\",\"team\":\"$routed_team\"}" -c 16 --rps "$shalf" -z "${scale_s}s"
  read -r _ lp50 lp99 lerr < <(ghz_stat "$work/s.local.json")
  read -r _ rp50 rp99 rerr < <(ghz_stat "$work/s.routed.json")
  ghz_run "$work/s.org3.json" "${scale_addr[s1]}" GetOrgSnapshot '{"org":"org0"}' -c 16 -z "${scale_s}s"
  read -r o3qps _ _ _ < <(ghz_stat "$work/s.org3.json")
  o3half=$(awk -v q="$o3qps" 'BEGIN { h = int(q / 2); printf "%d\n", (h > 1 ? h : 1) }')
  ghz_run "$work/s.org3.json" "${scale_addr[s1]}" GetOrgSnapshot '{"org":"org0"}' -c 16 --rps "$o3half" -z "${scale_s}s"
  read -r _ _ o3p99 o3err < <(ghz_stat "$work/s.org3.json")
  # The same org from one unrouted instance over a replay of the same log.
  "$ctl" replay --db "$work/scale.single" --topic bench.scale --kafka-brokers "$brokers" >/dev/null 2>&1
  read -r sq sqh < <(free_ports 2)
  "$query" serve --db "$work/scale.single" --read-only --listen "127.0.0.1:$sq" --http-port "$sqh" 2>"$work/scale.single.log" &
  pids+=($!)
  wait_port "$sq"
  ghz_run "$work/s.org1.json" "127.0.0.1:$sq" GetOrgSnapshot '{"org":"org0"}' -c 16 -z "${scale_s}s"
  read -r o1qps _ _ _ < <(ghz_stat "$work/s.org1.json")
  o1half=$(awk -v q="$o1qps" 'BEGIN { h = int(q / 2); printf "%d\n", (h > 1 ? h : 1) }')
  ghz_run "$work/s.org1.json" "127.0.0.1:$sq" GetOrgSnapshot '{"org":"org0"}' -c 16 --rps "$o1half" -z "${scale_s}s"
  read -r _ _ o1p99 o1err < <(ghz_stat "$work/s.org1.json")
else
  echo "bench: scale-out: ghz missing or no local/routed team found (local '$local_team', routed '$routed_team')" >&2
fi

echo "bench: scale-out: failover without standby copies (kill -9 of s3)"
kill -9 ${scale_pids[s3]}
wait ${scale_pids[s3]} 2>/dev/null || true
scale_probe "$work/s.fail.plain"
stop_services
echo "bench: scale-out: failover with standby copies (kill -9 of s3)"
scale_start standby s1 --standby
scale_start standby s2 --standby
scale_start standby s3 --standby
scale_ready
kill -9 ${scale_pids[s3]}
wait ${scale_pids[s3]} 2>/dev/null || true
scale_probe "$work/s.fail.lag" --max-lag 1000000000 &
lag_probe=$!
scale_probe "$work/s.fail.standby"
wait "$lag_probe"
stop_services

{
  echo "## Scale-out (three instances on this machine)"
  echo
  echo "Written by \`$invocation\` on $(date -u +%Y-%m-%d)."
  echo "$scale_events events of one 200-team org on a 12-partition topic; three instances (projector + query, one DB each) in one"
  echo "group; every call made to instance s1. ghz runs of ${scale_s} s at half of the saturated QPS named."
  echo
  echo "| measure | value | target |"
  echo "|---|---|---|"
  if [[ -n ${lp99:-} ]]; then
    echo "| \`GetTeamHealth\` saturated QPS: local / forwarded | ${lqps} / ${rqps} | |"
    echo "| \`GetTeamHealth\` p99, team served by s1 (local) at ${shalf}/s (half the forwarded QPS) | ${lp99} ms (p50 ${lp50}, errors ${lerr}) | |"
    echo "| \`GetTeamHealth\` p99, team served by another instance (one hop) at ${shalf}/s | ${rp99} ms (p50 ${rp50}, errors ${rerr}) | |"
    echo "| routing cost: forwarded p99 − local p99 | $(awk -v a="$rp99" -v b="$lp99" 'BEGIN { printf "%.2f", a - b }') ms | ≤ 1 ms |"
    echo "| \`GetOrgSnapshot\` (200 teams) p99, gathered from 3 instances, at ${o3half}/s (half of ${o3qps}) | ${o3p99} ms (errors ${o3err}) | |"
    echo "| \`GetOrgSnapshot\` p99, one unrouted instance, at ${o1half}/s (half of ${o1qps}) | ${o1p99} ms (errors ${o1err}) | |"
  fi
  echo "| failover, no standby: kill -9 of s3 → s1 answers \`org org0\` completely | $(cat "$work/s.fail.plain") ms | |"
  echo "| failover, standby copies, owners only | $(cat "$work/s.fail.standby") ms | |"
  echo "| failover, standby copies, \`--max-lag\` reads (s1 answers from its own copies) | $(cat "$work/s.fail.lag") ms | seconds |"
  echo
  echo "Failover is bounded below by the consumer group's session timeout (10 s) for owners-only reads. Reads that"
  echo "accept a copy are answered at once by an instance holding copies itself, and after the ownership lease (3 s)"
  echo "by one without copies (ClusterTest.WithStandbysAKilledOwnersPartitionsAreAnsweredByWarmCopies: 2.8 s);"
  echo "docs/SCALING.md explains the steps."
} >"$work/scaling.md"
cat "$work/scaling.md"
