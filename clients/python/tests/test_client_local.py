"""The Client against an in-process fake QueryService (no stack): what goes on the wire (the bearer token, the
request fields) and how a failed call comes back. The fake answers with values set here, not computed."""

import subprocess
from concurrent import futures

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

import talentflow
from talentflow.v1 import health_pb2, query_pb2, query_pb2_grpc


class FakeQuery(query_pb2_grpc.QueryServiceServicer):
    def __init__(self):
        self.metadata = None
        self.request = None

    def GetTeamHealth(self, request, context):
        self.metadata = dict(context.invocation_metadata())
        self.request = request
        if request.team == "soraa":
            context.abort(grpc.StatusCode.NOT_FOUND, "team openai/soraa not found; did you mean openai/sora?")
        if request.team == "secret":
            context.abort(grpc.StatusCode.PERMISSION_DENIED, "token reader may not read openai/secret")
        return query_pb2.GetTeamHealthResponse(health=health_pb2.TeamHealth(org="openai", team=request.team, score=2))

    def ListEvents(self, request, context):
        # Two pages: the client must follow the token and merge them, with the last page's watermark.
        if not request.page_token:
            return query_pb2.ListEventsResponse(events=[query_pb2.EventRecord(offset=1)], next_page_token="p2")
        return query_pb2.ListEventsResponse(events=[query_pb2.EventRecord(offset=2)], latest_event_day="2026-03-27",
                                            watermark=query_pb2.Watermark(partitions=[query_pb2.PartitionWatermark(
                                                partition=5, applied_offset=25)]))


@pytest.fixture
def fake():
    servicer = FakeQuery()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    query_pb2_grpc.add_QueryServiceServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    servicer.address = f"127.0.0.1:{port}"
    yield servicer
    server.stop(None)


def test_token_is_sent_as_bearer_authorization(fake):
    with talentflow.Client(fake.address, token="s3cret") as tf:
        assert tf.team_health("openai", "sora").health.score == 2
    assert fake.metadata["authorization"] == "Bearer s3cret"


def test_no_token_sends_no_authorization(fake, monkeypatch):
    monkeypatch.delenv("TALENTFLOW_TOKEN", raising=False)
    with talentflow.Client(fake.address) as tf:
        tf.team_health("openai", "sora")
    assert "authorization" not in fake.metadata


def test_request_carries_as_of_and_min_offsets(fake):
    with talentflow.Client(fake.address) as tf:
        tf.team_health("openai", "sora", as_of="2026-03-01", min_offsets={5: 25})
    assert fake.request.as_of == Timestamp(seconds=1772323200)  # 2026-03-01T00:00:00Z
    assert dict(fake.request.min_offsets.offsets) == {5: 25}


def test_request_carries_the_evidence_filter_only_when_asked(fake):
    with talentflow.Client(fake.address) as tf:
        tf.team_health("openai", "sora")
        assert not fake.request.HasField("evidence")
        tf.team_health("openai", "sora", min_confidence="reported", corroborated=True)
        assert fake.request.evidence.min_confidence == 2  # CONFIDENCE_REPORTED
        assert fake.request.evidence.corroborated_only
        with pytest.raises(ValueError, match="min_confidence"):
            tf.team_health("openai", "sora", min_confidence="sure")


def test_errors_are_error_subclasses_with_code_and_message(fake):
    with talentflow.Client(fake.address) as tf:
        with pytest.raises(talentflow.NotFound) as not_found:
            tf.team_health("openai", "soraa")
        with pytest.raises(talentflow.PermissionDenied) as denied:
            tf.team_health("openai", "secret")
    assert str(not_found.value) == "NOT_FOUND: team openai/soraa not found; did you mean openai/sora?"
    assert not_found.value.message == "team openai/soraa not found; did you mean openai/sora?"
    assert (denied.value.code, denied.value.message) == (grpc.StatusCode.PERMISSION_DENIED,
                                                         "token reader may not read openai/secret")


def test_events_merges_every_page(fake):
    with talentflow.Client(fake.address) as tf:
        resp = tf.events("openai", "sora")
    assert [r.offset for r in resp.events] == [1, 2]
    assert resp.latest_event_day == "2026-03-27"
    assert resp.watermark.partitions[0].applied_offset == 25


def test_a_closed_client_refuses_calls(fake):
    tf = talentflow.Client(fake.address)
    tf.close()
    tf.close()  # idempotent
    with pytest.raises(ValueError, match="closed"):
        tf.team_health("openai", "sora")


def test_token_over_plaintext_to_another_host_warns():
    with pytest.warns(UserWarning, match=r"bearer token to 10\.0\.0\.1:7402 without TLS"):
        talentflow.Client("10.0.0.1:7402", token="s3cret", ingest_address="127.0.0.1:7401").close()


def test_unreadable_tls_ca_is_a_value_error():
    with pytest.raises(ValueError, match=r"^tls_ca: cannot read /nonexistent/ca\.pem"):
        talentflow.Client("127.0.0.1:7402", tls_ca="/nonexistent/ca.pem")


def test_tls_ca_turns_tls_on(tmp_path):
    # A self-signed certificate for 127.0.0.1 is its own CA.
    key, cert = tmp_path / "server.key", tmp_path / "server.crt"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    servicer = FakeQuery()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    query_pb2_grpc.add_QueryServiceServicer_to_server(servicer, server)
    port = server.add_secure_port("127.0.0.1:0", grpc.ssl_server_credentials([(key.read_bytes(), cert.read_bytes())]))
    server.start()
    try:
        with talentflow.Client(f"127.0.0.1:{port}", tls_ca=str(cert), token="s3cret", timeout=5) as tf:
            assert tf.team_health("openai", "sora").health.score == 2
        assert servicer.metadata["authorization"] == "Bearer s3cret"
        with talentflow.Client(f"127.0.0.1:{port}", tls_ca="", timeout=5) as plain:  # "" = plaintext
            with pytest.raises(talentflow.Unavailable):
                plain.team_health("openai", "sora")
    finally:
        server.stop(None)
