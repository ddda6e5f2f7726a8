"""A service process answers GraphQL, health and metrics over HTTP (no Kafka needed for these)."""

from __future__ import annotations

from starlette.testclient import TestClient


def test_subgraph_answers_over_http_and_counts_its_calls() -> None:
    from svc_networks.app import SERVICE

    client = TestClient(SERVICE.app())  # no lifespan: neither Kafka nor migrations are needed
    response = client.post("/graphql", json={"query": "{ _service { sdl } }"})
    assert response.status_code == 200
    assert "type Municipality" in response.json()["data"]["_service"]["sdl"]
    assert client.get("/healthz").json()["status"] == "ok"
    assert (
        'subgraph_graphql_requests_total{method="POST",service="networks"}'
        in client.get("/metrics").text
    )
    assert response.headers["x-correlation-id"]
