"""The directorate's guidance team: advisers and how many engagements each can carry."""

from __future__ import annotations

import uuid
from typing import TypeVar

from shared.auth import Principal
from shared.inputs import optional_text, required_text
from shared.provenance import parse_provenance
from shared.runtime import ServiceRuntime
from svc_guidance import domain
from svc_guidance.models import GuidanceAdviser
from svc_guidance.service.common import now, subject

T = TypeVar("T")


async def register(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    name: str,
    capacity: int,
    background: str | None = None,
    region: str | None = None,
    demo: bool = False,
    source: str | None = None,
) -> GuidanceAdviser:
    principal.require_directorate()
    domain.check_capacity(capacity)
    provenance = parse_provenance(demo, source)
    adviser = GuidanceAdviser(
        id=uuid.uuid4(),
        name=required_text(name, "name", domain.MAX_NAME),
        background=optional_text(background, "background", domain.MAX_BACKGROUND),
        region=optional_text(region, "region", domain.MAX_REGION),
        capacity=capacity,
        active_engagements=0,
        registered_at=now(),
        registered_by=subject(principal),
    )
    adviser.set_provenance(provenance)
    async with runtime.unit_of_work() as uow:
        uow.session.add(adviser)
    return adviser


def detail(principal: Principal, value: T) -> T:
    """An adviser's background, region and engagements are for the directorate; whoever sees an
    engagement sees its advisers' names and workload."""
    principal.require_directorate()
    return value
