#!/usr/bin/env bash
# Checks deploy/monitoring/ without a running stack:
#  - promtool check config (prometheus.yml, with its rule file) and promtool check rules;
#  - every alert has a severity label and summary and description annotations, and README
#    "Monitoring" names it;
#  - promtool test rules with tests/monitoring/alerts_test.yml (series and expectations worked out
#    by hand), and every alert there is expected to fire at some time and to be silent at another;
#  - grafana-dashboard.json is JSON (python3 -m json.tool) importable as-is: its data source is the
#    ${DS_PROMETHEUS} input, panel ids are unique, every panel has a query.
# Which metric names exist is checked against a running stack by monitoring_metrics_test.sh.
# Needs promtool (Debian package prometheus) and python3 with PyYAML (python3-yaml).
set -euo pipefail
command -v promtool >/dev/null ||
  { echo "FAIL: promtool not found: install Debian's package prometheus (deploy/install-deps.sh)"; exit 1; }
python3 -c 'import yaml' 2>/dev/null ||
  { echo "FAIL: PyYAML not found: install Debian's package python3-yaml (deploy/install-deps.sh)"; exit 1; }
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mon="$root/deploy/monitoring"
tmp=$(mktemp -d /tmp/talentflow-monitoring.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

promtool check config "$mon/prometheus.yml"
promtool check rules "$mon/alerts.yml"

# The descriptions are prose, so the rule tests compare only the summaries (which carry the labels
# and values): the tests run against a copy of alerts.yml without descriptions. Also checks the
# annotations, README and test coverage above.
python3 - "$mon/alerts.yml" "$root/tests/monitoring/alerts_test.yml" "$root/README.md" "$tmp/alerts.yml" <<'PY'
import re, sys, yaml
rules_path, tests_path, readme_path, out_path = sys.argv[1:]
rules = yaml.safe_load(open(rules_path))
tests = yaml.safe_load(open(tests_path))
readme = open(readme_path).read()
m = re.search(r"^## Monitoring\n(.*?)(?=^## )", readme, re.S | re.M)
section = m.group(1) if m else ""
problems = []
if not section:
    problems.append("README.md has no '## Monitoring' section")
alerts = []
for group in rules["groups"]:
    for rule in group["rules"]:
        name = rule["alert"]
        alerts.append(name)
        if rule.get("labels", {}).get("severity") not in ("critical", "warning", "info"):
            problems.append(f"{name}: labels.severity must be critical, warning or info")
        ann = rule.get("annotations", {})
        for key in ("summary", "description"):
            if not ann.get(key, "").strip():
                problems.append(f"{name}: annotations.{key} is missing")
        if section and f"`{name}`" not in section:
            problems.append(f"{name}: not listed in README.md 'Monitoring'")
        ann.pop("description", None)
fires, silent = set(), set()
for case in tests["tests"]:
    for t in case.get("alert_rule_test", []):
        (fires if t.get("exp_alerts") else silent).add(t["alertname"])
for name in alerts:
    if name not in fires:
        problems.append(f"{name}: {tests_path} never expects it to fire")
    if name not in silent:
        problems.append(f"{name}: {tests_path} never expects it to stay silent")
for name in (fires | silent) - set(alerts):
    problems.append(f"{name}: tested in {tests_path} but not in {rules_path}")
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
yaml.safe_dump(rules, open(out_path, "w"), sort_keys=False)
print(f"{len(alerts)} alerts: annotated, in the README, each tested firing and silent")
PY
cp "$root/tests/monitoring/alerts_test.yml" "$tmp/"
promtool test rules "$tmp/alerts_test.yml"

python3 -m json.tool "$mon/grafana-dashboard.json" >/dev/null
python3 - "$mon/grafana-dashboard.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
problems = []
inputs = [i for i in d.get("__inputs", []) if i.get("name") == "DS_PROMETHEUS"]
if not inputs or inputs[0].get("type") != "datasource" or inputs[0].get("pluginId") != "prometheus":
    problems.append("__inputs: needs DS_PROMETHEUS, a prometheus datasource")
if d.get("id") is not None:
    problems.append("id must be null, so an import creates the dashboard")
ids = set()
panels = [p for p in d["panels"] if p["type"] != "row"]
for p in panels:
    where = f"panel {p.get('id')} {p.get('title')!r}"
    if p.get("id") in ids:
        problems.append(f"{where}: duplicate id")
    ids.add(p.get("id"))
    if p.get("datasource") != {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}:
        problems.append(f"{where}: datasource must be the ${{DS_PROMETHEUS}} input")
    if not p.get("targets") or not all(t.get("expr") for t in p["targets"]):
        problems.append(f"{where}: every target needs an expr")
    for t in p.get("targets", []):
        if t.get("datasource") != {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}:
            problems.append(f"{where}: target {t.get('refId')}: datasource must be the ${{DS_PROMETHEUS}} input")
    for key in ("h", "w", "x", "y"):
        if not isinstance(p.get("gridPos", {}).get(key), int):
            problems.append(f"{where}: gridPos.{key} missing")
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
print(f"grafana-dashboard.json: {len(panels)} panels on the DS_PROMETHEUS input")
PY
echo "monitoring: OK"
