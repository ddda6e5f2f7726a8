"""Structured JSON logs with a correlation id, carried through HTTP and Kafka headers; metrics."""

from __future__ import annotations

import logging
import sys
import time
import uuid
from collections.abc import Collection, Mapping, MutableMapping
from contextvars import ContextVar
from typing import Any

import structlog
from prometheus_client import CONTENT_TYPE_LATEST, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CORRELATION_HEADER = "x-correlation-id"
correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)

HTTP_LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time from a request's arrival to the end of its response",
    ["service", "method", "path", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


def configure_logging(service: str, level: str = "INFO") -> None:
    """JSON lines on stdout; every line names the service and the current correlation id."""
    logging.basicConfig(format="%(message)s", stream=sys.stdout, level=level, force=True)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            _add_correlation_id,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.bind_contextvars(service=service)


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)


def current_correlation_id() -> str:
    """The id of the work in progress, made up when nothing upstream gave one."""
    value = correlation_id.get()
    if value is None:
        value = str(uuid.uuid4())
        correlation_id.set(value)
    return value


def _add_correlation_id(_: Any, __: str, event: MutableMapping[str, Any]) -> Mapping[str, Any]:
    value = correlation_id.get()
    if value is not None:
        event.setdefault("correlation_id", value)
    return event


class CorrelationIdMiddleware:
    """Adopts the caller's `X-Correlation-ID` (or makes one) and echoes it on the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        value = headers.get(CORRELATION_HEADER.encode(), b"").decode("latin-1")
        current = value or str(uuid.uuid4())
        token = correlation_id.set(current)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                raw.append((CORRELATION_HEADER.encode(), current.encode()))
                message["headers"] = raw
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            correlation_id.reset(token)


async def metrics_endpoint(_: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


class HttpMetricsMiddleware:
    """Observes each HTTP request's duration by method, route and status.

    Paths outside `routes` are one label, "other", so a scanner cannot grow the series.
    """

    def __init__(self, app: ASGIApp, service: str, routes: Collection[str]) -> None:
        self.app = app
        self.service = service
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()
        status = 500  # an exception before the response starts is the server's error

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        finally:
            path = scope["path"] if scope["path"] in self.routes else "other"
            HTTP_LATENCY.labels(self.service, scope["method"], path, str(status)).observe(
                time.perf_counter() - began
            )
