"""The router (Hive Gateway with gateway/gateway.config.ts) as clients meet it, in front of a
stub subgraph that records what reaches it: tokens (HS256 and RS256), forwarded headers, limits,
CSRF, callers never sharing answers, subscriptions, timeouts, GraphiQL, metrics, the
GraphQL-over-HTTP audit, supergraph reloads and production mode."""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from graphql import get_introspection_query
from websockets import Subprotocol
from websockets.sync.client import connect

from gateway.router import GATEWAY_DIR, compose_supergraph
from localinfra.platform import Process
from shared.auth import issue_token
from shared.settings import DEV_JWT_SECRET, AuthSettings
from tests.conftest import eventually
from tests.router_stub import (
    PUBLISHED_KEYS,
    RECORDER,
    SCHEMA,
    RsaKey,
    StubSubgraph,
    post,
    running_router,
)

CALLER = "{ caller { authorization correlationId idempotencyKey cookie } }"


@pytest.fixture(scope="module")
def stub() -> Iterator[StubSubgraph]:
    with StubSubgraph() as subgraph:
        yield subgraph


@pytest.fixture(scope="module")
def router(stub: StubSubgraph, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Process]:
    with running_router(stub.url, tmp_path_factory.mktemp("router")) as router:
        yield router


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def token(**claims: object) -> str:
    now = int(time.time())
    return jwt.encode(
        {"sub": "tester", "roles": ["directorate"], "iat": now, "exp": now + 600, **claims},
        DEV_JWT_SECRET,
        algorithm="HS256",
    )


def token_signed_with(secret: str) -> str:
    return jwt.encode({"sub": "x", "exp": int(time.time()) + 600}, secret, algorithm="HS256")


def without(claim: str) -> str:
    now = int(time.time())
    claims = {"sub": "tester", "roles": ["directorate"], "exp": now + 600}
    del claims[claim]
    return jwt.encode(claims, DEV_JWT_SECRET, algorithm="HS256")


def test_a_valid_token_and_the_agreed_headers_reach_the_subgraph_and_nothing_else(
    router: Process,
) -> None:
    valid = issue_token(["directorate"], AuthSettings())
    headers = {
        **bearer(valid),
        "x-correlation-id": "corr-42",
        "idempotency-key": "retry-7",
        "cookie": "session=secret",
    }
    body = post(router, CALLER, headers).json()
    assert "errors" not in body, body
    assert body["data"]["caller"] == {
        "authorization": f"Bearer {valid}",
        "correlationId": "corr-42",
        "idempotencyKey": "retry-7",
        "cookie": None,
    }


def test_without_a_correlation_id_the_router_makes_one_up_and_forwards_it(
    router: Process,
) -> None:
    first = post(router, CALLER).json()["data"]["caller"]["correlationId"]
    second = post(router, CALLER).json()["data"]["caller"]["correlationId"]
    assert first and second and first != second


def test_no_token_is_a_public_caller(router: Process) -> None:
    body = post(router, CALLER).json()
    assert "errors" not in body, body
    assert body["data"]["caller"]["authorization"] is None


@pytest.mark.parametrize(
    "authorization",
    [
        f"Bearer {token_signed_with('not-the-secret-of-this-platform-at-all')}",
        f"Bearer {token(exp=int(time.time()) - 60)}",
        f"Bearer {without('sub')}",
        f"Bearer {without('exp')}",
        "Bearer forged.token.value",
        "Bearer",
        f"Basic {token()}",
    ],
    ids=["forged", "expired", "no-subject", "no-expiry", "malformed", "empty", "not-bearer"],
)
def test_a_bad_token_is_unauthenticated_and_reaches_no_subgraph(
    router: Process, authorization: str
) -> None:
    calls = len(RECORDER.calls)
    response = post(router, CALLER, {"authorization": authorization})
    body = response.json()
    assert body.get("data") is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]
    assert len(RECORDER.calls) == calls


