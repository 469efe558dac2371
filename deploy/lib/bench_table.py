"""The Markdown table of ./deploy/bench.sh from its measurements.

usage: bench_table.py WORK EVENTS RECORDS GRPC_EVENTS LARGE_EVENTS
WORK holds "<stage>.<ours|kcat>" files of "wall cpu maxrss_kib machine_cpu" lines (one per round) and `results`,
lines of "stage round key value". A stage that did not run is left out; a missing value prints "-".
"""
import collections
import os
import statistics
import sys

work, events, records, grpc_events, large_events = sys.argv[1], *map(int, sys.argv[2:6])


def load(name):
    try:
        return [tuple(map(float, l.split())) for l in open(f"{work}/{name}")]
    except FileNotFoundError:
        return []


# results[stage][key] = [value per round, in round order]
results = collections.defaultdict(lambda: collections.defaultdict(list))
for line in open(f"{work}/results"):
    parts = line.split()
    if len(parts) == 4:
        try:
            results[parts[0]][parts[2]].append(float(parts[3]))
        except ValueError:
            pass  # a value a failed run left empty


def med(xs):
    return statistics.median(xs) if xs else None


def ratio_cell(ratios):
    if not ratios:
        return "-"
    return f"{statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f})"


def num(x, fmt="{:,.0f}"):
    return "-" if x is None else fmt.format(x)


def met(ok):
    return "-" if ok is None else ("yes" if ok else "**no**")


rows = []
cores = os.cpu_count()


def row(stage, ours, ref, ratios, target, ok, notes=""):
    rows.append(f"| {stage} | {ours} | {ref} | {ratio_cell(ratios)} | {target} | {met(ok)} | {notes} |")


def saturated(machine_cores):
    """The machine's CPU counts as saturated from 85 % of its cores busy or stolen."""
    return machine_cores is not None and machine_cores >= 0.85 * cores


def bound(ok, ours_cores, machine_cores, split=None):
    """What bounds a stage that missed its target, from the cores measured while it ran. `split`,
    when given, says how the machine's cores divide between the processes (instead of "ours")."""
    if ok or machine_cores is None:
        return ""
    who = split or f"ours {ours_cores:.2f}"
    if saturated(machine_cores):
        return (f"; bound: CPU, the machine was {machine_cores:.2f} of {cores} cores busy or stolen ({who});"
                " where ours spends it: docs/PERFORMANCE.md")
    if ours_cores >= 0.75 * cores:
        return (f"; bound: CPU in ours, {ours_cores:.2f} of {cores} cores busy (machine {machine_cores:.2f});"
                " where it goes: docs/PERFORMANCE.md")
    return f"; bound: not the machine's CPU ({machine_cores:.2f} of {cores} cores busy or stolen, {who})"


def publish_bound(ok, g):
    """A missed `Publish` row: the machine's cores while the client published, split between the
    server, the bench client and the broker (all three on this machine)."""
    server, machine = med(g["ours_cores"]), med(g["machine_cores"])
    if not g["client_cores"] or not g["broker_cores"]:
        return bound(ok, server, machine)
    client, broker = med(g["client_cores"]), med(g["broker_cores"])
    return bound(ok, server, machine, f"server {server:.2f}, bench client {client:.2f}, broker {broker:.2f},"
                                      f" the rest {max(0.0, machine - server - client - broker):.2f}")


def throughput_row(title, stage, n, target_ratio, ref_name, max_cpu_per_m=None):
    """A throughput row, ours against the reference tool. Met when the median ratio reaches
    `target_ratio` and, with `max_cpu_per_m`, ours needed at most that many CPU seconds per 1M."""
    ours, ref = load(f"{stage}.ours"), load(f"{stage}.kcat")
    if not ours or not ref:
        return None
    ratios = [r[0] / o[0] for o, r in zip(ours, ref)]
    m = statistics.median(ratios)
    cpu_per_m = med([o[1] for o in ours]) / n * 1e6
    ok = m >= target_ratio and (max_cpu_per_m is None or cpu_per_m <= max_cpu_per_m)
    target = f">= {target_ratio}x" if max_cpu_per_m is None else f"<= {max_cpu_per_m} CPU s / 1M; >= {target_ratio}x"
    ours_cores = med([o[1] / o[0] for o in ours])
    machine_cores = med([o[3] / o[0] for o in ours]) if all(len(o) > 3 for o in ours) else None
    row(title, f"{n / med([o[0] for o in ours]):,.0f} ev/s", f"{n / med([r[0] for r in ref]):,.0f} ev/s ({ref_name})",
        ratios, target, ok,
        f"CPU s / 1M: ours {cpu_per_m:.1f}, ref {med([r[1] for r in ref]) / n * 1e6:.1f}; busy cores:"
        f" ours {ours_cores:.2f}, machine {num(machine_cores, '{:.2f}')} of {cores}" + bound(ok, ours_cores, machine_cores))
    return cpu_per_m


