"""talentflow.Client: the query service's reads and the ingest service's publish, as Python calls."""

from __future__ import annotations

import ipaddress
import os
import threading
import warnings
from typing import Iterator, Mapping, Optional, Sequence, Union

import grpc

from talentflow import _convert
from talentflow._convert import DateLike, OffsetsLike
from talentflow.errors import PublishRejected, from_rpc_error
from talentflow.v1 import event_pb2, health_pb2, ingest_pb2, ingest_pb2_grpc, query_pb2, query_pb2_grpc

DEFAULT_QUERY_ADDR = "127.0.0.1:7402"
DEFAULT_INGEST_ADDR = "127.0.0.1:7401"

# IngestService.Publish takes at most 1,000 events and 4 MiB a call; larger lists are sent in batches.
_MAX_BATCH_EVENTS = 1000
_MAX_BATCH_BYTES = 3 * 1024 * 1024
_CHANNEL_OPTIONS = [("grpc.max_receive_message_length", 64 * 1024 * 1024)]


class Offsets(dict):
    """What publish() returns: partition -> the highest offset written there, so `min_offsets=offsets`
    makes a read wait until the views include every accepted event (read-your-writes). `response` is
    the PublishResponse (one result per event: ACCEPTED with its records, REJECTED, VALID …; `repeats`
    counts events repeating an earlier one's idempotency key in a batch, published for their evidence)."""

    response: ingest_pb2.PublishResponse


