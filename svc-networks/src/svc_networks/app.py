"""Networks as a process: learning networks, competence plans, development projects, dialogue
meetings and risk self-assessments."""

from __future__ import annotations

from shared.contracts.networks import (
    DIALOGUE_TOPIC,
    MEMBERSHIPS_TOPIC,
    PLANS_TOPIC,
    PROJECTS_TOPIC,
    RISK_TOPIC,
)
from shared.web import ServiceDefinition
from svc_networks import handlers
from svc_networks.models import Base
from svc_networks.schema import schema

SERVICE = ServiceDefinition(
    name="networks",
    metadata=Base.metadata,
    schema=schema,
    register_handlers=handlers.register,
    published=(MEMBERSHIPS_TOPIC, PLANS_TOPIC, PROJECTS_TOPIC, DIALOGUE_TOPIC, RISK_TOPIC),
)