throughput_row("ingest: `talentflow-ingest feed` (acks=all, idempotent, lz4)", "ingest", events, 0.5, "kcat -P")

g = results["grpc"]
if g["ours_s"] and g["ref_s"]:
    ratios = [r / o for o, r in zip(g["ours_s"], g["ref_s"])]
    row("ingest over gRPC: `Publish`, 500 events per call, 8 in flight", f"{grpc_events / med(g['ours_s']):,.0f} ev/s",
        f"{grpc_events / med(g['ref_s']):,.0f} ev/s (kcat -P)", ratios, ">= 0.4x", statistics.median(ratios) >= 0.4,
        f"CPU s / 1M: ours {med(g['ours_cpu']) / grpc_events * 1e6:.1f} (server), ref {med(g['ref_cpu']) / grpc_events * 1e6:.1f};"
        f" busy cores: ingest {num(med(g['ours_cores']), '{:.2f}')}, machine {num(med(g['machine_cores']), '{:.2f}')} of {cores}"
        + publish_bound(statistics.median(ratios) >= 0.4, g))

replay_cpu = throughput_row("projector rebuild: `talentflowctl replay`, 12 partitions", "replay", records, 0.25,
                            "kcat -C to /dev/null", max_cpu_per_m=5)


def fresh_bound(ok, ours_p99, publish_p99, ref_p99, machine_cores):
    """Which half of publish -> visible bounds a missed freshness target: the wait for the broker's
    acknowledgement (`Publish` returns), or what comes after it (the projector folds and commits the
    records, the query service catches up); and whether the machine's CPU was saturated meanwhile
    (then every process of the pipeline waited for a core)."""
    if ok or publish_p99 is None:
        return ""
    cpu = (f"; the machine's CPU was saturated, {machine_cores:.2f} of {cores} cores busy or stolen"
           if saturated(machine_cores) else "")
    if publish_p99 >= ours_p99 / 2:
        return (f"; bound: `Publish` until acked, p99 {publish_p99:.1f} of the {ours_p99:.1f} ms"
                f" ({publish_p99 / ref_p99:.1f}x the reference's p99 alone)" + cpu)
    return (f"; bound: after the ack (projector fold and commit, query catch-up): `Publish` until acked is p99"
            f" {publish_p99:.1f} ms of the {ours_p99:.1f}" + cpu)


for rate in (1000, 10000):
    f = results[f"fresh{rate}"]
    if not f["ours_p99"] or not f["ref_p99"]:
        continue
    ratios = [o / r for o, r in zip(f["ours_p99"], f["ref_p99"]) if r > 0]
    o99, r99 = med(f["ours_p99"]), med(f["ref_p99"])
    target = "p99 <= 50 ms; <= 3x ref" if rate == 1000 else "p99 <= 3x ref"
    ok = (ratios != [] and statistics.median(ratios) <= 3) and (rate != 1000 or o99 <= 50)
    errors = int(sum(f["ours_err"]))
    row(f"freshness at {rate:,} ev/s offered: publish -> visible in `GetTeamHealth` (p99; ratio ours/ref, lower is better)",
        f"p99 {o99:.1f} ms (p50 {med(f['ours_p50']):.1f})", f"p99 {r99:.1f} ms (p50 {med(f['ref_p50']):.1f}; bare consumer)",
        ratios, target, ok,
        f"of which `Publish` until acked: p99 {med(f['ours_pub99']):.1f} ms; busy cores: ingest {num(med(f['ingest_cores']), '{:.2f}')},"
        f" projector {num(med(f['projector_cores']), '{:.2f}')}, query {num(med(f['query_cores']), '{:.2f}')},"
        f" broker {num(med(f['broker_cores']), '{:.2f}')}, machine {num(med(f['machine_cores']), '{:.2f}')} of {cores}"
        + (f"; {errors} failed samples" if errors else "")
        + fresh_bound(ok, o99, med(f["ours_pub99"]), r99, med(f["machine_cores"])))

