"""The client against a real stack holding the sample feed (pytest --stack; tests/e2e/python_client_test.sh).

Expected figures are examples/feeds/EXPECTED.md's, worked out by hand and written here literally. The tests
that publish write to their own org (pyclient-test), so the sample's figures stay as EXPECTED.md has them.
"""

import datetime as dt
import os
import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import grpc
import pytest

import talentflow
from talentflow.v1 import event_pb2, health_pb2, ingest_pb2, query_pb2

pytestmark = pytest.mark.stack

ROOT = Path(__file__).resolve().parents[3]  # the clone: clients/python/tests/ -> ../../..
CRITICAL, AT_RISK, WATCH, HEALTHY = (health_pb2.HEALTH_STATUS_CRITICAL, health_pb2.HEALTH_STATUS_AT_RISK,
                                     health_pb2.HEALTH_STATUS_WATCH, health_pb2.HEALTH_STATUS_HEALTHY)


@pytest.fixture(scope="module")
def tf():
    with talentflow.Client(timeout=30) as client:  # TALENTFLOW_QUERY_ADDR / TALENTFLOW_INGEST_ADDR
        yield client


def window(health, days):
    (w,) = [w for w in health.windows if w.days == days]
    return w


# --- EXPECTED.md's key numbers ---

# team, as_of, headcount, deps 30/90, senior deps 30/90, leadership deps 30/90, hires 30/90, score, status
KEY_NUMBERS = [
    ("chatgpt", "2026-03-01", 435, (1, 2), (0, 1), (0, 0), (3, 7), 96, HEALTHY),
    ("chatgpt", "2026-03-31", 437, (0, 2), (0, 1), (0, 0), (2, 7), 96, HEALTHY),
    ("sora", "2026-03-01", 50, (5, 7), (3, 5), (1, 2), (0, 0), 2, CRITICAL),
    ("sora", "2026-03-31", 47, (3, 10), (2, 7), (0, 2), (0, 0), 0, CRITICAL),
    ("dall-e", "2026-03-01", 32, (2, 3), (1, 2), (0, 0), (0, 0), 46, AT_RISK),
    ("dall-e", "2026-03-31", 31, (1, 4), (1, 3), (0, 0), (0, 0), 26, CRITICAL),
    ("safety-alignment", "2026-03-01", 41, (1, 3), (1, 3), (1, 1), (0, 1), 57, WATCH),
    ("safety-alignment", "2026-03-31", 39, (2, 4), (1, 3), (0, 1), (0, 1), 53, AT_RISK),
]


@pytest.mark.parametrize("team,as_of,headcount,deps,senior,leadership,hires,score,status", KEY_NUMBERS)
def test_team_health_reproduces_expected(tf, team, as_of, headcount, deps, senior, leadership, hires, score, status):
    h = tf.team_health("openai", team, as_of=as_of).health
    assert (h.org, h.team, h.as_of) == ("openai", team, as_of)
    assert h.headcount_known and h.headcount == headcount
    w30, w90 = window(h, 30), window(h, 90)
    assert (w30.departures, w90.departures) == deps
    assert (w30.senior_departures, w90.senior_departures) == senior
    assert (w30.leadership_departures, w90.leadership_departures) == leadership
    assert (w30.hires, w90.hires) == hires
    assert (h.score, h.status) == (score, status)


def test_sora_on_march_1st_in_detail(tf):
    h = tf.team_health("openai", "sora", as_of=dt.date(2026, 3, 1)).health
    w90 = window(h, 90)
    assert w90.average_headcount == pytest.approx(5092 / 90)
    assert w90.annualised_attrition == pytest.approx(0.5018, abs=5e-5)
    assert w90.transfers_out == 1
    assert (h.priority, h.priority_since) == (event_pb2.PRIORITY_LOWERED, "2026-02-04")
    assert (h.budget, h.budget_since) == (event_pb2.BUDGET_STATUS_FROZEN, "2026-02-10")
    assert len(h.reasons) == 5  # senior, other, priority, budget and attrition terms (EXPECTED.md)


def test_merged_team_is_inactive_at_march_31st(tf):
    h = tf.team_health("openai", "dall-e", as_of="2026-03-31").health
    assert (h.active, h.successor, h.inactive_since) == (False, "chatgpt", "2026-03-15")


