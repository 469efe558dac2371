#!/usr/bin/env python3
"""Checks deploy/monitoring/ against a running stack (monitoring_metrics_test.sh starts it).

usage: check_metrics.py MONITORING_DIR PROMETHEUS_URL METRICS_URL...

1. Every metric alerts.yml and grafana-dashboard.json use is a family the services' /metrics
   export (from their `# TYPE` lines), and one used in rate()/increase() is a counter, one used in
   deriv() a gauge; `up` is Prometheus' own.
2. Through the real Prometheus scraping the stack with prometheus.yml: every selector in them
   (name and label matchers, e.g. talentflow_projector_events_total{outcome="dead_lettered"})
   returns at least one series, every whole expression is valid PromQL, every rule is loaded
   healthy, and the healthy stack raises no alert (none pending or firing).
3. README "Monitoring" names exactly the exported families.
Exits 1 listing every problem.
"""
import datetime
import json
import re
import sys
import time
import urllib.parse
import urllib.request

import yaml

SELECTOR = re.compile(r"\b(talentflow_[a-zA-Z0-9_]+|up)\b(\{[^}]*\})?")
IN_FUNCTION = re.compile(r"\b(rate|increase|deriv)\(\s*(talentflow_[a-zA-Z0-9_]+)")


def exported_families(urls):
    families = {}
    for url in urls:
        with urllib.request.urlopen(url, timeout=10) as r:
            for line in r.read().decode().splitlines():
                if line.startswith("# TYPE "):
                    _, _, name, kind = line.split(" ", 3)
                    families[name] = kind
    return families


def expressions(mon):
    """(where, expr) for every alert rule and dashboard target."""
    out = []
    rules = yaml.safe_load(open(f"{mon}/alerts.yml"))
    for group in rules["groups"]:
        for rule in group["rules"]:
            out.append((f"alerts.yml {rule['alert']}", rule["expr"]))
    dash = json.load(open(f"{mon}/grafana-dashboard.json"))
    for panel in dash["panels"]:
        for t in panel.get("targets", []):
            # Grafana's own variable; any range Prometheus accepts will do for checking the query.
            out.append((f"dashboard {panel['title']!r} {t['refId']}", t["expr"].replace("$__rate_interval", "1m")))
    return out


def query(prometheus, promql):
    url = f"{prometheus}/api/v1/query?" + urllib.parse.urlencode({"query": promql})
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:  # 400 for a bad query, with Prometheus' reason in the body
        return json.load(e)


def get(prometheus, path):
    with urllib.request.urlopen(f"{prometheus}{path}", timeout=10) as r:
        return json.load(r)["data"]


def wait_for_scrapes_and_evaluation(prometheus, jobs, timeout_s=60):
    """Waits until Prometheus has scraped every job up and then evaluated every rule once more."""
    deadline = time.monotonic() + timeout_s
    up = f'count(up{{job=~"{"|".join(jobs)}"}} == 1)'
    while True:
        result = query(prometheus, up)["data"]["result"]
        if result and int(result[0]["value"][1]) == len(jobs):
            break
        if time.monotonic() > deadline:
            sys.exit(f"Prometheus did not scrape {jobs} up within {timeout_s} s: {get(prometheus, '/api/v1/targets')}")
        time.sleep(0.2)
    scraped_at = time.time()
    while True:
        rules = [r for g in get(prometheus, "/api/v1/rules")["groups"] for r in g["rules"]]
        evaluated = [r.get("lastEvaluation", "") for r in rules]
        if rules and all(e and parse_rfc3339(e) > scraped_at for e in evaluated):
            return
        if time.monotonic() > deadline:
            sys.exit(f"Prometheus did not evaluate every rule within {timeout_s} s")
        time.sleep(0.2)


def parse_rfc3339(text):
    """Seconds since the epoch of Go's RFC 3339 time ("2026-12-04T19:30:01.123456789Z"; Python
    parses at most microseconds)."""
    m = re.fullmatch(r"(.*T\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)", text)
    zone = "+00:00" if m.group(3) == "Z" else m.group(3)
    return datetime.datetime.fromisoformat(m.group(1) + zone).timestamp() + float(m.group(2) or 0)


def main():
    mon, prometheus, *metrics_urls = sys.argv[1:]
    wait_for_scrapes_and_evaluation(prometheus, ["talentflow-ingest", "talentflow-projector", "talentflow-query"])
    families = exported_families(metrics_urls)
    problems = []
    exprs = expressions(mon)
    selectors = set()
    for where, expr in exprs:
        for name, matchers in SELECTOR.findall(expr):
            if name != "up" and name not in families:
                problems.append(f"{where}: {name} is not exported by any service")
            selectors.add(name + matchers)
        for fn, name in IN_FUNCTION.findall(expr):
            want = "gauge" if fn == "deriv" else "counter"
            if name in families and families[name] != want:
                problems.append(f"{where}: {fn}({name}) needs a {want}, /metrics says {families[name]}")
        answer = query(prometheus, expr)
        if answer.get("status") != "success":
            problems.append(f"{where}: Prometheus refused {expr!r}: {answer.get('error')}")
    for selector in sorted(selectors):
        answer = query(prometheus, selector)
        if answer.get("status") != "success" or not answer["data"]["result"]:
            problems.append(f"{selector}: no series in Prometheus ({answer.get('error', 'empty result')})")
    rules = [r for g in get(prometheus, "/api/v1/rules")["groups"] for r in g["rules"]]
    alert_names = {r["alert"] for g in yaml.safe_load(open(f"{mon}/alerts.yml"))["groups"] for r in g["rules"]}
    loaded = {r["name"] for r in rules}
    for name in sorted(alert_names - loaded):
        problems.append(f"{name}: not loaded by Prometheus")
    for r in rules:
        if r.get("health") != "ok":
            problems.append(f"{r['name']}: rule health {r.get('health')}: {r.get('lastError')}")
    for a in get(prometheus, "/api/v1/alerts")["alerts"]:
        problems.append(f"{a['labels'].get('alertname')} is {a['state']} on a healthy stack: {a['labels']}")
    # README "Monitoring" documents exactly the families the services export.
    readme = open(f"{mon}/../../README.md").read()
    section = re.search(r"^## Monitoring\n(.*?)(?=^## )", readme, re.S | re.M).group(1)
    documented = set(re.findall(r"\btalentflow_[a-z0-9_]+", section))
    for name in sorted(documented - set(families)):
        problems.append(f"README.md Monitoring names {name}, which no service exports")
    for name in sorted(set(families) - documented):
        problems.append(f"{name} is exported but not in README.md Monitoring")
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(f"{len(exprs)} expressions, {len(selectors)} selectors, {len(families)} exported families, "
          f"{len(rules)} rules loaded and healthy, no alert")


if __name__ == "__main__":
    main()