def test_concurrent_identical_queries_of_two_callers_each_get_their_own_answer(
    router: Process,
) -> None:
    """In-flight de-duplication shares one answer between identical queries, never between
    callers: both queries are held at the subgraph until both have arrived there."""
    RECORDER.arrived, RECORDER.everyone_arrived = 0, None
    tokens = [token(sub="alice"), token(sub="bob")]
    query = "{ caller(overlap: 2) { authorization } }"
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda t: post(router, query, bearer(t)).json(), tokens))
    assert [a["data"]["caller"]["authorization"] for a in answers] == [
        f"Bearer {t}" for t in tokens
    ]


def test_the_same_alias_for_different_fields_in_sibling_inline_fragments(router: Process) -> None:
    body = post(
        router, "{ items { id ... on Book { label: title } ... on Film { label: director } } }"
    ).json()
    assert body == {
        "data": {"items": [{"id": "b1", "label": "Barnevernloven"}, {"id": "f1", "label": "X"}]}
    }


@pytest.mark.parametrize(("include", "expected"), [(True, {"level": 1}), (False, None)])
def test_a_variable_used_only_in_include_decides_the_field(
    router: Process, include: bool, expected: dict[str, int] | None
) -> None:
    query = "query($deep: Boolean!) { tree { level child @include(if: $deep) { level } } }"
    body = post(router, query, variables={"deep": include}).json()
    assert "errors" not in body, body
    assert body["data"]["tree"].get("child") == expected


@pytest.mark.parametrize("variables", [{"t": 5}, {}], ids=["wrong-type", "not-provided"])
def test_a_bad_variable_is_bad_user_input_naming_it(
    router: Process, variables: dict[str, object]
) -> None:
    body = post(router, "query($t: String!) { echo(text: $t) }", variables=variables).json()
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "t"


def test_fields_below_a_null_parent_stay_null_without_errors(router: Process) -> None:
    body = post(router, "{ missingTree { level children { level } } }").json()
    assert body == {"data": {"missingTree": None}}


@pytest.mark.parametrize(
    ("query", "limit"),
    [
        ("{ tree { " + "child { " * 11 + "level" + " }" * 11 + " } }", "depth"),
        ("{ " + " ".join(f'a{i}: echo(text: "x")' for i in range(31)) + " }", "aliases"),
        ("{ tree { " + "children { " * 7 + "level" + " }" * 7 + " } }", "cost"),
        ("{ tree { " + "level " * 2001 + "} }", "tokens"),
    ],
    ids=["depth", "aliases", "cost", "tokens"],
)
def test_a_query_beyond_a_limit_is_refused_before_the_subgraph_is_called(
    router: Process, query: str, limit: str
) -> None:
    calls = len(RECORDER.calls)
    body = post(router, query).json()
    assert body.get("data") is None, body
    assert body["errors"][0]["extensions"]["code"], body
    assert limit in body["errors"][0]["message"].lower() or limit == "tokens", body
    assert len(RECORDER.calls) == calls


def test_a_body_over_the_limit_is_refused_unread(router: Process) -> None:
    calls = len(RECORDER.calls)
    text = "x" * (300 * 1024)
    response = post(router, "query($t: String!) { echo(text: $t) }", variables={"t": text})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert len(RECORDER.calls) == calls


def test_a_get_request_without_a_csrf_header_is_refused(router: Process) -> None:
    url = f"{router.url}/graphql"
    refused = httpx.get(url, params={"query": '{ echo(text: "hi") }'}, timeout=10)
    assert refused.status_code == 403
    allowed = httpx.get(
        url,
        params={"query": '{ echo(text: "hi") }'},
        headers={"x-graphql-csrf": "1", "accept": "application/json"},
        timeout=10,
    )
    assert allowed.json() == {"data": {"echo": "hi"}}


def test_graphiql_is_served_from_installed_files(router: Process) -> None:
    page = httpx.get(f"{router.url}/graphql", headers={"accept": "text/html"}, timeout=30)
    assert page.status_code == 200
    assert "<html" in page.text.lower()
    assert 'src="http' not in page.text and 'href="http' not in page.text


