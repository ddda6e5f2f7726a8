"""The HTTP app: readiness follows composition, metrics, GraphiQL, composing from files."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx

from .conftest import Gateway, Subgraphs, running_gateway, subgraph_apps
from .subgraphs import education_schema, grants_schema, grants_v2_schema, networks_schema
from .test_composition import service_sdl


async def test_not_ready_until_the_subgraphs_answer_then_ready(subgraphs: Subgraphs) -> None:
    subgraphs.failures["grants"] = httpx.ConnectError("not started yet")
    async with running_gateway(subgraphs, ready=False, startup_timeout_seconds=30) as gateway:
        assert (await gateway.http.get("/healthz")).status_code == 200
        assert (await gateway.http.get("/readyz")).status_code == 503
        early = await gateway.http.post("/graphql", json={"query": "{ counties { number } }"})
        assert early.status_code == 503
        assert early.json()["errors"][0]["extensions"]["code"] == "UNAVAILABLE"

        del subgraphs.failures["grants"]
        async with asyncio.timeout(5):
            while (await gateway.http.get("/readyz")).status_code != 200:
                await asyncio.sleep(0.02)
        body = await gateway.query('{ municipality(number: "0002") { grantLabel } }')
        assert body == {"data": {"municipality": {"grantLabel": "grants for 0002"}}}


async def test_a_subgraph_silent_past_the_startup_timeout_keeps_the_gateway_unready(
    subgraphs: Subgraphs,
) -> None:
    subgraphs.failures["networks"] = httpx.ConnectError("down")
    async with running_gateway(subgraphs, ready=False, startup_timeout_seconds=0.3) as gateway:
        async with asyncio.timeout(5):
            while "timeout" not in (reason := (await gateway.http.get("/readyz")).json()["reason"]):
                await asyncio.sleep(0.02)
        assert "networks" in reason
        assert (await gateway.http.get("/readyz")).status_code == 503


async def test_a_field_added_to_a_subgraph_is_served_without_a_gateway_change() -> None:
    query = '{ municipality(number: "0003") { name grantTotalNok } }'
    old = Subgraphs(subgraph_apps(education=education_schema, grants=grants_schema()))
    async with running_gateway(old) as gateway:
        before = await gateway.query(query)
    new = Subgraphs(subgraph_apps(education=education_schema, grants=grants_v2_schema()))
    async with running_gateway(new) as gateway:
        after = await gateway.query(query)

    assert before["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert after == {"data": {"municipality": {"name": "Kommune 0003", "grantTotalNok": "3000.00"}}}


async def test_composing_from_sdl_files_asks_no_subgraph_for_its_sdl(
    subgraphs: Subgraphs, tmp_path: Path
) -> None:
    schemas = {
        "education": education_schema,
        "grants": grants_schema(),
        "networks": networks_schema,
    }
    for name, schema in schemas.items():
        (tmp_path / f"{name}.graphql").write_text(service_sdl(schema))
    async with running_gateway(subgraphs, ready=False, supergraph_dir=tmp_path) as gateway:
        async with asyncio.timeout(5):
            while (await gateway.http.get("/readyz")).status_code != 200:
                await asyncio.sleep(0.01)
        assert gateway.subgraphs.calls == []
        body = await gateway.query(
            '{ municipality(number: "0001") { name learningNetwork { name } } }'
        )

    assert body["data"]["municipality"] == {
        "name": "Kommune 0001",
        "learningNetwork": {"name": "Nettverk 02"},
    }


async def test_metrics_count_requests_and_subgraph_calls(gateway: Gateway) -> None:
    await gateway.query('{ municipality(number: "0001") { name grantLabel } }')
    gateway.subgraphs.failures["grants"] = httpx.ConnectError("down")
    await gateway.query('{ municipality(number: "0001") { name grantLabel } }')
    text = (await gateway.http.get("/metrics")).text

    assert 'gateway_requests_total{outcome="ok"}' in text
    assert 'gateway_requests_total{outcome="errors"}' in text
    assert 'gateway_subgraph_calls_total{outcome="ok",subgraph="education"}' in text
    assert 'gateway_subgraph_calls_total{outcome="unavailable",subgraph="grants"}' in text
    assert "gateway_request_duration_seconds_bucket" in text


async def test_graphiql_is_served_unless_switched_off(gateway_with: Any) -> None:
    async with gateway_with() as gateway:
        page = await gateway.http.get("/graphql")
    async with gateway_with(graphiql=False) as gateway:
        off = await gateway.http.get("/graphql")

    assert page.status_code == 200 and "graphiql.min.js" in page.text
    assert off.status_code == 404


async def test_what_is_not_a_graphql_request_is_a_bad_request(gateway: Gateway) -> None:
    bodies: list[dict[str, Any]] = [
        {"content": b"{not json", "headers": {"content-type": "application/json"}},
        {"json": ["a", "list"]},
        {"json": {"variables": {}}},
        {"json": {"query": "{ counties { number } }", "variables": ["x"]}},
        {"json": {"query": "{ counties { number } }", "operationName": 5}},
    ]
    for body in bodies:
        response = await gateway.http.post("/graphql", **body)
        assert response.status_code == 400, body
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert gateway.subgraphs.calls == []
