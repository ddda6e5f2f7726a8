"""Builds grants' ASGI app: subgraph, enrolment-event subscriber, outbox relay, health, metrics."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette

from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings, load_service_settings
from shared.web import create_service_app
from svc_grants import handlers
from svc_grants.models import Base
from svc_grants.schema import schema

SERVICE = "grants"
DEFAULT_PORT = 8002
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
PUBLISHED: list[str] = []


def create_runtime(settings: ServiceSettings | None = None) -> ServiceRuntime:
    settings = settings or load_service_settings(SERVICE, DEFAULT_PORT)
    runtime = ServiceRuntime(settings=settings, metadata=Base.metadata, migrations_dir=MIGRATIONS)
    handlers.register(runtime)
    return runtime


def create_app(runtime: ServiceRuntime | None = None) -> Starlette:
    return create_service_app(runtime or create_runtime(), schema, PUBLISHED)
