"""The ASGI app of a service process: subgraph, Kafka subscribers, outbox relay, health, metrics."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
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

from shared.db import check_migrated, head_revisions, migrate, ping
from shared.health import outbox_status, record_consumer_lag, record_outbox
from shared.messaging import asyncapi_json, document_publications, ensure_topics
from shared.observability import (
    CorrelationIdMiddleware,
    HttpMetricsMiddleware,
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
    contract_version: int = 1,
    tasks: Iterable[BackgroundTask] = (),
    routes: Iterable[BaseRoute] = (),
) -> Starlette:
    topics = runtime.topics(published)
    document_publications(runtime.broker, published, runtime.service)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        settings = runtime.settings
        if settings.migrate_on_start:
            await migrate(runtime.migrations_dir, settings.database_url)
        elif not await check_migrated(runtime.engine, runtime.migrations_dir, runtime.service):
            log.warning("the database is ahead of this release's migrations; serving anyway")
        await ensure_topics(
            settings.kafka_bootstrap_servers,
            topics,
            settings.kafka_partitions,
            settings.kafka_security(),
        )
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
            "outbox": await _check(outbox_stuck()),
        }
        ready = all(value == "ok" for value in checks.values())
        return JSONResponse({"ready": ready, **checks}, status_code=200 if ready else 503)

    async def outbox_stuck() -> bool:
        status = await outbox_status(runtime.engine, runtime.outbox)
        record_outbox(runtime.service, status)
        reason = status.stuck(datetime.now(UTC), runtime.settings.outbox_stuck_seconds)
        if reason is not None:
            raise OutboxStuck(reason)
        return True

    async def metrics(request: Request) -> Response:
        # Measured now, from the database and the broker (shared.health says why).
        try:
            record_outbox(runtime.service, await outbox_status(runtime.engine, runtime.outbox))
        except Exception as error:  # the other metrics are still worth serving
            log.warning("outbox not measured", error=repr(error))
        settings = runtime.settings
        await record_consumer_lag(
            runtime.service,
            settings.kafka_bootstrap_servers,
            runtime.effects,
            settings.kafka_security(),
        )
        return await metrics_endpoint(request)

    async def asyncapi(_: Request) -> Response:
        return Response(
            asyncapi_json(runtime.broker, runtime.service, contract_version),
            media_type="application/json",
        )

    graphql = _Counted(SubgraphApp(schema, runtime), runtime.service)
    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),  # subscriptions: graphql-transport-ws
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
            Route("/asyncapi.json", asyncapi),
            *routes,
        ],
        lifespan=lifespan,
    )
    app.add_middleware(
        HttpMetricsMiddleware,
        service=runtime.service,
        routes={route.path for route in app.routes if isinstance(route, Route)},
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


class OutboxStuck(Exception):
    def __str__(self) -> str:
        return str(self.args[0])


async def _check(probe: Awaitable[object]) -> str:
    try:
        result = await asyncio.wait_for(probe, timeout=3)
    except OutboxStuck as stuck:
        return f"stuck: {stuck}"
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
    # Raised for a breaking change of the subgraph or its events (`make contracts` says when).
    contract_version: int = 1
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
        return create_service_app(
            runtime, self.schema, self.published, self.contract_version, self.tasks, routes
        )

    def main(self, argv: Sequence[str] | None = None) -> None:
        """`python -m svc_<name> [serve]`: one process serving this service;
        `python -m svc_<name> migrate`: its database to the newest revision, then exit."""
        parser = argparse.ArgumentParser(f"python -m {service(self.name).module}")
        parser.add_argument("command", nargs="?", choices=["serve", "migrate"], default="serve")
        command = parser.parse_args(argv).command
        if command == "migrate":
            settings = load_service_settings(self.name)
            configure_logging(self.name)
            asyncio.run(migrate(self.migrations_dir, settings.database_url))
            log.info("database migrated", revisions=sorted(head_revisions(self.migrations_dir)))
            return
        runtime = self.runtime()
        serve(self.app(runtime), runtime)
