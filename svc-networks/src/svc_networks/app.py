"""Networks as a process: county learning networks."""

from __future__ import annotations

from pathlib import Path

from shared.web import ServiceDefinition
from svc_networks import handlers
from svc_networks.models import Base
from svc_networks.schema import schema

SERVICE = ServiceDefinition(
    name="networks",
    metadata=Base.metadata,
    migrations_dir=Path(__file__).resolve().parents[2] / "migrations",
    schema=schema,
    register_handlers=handlers.register,
    published=(),
)
create_runtime = SERVICE.runtime
create_app = SERVICE.app