s = results["soak"]
if s["p99_ms"] and s["samples"]:
    # One run, no reference: the target is absolute (p99 <= 30 ms, max <= 200 ms over minutes).
    p99, mx = s["p99_ms"][0], s["max_ms"][0]
    ok = p99 <= 30 and mx <= 200
    pub99, pubmax = s["publish_p99_ms"][0], (s["publish_max_ms"] or [None])[0]
    errors = int(s["errors"][0]) if s["errors"] else 0
    row(f"freshness soak at 1,000 ev/s offered for {s['seconds'][0]:.0f} s: publish -> visible in `GetTeamHealth`",
        f"p99 {p99:.1f} ms, max {mx:.1f} (p50 {s['p50_ms'][0]:.1f}; {int(s['samples'][0]):,} samples)", "-", [],
        "p99 <= 30 ms, max <= 200 ms", ok,
        f"of which `Publish` until acked: p99 {pub99:.1f} ms, max {num(pubmax, '{:.1f}')}; busy cores: ingest"
        f" {num(med(s['ingest_cores']), '{:.2f}')}, projector {num(med(s['projector_cores']), '{:.2f}')},"
        f" query {num(med(s['query_cores']), '{:.2f}')}, broker {num(med(s['broker_cores']), '{:.2f}')},"
        f" machine {num(med(s['machine_cores']), '{:.2f}')} of {cores}; {errors} failed samples"
        + ("" if ok else
           (f"; bound: `Publish` until acked (p99 {pub99:.1f} of {p99:.1f} ms)" if pub99 >= p99 / 2 else
            f"; bound: after the ack (projector fold and commit, query catch-up): `Publish` until acked is p99 {pub99:.1f} ms of {p99:.1f}")
           + ("; the machine's CPU was saturated" if saturated(med(s["machine_cores"])) else "")))

q = results["query"]
if q["ours_qps"] and q["ref_qps"]:
    ratios = [o / r for o, r in zip(q["ours_qps"], q["ref_qps"])]
    row("query: `GetTeamHealth` via ghz -c 16, saturated", f"{med(q['ours_qps']):,.0f} QPS",
        f"{med(q['ref_qps']):,.0f} QPS (trivial QueryService, same answer)", ratios, ">= 0.7x",
        statistics.median(ratios) >= 0.7,
        f"busy cores: query {num(med(q['ours_cores']), '{:.2f}')} (stub {num(med(q['ref_cores']), '{:.2f}')}),"
        f" machine {num(med(q['machine_cores']), '{:.2f}')} of {cores} (ghz included)"
        + (f"; {int(sum(q['ours_err']))} failed calls" if sum(q["ours_err"]) else "")
        + bound(statistics.median(ratios) >= 0.7, med(q["ours_cores"]) or 0, med(q["machine_cores"]),
                f"query {num(med(q['ours_cores']), '{:.2f}')}, ghz and the rest"
                f" {max(0.0, (med(q['machine_cores']) or 0) - (med(q['ours_cores']) or 0)):.2f}"))
if q["ours_p99"] and q["ref_p99"]:
    ratios = [o / r for o, r in zip(q["ours_p99"], q["ref_p99"]) if r > 0]
    ok = med(q["ours_p99"]) <= 5 and ratios != [] and statistics.median(ratios) <= 1.2
    row(f"query: `GetTeamHealth` p99 at 50% load (~{med(q['half_rps']):,.0f} rps; ratio ours/ref, lower is better)",
        f"p99 {med(q['ours_p99']):.2f} ms", f"p99 {med(q['ref_p99']):.2f} ms (same rps)", ratios, "p99 <= 5 ms; <= 1.2x ref",
        ok,
        "" if ok else
        f"bound: the trivial service answering the same bytes at the same rps has p99 {med(q['ref_p99']):.2f} ms;"
        f" ours {med(q['ours_p99']) - med(q['ref_p99']):+.2f} ms against it, each call"
        f" {num(1e6 * med(q['ours_cores']) / med(q['ours_qps']) if med(q['ours_cores']) and med(q['ours_qps']) else None, '{:.0f}')}"
        f" µs of query CPU (saturated) on {cores} cores"
        " shared with the stack and ghz; where that CPU goes: docs/PERFORMANCE.md")

