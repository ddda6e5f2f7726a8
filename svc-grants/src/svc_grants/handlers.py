"""Subscribers for other services' events; the inbox makes each effect happen once."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.education import (
    ENROLMENTS_TOPIC,
    EnrolmentPromoted,
    EnrolmentRegistered,
    EnrolmentWithdrawn,
)
from shared.events import ReceivedEvent
from shared.runtime import ServiceRuntime
from svc_grants import service
from svc_grants.domain import EligibilityStatus


async def on_enrolment_event(session: AsyncSession, event: ReceivedEvent) -> None:
    match event.payload:
        case EnrolmentRegistered():
            await service.record_enrolment(session, event.payload)
        case EnrolmentPromoted(enrolment_id=enrolment_id):
            await service.change_eligibility(session, enrolment_id, EligibilityStatus.ELIGIBLE)
        case EnrolmentWithdrawn(enrolment_id=enrolment_id):
            await service.change_eligibility(session, enrolment_id, EligibilityStatus.WITHDRAWN)


def register(runtime: ServiceRuntime) -> None:
    runtime.on_event(ENROLMENTS_TOPIC, on_enrolment_event)