def test_as_of_date_datetime_and_string_agree(tf):
    by_str = tf.team_health("openai", "sora", as_of="2026-03-01").health
    by_date = tf.team_health("openai", "sora", as_of=dt.date(2026, 3, 1)).health
    by_time = tf.team_health("openai", "sora", as_of=dt.datetime(2026, 3, 1, 22, 0, tzinfo=dt.timezone.utc)).health
    assert by_str == by_date == by_time


def test_org_snapshot_on_march_1st(tf):
    snap = tf.org_snapshot("openai", as_of="2026-03-01")
    assert snap.as_of == "2026-03-01"
    assert [(t.team, t.headcount, t.score, t.status) for t in snap.teams] == [
        ("chatgpt", 435, 96, HEALTHY), ("dall-e", 32, 46, AT_RISK), ("safety-alignment", 41, 57, WATCH),
        ("sora", 50, 2, CRITICAL)]
    totals = snap.totals
    assert (totals.teams, totals.inactive_teams, totals.headcount) == (4, 0, 435 + 50 + 32 + 41)
    assert (totals.hires_90d, totals.departures_90d) == (7 + 0 + 0 + 1, 2 + 7 + 3 + 3)
    assert (totals.senior_departures_90d, totals.leadership_departures_90d) == (1 + 5 + 2 + 3, 0 + 2 + 0 + 1)
    assert dict(totals.status_counts) == {"healthy": 1, "watch": 1, "at_risk": 1, "critical": 1}
    assert snap.watermark.partitions  # every response says how far the views were


def test_teams_filtered_and_ordered(tf):
    resp = tf.teams("openai", status=["at_risk", "critical"], order_by="score", as_of="2026-03-01")
    assert [(t.team, t.score) for t in resp.teams] == [("sora", 2), ("dall-e", 46)]


def test_sora_monthly_trend(tf):
    # EXPECTED.md's sora table, month by month: headcount at each month's end, departures within it
    # (evt-0051 a duplicate, evt-0052 retracted, the transfer out not a departure), hires within it.
    resp = tf.trend("openai", "sora", from_="2025-09-01", to="2026-03-31", granularity="month")
    assert [(p.date, p.headcount, p.departures, p.hires) for p in resp.points] == [
        ("2025-09-30", 61, 1, 1), ("2025-10-31", 61, 0, 0), ("2025-11-30", 60, 1, 0), ("2025-12-31", 58, 1, 0),
        ("2026-01-31", 56, 2, 0), ("2026-02-28", 51, 4, 0), ("2026-03-31", 47, 4, 0)]
    assert resp.points[-1].score == 0 and resp.points[-1].status == CRITICAL


def test_outbound_flows_in_the_first_quarter(tf):
    # Departures with a destination org, 2026-01-01 … 2026-03-31, all teams (EXPECTED.md's tables):
    # anthropic: chatgpt 01-15, sora 02-13 and 03-20, safety-alignment 01-27 and 02-26 = 5;
    # google-deepmind: sora 01-09, 02-19, 03-27 = 3; inkwell-studio: dall-e 01-12, 02-23 = 2.
    resp = tf.flows("openai", direction="outbound", from_="2026-01-01", to="2026-03-31")
    people = {e.to_org: e.people for e in resp.edges}
    assert all(e.from_org == "openai" for e in resp.edges)
    assert (people["anthropic"], people["google-deepmind"], people["inkwell-studio"]) == (5, 3, 2)
    assert people["meta"] == 1  # evt-0060; evt-0052 to meta is retracted
    assert resp.edges[0].to_org == "anthropic"


def test_sora_events_with_their_statuses(tf):
    resp = tf.events("openai", "sora")
    by_id = {r.event.event_id: r for r in resp.events}
    assert len(resp.events) == 26  # EXPECTED.md: 26 records under openai/sora, evt-0051 among them
    assert by_id["evt-0051"].status == event_pb2.EVENT_STATUS_DUPLICATE
    assert by_id["evt-0051"].duplicate_of == "evt-0050"
    assert list(by_id["evt-0050"].outlets) == ["Bloomberg", "Axios"]
    assert by_id["evt-0052"].status == event_pb2.EVENT_STATUS_RETRACTED
    assert by_id["evt-0065"].status == event_pb2.EVENT_STATUS_RETRACTION_APPLIED
    assert by_id["evt-0062"].status == event_pb2.EVENT_STATUS_APPLIED
    departures = tf.events("openai", "sora", from_="2026-03-01", to="2026-03-01", types=["departure"])
    assert [r.event.event_id for r in departures.events] == ["evt-0062"]  # 22:00Z on 03-01: `to` takes the whole day


