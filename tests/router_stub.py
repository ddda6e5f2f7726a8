"""A stub subgraph that records what the router sends it, and the router in front of it.

The router is started exactly as the platform starts it (same command, same configuration),
only over a supergraph composed from this one subgraph: what the router does with tokens,
headers, limits and concurrent callers is then visible without the services.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import subprocess
import threading
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import strawberry
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from gateway.router import compose_supergraph, router_command, router_environment
from localinfra.platform import Process
from localinfra.ports import free_port

FORWARDED = ("authorization", "x-correlation-id", "idempotency-key", "cookie", "traceparent")


@dataclass
class Recorder:
    """Headers of every operation the stub received (the SDL query of composition excluded)."""

    calls: list[dict[str, str]] = field(default_factory=list)
    arrived: int = 0
    everyone_arrived: asyncio.Event | None = None
    websocket_operations: int = 0
    exported_traces: int = 0  # OTLP exports the stub received as a collector (/v1/traces)


RECORDER = Recorder()
PUBLISHED_KEYS: list[dict[str, str]] = []  # the stub is also an identity provider's JWKS URL


@strawberry.type
class Caller:
    authorization: str | None
    correlation_id: str | None
    idempotency_key: str | None
    cookie: str | None
    traceparent: str | None


@strawberry.interface
class Item:
    id: strawberry.ID


@strawberry.type
class Book(Item):
    title: str


@strawberry.type
class Film(Item):
    director: str


@strawberry.type
class Tree:
    level: int

    @strawberry.field
    def children(self) -> list[Tree]:
        return [Tree(level=self.level + 1), Tree(level=self.level + 1)]

    @strawberry.field
    def child(self) -> Tree | None:
        return None if self.level >= 3 else Tree(level=self.level + 1)


async def _rendezvous(callers: int) -> None:
    """Holds each call until `callers` calls are in, so they overlap in the router.

    If the router wrongly answered one caller with another's result, fewer calls would arrive;
    the wait then ends by itself and the test sees the shared answer.
    """
    RECORDER.arrived += 1
    if RECORDER.everyone_arrived is None:
        RECORDER.everyone_arrived = asyncio.Event()
    if RECORDER.arrived >= callers:
        RECORDER.everyone_arrived.set()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(RECORDER.everyone_arrived.wait(), timeout=10)


@strawberry.type
class Query:
    @strawberry.field
    async def caller(self, info: strawberry.Info, overlap: int = 0) -> Caller:
        headers = info.context["request"].headers
        if overlap:
            await _rendezvous(overlap)
        return Caller(
            authorization=headers.get("authorization"),
            correlation_id=headers.get("x-correlation-id"),
            idempotency_key=headers.get("idempotency-key"),
            cookie=headers.get("cookie"),
            traceparent=headers.get("traceparent"),
        )

    @strawberry.field
    def items(self) -> list[Item]:
        return [Book(id=strawberry.ID("b1"), title="Barnevernloven"), Film(id="f1", director="X")]

    @strawberry.field
    def tree(self) -> Tree:
        return Tree(level=0)

    @strawberry.field
    def missing_tree(self) -> Tree | None:
        return None

    @strawberry.field
    def echo(self, text: str) -> str:
        return text

    @strawberry.field
    async def slow_echo(self, text: str, seconds: float) -> str:
        await asyncio.sleep(seconds)
        return text


@strawberry.type
class Mutation:
    @strawberry.mutation
    def shout(self, text: str) -> str:
        return text.upper()


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def countdown(self, start: int) -> AsyncIterator[int]:
        for number in range(start, 0, -1):
            yield number

    @strawberry.subscription
    async def connection_authorization(self, info: strawberry.Info) -> AsyncIterator[str | None]:
        """The Authorization the router put in its connection_init to this subgraph."""
        yield (info.context.get("connection_params") or {}).get("authorization")


SCHEMA = strawberry.federation.Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    types=[Book, Film],
    federation_version="2.7",
)


class _RecordingGraphQL(GraphQL[Any, None]):
    async def get_context(
        self, request: Request | WebSocket, response: Any = None
    ) -> dict[str, Any]:
        if isinstance(request, WebSocket):
            RECORDER.websocket_operations += 1
        elif b"_service" not in await request.body():
            RECORDER.calls.append({name: request.headers.get(name, "") for name in FORWARDED})
        return {"request": request, "response": response}


async def _collect_traces(request: Request) -> JSONResponse:
    """An OpenTelemetry collector's OTLP/HTTP endpoint, counting what it is sent."""
    await request.body()
    RECORDER.exported_traces += 1
    return JSONResponse({})


