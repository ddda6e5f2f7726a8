"""Subscribers for other services' events; the inbox makes each effect happen once."""

from __future__ import annotations

from shared.contracts.networks import RISK_TOPIC, RiskAssessed
from shared.events import ReceivedEvent
from shared.runtime import ServiceRuntime, UnitOfWork
from svc_guidance.service import effects


async def on_risk_event(uow: UnitOfWork, event: ReceivedEvent) -> None:
    match event.payload:
        case RiskAssessed() as assessed:
            await effects.record_risk(uow, event.envelope, assessed)


def register(runtime: ServiceRuntime) -> None:
    runtime.on_event(RISK_TOPIC, on_risk_event)
