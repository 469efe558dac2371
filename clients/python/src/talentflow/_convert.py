"""Pure conversions from the client's Python arguments to request fields. No I/O, no gRPC.

Each function names the parameter it was given in its ValueError, so a caller learns which argument
was wrong and why ("as_of: expected a datetime.date, a datetime.datetime or 'YYYY-MM-DD', got '2026-13-01'").
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Iterable, Mapping, Optional, Sequence, Union

from google.protobuf import json_format
from google.protobuf.descriptor import EnumDescriptor
from google.protobuf.timestamp_pb2 import Timestamp

from talentflow.v1 import event_pb2, query_pb2

#: What a date parameter (as_of, from_, to) accepts. A str is "YYYY-MM-DD" or RFC 3339 with an offset.
DateLike = Union[_dt.date, _dt.datetime, str, Timestamp]

#: What min_offsets accepts: partition -> offset (as publish() returns), or the MinOffsets message.
OffsetsLike = Union[Mapping[int, int], query_pb2.MinOffsets]

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def to_timestamp(param: str, value: Optional[DateLike], end_of_day: bool = False) -> Optional[Timestamp]:
    """Returns `value` as a Timestamp, or None for None (the service's default).

    A date (a datetime.date or "YYYY-MM-DD") is its first instant in UTC, or its last (23:59:59.999999999)
    when `end_of_day` — for inclusive upper bounds, as talentflowctl reads `events --to DATE`. A
    datetime.datetime is that instant; a naive one is taken as UTC (protobuf's convention). A str that is
    not a day must be RFC 3339 with an offset ("2026-03-01T12:00:00Z"). A Timestamp is used as is.

    Raises ValueError naming `param` for anything else, including impossible dates ("2026-02-30").
    """
    if value is None:
        return None
    if isinstance(value, Timestamp):
        return value
    if isinstance(value, _dt.datetime):
        return _from_datetime(value)
    if isinstance(value, _dt.date):
        return _from_day(value, end_of_day)
    if isinstance(value, str):
        text = value.strip()
        if _DAY.fullmatch(text):
            try:
                return _from_day(_dt.date.fromisoformat(text), end_of_day)
            except ValueError as e:
                raise ValueError(f"{param}: {value!r} is not a calendar day ({e})") from None
        try:
            parsed = _dt.datetime.fromisoformat(text.replace("z", "Z"))
        except ValueError:
            parsed = None
        if parsed is None or "T" not in text.upper() or parsed.tzinfo is None:
            raise ValueError(f"{param}: expected 'YYYY-MM-DD' or an RFC 3339 time with an offset "
                             f"('2026-03-01T12:00:00Z'), got {value!r}")
        return _from_datetime(parsed)
    raise ValueError(f"{param}: expected a datetime.date, a datetime.datetime or 'YYYY-MM-DD', "
                     f"got {type(value).__name__} {value!r}")


def _from_day(day: _dt.date, end_of_day: bool) -> Timestamp:
    start = _dt.datetime(day.year, day.month, day.day, tzinfo=_dt.timezone.utc)
    ts = Timestamp(seconds=int(start.timestamp()))
    if end_of_day:
        ts.seconds += 86400 - 1
        ts.nanos = 999_999_999
    return ts


def _from_datetime(value: _dt.datetime) -> Timestamp:
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.timezone.utc)
    ts = Timestamp()
    ts.FromDatetime(value.astimezone(_dt.timezone.utc))
    return ts


def to_min_offsets(value: Optional[OffsetsLike]) -> Optional[query_pb2.MinOffsets]:
    """Returns the MinOffsets message for `value`, or None for None or an empty mapping.

    `value` is partition -> offset, the highest offset written to each partition (what publish()
    returns), or a MinOffsets message. Raises ValueError naming min_offsets for a negative or
    non-integer partition or offset.
    """
    if value is None:
        return None
    if isinstance(value, query_pb2.MinOffsets):
        return value
    if not isinstance(value, Mapping):
        raise ValueError(f"min_offsets: expected a mapping partition -> offset (as publish() returns), "
                         f"got {type(value).__name__}")
    message = query_pb2.MinOffsets()
    for partition, offset in value.items():
        if (not isinstance(partition, int) or isinstance(partition, bool) or partition < 0
                or not isinstance(offset, int) or isinstance(offset, bool) or offset < 0):
            raise ValueError(f"min_offsets: {partition!r}: {offset!r} is not a partition and offset "
                             f"(two integers >= 0)")
        message.offsets[partition] = offset
    return message if message.offsets else None


def to_enum(param: str, enum: EnumDescriptor, prefix: str, value: Union[str, int]) -> int:
    """Returns the number of `value` in `enum`.

    `value` is the number itself, the full name ("GRANULARITY_MONTH") or the name without `prefix`
    in any case ("month"). Raises ValueError naming `param` and the accepted names otherwise.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        if value in enum.values_by_number:
            return value
    elif isinstance(value, str):
        name = value.strip().upper().replace("-", "_")
        for candidate in (name, prefix + name):
            if candidate in enum.values_by_name and not candidate.endswith("_UNSPECIFIED"):
                return enum.values_by_name[candidate].number
    accepted = [v.name[len(prefix):].lower() for v in enum.values if not v.name.endswith("_UNSPECIFIED")]
    raise ValueError(f"{param}: expected one of {', '.join(accepted)}, got {value!r}")


def to_enums(param: str, enum: EnumDescriptor, prefix: str,
             values: Optional[Union[str, int, Iterable[Union[str, int]]]]) -> list[int]:
    """to_enum over a list; a single value stands for a list of one, None for none."""
    if values is None:
        return []
    if isinstance(values, (str, int)):
        values = [values]
    return [to_enum(param, enum, prefix, v) for v in values]


def to_events(events: Sequence[Union[event_pb2.Event, Mapping]]) -> list[event_pb2.Event]:
    """Returns `events` as Event messages: a dict is parsed as a line of a JSONL feed (proto3 JSON,
    camelCase or field names, e.g. {"org": "openai", "team": "sora", "effectiveTime": "2026-03-01T00:00:00Z",
    "departure": {...}}). Raises ValueError naming the item ("events[2]: ...") that is neither or does not parse.
    """
    if isinstance(events, (event_pb2.Event, Mapping)):
        events = [events]
    result = []
    for i, e in enumerate(events):
        if isinstance(e, event_pb2.Event):
            result.append(e)
        elif isinstance(e, Mapping):
            try:
                result.append(json_format.ParseDict(e, event_pb2.Event()))
            except json_format.ParseError as err:
                raise ValueError(f"events[{i}]: {err}") from None
        else:
            raise ValueError(f"events[{i}]: expected a talentflow.v1.Event or a dict in the feed's JSON form, "
                             f"got {type(e).__name__}")
    return result
