"""Subscribers for other services' events; the inbox makes each effect happen once."""

from __future__ import annotations

from shared.contracts.education import (
    ENROLMENTS_TOPIC,
    CourseCompleted,
    EnrolmentPromoted,
    EnrolmentRegistered,
    EnrolmentWithdrawn,
)
from shared.contracts.networks import (
    PLANS_TOPIC,
    PROJECTS_TOPIC,
    CompetencePlanInForce,
    DevelopmentProjectProposed,
)
from shared.events import ReceivedEvent
from shared.runtime import ServiceRuntime, UnitOfWork
from svc_grants import service
from svc_grants.domain import EligibilityStatus


async def on_enrolment_event(uow: UnitOfWork, event: ReceivedEvent) -> None:
    match event.payload:
        case EnrolmentRegistered():
            await service.record_enrolment(uow.session, event.payload)
        case EnrolmentPromoted(enrolment_id=enrolment_id):
            await service.change_eligibility(uow.session, enrolment_id, EligibilityStatus.ELIGIBLE)
        case EnrolmentWithdrawn():
            await service.withdraw_enrolment(uow, event.envelope, event.payload)
        case CourseCompleted(enrolment_id=enrolment_id):
            await service.change_eligibility(uow.session, enrolment_id, EligibilityStatus.COMPLETED)


async def on_network_event(uow: UnitOfWork, event: ReceivedEvent) -> None:
    match event.payload:
        case CompetencePlanInForce():
            await service.record_plan(uow.session, event.payload)
        case DevelopmentProjectProposed():
            await service.record_project(uow.session, event.payload)


def register(runtime: ServiceRuntime) -> None:
    runtime.on_event(ENROLMENTS_TOPIC, on_enrolment_event)
    runtime.on_event(PLANS_TOPIC, on_network_event)
    runtime.on_event(PROJECTS_TOPIC, on_network_event)
