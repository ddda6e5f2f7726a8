"""The gateway in-process, its subgraphs as in-process ASGI apps behind one counting transport."""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
from collections import Counter
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import strawberry
from strawberry.asgi import GraphQL


def _use_the_installed_gateway_package() -> None:
    """pytest's importlib mode names this folder's modules `gateway.tests.*`, and to do so it
    registers the `gateway/` folder itself as a namespace package `gateway` (unless the real
    one was imported first), which hides the installed package. Put the real one back."""
    registered = sys.modules.get("gateway")
    if registered is not None and getattr(registered, "__file__", None) is None:
        del sys.modules["gateway"]
        importlib.import_module("gateway").tests = sys.modules["gateway.tests"]  # type: ignore[attr-defined]


_use_the_installed_gateway_package()

from gateway.app import create_app  # noqa: E402
from gateway.settings import GatewaySettings  # noqa: E402

from .subgraphs import education_schema, grants_schema, networks_schema  # noqa: E402


@dataclass(frozen=True)
class Call:
    subgraph: str
    query: str
    variables: dict[str, Any]
    headers: Mapping[str, str]


@dataclass
class Subgraphs(httpx.AsyncBaseTransport):
    """Routes http://<subgraph>/graphql to in-process apps; records and can break calls."""

    apps: dict[str, Any]
    calls: list[Call] = field(default_factory=list)
    failures: dict[str, Exception] = field(default_factory=dict)
    delays: dict[str, float] = field(default_factory=dict)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        subgraph = request.url.host
        body = json.loads(await request.aread())
        self.calls.append(
            Call(subgraph, body["query"], body.get("variables") or {}, request.headers)
        )
        if subgraph in self.failures:
            raise self.failures[subgraph]
        await asyncio.sleep(self.delays.get(subgraph, 0))
        return await httpx.ASGITransport(self.apps[subgraph]).handle_async_request(request)

    def count(self) -> Counter[str]:
        return Counter(call.subgraph for call in self.calls)


def subgraph_apps(**schemas: strawberry.federation.Schema) -> dict[str, Any]:
    return {name: GraphQL(schema) for name, schema in schemas.items()}


def gateway_settings(subgraphs: Mapping[str, Any], **changes: Any) -> GatewaySettings:
    urls = {
        f"{name}_url": f"http://{name}/graphql" if name in subgraphs else ""
        for name in ("education", "grants", "networks", "guidance")
    }
    defaults = {"startup_timeout_seconds": 2.0, "subgraph_timeout_seconds": 2.0}
    return GatewaySettings().model_copy(update={**urls, **defaults, **changes})


@dataclass
class Gateway:
    http: httpx.AsyncClient
    subgraphs: Subgraphs

    async def query(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        operation_name: str | None = None,
    ) -> dict[str, Any]:
        payload = {"query": query, "variables": variables or {}, "operationName": operation_name}
        response = await self.http.post("/graphql", json=payload, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]


@asynccontextmanager
async def running_gateway(
    subgraphs: Subgraphs, ready: bool = True, **changes: Any
) -> AsyncIterator[Gateway]:
    app = create_app(gateway_settings(subgraphs.apps, **changes), transport=subgraphs)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://gateway") as http,
    ):
        if ready:
            await wait_ready(http)
        subgraphs.calls.clear()  # composition's SDL calls are not the tests' business
        yield Gateway(http, subgraphs)


async def wait_ready(http: httpx.AsyncClient, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while (response := await http.get("/readyz")).status_code != 200:
            await asyncio.sleep(0.01)
    assert response.json()["ready"] is True


@pytest.fixture
def subgraphs() -> Subgraphs:
    return Subgraphs(
        subgraph_apps(education=education_schema, grants=grants_schema(), networks=networks_schema)
    )


@pytest.fixture
async def gateway(subgraphs: Subgraphs) -> AsyncIterator[Gateway]:
    async with running_gateway(subgraphs) as running:
        yield running


@pytest.fixture
def gateway_with(subgraphs: Subgraphs) -> Callable[..., Any]:
    """A gateway with other settings: `async with gateway_with(max_depth=3) as gw:`."""
    return lambda **changes: running_gateway(subgraphs, **changes)
