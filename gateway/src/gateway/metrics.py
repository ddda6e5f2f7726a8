"""Prometheus metrics of the gateway (served at /metrics)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "gateway_requests", "GraphQL requests answered, by outcome", ["outcome"]
)  # outcome: ok, errors, invalid (parse/validation/variables), unauthenticated, not_ready
REQUEST_SECONDS = Histogram("gateway_request_duration_seconds", "Time to answer a GraphQL request")
SUBGRAPH_CALLS = Counter(
    "gateway_subgraph_calls", "Calls to subgraphs, by outcome", ["subgraph", "outcome"]
)  # outcome: ok, errors (GraphQL errors in the answer), unavailable
SUBGRAPH_SECONDS = Histogram(
    "gateway_subgraph_call_duration_seconds", "Time a subgraph call took", ["subgraph"]
)
