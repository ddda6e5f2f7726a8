"""What other services' events change here; each runs inside the inbox's transaction, once."""

from __future__ import annotations

from shared import reference
from shared.contracts.networks import RiskAssessed
from shared.events import Envelope
from shared.runtime import UnitOfWork
from svc_guidance import domain
from svc_guidance.models import MunicipalityRisk
from svc_guidance.service.common import now


async def record_risk(uow: UnitOfWork, envelope: Envelope, assessed: RiskAssessed) -> None:
    """Keeps each municipality's latest risk level: by assessment date, then by arrival.

    One municipality's events share a partition (keyed by its number), so they arrive in order
    and one at a time; an older assessment arriving late changes nothing.
    """
    number = _today_number(assessed.municipality)
    current = await uow.session.get(MunicipalityRisk, number, with_for_update=True)
    if not domain.supersedes(current, assessed.assessed_on):
        return
    await uow.session.merge(
        MunicipalityRisk(
            municipality=number,
            level=assessed.level,
            assessed_on=assessed.assessed_on,
            assessment_id=assessed.assessment_id,
            learnt_at=now(),
        )
    )


def _today_number(number: str) -> str:
    """Cases are kept under today's number; an assessment may name an older one."""
    found = reference.municipality(number)
    return found.number if found is not None else number
