"""Subscribers for other services' events: what the overviews' coverage needs from them.

The inbox makes each effect happen once (docs/decisions/coverage-projection.md).
"""

from __future__ import annotations

from shared.contracts.grants import APPLICATIONS_TOPIC
from shared.contracts.guidance import (
    ENGAGEMENTS_TOPIC,
    EngagementCompleted,
    EngagementEndedEarly,
    EngagementStarted,
)
from shared.contracts.networks import MEMBERSHIPS_TOPIC, NetworkMemberJoined, NetworkMemberLeft
from shared.events import ReceivedEvent
from shared.runtime import ServiceRuntime, UnitOfWork
from svc_education.service import coverage


async def on_grant_event(uow: UnitOfWork, event: ReceivedEvent) -> None:
    await coverage.record_grant(uow, event.payload)


async def on_membership_event(uow: UnitOfWork, event: ReceivedEvent) -> None:
    match event.payload:
        case NetworkMemberJoined() | NetworkMemberLeft() as membership:
            await coverage.record_membership(uow, membership)


async def on_engagement_event(uow: UnitOfWork, event: ReceivedEvent) -> None:
    match event.payload:
        case EngagementStarted() | EngagementCompleted() | EngagementEndedEarly() as engagement:
            await coverage.record_engagement(uow, engagement)


def register(runtime: ServiceRuntime) -> None:
    runtime.on_event(APPLICATIONS_TOPIC, on_grant_event)
    runtime.on_event(MEMBERSHIPS_TOPIC, on_membership_event)
    runtime.on_event(ENGAGEMENTS_TOPIC, on_engagement_event)
