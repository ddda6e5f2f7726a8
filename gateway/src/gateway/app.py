"""The gateway's HTTP app.

- `POST /graphql` with `{"query", "variables", "operationName"}`. Every GraphQL outcome is
  HTTP 200 with a GraphQL body, a refused token included: a bad, forged or expired bearer
  token gives `{"errors": [{"message": ..., "extensions": {"code": "UNAUTHENTICATED"}}]}`
  and nothing is forwarded to any subgraph. A body that is not a GraphQL request is HTTP 400;
  while the schema is not composed yet the answer is HTTP 503 (code `UNAVAILABLE`).
  No token is fine: the subgraphs decide what anonymous callers may see.
- `GET /graphql`: GraphiQL, when enabled. `/healthz`: the process is alive. `/readyz`: 200
  once the schema is composed, else 503 with the reason. `/metrics`: Prometheus.

The schema is composed in the background at start-up, so health and readiness answer while
the subgraphs are still coming up.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from gateway.client import SubgraphClient
from gateway.execution import Body, Gateway, GraphQLRequest
from gateway.graphiql import GRAPHIQL_HTML
from gateway.metrics import REQUEST_SECONDS, REQUESTS
from gateway.settings import GatewaySettings
from gateway.startup import compose_supergraph
from shared.auth import principal_from_header
from shared.errors import Unauthenticated
from shared.observability import (
    CORRELATION_HEADER,
    CorrelationIdMiddleware,
    current_correlation_id,
    get_logger,
    metrics_endpoint,
)

log = get_logger(__name__)


@dataclass
class _State:
    gateway: Gateway | None = None
    problem: str = "the schema is being composed"


class _BadRequest(Exception):
    pass


def create_app(
    settings: GatewaySettings | None = None, transport: httpx.AsyncBaseTransport | None = None
) -> Starlette:
    """The gateway; `transport` routes subgraph calls elsewhere (tests: in-process apps)."""
    settings = settings or GatewaySettings()
    state = _State()

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
        timeout = httpx.Timeout(settings.subgraph_timeout_seconds)
        async with httpx.AsyncClient(transport=transport, limits=limits, timeout=timeout) as http:
            client = SubgraphClient(http, settings.subgraphs, settings.subgraph_timeout_seconds)
            composing = asyncio.create_task(_compose(settings, client, state))
            try:
                yield
            finally:
                composing.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await composing

    async def graphql(request: Request) -> Response:
        if request.method == "GET":
            if not settings.graphiql:
                return Response("GraphiQL is switched off; POST GraphQL requests here.", 404)
            return HTMLResponse(GRAPHIQL_HTML)
        started = time.perf_counter()
        status, body = await _answer(request, settings, state)
        REQUESTS.labels(_outcome(status, body)).inc()
        REQUEST_SECONDS.observe(time.perf_counter() - started)
        return JSONResponse(body, status_code=status)

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok", "service": "gateway"})

    async def readyz(_: Request) -> Response:
        if state.gateway is None:
            return JSONResponse({"ready": False, "reason": state.problem}, status_code=503)
        return JSONResponse({"ready": True, "subgraphs": list(state.gateway.supergraph.subgraphs)})

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics_endpoint),
        ],
        lifespan=lifespan,
    )
    app.add_middleware(CorrelationIdMiddleware)
    return app


async def _compose(settings: GatewaySettings, client: SubgraphClient, state: _State) -> None:
    try:
        supergraph = await compose_supergraph(settings, client)
    except Exception as error:
        # Never ready: /readyz and the log say why, and no traffic is routed here.
        state.problem = str(error)
        log.error("the gateway cannot compose its schema", exc_info=error)
        return
    state.gateway = Gateway(supergraph, client, settings)


async def _answer(request: Request, settings: GatewaySettings, state: _State) -> tuple[int, Body]:
    gateway = state.gateway
    if gateway is None:
        return 503, _error(f"The gateway is not ready: {state.problem}", "UNAVAILABLE")
    try:
        graphql_request = await _read(request)
    except _BadRequest as error:
        return 400, _error(str(error), "BAD_REQUEST")
    authorization = request.headers.get("authorization")
    try:
        await _authenticate(authorization, settings)
    except Unauthenticated as error:
        return 200, {"errors": [{"message": error.message, "extensions": error.extensions}]}
    headers = {CORRELATION_HEADER: current_correlation_id()}
    if authorization:
        headers["authorization"] = authorization
    return 200, await gateway.execute(graphql_request, headers)


async def _authenticate(authorization: str | None, settings: GatewaySettings) -> None:
    """Verified here so a bad token reaches no subgraph; each subgraph verifies it again."""
    if settings.jwks_url:
        # Fetching the identity provider's keys is blocking I/O: keep it off the event loop.
        await asyncio.to_thread(principal_from_header, authorization, settings)
    else:
        principal_from_header(authorization, settings)


async def _read(request: Request) -> GraphQLRequest:
    try:
        payload = await request.json()
    except ValueError as error:
        raise _BadRequest("The body must be a JSON GraphQL request.") from error
    if not isinstance(payload, dict):
        raise _BadRequest("The body must be a JSON object.")
    query, variables = payload.get("query"), payload.get("variables") or {}
    operation_name = payload.get("operationName")
    if not isinstance(query, str) or not query.strip():
        raise _BadRequest("'query' must be a non-empty string.")
    if not isinstance(variables, dict):
        raise _BadRequest("'variables' must be an object.")
    if operation_name is not None and not isinstance(operation_name, str):
        raise _BadRequest("'operationName' must be a string.")
    return GraphQLRequest(query, variables, operation_name)


def _error(message: str, code: str) -> Body:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


def _outcome(status: int, body: dict[str, Any]) -> str:
    if status == 503:
        return "not_ready"
    if status != 200 or "data" not in body:
        codes = {e.get("extensions", {}).get("code") for e in body.get("errors", [])}
        return "unauthenticated" if "UNAUTHENTICATED" in codes else "invalid"
    return "errors" if body.get("errors") else "ok"
