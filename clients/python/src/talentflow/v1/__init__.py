"""The messages and stubs generated from talentflow's proto/talentflow/v1/*.proto when the package is built.

`talentflow.v1.query_pb2` (QueryService requests and responses), `health_pb2` (TeamHealth, HealthStatus),
`event_pb2` (Event and its payloads), `ingest_pb2` (PublishRequest/Response), and their `*_pb2_grpc` stubs.
"""
