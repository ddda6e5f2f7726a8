"""Subscribers for other services' events; the inbox makes each effect happen once."""

from __future__ import annotations

from shared.contracts.grants import (
    APPLICATIONS_TOPIC,
    GrantApplicationSubmitted,
    GrantAwarded,
    GrantRejected,
)
from shared.events import ReceivedEvent
from shared.runtime import ServiceRuntime, UnitOfWork
from svc_networks.service import effects


async def on_grant_event(uow: UnitOfWork, event: ReceivedEvent) -> None:
    match event.payload:
        case GrantApplicationSubmitted() as submitted:
            await effects.remember_application(uow, event.envelope, submitted)
        case GrantAwarded() as awarded:
            await effects.grant_decided(uow, event.envelope, awarded.application_id, awarded=True)
        case GrantRejected() as rejected:
            await effects.grant_decided(uow, event.envelope, rejected.application_id, awarded=False)


def register(runtime: ServiceRuntime) -> None:
    runtime.on_event(APPLICATIONS_TOPIC, on_grant_event)
