"""Builds education's ASGI app: subgraph, outbox relay, health and metrics."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette

from shared.contracts.education import ENROLMENTS_TOPIC
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings, load_service_settings
from shared.web import create_service_app
from svc_education import handlers
from svc_education.models import Base
from svc_education.schema import schema

SERVICE = "education"
DEFAULT_PORT = 8001
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
PUBLISHED = [ENROLMENTS_TOPIC]


def create_runtime(settings: ServiceSettings | None = None) -> ServiceRuntime:
    settings = settings or load_service_settings(SERVICE, DEFAULT_PORT)
    runtime = ServiceRuntime(settings=settings, metadata=Base.metadata, migrations_dir=MIGRATIONS)
    handlers.register(runtime)
    return runtime


def create_app(runtime: ServiceRuntime | None = None) -> Starlette:
    return create_service_app(runtime or create_runtime(), schema, PUBLISHED)
