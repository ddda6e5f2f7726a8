"""A service process answers GraphQL, health and metrics over HTTP (no Kafka needed for these)."""

from __future__ import annotations

import pytest
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


def test_json_nested_too_deeply_is_a_bad_request_not_a_server_error() -> None:
    from svc_networks.app import SERVICE

    client = TestClient(SERVICE.app(), raise_server_exceptions=False)
    nested = "[" * 100_000 + "]" * 100_000
    response = client.post(
        "/graphql",
        content='{"query": "{ __typename }", "variables": {"a": ' + nested + "}}",
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400


def test_production_subgraphs_answer_no_introspection_and_serve_no_graphiql(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from svc_networks.app import SERVICE

    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("JWT_SECRET", "a-production-secret-of-at-least-32-bytes")
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
    monkeypatch.setenv("KAFKA_SASL_USERNAME", "networks")
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "networks-password")
    client = TestClient(SERVICE.app())
    introspection = client.post("/graphql", json={"query": "{ __schema { types { name } } }"})
    assert "introspection" in introspection.json()["errors"][0]["message"]
    sdl = client.post(
        "/graphql", json={"query": "{ _service { sdl } }"}
    )  # what the router composes
    assert "type Municipality" in sdl.json()["data"]["_service"]["sdl"]
    assert "graphiql" not in client.get("/graphql", headers={"accept": "text/html"}).text.lower()


def test_development_subgraphs_answer_introspection() -> None:
    from svc_networks.app import SERVICE

    client = TestClient(SERVICE.app())
    answer = client.post("/graphql", json={"query": "{ __schema { queryType { name } } }"})
    assert answer.json()["data"]["__schema"]["queryType"]["name"] == "Query"


@pytest.mark.parametrize(
    ("variables", "declared", "used", "field"),
    [
        ({"d": ""}, "$d: Date!", "heldOn: $d", "d"),
        (
            {"i": {"municipality": "5601", "heldOn": "1. mars", "topics": [], "participants": []}},
            "$i: DialogueMeetingInput!",
            "input: $i",
            "heldOn",
        ),
    ],
    ids=["a-date-variable", "a-date-in-an-input-variable"],
)
def test_a_variable_the_subgraph_cannot_take_is_bad_user_input_naming_the_field(
    variables: dict[str, object], declared: str, used: str, field: str
) -> None:
    """The router checks variables only against the types it knows: a Date that is not a date
    reaches the subgraph, which answered "Internal server error" (found by tests/
    test_schema_fuzzing.py)."""
    from svc_networks.app import SERVICE

    client = TestClient(SERVICE.app())
    if used.startswith("input"):
        query = f"mutation({declared}) {{ recordDialogueMeeting({used}) {{ id }} }}"
    else:
        query = (
            f'mutation({declared}) {{ recordDialogueMeeting(input: {{municipality: "5601", '
            f"{used}, topics: [], participants: []}}) {{ id }} }}"
        )
    body = client.post("/graphql", json={"query": query, "variables": variables}).json()
    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert "date" in error["message"].lower()


def test_work_past_the_request_timeout_is_cancelled_and_answered_unavailable() -> None:
    import asyncio

    import strawberry

    from shared.settings import load_service_settings
    from shared.subgraph import SubgraphApp, federation_schema
    from svc_networks.app import SERVICE

    cancelled: list[bool] = []

    @strawberry.type
    class Query:
        @strawberry.field
        async def slow(self) -> str:
            try:
                await asyncio.sleep(30)
            except asyncio.CancelledError:
                cancelled.append(True)  # where a unit of work would roll back
                raise
            return "too late"

    settings = load_service_settings("networks").model_copy(update={"request_timeout_seconds": 0.2})
    app = SubgraphApp(federation_schema(Query), SERVICE.runtime(settings))
    answer = TestClient(app).post("/graphql", json={"query": "{ slow }"}).json()
    assert answer["data"] is None
    assert answer["errors"][0]["extensions"] == {"code": "UNAVAILABLE"}
    assert "nothing was changed" in answer["errors"][0]["message"]
    assert cancelled == [True]
