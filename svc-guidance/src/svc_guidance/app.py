"""Guidance as a process: intake, advisers and two-year engagements with municipalities at risk."""

from __future__ import annotations

from pathlib import Path

from shared.contracts.guidance import CASES_TOPIC, ENGAGEMENTS_TOPIC
from shared.web import ServiceDefinition
from svc_guidance import handlers
from svc_guidance.models import Base
from svc_guidance.schema import schema

SERVICE = ServiceDefinition(
    name="guidance",
    metadata=Base.metadata,
    migrations_dir=Path(__file__).resolve().parents[2] / "migrations",
    schema=schema,
    register_handlers=handlers.register,
    published=(CASES_TOPIC, ENGAGEMENTS_TOPIC),
)
create_runtime = SERVICE.runtime
create_app = SERVICE.app