def test_event_by_id(tf):
    record = tf.event("evt-0052").record
    assert (record.event.org, record.event.team, record.status) == ("openai", "sora", event_pb2.EVENT_STATUS_RETRACTED)


def test_person_transferred_from_sora_to_chatgpt(tf):
    # evt-0053: Priyanka Sethuraman's transfer out of sora to chatgpt on 2026-02-18; the feed's transferOut also
    # writes the transfer in at chatgpt (evt-0053.in), its counterpart, 0 days apart.
    answer = tf.person("p-priyanka-sethuraman")
    assert sorted((m.event_id, m.team, query_pb2.MoveKind.Name(m.kind)) for m in answer.moves) == [
        ("evt-0053", "sora", "MOVE_KIND_TRANSFER_OUT"), ("evt-0053.in", "chatgpt", "MOVE_KIND_TRANSFER_IN")]
    assert [(c.out_event_id, c.in_event_id, c.days_apart) for c in answer.counterparts] == [
        ("evt-0053", "evt-0053.in", 0)]
    with pytest.raises(talentflow.NotFound):
        tf.person("p-nobody-at-all")


def test_people_who_left_sora_on_18_and_19_february(tf):
    # evt-0053 (Priyanka Sethuraman, transfer out, 02-18) and evt-0054 (Marcus Feld, departure, 02-19).
    rows = tf.people("openai", "sora", from_="2026-02-18", to="2026-02-19").people
    assert [r.person_id for r in rows] == ["p-marcus-feld", "p-priyanka-sethuraman"]
    assert "evt-0054" in [m.event_id for m in rows[0].moves]
    assert "evt-0053" in [m.event_id for m in rows[1].moves]


def test_movement_of_sora_at_1_march(tf):
    # EXPECTED.md, sora at 2026-03-01: 30-day departures Samira Okafor (leadership), Marcus Feld (senior), Hana
    # Kowalski (mid), Ezra Lindgren (staff), Jamie Cho (junior); sora's two hires of 2025 came before its seven
    # senior departures of the year, so all are open (days to 2026-03-01).
    team = tf.movement("openai", "sora", as_of="2026-03-01").teams[0]
    w30 = team.windows[0].departures
    assert (w30.junior, w30.mid, w30.senior, w30.staff, w30.principal, w30.leadership, w30.total) == (1, 1, 1, 1, 0, 1, 5)
    assert [(b.departure_event_id, b.open, b.days) for b in team.backfills] == [
        ("evt-0017", True, 158), ("evt-0024", True, 109), ("evt-0033", True, 51), ("evt-0037", True, 38),
        ("evt-0050", True, 16), ("evt-0054", True, 10), ("evt-0060", True, 2)]


def test_monthly_flows_between_openai_and_anthropic_in_q1(tf):
    # Out: Hector Alvarado, Leila Mansour (January), Samira Okafor, Caspar Whitmore (February), Olivia Brennan
    # (March); in: Oren Belkin (February).
    months = tf.flows("openai", from_="2026-01-01", to="2026-03-31", monthly=True, counterparty="anthropic").months
    assert [(m.month, m.inbound, m.outbound, m.net) for m in months] == [
        ("2026-01", 0, 2, -2), ("2026-02", 1, 2, -1), ("2026-03", 0, 1, -1)]


def test_unknown_team_is_not_found_with_a_suggestion(tf):
    with pytest.raises(talentflow.NotFound) as info:
        tf.team_health("openai", "soraa")
    assert info.value.code == grpc.StatusCode.NOT_FOUND
    assert "did you mean openai/sora" in info.value.message
    assert isinstance(info.value, talentflow.Error)


@pytest.mark.parametrize("bad", ["2026-02-30", "03/01/2026", 20260301])
def test_bad_as_of_is_a_value_error_before_any_call(tf, bad):
    with pytest.raises(ValueError, match=r"^as_of: "):
        tf.team_health("openai", "sora", as_of=bad)


def test_unreachable_service_is_unavailable_naming_it():
    with talentflow.Client("127.0.0.1:1", timeout=5) as down:
        with pytest.raises(talentflow.Unavailable, match=r"cannot reach talentflow-query at 127\.0\.0\.1:1"):
            down.orgs()