def test_graphiql_s_introspection_passes_the_limits_in_development(router: Process) -> None:
    body = post(router, get_introspection_query(descriptions=True)).json()
    assert "errors" not in body, body
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"


def test_prometheus_metrics_count_the_requests(router: Process) -> None:
    post(router, '{ echo(text: "count me") }')
    metrics = httpx.get(f"{router.url}/metrics", timeout=10).text
    assert "graphql_yoga_http_duration" in metrics


@pytest.fixture(scope="module")
def production_router(
    stub: StubSubgraph, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Process]:
    env = {"ENVIRONMENT": "production", "JWT_SECRET": f"production-{uuid.uuid4()}"}
    with running_router(stub.url, tmp_path_factory.mktemp("production-router"), env) as router:
        yield router


def test_production_serves_no_graphiql_and_no_introspection(production_router: Process) -> None:
    page = httpx.get(f"{production_router.url}/graphql", headers={"accept": "text/html"})
    assert "<html" not in page.text.lower()
    body = post(production_router, "{ __schema { types { name } } }").json()
    assert body.get("data") is None
    assert body["errors"][0]["extensions"]["code"]


def test_production_refuses_tokens_signed_with_the_development_secret(
    production_router: Process,
) -> None:
    body = post(production_router, CALLER, bearer(token())).json()
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_production_will_not_start_on_the_development_secret(
    stub: StubSubgraph, tmp_path: Path
) -> None:
    production = {"ENVIRONMENT": "production"}
    with (
        pytest.raises(RuntimeError, match="JWT_SECRET or JWKS_URL"),
        running_router(stub.url, tmp_path, production),
    ):
        pass


