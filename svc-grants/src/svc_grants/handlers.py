"""Subscribers for other services' events; the inbox makes each effect happen once."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.education import ENROLMENTS_TOPIC, EnrolmentRegistered
from shared.events import ReceivedEvent
from shared.runtime import ServiceRuntime
from svc_grants import service


async def on_enrolment_event(session: AsyncSession, event: ReceivedEvent) -> None:
    if isinstance(event.payload, EnrolmentRegistered):
        await service.record_enrolment(session, event.payload)


def register(runtime: ServiceRuntime) -> None:
    runtime.on_event(ENROLMENTS_TOPIC, on_enrolment_event)
