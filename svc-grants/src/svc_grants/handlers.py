"""Subscribers for other services' events; the inbox makes each effect happen once."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

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
    CompetencePlanWithdrawn,
    DevelopmentProjectProposed,
)
from shared.events import ReceivedEvent
from shared.runtime import ServiceRuntime, UnitOfWork, each
from svc_grants.service import effects


async def on_enrolment_event(uow: UnitOfWork, event: ReceivedEvent) -> None:
    match event.payload:
        case EnrolmentRegistered() as registered:
            await effects.record_enrolment(uow, event.envelope, registered)
        case EnrolmentPromoted() as promoted:
            await effects.promote_enrolment(uow, event.envelope, promoted)
        case EnrolmentWithdrawn() as withdrawn:
            await effects.withdraw_enrolment(uow, event.envelope, withdrawn)
        case CourseCompleted() as completed:
            await effects.complete_enrolment(uow, event.envelope, completed)


async def on_enrolment_events(uow: UnitOfWork, events: Sequence[ReceivedEvent]) -> None:
    """A batch: each run of registrations in one insert, the other events one by one, in order."""
    for registrations, run in groupby(events, lambda e: isinstance(e.payload, EnrolmentRegistered)):
        if registrations:
            payloads = [e.payload for e in run if isinstance(e.payload, EnrolmentRegistered)]
            await effects.record_enrolments(uow, payloads)
        else:
            await each(on_enrolment_event)(uow, list(run))


async def on_network_event(uow: UnitOfWork, event: ReceivedEvent) -> None:
    match event.payload:
        case CompetencePlanInForce() as plan:
            await effects.record_plan(uow, event.envelope, plan)
        case CompetencePlanWithdrawn() as withdrawn:
            await effects.withdraw_plan(uow, event.envelope, withdrawn)
        case DevelopmentProjectProposed() as project:
            await effects.record_project(uow, event.envelope, project)


def register(runtime: ServiceRuntime) -> None:
    runtime.on_event(ENROLMENTS_TOPIC, on_enrolment_event, batch_effect=on_enrolment_events)
    runtime.on_event(PLANS_TOPIC, on_network_event)
    runtime.on_event(PROJECTS_TOPIC, on_network_event)
