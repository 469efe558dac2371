"""talentflow: a Python client for talentflow's query service (team health of the AI labs) and its ingest service.

    import talentflow
    with talentflow.Client("127.0.0.1:7402") as tf:
        for t in tf.org_snapshot("openai", as_of="2026-03-01").teams: print(t.team, t.score, talentflow.status_name(t.status))

Results are the generated messages of talentflow.v1 (see proto/); failed calls raise talentflow.Error subclasses.
"""

from talentflow.client import Client, Offsets, status_name
from talentflow.errors import (Aborted, AlreadyExists, Cancelled, DataLoss, DeadlineExceeded, Error,
                               FailedPrecondition, Internal, InvalidArgument, NotFound, OutOfRange, PermissionDenied,
                               PublishRejected, ResourceExhausted, Unauthenticated, Unavailable, Unimplemented)

__all__ = [
    "Client", "Offsets", "status_name",
    "Error", "Aborted", "AlreadyExists", "Cancelled", "DataLoss", "DeadlineExceeded", "FailedPrecondition", "Internal",
    "InvalidArgument", "NotFound", "OutOfRange", "PermissionDenied", "PublishRejected", "ResourceExhausted",
    "Unauthenticated", "Unavailable", "Unimplemented",
]
