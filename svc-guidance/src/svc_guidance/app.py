"""Builds guidance's ASGI app: subgraph, outbox relay, health and metrics."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette

from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings, load_service_settings
from shared.web import create_service_app
from svc_guidance import handlers
from svc_guidance.models import Base
from svc_guidance.schema import schema

SERVICE = "guidance"
DEFAULT_PORT = 8004
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
PUBLISHED: list[str] = []


def create_runtime(settings: ServiceSettings | None = None) -> ServiceRuntime:
    settings = settings or load_service_settings(SERVICE, DEFAULT_PORT)
    runtime = ServiceRuntime(settings=settings, metadata=Base.metadata, migrations_dir=MIGRATIONS)
    handlers.register(runtime)
    return runtime


def create_app(runtime: ServiceRuntime | None = None) -> Starlette:
    return create_service_app(runtime or create_runtime(), schema, PUBLISHED)
