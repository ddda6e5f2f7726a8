"""Education as a process: catalogue, enrolments, service-support cohorts, workforce."""

from __future__ import annotations

from shared.contracts.education import COHORTS_TOPIC, ENROLMENTS_TOPIC
from shared.web import ServiceDefinition
from svc_education import handlers
from svc_education.models import Base
from svc_education.schema import schema

SERVICE = ServiceDefinition(
    name="education",
    metadata=Base.metadata,
    schema=schema,
    register_handlers=handlers.register,
    published=(ENROLMENTS_TOPIC, COHORTS_TOPIC),
)