def test_the_router_passes_every_graphql_over_http_audit(router: Process) -> None:
    """graphql-http's audits: every MUST, SHOULD and MAY of the GraphQL-over-HTTP spec."""
    result = subprocess.run(
        ["node", str(GATEWAY_DIR / "audit.mjs"), f"{router.url}/graphql"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    audits = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(audits) >= 48
    failed = [f"{a['name']}: {a['reason']}" for a in audits if a["status"] != "ok"]
    assert failed == []


def test_the_router_serves_a_recomposed_supergraph_without_a_restart(
    stub: StubSubgraph, tmp_path: Path
) -> None:
    sdl = SCHEMA.execute_sync("{ _service { sdl } }").data["_service"]["sdl"]
    older = tmp_path / "older"
    older.mkdir()
    (older / "stub.graphql").write_text(sdl.replace("echo(text: String!): String!", ""))
    router_dir = tmp_path / "router"
    router_dir.mkdir()
    query = '{ echo(text: "new field") }'
    with running_router(stub.url, router_dir, sdl_dir=older) as router:
        before = post(router, query).json()
        compose_supergraph({"stub": stub.url}, router_dir / "supergraph.graphql")
        after = eventually(lambda: post(router, query).json().get("data"))
    assert before["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert after == {"echo": "new field"}


def test_rs256_tokens_are_verified_with_the_identity_provider_s_published_keys(
    stub: StubSubgraph, tmp_path: Path
) -> None:
    impostors = tmp_path / "impostors"
    impostors.mkdir()
    published = RsaKey(tmp_path, "published")
    unknown, same_kid = RsaKey(impostors, "unknown"), RsaKey(impostors, "published")
    PUBLISHED_KEYS[:] = [published.jwk]
    claims = {"sub": "uis-client", "roles": ["institution:uis"], "exp": int(time.time()) + 600}
    valid = published.sign(claims)
    calls = len(RECORDER.calls)
    with running_router(stub.url, tmp_path, {"JWKS_URL": stub.jwks_url}) as router:
        accepted = post(router, CALLER, bearer(valid)).json()
        refused = [post(router, CALLER, bearer(k.sign(claims))).json() for k in (unknown, same_kid)]
        signed_with_secret = post(router, CALLER, bearer(token())).json()
    assert accepted["data"]["caller"]["authorization"] == f"Bearer {valid}"
    for body in [*refused, signed_with_secret]:
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert len(RECORDER.calls) == calls + 1


COUNTDOWN = "subscription { countdown(start: 3) }"


def test_a_subscription_reaches_the_subgraph_over_websocket_and_the_client_over_sse(
    router: Process,
) -> None:
    headers = {"accept": "text/event-stream"}
    over_websocket = RECORDER.websocket_operations
    with httpx.stream(
        "POST", f"{router.url}/graphql", json={"query": COUNTDOWN}, headers=headers, timeout=30
    ) as response:
        events = [line[5:].strip() for line in response.iter_lines() if line.startswith("data:")]
    # The last event is "complete", with no data.
    assert [json.loads(event)["data"]["countdown"] for event in events if event] == [3, 2, 1]
    assert RECORDER.websocket_operations > over_websocket


def subscribe_over_websocket(
    router: Process, query: str, connection_params: dict[str, str]
) -> list[dict[str, Any]]:
    """The messages of one subscription over graphql-transport-ws, up to its end."""
    url = f"ws://127.0.0.1:{router.port}/graphql"
    with connect(url, subprotocols=[Subprotocol("graphql-transport-ws")]) as socket:
        socket.send(json.dumps({"type": "connection_init", "payload": connection_params}))
        assert json.loads(socket.recv(timeout=30))["type"] == "connection_ack"
        socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        messages = [json.loads(socket.recv(timeout=30))]
        while messages[-1]["type"] == "next":
            messages.append(json.loads(socket.recv(timeout=30)))
    return messages


def test_a_subscription_over_graphql_transport_ws(router: Process) -> None:
    received = subscribe_over_websocket(router, COUNTDOWN, {})
    assert [m["payload"]["data"]["countdown"] for m in received[:3]] == [3, 2, 1]
    assert received[3] == {"id": "1", "type": "complete"}


WHO_SUBSCRIBES = "subscription { connectionAuthorization }"


def test_a_websocket_subscriber_s_token_reaches_the_subgraph(router: Process) -> None:
    valid = token(sub="subscriber")
    received = subscribe_over_websocket(router, WHO_SUBSCRIBES, bearer(valid))
    assert received[0]["payload"]["data"] == {"connectionAuthorization": f"Bearer {valid}"}


def test_an_sse_subscriber_s_token_reaches_the_subgraph(router: Process) -> None:
    valid = token(sub="sse-subscriber")
    headers = {"accept": "text/event-stream", **bearer(valid)}
    with httpx.stream(
        "POST", f"{router.url}/graphql", json={"query": WHO_SUBSCRIBES}, headers=headers
    ) as response:
        events = [line[5:].strip() for line in response.iter_lines() if line.startswith("data:")]
    assert json.loads(events[0])["data"] == {"connectionAuthorization": f"Bearer {valid}"}


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer forged.token.value",
        f"Bearer {token_signed_with('not-the-secret-of-this-platform-either')}",
    ],
    ids=["malformed", "forged"],
)
def test_a_websocket_subscriber_with_a_bad_token_is_refused(
    router: Process, authorization: str
) -> None:
    over_websocket = RECORDER.websocket_operations
    received = subscribe_over_websocket(router, WHO_SUBSCRIBES, {"authorization": authorization})
    errors = received[0]["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["UNAUTHENTICATED"]
    assert RECORDER.websocket_operations == over_websocket


def test_a_subgraph_slower_than_the_router_s_timeout_is_unavailable_naming_it(
    stub: StubSubgraph, tmp_path: Path
) -> None:
    impatient = {"GATEWAY_SUBGRAPH_TIMEOUT_MS": "200"}
    with running_router(stub.url, tmp_path, impatient) as router:
        body = post(router, '{ slowEcho(text: "late", seconds: 3) }').json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "UNAVAILABLE", "service": "stub"}
    assert body["errors"][0]["path"] == ["slowEcho"]