# --- publish, read-your-writes, watch (own org: pyclient-test) ---

def feed_line(team, day, payload, person=None):
    line = {"org": "pyclient-test", "team": team, "effectiveTime": f"{day}T00:00:00Z",
            "datePrecision": "DATE_PRECISION_DAY", "confidence": "CONFIDENCE_CONFIRMED", **payload}
    if person:
        line["person"] = {"id": person, "name": person, "seniority": "SENIORITY_SENIOR"}
    return line


def test_publish_then_read_your_writes(tf):
    offsets = tf.publish([
        feed_line("alpha", "2026-02-01", {"headcountReport": {"headcount": 20}}),
        feed_line("alpha", "2026-02-10", {"departure": {"destinationOrg": "anthropic",
                                                          "destinationKind": "DESTINATION_KIND_COMPETITOR"}},
                  person="p-py-one"),
    ])
    assert offsets.response.accepted == 2
    assert len(offsets) == 1  # one key (pyclient-test/alpha), one partition
    h = tf.team_health("pyclient-test", "alpha", as_of="2026-03-01", min_offsets=offsets).health
    # By hand: 20 from 02-01, 19 from 02-10; 90-day window: 1 senior departure (-10); average headcount over
    # the 29 known days = (9×20 + 20×19)/29 = 560/29, attrition 29/560 × 365/90 = 21.0 % > 20 % (-10): 80.
    assert h.headcount == 19
    assert (window(h, 90).departures, window(h, 90).senior_departures) == (1, 1)
    assert window(h, 90).average_headcount == pytest.approx(560 / 29)
    assert (h.score, h.status) == (80, HEALTHY)


def test_publish_rejection_names_the_event_and_field(tf):
    good = feed_line("alpha", "2026-02-12", {"hire": {"fromOrg": "meta"}}, person="p-py-two")
    with pytest.raises(talentflow.PublishRejected) as info:
        tf.publish([good, {"org": "pyclient-test", "team": "alpha"}])  # the second has no time and no payload
    assert re.search(r"^INVALID_ARGUMENT: 1 of 2 events not written: events\[1\] ", str(info.value))
    assert info.value.response.accepted == 1 and len(info.value.offsets) == 1


def test_publish_rejects_a_dict_that_is_not_an_event(tf):
    with pytest.raises(ValueError, match=r"^events\[0\]: .*colour"):
        tf.publish([{"org": "pyclient-test", "colour": "red"}])


def test_watch_receives_an_update_after_a_publish(tf):
    first = tf.publish([feed_line("beta", "2026-02-01", {"headcountReport": {"headcount": 30}})])
    tf.team_health("pyclient-test", "beta", min_offsets=first)  # the team exists before the watch starts
    with talentflow.Client(timeout=30) as watcher:
        updates = queue.Queue()

        def follow():
            for update in watcher.watch("pyclient-test", ["beta"]):
                updates.put(update.health)
            updates.put(None)  # the generator ended (close())

        thread = threading.Thread(target=follow, daemon=True)
        thread.start()
        assert updates.get(timeout=15).headcount == 30  # the current state first: the stream is live
        tf.publish([feed_line("beta", "2026-02-15", {"hire": {"fromOrg": "meta"}}, person="p-py-four")])
        deadline = time.monotonic() + 15
        while True:
            health = updates.get(timeout=max(0.0, deadline - time.monotonic()))
            assert health is not None, "watch ended before the update"
            if health.headcount == 31:
                break
    # Leaving the `with` closed the watcher: the generator ends and the thread finishes.
    thread.join(timeout=15)
    assert not thread.is_alive()
    assert updates.get(timeout=1) is None


# --- the README's example, run as written ---

def test_readme_python_example_prints_what_the_readme_says():
    readme = (ROOT / "README.md").read_text()
    match = re.search(r"<!-- python example: clients/python/tests/test_stack.py -->\n```python\n(.*?)```\n.*?"
                      r"```text\n(.*?)```", readme, re.S)
    assert match, "README: the Python example's marker, ```python block and ```text output are gone"
    code, expected = match.groups()
    assert len(code.strip().splitlines()) == 3
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=os.environ)
    assert run.returncode == 0, run.stderr
    assert run.stdout == expected
