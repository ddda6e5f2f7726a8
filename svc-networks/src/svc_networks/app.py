"""Networks as a process: county learning networks."""

from __future__ import annotations

from shared.web import ServiceDefinition
from svc_networks import handlers
from svc_networks.models import Base
from svc_networks.schema import schema

SERVICE = ServiceDefinition(
    name="networks",
    metadata=Base.metadata,
    schema=schema,
    register_handlers=handlers.register,
)
