"""Grants as a process: schemes and budgets, applications, decisions, payments and reclaims."""

from __future__ import annotations

from shared.contracts.grants import APPLICATIONS_TOPIC
from shared.web import ServiceDefinition
from svc_grants import handlers, http, scheduler
from svc_grants.models import Base
from svc_grants.schema import schema
from svc_grants.service import notices

SERVICE = ServiceDefinition(
    name="grants",
    metadata=Base.metadata,
    schema=schema,
    register_handlers=handlers.register,
    published=(APPLICATIONS_TOPIC,),
    tasks=(scheduler.overdue_reports, notices.deliver_notices),
    routes=http.routes,
)
