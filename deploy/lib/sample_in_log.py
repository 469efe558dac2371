#!/usr/bin/env python3
"""Tells up.sh whether a feed's events are already in the log, so the sample is published only once.

Usage: sample_in_log.py CTL FEED ORG TOPIC BROKERS
Exit 0 when the views of ORG hold as many of FEED's event ids (any status) as a publish of FEED would
write (the "valid" count of `publish --dry-run`: every valid line, those repeating an earlier line's
story too, is published), 1 when some are missing (publish the feed), 2 on a failure. An empty log answers 1 without a read. Before
looking, it waits (talentflowctl --min-offsets, up to 60 s) until the views include every record the
topic holds now, so a projector that is still catching up is not mistaken for a log without the feed.
"""
import json
import re
import subprocess
import sys
import time

# kcat's answers while a just-created topic's partitions have no leader yet: asked again, not failed.
TRANSIENT = ("not leader", "leader not available", "unknown topic or partition")


def run(args, missing_ok=False):
    """ARGS' stdout; exits 2 when it fails, or returns None when MISSING_OK and it answered "not found"."""
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0 and missing_ok and "not found" in done.stderr.lower():
        return None
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        sys.exit(2)
    return done.stdout


def log_ends(topic, brokers):
    """partition -> end offset of TOPIC, from the broker (kcat), not from the views."""
    meta = json.loads(run(["kcat", "-b", brokers, "-L", "-J", "-t", topic]))
    partitions = [p["partition"] for t in meta["topics"] if t["topic"] == topic for p in t["partitions"]]
    if not partitions:
        sys.stderr.write(f"topic {topic} not found at {brokers}\n")
        sys.exit(2)
    query = ["kcat", "-b", brokers, "-Q"]
    for p in partitions:
        query += ["-t", f"{topic}:{p}:-1"]
    deadline = time.monotonic() + 30
    while True:
        done = subprocess.run(query, capture_output=True, text=True)
        transient = any(t in done.stderr.lower() for t in TRANSIENT)
        if done.returncode == 0 or not transient or time.monotonic() >= deadline:
            break
        time.sleep(0.2)  # the leaders are elected by the broker; nothing to wait on but asking again
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        sys.exit(2)
    ends = {}
    for m in re.finditer(r"\[(\d+)\] offset (-?\d+)", done.stdout):
        ends[int(m.group(1))] = int(m.group(2))
    return ends


def main():
    ctl, feed, org, topic, brokers = sys.argv[1:6]
    wanted = {json.loads(line)["eventId"] for line in open(feed) if line.strip()}
    ends = log_ends(topic, brokers)
    if all(end <= 0 for end in ends.values()):
        return 1
    wait = ["--min-offsets", ",".join(f"{p}:{end - 1}" for p, end in sorted(ends.items()) if end > 0),
            "--timeout", "60"]
    listed = run([ctl, "teams", org, "--all", "--json"] + wait, missing_ok=True)
    if listed is None:  # the log holds no event of ORG
        return 1
    teams = json.loads(listed).get("teams", [])
    seen = set()
    for team in teams:
        events = json.loads(run([ctl, "events", f"{org}/{team['team']}", "--json"]))
        seen.update(e["event"]["eventId"] for e in events.get("events", []))
    dry_run = re.search(r"valid (\d+)", run([ctl, "publish", "--dry-run", feed]))
    if dry_run is None:
        sys.stderr.write("publish --dry-run printed no valid count\n")
        sys.exit(2)
    return 0 if len(wanted & seen) >= int(dry_run.group(1)) else 1


if __name__ == "__main__":
    sys.exit(main())
