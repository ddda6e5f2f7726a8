"""The router for web and mobile clients (gateway/clients.ts), through the running router in
front of the recording stub subgraph: persisted documents (allow-list in production, arbitrary
documents too in development) and the response cache of anonymous public answers."""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from gateway.router import GATEWAY_DIR
from localinfra.platform import Process
from shared.settings import DEV_JWT_SECRET
from tests.conftest import eventually
from tests.router_stub import RECORDER, StubSubgraph, post, running_router

PERSIST = GATEWAY_DIR / "persist.mjs"
STUB_OPERATIONS = Path(__file__).with_name("stub_operations")


@pytest.fixture(scope="module")
def stub() -> Iterator[StubSubgraph]:
    with StubSubgraph() as subgraph:
        yield subgraph


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The stub's operations stored by the project's command; operation name → hash."""
    out = tmp_path_factory.mktemp("persisted") / "persisted-documents.json"
    printed = subprocess.run(
        ["node", str(PERSIST), "--operations", str(STUB_OPERATIONS), "--out", str(out)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    hashes = {line.split()[2]: line.split()[0] for line in printed.splitlines()}
    hashes["path"] = str(out)
    return hashes


def router_env(store: dict[str, str], **env: str) -> dict[str, str]:
    return {
        "GATEWAY_PERSISTED_DOCUMENTS": store["path"],
        "GATEWAY_CACHED_FIELDS": "Query.echo,Query.caller",
        **env,
    }


@pytest.fixture(scope="module")
def router(
    stub: StubSubgraph, store: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Process]:
    with running_router(stub.url, tmp_path_factory.mktemp("dev"), router_env(store)) as router:
        yield router


SECRET = f"production-{uuid.uuid4()}"


@pytest.fixture(scope="module")
def production_router(
    stub: StubSubgraph, store: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Process]:
    env = router_env(store, ENVIRONMENT="production", JWT_SECRET=SECRET)
    with running_router(stub.url, tmp_path_factory.mktemp("production"), env) as router:
        yield router


def bearer(subject: str, secret: str = DEV_JWT_SECRET) -> dict[str, str]:
    claims = {"sub": subject, "roles": ["directorate"], "exp": int(time.time()) + 600}
    return {"authorization": f"Bearer {jwt.encode(claims, secret, algorithm='HS256')}"}


def send(router: Process, body: dict[str, Any]) -> Any:
    """A request without the query text."""
    response = httpx.post(
        f"{router.url}/graphql",
        json=body,
        headers={"accept": "application/graphql-response+json"},
        timeout=30,
    )
    return response.json()


def by_id(router: Process, document_id: str, **body: Any) -> Any:
    return send(router, {"documentId": document_id, **body})


def calls() -> int:
    return len(RECORDER.calls)


def test_the_committed_store_holds_every_example_operation() -> None:
    subprocess.run(["node", str(PERSIST), "--check"], check=True, capture_output=True)


def test_production_runs_a_stored_operation_named_by_its_hash(
    production_router: Process, store: dict[str, str]
) -> None:
    text = f"by id {uuid.uuid4()}"
    body = by_id(production_router, store["Echo"], variables={"text": text})
    assert body == {"data": {"echo": text}}
    apollo_style = {"persistedQuery": {"version": 1, "sha256Hash": store["Echo"]}}
    body = send(production_router, {"variables": {"text": text}, "extensions": apollo_style})
    assert body == {"data": {"echo": text}}


def test_production_refuses_any_other_document_before_the_subgraph(
    production_router: Process, store: dict[str, str]
) -> None:
    before = calls()
    body = post(production_router, '{ echo(text: "not stored") }').json()
    assert body.get("data") is None
    assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_ID_REQUIRED"
    unknown = by_id(production_router, "0" * 64)
    assert unknown["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"
    assert calls() == before


def test_development_runs_stored_and_arbitrary_documents(
    router: Process, store: dict[str, str]
) -> None:
    assert by_id(router, store["Echo"], variables={"text": "stored"}) == {
        "data": {"echo": "stored"}
    }
    assert post(router, '{ echo(text: "arbitrary") }').json() == {"data": {"echo": "arbitrary"}}


def test_an_anonymous_repeated_public_query_reaches_the_subgraph_once(router: Process) -> None:
    query = f'{{ echo(text: "{uuid.uuid4()}") }}'
    before = calls()
    answers = [post(router, query).json() for _ in range(3)]
    assert answers[0] == answers[1] == answers[2]
    assert calls() == before + 1


def test_a_caller_with_a_token_is_never_answered_from_the_cache(router: Process) -> None:
    query = "{ caller { authorization } }"
    anonymous = post(router, query).json()  # now in the cache, as the anonymous answer
    assert anonymous == {"data": {"caller": {"authorization": None}}}
    for subject in ("first", "second", "first"):
        headers = bearer(subject)
        before = calls()
        body = post(router, query, headers).json()
        assert body == {"data": {"caller": {"authorization": headers["authorization"]}}}
        assert calls() == before + 1


def test_only_whitelisted_root_fields_are_cached(router: Process) -> None:
    text = str(uuid.uuid4())
    for query in (
        "{ tree { level } }",
        f'{{ echo(text: "{text}") tree {{ level }} }}',
        f'{{ slowEcho(text: "{text}", seconds: 0) }}',
    ):
        before = calls()
        post(router, query)
        post(router, query)
        assert calls() == before + 2, query


def test_a_mutation_s_result_is_never_cached(router: Process) -> None:
    mutation = f'mutation {{ shout(text: "{uuid.uuid4()}") }}'
    before = calls()
    first, second = post(router, mutation).json(), post(router, mutation).json()
    assert first == second and "errors" not in first
    assert calls() == before + 2


def test_a_cached_answer_expires_with_its_ttl(
    stub: StubSubgraph, store: dict[str, str], tmp_path: Path
) -> None:
    env = router_env(store, GATEWAY_RESPONSE_CACHE_TTL_MS="500")
    with running_router(stub.url, tmp_path, env) as router:
        query = f'{{ echo(text: "{uuid.uuid4()}") }}'
        before = calls()
        post(router, query)
        post(router, query)
        assert calls() == before + 1
        time.sleep(0.8)
        post(router, query)
        assert calls() == before + 2


TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
CLIENT_TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
TRACED = "{ caller { traceparent } }"


def test_without_tracing_no_traceparent_reaches_a_subgraph(router: Process) -> None:
    body = post(router, TRACED, {"traceparent": CLIENT_TRACEPARENT}).json()
    assert body == {"data": {"caller": {"traceparent": None}}}


def test_with_tracing_the_subgraph_gets_a_traceparent_in_the_client_s_trace(
    stub: StubSubgraph, store: dict[str, str], tmp_path: Path
) -> None:
    collector = stub.url.removesuffix("/graphql")
    env = router_env(store, OTEL_EXPORTER_OTLP_ENDPOINT=collector, OTEL_BSP_SCHEDULE_DELAY="200")
    with running_router(stub.url, tmp_path, env) as router:
        body = post(router, TRACED, {"traceparent": CLIENT_TRACEPARENT}).json()
        received = body["data"]["caller"]["traceparent"]
        version, trace_id, parent_id, _flags = received.split("-")
        assert (version, trace_id) == ("00", TRACE_ID)  # the client's trace goes on
        assert parent_id != CLIENT_TRACEPARENT.split("-")[2]  # below the router's own span
        alone = post(router, "{ alone: caller { traceparent } }").json()["data"]["alone"][
            "traceparent"
        ]
        assert alone is not None and TRACE_ID not in alone  # a trace of its own
        assert eventually(lambda: RECORDER.exported_traces > 0, timeout=20)
