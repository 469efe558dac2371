"""The exceptions the client raises: one class per gRPC status code, all subclasses of `Error`.

A failed call raises the subclass of its code (NotFound for NOT_FOUND, …) with the service's message,
e.g. `NotFound("NOT_FOUND: team openai/soraa not found; did you mean openai/sora?")`; `except
talentflow.Error` catches them all. Bad arguments are found before any call and raise ValueError.
"""

from __future__ import annotations

from typing import Optional

import grpc


class Error(Exception):
    """A call the service (or the channel) failed. `code` is the grpc.StatusCode, `message` the service's words."""

    code: grpc.StatusCode = grpc.StatusCode.UNKNOWN

    def __init__(self, message: str, code: Optional[grpc.StatusCode] = None):
        if code is not None:
            self.code = code
        self.message = message
        super().__init__(f"{self.code.name}: {message}")


class Cancelled(Error):
    code = grpc.StatusCode.CANCELLED


class InvalidArgument(Error):
    code = grpc.StatusCode.INVALID_ARGUMENT


class DeadlineExceeded(Error):
    """The deadline passed: e.g. the views did not reach `min_offsets` within the client's timeout."""
    code = grpc.StatusCode.DEADLINE_EXCEEDED


class NotFound(Error):
    code = grpc.StatusCode.NOT_FOUND


class AlreadyExists(Error):
    code = grpc.StatusCode.ALREADY_EXISTS


class PermissionDenied(Error):
    code = grpc.StatusCode.PERMISSION_DENIED


class ResourceExhausted(Error):
    code = grpc.StatusCode.RESOURCE_EXHAUSTED


class FailedPrecondition(Error):
    code = grpc.StatusCode.FAILED_PRECONDITION


class Aborted(Error):
    code = grpc.StatusCode.ABORTED


class OutOfRange(Error):
    code = grpc.StatusCode.OUT_OF_RANGE


class Unimplemented(Error):
    code = grpc.StatusCode.UNIMPLEMENTED


class Internal(Error):
    code = grpc.StatusCode.INTERNAL


class Unavailable(Error):
    """The service cannot be reached, or its views are not ready."""
    code = grpc.StatusCode.UNAVAILABLE


class DataLoss(Error):
    code = grpc.StatusCode.DATA_LOSS


class Unauthenticated(Error):
    code = grpc.StatusCode.UNAUTHENTICATED


class PublishRejected(Error):
    """publish() did not write every event: `response` is the PublishResponse (one result per event, each
    rejected one with its field and reason), `offsets` where the accepted ones landed (usable as min_offsets).
    `code` is INVALID_ARGUMENT when an event was rejected, UNAVAILABLE when the only failures are events the
    broker did not acknowledge (those may be published again)."""

    code = grpc.StatusCode.INVALID_ARGUMENT

    def __init__(self, message: str, response, offsets, code: Optional[grpc.StatusCode] = None):
        super().__init__(message, code)
        self.response = response
        self.offsets = offsets


_BY_CODE = {cls.code: cls for cls in (
    Cancelled, InvalidArgument, DeadlineExceeded, NotFound, AlreadyExists, PermissionDenied, ResourceExhausted,
    FailedPrecondition, Aborted, OutOfRange, Unimplemented, Internal, Unavailable, DataLoss, Unauthenticated)}


def from_rpc_error(err: grpc.RpcError, service: str, address: str) -> Error:
    """Returns the Error subclass for a failed call. An unreachable service says which one and where, as
    talentflowctl does, since grpc's own text ("failed to connect to all addresses") names neither."""
    code = err.code() if hasattr(err, "code") else grpc.StatusCode.UNKNOWN
    details = (err.details() if hasattr(err, "details") else None) or str(err)
    if code == grpc.StatusCode.UNAVAILABLE and "failed to connect" in details:
        details = (f"cannot reach {service} at {address}: is it running? Start it with ./deploy/up.sh "
                   f"({details})")
    return _BY_CODE.get(code, Error)(details, code)
