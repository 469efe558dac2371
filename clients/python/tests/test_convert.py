"""The pure argument conversions (talentflow._convert): no stack needed. Expected instants are worked out
by hand: 2026-03-01T00:00:00Z is 1772323200 s after the epoch (20513 days × 86400)."""

import datetime as dt

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from talentflow import _convert
from talentflow.v1 import event_pb2, health_pb2, query_pb2

MARCH_1 = 1772323200  # 2026-03-01T00:00:00Z


def test_day_string_is_its_first_utc_instant():
    assert _convert.to_timestamp("as_of", "2026-03-01") == Timestamp(seconds=MARCH_1)


def test_date_is_its_first_utc_instant():
    assert _convert.to_timestamp("as_of", dt.date(2026, 3, 1)) == Timestamp(seconds=MARCH_1)


def test_end_of_day_is_the_last_nanosecond_of_the_day():
    assert _convert.to_timestamp("to", "2026-03-01", end_of_day=True) == \
        Timestamp(seconds=MARCH_1 + 86399, nanos=999_999_999)
    assert _convert.to_timestamp("to", dt.date(2026, 3, 1), end_of_day=True) == \
        Timestamp(seconds=MARCH_1 + 86399, nanos=999_999_999)


def test_aware_datetime_is_converted_to_utc():
    # 2026-03-01 01:30 at +02:00 is 2026-02-28 23:30 UTC.
    t = dt.datetime(2026, 3, 1, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert _convert.to_timestamp("as_of", t) == Timestamp(seconds=MARCH_1 - 1800)


def test_naive_datetime_is_utc():
    assert _convert.to_timestamp("as_of", dt.datetime(2026, 3, 1, 12)) == Timestamp(seconds=MARCH_1 + 43200)


def test_rfc3339_string_with_offset():
    assert _convert.to_timestamp("as_of", "2026-03-01T12:00:00Z") == Timestamp(seconds=MARCH_1 + 43200)
    assert _convert.to_timestamp("as_of", "2026-03-01T12:00:00+01:00") == Timestamp(seconds=MARCH_1 + 39600)


def test_none_means_the_service_default():
    assert _convert.to_timestamp("as_of", None) is None


@pytest.mark.parametrize("bad", ["2026-13-01", "2026-02-30", "01/03/2026", "yesterday", "2026-03-01T12:00:00", "",
                                 20260301, 1.5, True, [2026, 3, 1]])
def test_bad_dates_raise_value_error_naming_the_parameter(bad):
    with pytest.raises(ValueError, match=r"^as_of: "):
        _convert.to_timestamp("as_of", bad)


def test_impossible_day_says_so():
    with pytest.raises(ValueError, match=r"as_of: '2026-02-30' is not a calendar day"):
        _convert.to_timestamp("as_of", "2026-02-30")


def test_min_offsets_from_mapping():
    assert _convert.to_min_offsets({5: 25, 0: 3}) == query_pb2.MinOffsets(offsets={5: 25, 0: 3})
    assert _convert.to_min_offsets({}) is None
    assert _convert.to_min_offsets(None) is None


@pytest.mark.parametrize("bad", [{5: -1}, {-1: 3}, {"5": 25}, {5: "25"}, "5:25", [(5, 25)]])
def test_bad_min_offsets_raise_value_error(bad):
    with pytest.raises(ValueError, match=r"^min_offsets: "):
        _convert.to_min_offsets(bad)


def test_enum_by_short_name_full_name_or_number():
    enum = health_pb2.HealthStatus.DESCRIPTOR
    assert _convert.to_enum("status", enum, "HEALTH_STATUS_", "at_risk") == 3
    assert _convert.to_enum("status", enum, "HEALTH_STATUS_", "HEALTH_STATUS_CRITICAL") == 4
    assert _convert.to_enum("status", enum, "HEALTH_STATUS_", 1) == 1
    assert _convert.to_enums("status", enum, "HEALTH_STATUS_", ["watch", "critical"]) == [2, 4]
    assert _convert.to_enums("status", enum, "HEALTH_STATUS_", "watch") == [2]


def test_unknown_enum_names_the_accepted_values():
    with pytest.raises(ValueError, match=r"^granularity: expected one of day, week, month, got 'fortnight'$"):
        _convert.to_enum("granularity", query_pb2.GetTeamTrendRequest.Granularity.DESCRIPTOR, "GRANULARITY_",
                         "fortnight")
    with pytest.raises(ValueError, match=r"^status: "):
        _convert.to_enum("status", health_pb2.HealthStatus.DESCRIPTOR, "HEALTH_STATUS_", "unspecified")


def test_events_from_feed_json():
    line = {"eventId": "evt-0062", "org": "openai", "team": "sora", "effectiveTime": "2026-03-01T22:00:00Z",
            "person": {"id": "p-x", "seniority": "SENIORITY_JUNIOR"}, "departure": {}}
    (event,) = _convert.to_events([line])
    assert event.event_id == "evt-0062"
    assert event.person.seniority == event_pb2.SENIORITY_JUNIOR
    assert event.effective_time == Timestamp(seconds=MARCH_1 + 79200)
    assert event.WhichOneof("payload") == "departure"


def test_bad_event_names_its_index():
    with pytest.raises(ValueError, match=r"^events\[1\]: .*colour"):
        _convert.to_events([{"org": "openai"}, {"org": "openai", "colour": "red"}])
    with pytest.raises(ValueError, match=r"^events\[0\]: expected a talentflow.v1.Event"):
        _convert.to_events(["{}"])
