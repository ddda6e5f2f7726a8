"""The ASGI app of a service process: subgraph, Kafka subscribers, outbox relay, health, metrics."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import strawberry
import uvicorn
from prometheus_client import Counter
from sqlalchemy import MetaData
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.db import migrate, ping
from shared.messaging import asyncapi_json, document_publications, ensure_topics
from shared.observability import (
    CorrelationIdMiddleware,
    configure_logging,
    get_logger,
    metrics_endpoint,
)
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings, load_service_settings
from shared.subgraph import SubgraphApp
from shared.topology import service

log = get_logger(__name__)

GRAPHQL_REQUESTS = Counter(
    "subgraph_graphql_requests", "GraphQL requests this subgraph served", ["service", "method"]
)


# A task of the service process beside the subgraph (a scheduler, say): runs until cancelled.
BackgroundTask = Callable[[ServiceRuntime], Coroutine[Any, Any, None]]


def create_service_app(
    runtime: ServiceRuntime,
    schema: strawberry.federation.Schema,
    published: Iterable[str],
    tasks: Iterable[BackgroundTask] = (),
    routes: Iterable[BaseRoute] = (),
) -> Starlette:
    topics = runtime.topics(published)
    document_publications(runtime.broker, published, runtime.service)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        settings = runtime.settings
        if settings.run_migrations:
            await migrate(runtime.migrations_dir, settings.database_url)
        await ensure_topics(settings.kafka_bootstrap_servers, topics, settings.kafka_partitions)
        await runtime.broker.start()
        running = [asyncio.create_task(runtime.relay.run(), name="outbox-relay")]
        running += [asyncio.create_task(task(runtime), name=task.__name__) for task in tasks]
        log.info("service started", port=settings.port, topics=topics)
        try:
            yield
        finally:
            for task in running:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await runtime.relay.close()
            await runtime.live.stop()
            await runtime.broker.stop()
            await runtime.engine.dispose()

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok", "service": runtime.service})

    async def readyz(_: Request) -> Response:
        checks = {
            "database": await _check(ping(runtime.engine)),
            "kafka": await _check(runtime.broker.ping(timeout=2)),
        }
        ready = all(value == "ok" for value in checks.values())
        return JSONResponse({"ready": ready, **checks}, status_code=200 if ready else 503)

    async def asyncapi(_: Request) -> Response:
        return Response(
            asyncapi_json(runtime.broker, runtime.service), media_type="application/json"
        )

    graphql = _Counted(SubgraphApp(schema, runtime), runtime.service)
    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),  # subscriptions: graphql-transport-ws
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics_endpoint),
            Route("/asyncapi.json", asyncapi),
            *routes,
        ],
        lifespan=lifespan,
    )
    app.add_middleware(CorrelationIdMiddleware)
    return app


class _Counted:
    """Counts calls, so tests and operators can see how many a gateway query cost.

    A class, not a function: Starlette's Route treats a function as a request handler.
    """

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            GRAPHQL_REQUESTS.labels(self.service, scope["method"]).inc()
        await self.app(scope, receive, send)


async def _check(probe: Awaitable[object]) -> str:
    try:
        result = await asyncio.wait_for(probe, timeout=3)
    except Exception as error:
        return f"failed: {error!r}"
    return "ok" if result is not False else "failed"


def serve(app: Starlette, runtime: ServiceRuntime) -> None:
    configure_logging(runtime.service)
    uvicorn.run(app, host=runtime.settings.host, port=runtime.settings.port, log_config=None)


@dataclass(frozen=True)
class ServiceDefinition:
    """What makes a service a service: its name, tables, subgraph, subscribers and topics."""

    name: str  # one of shared.topology.SERVICES
    metadata: MetaData
    schema: strawberry.federation.Schema
    register_handlers: Callable[[ServiceRuntime], None]
    published: tuple[str, ...] = ()
    tasks: tuple[BackgroundTask, ...] = ()  # run in the process beside the subgraph
    # HTTP routes beside /graphql (a document download, say), given the runtime they serve.
    routes: Callable[[ServiceRuntime], list[BaseRoute]] | None = None

    @property
    def migrations_dir(self) -> Path:
        """`svc-<name>/migrations`, beside the package's `src/` folder (docs/patterns.md)."""
        package = importlib.import_module(service(self.name).module).__file__
        assert package is not None  # a regular package, not a namespace
        return Path(package).resolve().parents[2] / "migrations"

    def runtime(self, settings: ServiceSettings | None = None) -> ServiceRuntime:
        settings = settings or load_service_settings(self.name)
        runtime = ServiceRuntime(
            settings=settings, metadata=self.metadata, migrations_dir=self.migrations_dir
        )
        self.register_handlers(runtime)
        return runtime

    def app(self, runtime: ServiceRuntime | None = None) -> Starlette:
        runtime = runtime or self.runtime()
        routes = self.routes(runtime) if self.routes else []
        return create_service_app(runtime, self.schema, self.published, self.tasks, routes)

    def main(self) -> None:
        """`python -m svc_<name>`: one process serving this service."""
        runtime = self.runtime()
        serve(self.app(runtime), runtime)
