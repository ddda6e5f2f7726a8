"""Guidance as a process: guidance engagements with municipalities at risk."""

from __future__ import annotations

from shared.web import ServiceDefinition
from svc_guidance import handlers
from svc_guidance.models import Base
from svc_guidance.schema import schema

SERVICE = ServiceDefinition(
    name="guidance",
    metadata=Base.metadata,
    schema=schema,
    register_handlers=handlers.register,
)