class Client:
    """A connection to a talentflow stack: the query service for reads, the ingest service for publish.

    Every read returns the generated response message (talentflow.v1.*Response; see proto/), each with
    the watermark it was computed at. A failed call raises a talentflow.Error subclass (NotFound,
    Unavailable, DeadlineExceeded, …) carrying the gRPC code and the service's message; a bad argument
    raises ValueError naming it before anything is sent. Dates (`as_of`, `from_`, `to`) take a
    datetime.date, a datetime.datetime (naive = UTC) or "YYYY-MM-DD". `min_offsets` takes what publish()
    returned (or any partition -> offset mapping): the read waits until the views include those records,
    up to `timeout`.

    Thread-safe: calls may run on several threads at once. Use it as a context manager, or call close():
    that ends every watch() and releases the channels.

    Example:
        with talentflow.Client("127.0.0.1:7402") as tf:
            sora = tf.team_health("openai", "sora", as_of="2026-03-01").health
            print(sora.score, talentflow.status_name(sora.status))   # 2 CRITICAL
    """

    def __init__(self, address: Optional[str] = None, token: Optional[str] = None, tls_ca: Optional[str] = None,
                 ingest_address: Optional[str] = None, timeout: float = 10.0):
        """Opens the channels (connections are made on the first call, so this does not fail when a service is down).

        address: the query service, host:port. Default: env TALENTFLOW_QUERY_ADDR, else 127.0.0.1:7402.
        token: sent as "authorization: Bearer TOKEN" on every call. Default: env TALENTFLOW_TOKEN, else none.
        tls_ca: path of the PEM CA that signed the services' certificates; given, both channels use TLS.
            Default: env TALENTFLOW_TLS_CA, else plaintext.
        ingest_address: the ingest service for publish(). Default: env TALENTFLOW_INGEST_ADDR, else 127.0.0.1:7401.
        timeout: the deadline of each call in seconds (a read with min_offsets waits at most this long).
        Raises ValueError when tls_ca cannot be read or timeout is not positive.
        """
        self.address = address or os.environ.get("TALENTFLOW_QUERY_ADDR") or DEFAULT_QUERY_ADDR
        self.ingest_address = ingest_address or os.environ.get("TALENTFLOW_INGEST_ADDR") or DEFAULT_INGEST_ADDR
        if not timeout or timeout <= 0:
            raise ValueError(f"timeout: expected seconds > 0, got {timeout!r}")
        self.timeout = float(timeout)
        token = token if token is not None else os.environ.get("TALENTFLOW_TOKEN") or None
        tls_ca = tls_ca if tls_ca is not None else os.environ.get("TALENTFLOW_TLS_CA") or None
        self._metadata = (("authorization", f"Bearer {token}"),) if token else ()
        self._credentials = None
        if tls_ca:
            try:
                with open(tls_ca, "rb") as f:
                    self._credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
            except OSError as e:
                raise ValueError(f"tls_ca: cannot read {tls_ca}: {e.strerror}") from None
        for addr in {self.address, self.ingest_address}:
            if token and not tls_ca and not _is_loopback(addr):
                warnings.warn(f"sending the bearer token to {addr} without TLS (tls_ca)", stacklevel=2)
        self._lock = threading.Lock()
        self._closed = False
        self._watches: set = set()
        self._query_channel = self._channel(self.address)
        self._query = query_pb2_grpc.QueryServiceStub(self._query_channel)
        self._ingest_channel: Optional[grpc.Channel] = None
        self._ingest: Optional[ingest_pb2_grpc.IngestServiceStub] = None

    # --- lifetime ---

    def close(self) -> None:
        """Ends every watch() generator (each stops as if exhausted) and closes the channels. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            watches = list(self._watches)
        for call in watches:
            call.cancel()
        self._query_channel.close()
        if self._ingest_channel is not None:
            self._ingest_channel.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- reads (QueryService) ---

    def team_health(self, org: str, team: str, as_of: Optional[DateLike] = None,
                    min_offsets: Optional[OffsetsLike] = None, *, max_lag: int = 0,
                    min_confidence: Union[None, str, int] = None,
                    corroborated: bool = False) -> query_pb2.GetTeamHealthResponse:
        """One team's health at `as_of` (default today): `.health` is the TeamHealth (score, status, reasons,
        headcount, 30/90/365-day windows …). NotFound names an unknown org or team and the nearest known one."""
        req = query_pb2.GetTeamHealthRequest(org=org, team=team, max_lag=max_lag)
        self._set_common(req, min_confidence=min_confidence, corroborated=corroborated,
                         as_of=as_of, min_offsets=min_offsets)
        return self._call(self._query.GetTeamHealth, req)

    def org_snapshot(self, org: str, as_of: Optional[DateLike] = None, min_offsets: Optional[OffsetsLike] = None,
                     *, max_lag: int = 0,
                     min_confidence: Union[None, str, int] = None,
                     corroborated: bool = False) -> query_pb2.GetOrgSnapshotResponse:
        """Every team of `org` (`.teams`, by slug, inactive ones included) and the org's `.totals`, from one
        consistent read of the views."""
        req = query_pb2.GetOrgSnapshotRequest(org=org, max_lag=max_lag)
        self._set_common(req, min_confidence=min_confidence, corroborated=corroborated,
                         as_of=as_of, min_offsets=min_offsets)
        return self._call(self._query.GetOrgSnapshot, req)

    def teams(self, org: str, status: Union[None, str, int, Sequence[Union[str, int]]] = None,
              order_by: Union[str, int] = "score", as_of: Optional[DateLike] = None,
              include_inactive: bool = False, min_offsets: Optional[OffsetsLike] = None, *,
              max_lag: int = 0,
              min_confidence: Union[None, str, int] = None, corroborated: bool = False) -> query_pb2.ListTeamsResponse:
        """The teams of `org`, every page in one response: only those with a `status` in the list
        ("healthy", "watch", "at_risk", "critical"; default all), ordered by "score" (lowest first),
        "attrition" (highest first) or "name". Merged or dissolved teams only with include_inactive."""
        req = query_pb2.ListTeamsRequest(
            org=org, include_inactive=include_inactive, max_lag=max_lag,
            order_by=_convert.to_enum("order_by", query_pb2.ListTeamsRequest.OrderBy.DESCRIPTOR, "ORDER_BY_",
                                      order_by),
            status=_convert.to_enums("status", health_pb2.HealthStatus.DESCRIPTOR, "HEALTH_STATUS_", status))
        self._set_common(req, min_confidence=min_confidence, corroborated=corroborated,
                         as_of=as_of, min_offsets=min_offsets)
        return self._all_pages(self._query.ListTeams, req, query_pb2.ListTeamsResponse(), "teams")

    def trend(self, org: str, team: str, from_: Optional[DateLike] = None, to: Optional[DateLike] = None,
              granularity: Union[str, int] = "day", min_offsets: Optional[OffsetsLike] = None, *,
              max_lag: int = 0,
              min_confidence: Union[None, str, int] = None,
              corroborated: bool = False) -> query_pb2.GetTeamTrendResponse:
        """A team's points (`.points`: date = last day of the period, headcount, hires, departures, score,
        status) from `from_` to `to` (default today), one a "day", "week" (7 days ending on `to`) or
        calendar "month"; at most 1,000 points."""
        req = query_pb2.GetTeamTrendRequest(
            org=org, team=team, max_lag=max_lag,
            granularity=_convert.to_enum("granularity", query_pb2.GetTeamTrendRequest.Granularity.DESCRIPTOR,
                                         "GRANULARITY_", granularity))
        self._set_common(req, min_confidence=min_confidence, corroborated=corroborated,
                         from_=from_, to=to, min_offsets=min_offsets)
        return self._call(self._query.GetTeamTrend, req)

    def flows(self, org: str, direction: Union[str, int] = "both", from_: Optional[DateLike] = None,
              to: Optional[DateLike] = None, team: Optional[str] = None,
              min_offsets: Optional[OffsetsLike] = None, *, max_lag: int = 0, monthly: bool = False,
              counterparty: Optional[str] = None, min_confidence: Union[None, str, int] = None,
              corroborated: bool = False) -> query_pb2.GetTalentFlowsResponse:
        """Where people who left `org` went ("outbound") and where its hires came from ("inbound"), or
        "both": `.edges` (from_org, to_org, distinct people, movers), most people first, by month of effective
        time from `from_` (default 12 months before `to`) to `to` (default today); only `team`'s movers if given,
        only the flows between `org` and `counterparty` if given. With `monthly`, also `.months`: every calendar
        month of the range with people inbound, outbound and net (inbound - outbound)."""
        req = query_pb2.GetTalentFlowsRequest(
            org=org, team=team or "", max_lag=max_lag, counterparty=counterparty or "",
            granularity=query_pb2.FLOW_GRANULARITY_MONTH if monthly else query_pb2.FLOW_GRANULARITY_UNSPECIFIED,
            direction=_convert.to_enum("direction", query_pb2.GetTalentFlowsRequest.Direction.DESCRIPTOR,
                                       "DIRECTION_", direction))
        self._set_common(req, min_confidence=min_confidence, corroborated=corroborated,
                         from_=from_, to=to, min_offsets=min_offsets)
        return self._call(self._query.GetTalentFlows, req)

    def events(self, org: str, team: str, from_: Optional[DateLike] = None, to: Optional[DateLike] = None,
               types: Optional[Sequence[str]] = None,
               statuses: Union[None, str, int, Sequence[Union[str, int]]] = None,
               min_offsets: Optional[OffsetsLike] = None, *, max_lag: int = 0,
               min_confidence: Union[None, str, int] = None,
               corroborated: bool = False) -> query_pb2.ListEventsResponse:
        """A team's audit history in log order, every page in one response: `.events` are EventRecords (the
        event, its status — applied, duplicate, retracted, retraction_applied, … — note, partition, offset).
        By effective time from `from_` to `to` inclusive (a date `to` includes its whole day); only the payload
        kinds in `types` ("departure", "hire", "retraction", …) and the `statuses` given (default all)."""
        req = query_pb2.ListEventsRequest(
            org=org, team=team, max_lag=max_lag, types=list(types or []),
            statuses=_convert.to_enums("statuses", event_pb2.EventStatus.DESCRIPTOR, "EVENT_STATUS_", statuses))
        self._set_common(req, min_confidence=min_confidence, corroborated=corroborated,
                         from_=from_, to=to, to_end_of_day=True, min_offsets=min_offsets)
        return self._all_pages(self._query.ListEvents, req, query_pb2.ListEventsResponse(), "events")

    def event(self, event_id: str, min_offsets: Optional[OffsetsLike] = None, *,
              max_lag: int = 0) -> query_pb2.GetEventResponse:
        """One event by id, whatever its team: `.record` (event, status, note, partition, offset).
        NotFound names the id."""
        req = query_pb2.GetEventRequest(event_id=event_id, max_lag=max_lag)
        self._set_common(req, min_offsets=min_offsets)
        return self._call(self._query.GetEvent, req)

    def person(self, person_id: str, min_offsets: Optional[OffsetsLike] = None, *,
               max_lag: int = 0,
               min_confidence: Union[None, str, int] = None, corroborated: bool = False) -> query_pb2.GetPersonResponse:
        """A person's moves across orgs by `person.id`, in time order (`.moves`: org/team, kind, date,
        origin/destination, confidence, the story's outlets, status, counterpart, corroborated), and
        `.counterparts` linking a departure (transfer out) to the hire (transfer in) it led to.
        NotFound names the id."""
        req = query_pb2.GetPersonRequest(person_id=person_id, max_lag=max_lag)
        self._set_common(req, min_confidence=min_confidence, corroborated=corroborated, min_offsets=min_offsets)
        return self._call(self._query.GetPerson, req)

    def people(self, org: str, team: Optional[str] = None, from_: Optional[DateLike] = None,
               to: Optional[DateLike] = None, min_offsets: Optional[OffsetsLike] = None, *,
               max_lag: int = 0,
               min_confidence: Union[None, str, int] = None,
               corroborated: bool = False) -> query_pb2.ListPeopleResponse:
        """Who moved into or out of `org` (or its `team`) by effective day from `from_` to `to` inclusive
        (default the 365 days up to today), every page in one response: `.people` rows (person id, or the
        name when the reports had none; their moves in the range, as person() gives them)."""
        req = query_pb2.ListPeopleRequest(org=org, team=team or "", max_lag=max_lag)
        self._set_common(req, min_confidence=min_confidence, corroborated=corroborated,
                         from_=from_, to=to, to_end_of_day=True, min_offsets=min_offsets)
        return self._all_pages(self._query.ListPeople, req, query_pb2.ListPeopleResponse(), "people")

    def movement(self, org: str, team: Optional[str] = None, as_of: Optional[DateLike] = None,
                 min_offsets: Optional[OffsetsLike] = None, *, max_lag: int = 0,
                 min_confidence: Union[None, str, int] = None,
                 corroborated: bool = False) -> query_pb2.GetTeamMovementResponse:
        """Hires, departures and transfers by seniority in the 30/90/365-day windows up to `as_of` (default
        today), and the backfill of each senior departure (`.teams`: `team` only, or every team of `org`;
        `.totals`: their sums). README, "Movement"."""
        req = query_pb2.GetTeamMovementRequest(org=org, team=team or "", max_lag=max_lag)
        self._set_common(req, min_confidence=min_confidence, corroborated=corroborated,
                         as_of=as_of, min_offsets=min_offsets)
        return self._call(self._query.GetTeamMovement, req)

    def orgs(self, min_offsets: Optional[OffsetsLike] = None, *, max_lag: int = 0) -> query_pb2.ListOrgsResponse:
        """Every org the views know (`.orgs`: org slug, number of teams)."""
        req = query_pb2.ListOrgsRequest(max_lag=max_lag)
        self._set_common(req, min_offsets=min_offsets)
        return self._call(self._query.ListOrgs, req)

    def watermark(self) -> query_pb2.Watermark:
        """How far the views are: per partition the applied offset, the log's end and the lag."""
        return self._call(self._query.GetWatermark, query_pb2.GetWatermarkRequest())

    def watch(self, org: str, teams: Union[None, str, Sequence[str]] = None, *,
              min_confidence: Union[None, str, int] = None,
              corroborated: bool = False) -> Iterator[query_pb2.TeamHealthUpdate]:
        """A generator of TeamHealthUpdates: the current health of each watched team (`teams` of `org`; default
        every team), then a new one whenever a team changes. It has no deadline: it ends when the stream
        ends, when the generator is closed (`gen.close()`, or leaving a `for` loop) or when close() is called
        on the client; a failed stream raises a talentflow.Error subclass."""
        if isinstance(teams, str):
            teams = [teams]
        req = query_pb2.WatchTeamHealthRequest(org=org, teams=list(teams or []))
        self._set_common(req, min_confidence=min_confidence, corroborated=corroborated)
        return self._watch(req)

    # --- publish (IngestService) ---

    def publish(self, events: Union[event_pb2.Event, Mapping, Sequence[Union[event_pb2.Event, Mapping]]],
                dry_run: bool = False, require_evidence: bool = False) -> Offsets:
        """Validates and publishes `events` (Event messages, or dicts in the feed's JSON form: one JSONL line
        each) and returns where they landed as Offsets — partition -> highest offset, to pass as `min_offsets`
        of a read — after the broker acknowledged every accepted event. `.response` holds one result per event.

        dry_run: validate only (results VALID, nothing written, empty offsets). require_evidence: reject events
        without evidence. Lists over 1,000 events go in several calls, in order.
        Raises ValueError (naming the item) for an item that is not an event; PublishRejected when any event was
        rejected or not delivered — its message names each with field and reason, and it carries `.response`
        and the `.offsets` of the events that were written; a talentflow.Error subclass when a call fails.
        """
        messages = _convert.to_events(events)
        merged = ingest_pb2.PublishResponse()
        for batch in _batches(messages):
            req = ingest_pb2.PublishRequest(events=batch, dry_run=dry_run, require_evidence=require_evidence)
            resp = self._call(self._ingest_stub().Publish, req, "talentflow-ingest", self.ingest_address)
            merged.results.extend(resp.results)
            for field in ("accepted", "repeats", "rejected", "not_delivered", "valid", "without_evidence"):
                setattr(merged, field, getattr(merged, field) + getattr(resp, field))
        offsets = Offsets()
        offsets.response = merged
        failed, rejected = [], False
        for i, result in enumerate(merged.results):
            for record in result.records:
                offsets[record.partition] = max(offsets.get(record.partition, -1), record.offset)
            if result.status == ingest_pb2.EventResult.STATUS_REJECTED:
                rejected = True
                failed.append(f"events[{i}] ({result.event_id or 'no id'}): {result.field or 'event'}: {result.reason}")
            elif result.status == ingest_pb2.EventResult.STATUS_NOT_DELIVERED:
                failed.append(f"events[{i}] ({result.event_id}): not delivered: {result.reason}")
        if failed:
            shown = "; ".join(failed[:5]) + (f"; and {len(failed) - 5} more" if len(failed) > 5 else "")
            raise PublishRejected(f"{len(failed)} of {len(messages)} events not written: {shown}", merged, offsets,
                                  grpc.StatusCode.INVALID_ARGUMENT if rejected else grpc.StatusCode.UNAVAILABLE)
        return offsets

    # --- internals ---

    def _channel(self, address: str) -> grpc.Channel:
        if self._credentials is not None:
            return grpc.secure_channel(address, self._credentials, options=_CHANNEL_OPTIONS)
        return grpc.insecure_channel(address, options=_CHANNEL_OPTIONS)

    def _ingest_stub(self) -> ingest_pb2_grpc.IngestServiceStub:
        with self._lock:
            self._check_open()
            if self._ingest is None:
                self._ingest_channel = self._channel(self.ingest_address)
                self._ingest = ingest_pb2_grpc.IngestServiceStub(self._ingest_channel)
            return self._ingest

    def _check_open(self) -> None:
        if self._closed:
            raise ValueError("the client is closed")

    def _set_common(self, req, *, as_of=None, from_=None, to=None, to_end_of_day=False, min_offsets=None,
                    min_confidence=None, corroborated=False) -> None:
        # The evidence filter (README "Evidence filters"): sent only when one is asked for, so a default
        # answer carries none.
        if min_confidence is not None or corroborated:
            if min_confidence is not None:
                req.evidence.min_confidence = _convert.to_enum(
                    "min_confidence", event_pb2.Confidence.DESCRIPTOR, "CONFIDENCE_", min_confidence)
            req.evidence.corroborated_only = corroborated
        ts = _convert.to_timestamp("as_of", as_of)
        if ts is not None:
            req.as_of.CopyFrom(ts)
        start = _convert.to_timestamp("from_", from_)
        if start is not None:
            getattr(req, "from").CopyFrom(start)
        end = _convert.to_timestamp("to", to, end_of_day=to_end_of_day)
        if end is not None:
            req.to.CopyFrom(end)
        if start is not None and end is not None and (start.seconds, start.nanos) > (end.seconds, end.nanos):
            raise ValueError(f"from_: {from_!r} is after to {to!r}")
        offsets = _convert.to_min_offsets(min_offsets)
        if offsets is not None:
            req.min_offsets.CopyFrom(offsets)

    def _call(self, method, request, service: str = "talentflow-query", address: Optional[str] = None):
        self._check_open()
        try:
            return method(request, timeout=self.timeout, metadata=self._metadata)
        except grpc.RpcError as e:
            raise from_rpc_error(e, service, address or self.address) from None

    def _all_pages(self, method, request, merged, field: str):
        # Mirrors talentflowctl: every page's items in one response, with the last page's watermark.
        while True:
            page = self._call(method, request)
            getattr(merged, field).extend(getattr(page, field))
            merged.watermark.CopyFrom(page.watermark)
            for latest in ("latest_event_day", "latest_move_day"):  # why an empty answer is empty
                if latest in merged.DESCRIPTOR.fields_by_name:
                    setattr(merged, latest, getattr(page, latest))
            if not page.next_page_token:
                return merged
            if page.next_page_token == request.page_token:
                raise from_rpc_error(_StaticError(grpc.StatusCode.INTERNAL, "the service repeated a page token"),
                                     "talentflow-query", self.address)
            request.page_token = page.next_page_token

    def _watch(self, req) -> Iterator[query_pb2.TeamHealthUpdate]:
        with self._lock:
            self._check_open()
            call = self._query.WatchTeamHealth(req, metadata=self._metadata)
            self._watches.add(call)
        try:
            for update in call:
                yield update
        except grpc.RpcError as e:
            if e.code() == grpc.StatusCode.CANCELLED and self._closed:
                return  # close() ended it
            raise from_rpc_error(e, "talentflow-query", self.address) from None
        finally:
            call.cancel()
            with self._lock:
                self._watches.discard(call)


class _StaticError(grpc.RpcError):
    def __init__(self, code: grpc.StatusCode, details: str):
        self._code, self._details = code, details

    def code(self) -> grpc.StatusCode:
        return self._code

    def details(self) -> str:
        return self._details


def _batches(events: list) -> Iterator[list]:
    batch, size = [], 0
    for e in events:
        n = e.ByteSize()
        if batch and (len(batch) == _MAX_BATCH_EVENTS or size + n > _MAX_BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(e)
        size += n
    if batch:
        yield batch


def _is_loopback(address: str) -> bool:
    host = address.rsplit(":", 1)[0].strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def status_name(status: int) -> str:
    """"CRITICAL" for HEALTH_STATUS_CRITICAL, and so on: the status as talentflowctl prints it."""
    return health_pb2.HealthStatus.Name(status).removeprefix("HEALTH_STATUS_")