o = results["org"]
if o["ours_p99"]:
    # The query service's CPU per snapshot: its busy cores / QPS while saturated.
    cpu_ms = 1000 * med(o["ours_cores"]) / med(o["ours_qps"]) if med(o["ours_cores"]) and med(o["ours_qps"]) else None
    ok = med(o["ours_p99"]) <= 20 and cpu_ms is not None and cpu_ms <= 5
    row(f"org snapshot: `GetOrgSnapshot` of a 200-team org, p99 at 50% load (~{med(o['half_rps']):,.0f} rps)",
        f"p99 {med(o['ours_p99']):.2f} ms; {num(cpu_ms, '{:.1f}')} ms CPU per snapshot", "-", [],
        "p99 <= 20 ms; <= 5 ms CPU per snapshot", ok,
        f"CPU per snapshot = query cores busy / QPS, saturated: {med(o['ours_qps']):,.0f} QPS, query"
        f" {num(med(o['ours_cores']), '{:.2f}')} cores busy, machine {num(med(o['machine_cores']), '{:.2f}')} of {cores}"
        + (f"; {int(sum(o['ours_err']))} failed calls" if sum(o["ours_err"]) else "")
        + ("" if ok or cpu_ms is None else
           f"; bound: CPU, {cpu_ms:.1f} ms of the query service's CPU per snapshot"))

mem = results["memory"]
if mem["replay_mib"]:
    row("memory: peak RSS of `talentflowctl replay` (the projector's fold)", f"{max(mem['replay_mib']):,.0f} MiB", "-", [],
        "<= 1024 MiB", max(mem["replay_mib"]) <= 1024,
        f"live `talentflow-projector run` on {grpc_events:,}+ events: {num(med(mem['live_projector_mib']))} MiB")
if mem["query_mib"]:
    row("memory: peak RSS of `talentflow-query serve` with 100 `WatchTeamHealth` streams (after the query stages)",
        f"{max(mem['query_mib']):,.0f} MiB", "-", [], "<= 512 MiB", max(mem["query_mib"]) <= 512,
        f"streams connected: {num(min(mem['watchers']))}")

lg = results["large"]
if lg["cpu"] and replay_cpu:
    n = lg["records"][0]
    per_m = lg["cpu"][0] / n * 1e6
    r = per_m / replay_cpu
    replay_rss = max(mem["replay_mib"]) if mem["replay_mib"] else None
    row(f"replay cost per event, {int(n):,} vs {records:,} records (CPU s / 1M; ratio large/small)", f"{per_m:.1f} CPU s / 1M",
        f"{replay_cpu:.1f} CPU s / 1M", [r], "<= 1.2x", r <= 1.2,
        f"{n / lg['wall'][0]:,.0f} ev/s; peak RSS {lg['rss_mib'][0]:,.0f} MiB vs {num(replay_rss)} MiB; loaded by `gen --produce` in {lg['load_s'][0]:.0f} s"
        + bound(r <= 1.2, lg["cpu"][0] / lg["wall"][0], lg["machine_cpu"][0] / lg["wall"][0] if lg["machine_cpu"] else None)
        + ("" if r <= 1.2 else "; why each event costs more at 10M: the 1M and 10M profiles side by side in docs/PERFORMANCE.md"))

print("| stage | ours (median) | reference (median) | ratio median (min-max) | target | met? | notes |")
print("|---|---|---|---|---|---|---|")
print("\n".join(rows))

warm = [(rate, results[f"warmup{rate}"]["p99"], results[f"warmup{rate}"]["max"]) for rate in (1000, 10000)]
if any(p99 for _, p99, _ in warm):
    # The warm-up runs before each round's freshness rows (deploy/bench.sh says why); shown, not judged.
    print()
    print("Freshness warm-up before each round's rows (start-up after the catch-up, no target), p99 (max) per round: "
          + "; ".join(f"{rate:,} ev/s " + ", ".join(f"{a:.1f} ({b:.1f})" for a, b in zip(p99, mx)) + " ms"
                      for rate, p99, mx in warm if p99) + ".")