class StubSubgraph:
    def __init__(self) -> None:
        self.port = free_port()
        graphql = _RecordingGraphQL(SCHEMA)
        app = Starlette(
            routes=[
                Route("/graphql", graphql, methods=["POST"]),
                WebSocketRoute("/graphql", graphql),
                Route("/jwks.json", lambda _: JSONResponse({"keys": PUBLISHED_KEYS})),
                Route("/v1/traces", _collect_traces, methods=["POST"]),
            ]
        )
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    @property
    def jwks_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/jwks.json"

    def __enter__(self) -> StubSubgraph:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline:
                raise TimeoutError("the stub subgraph did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join()


def start_router(
    subgraph_url: str,
    directory: Path,
    env: Mapping[str, str] | None = None,
    sdl_dir: Path | None = None,
) -> Process:
    supergraph = directory / "supergraph.graphql"
    compose_supergraph({"stub": subgraph_url}, supergraph, sdl_dir=sdl_dir)
    port = free_port()
    environment = {**router_environment(supergraph, port), **(env or {})}
    router = Process("gateway", router_command(), port, environment, directory / "gateway.log")
    router.start()
    router.wait_ready()
    return router


@contextlib.contextmanager
def running_router(
    subgraph_url: str,
    directory: Path,
    env: Mapping[str, str] | None = None,
    sdl_dir: Path | None = None,
) -> Iterator[Process]:
    router = start_router(subgraph_url, directory, env, sdl_dir)
    try:
        yield router
    finally:
        router.stop()


def post(router: Process, query: str, headers: Mapping[str, str] | None = None, **body: Any) -> Any:
    response = httpx.post(
        f"{router.url}/graphql",
        json={"query": query, **body},
        headers={"accept": "application/graphql-response+json", **(headers or {})},
        timeout=30,
    )
    return response


class RsaKey:
    """An identity provider's RS256 signing key (made with the openssl command) and its JWK."""

    def __init__(self, directory: Path, kid: str) -> None:
        self.kid = kid
        self.pem = directory / f"{kid}.pem"
        _openssl("genrsa", "-out", str(self.pem), "2048")
        modulus = _openssl("rsa", "-in", str(self.pem), "-noout", "-modulus").decode()
        self.jwk = {
            "kty": "RSA",
            "kid": kid,
            "use": "sig",
            "alg": "RS256",
            "n": _base64url(bytes.fromhex(modulus.strip().split("=", 1)[1])),
            "e": _base64url((65537).to_bytes(3, "big")),
        }

    def sign(self, claims: Mapping[str, Any]) -> str:
        header = {"alg": "RS256", "typ": "JWT", "kid": self.kid}
        signing_input = ".".join(_base64url(json.dumps(part).encode()) for part in (header, claims))
        signature = _openssl("dgst", "-sha256", "-sign", str(self.pem), stdin=signing_input)
        return f"{signing_input}.{_base64url(signature)}"


def _openssl(*arguments: str, stdin: str | None = None) -> bytes:
    return subprocess.run(
        ["openssl", *arguments],
        input=stdin.encode() if stdin is not None else None,
        capture_output=True,
        check=True,
    ).stdout


def _base64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
