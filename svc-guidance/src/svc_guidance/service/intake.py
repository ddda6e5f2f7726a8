"""Intake: the county governor nominates, a municipality asks, and the municipality answers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from shared import reference
from shared.auth import Principal
from shared.contracts.guidance import GuidanceAccepted, GuidanceDeclined, GuidanceRequested
from shared.errors import NotFound
from shared.inputs import optional_text, parse_municipality, parse_uuid, required_text
from shared.provenance import Provenance, parse_provenance
from shared.runtime import ServiceRuntime, UnitOfWork
from svc_guidance import domain
from svc_guidance.domain import CaseStatus, GuidanceOrigin
from svc_guidance.models import GuidanceCase
from svc_guidance.service.common import flush, now, subject


async def nominate(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    municipality: str,
    reason: str,
    evidence: str | None = None,
    demo: bool = False,
    source: str | None = None,
) -> GuidanceCase:
    """The county governor of the municipality's county (or the directorate) nominates it."""
    target = parse_municipality(municipality)
    principal.require_governor_of(target.county)
    reason = required_text(reason, "reason", domain.MAX_REASON)
    evidence = optional_text(evidence, "evidence", domain.MAX_EVIDENCE)
    opening = Opening(municipality.strip(), target, reason, parse_provenance(demo, source))
    async with runtime.unit_of_work() as uow:
        return await _open(uow, principal, opening, GuidanceOrigin.NOMINATED, evidence)


async def request(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    municipality: str,
    reason: str,
    committed_hours_per_month: int | None = None,
    demo: bool = False,
    source: str | None = None,
) -> GuidanceCase:
    """The municipality asks for guidance; with committed hours it has accepted at once."""
    target = parse_municipality(municipality)
    principal.require_itself(target.number)
    reason = required_text(reason, "reason", domain.MAX_REASON)
    opening = Opening(municipality.strip(), target, reason, parse_provenance(demo, source))
    async with runtime.unit_of_work() as uow:
        case = await _open(uow, principal, opening, GuidanceOrigin.REQUESTED, None)
        if committed_hours_per_month is not None:
            _answer(uow, principal, case, True, committed_hours_per_month)
        return case


async def respond(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    case_id: str,
    accept: bool,
    committed_hours_per_month: int | None,
) -> GuidanceCase:
    """The municipality itself accepts (committing hours) or declines; nobody answers for it."""
    principal.require_authenticated()
    async with runtime.unit_of_work() as uow:
        case = await visible_case(uow, principal, case_id, lock=True)
        principal.require_itself(case.municipality)
        _answer(uow, principal, case, accept, committed_hours_per_month)
        return case


async def visible_case(
    uow: UnitOfWork, principal: Principal, case_id: str, *, lock: bool, field: str = "caseId"
) -> GuidanceCase:
    """The case, if the principal may see its municipality; NOT_FOUND otherwise."""
    case = await uow.session.get(
        GuidanceCase, parse_uuid(case_id, field), with_for_update=lock or None
    )
    if case is None or not principal.may_see_municipality(case.municipality):
        raise NotFound("no guidance case has this id")
    return case


@dataclass(frozen=True, slots=True)
class Opening:
    posted: str  # the number as the client sent it (maybe one of before a reform)
    target: reference.Municipality  # today's
    reason: str
    provenance: Provenance


async def _open(
    uow: UnitOfWork,
    principal: Principal,
    opening: Opening,
    origin: GuidanceOrigin,
    evidence: str | None,
) -> GuidanceCase:
    target = opening.target
    case = GuidanceCase(
        id=uuid.uuid4(),
        municipality=target.number,
        municipality_as_posted=opening.posted,
        county=target.county,
        origin=origin,
        status=CaseStatus.AWAITING_RESPONSE,
        reason=opening.reason,
        evidence=evidence,
        committed_hours_per_month=None,
        opened_at=now(),
        opened_by=subject(principal),
    )
    case.set_provenance(opening.provenance)
    uow.session.add(case)
    await flush(uow.session, f"municipality {target.number} already has an open guidance case")
    uow.emit(
        GuidanceRequested(**_ids(case), origin=origin, opened_on=case.opened_at.date()),
        municipality=case.municipality,
    )
    return case


def _answer(
    uow: UnitOfWork, principal: Principal, case: GuidanceCase, accept: bool, hours: int | None
) -> None:
    answered = now()
    if accept:
        domain.accept(case, hours)
        event: GuidanceAccepted | GuidanceDeclined = GuidanceAccepted(
            **_ids(case), committed_hours_per_month=hours or 0, accepted_on=answered.date()
        )
    else:
        domain.decline(case, hours)
        event = GuidanceDeclined(**_ids(case), declined_on=answered.date())
    case.responded_at, case.responded_by = answered, subject(principal)
    uow.emit(event, municipality=case.municipality)


def _ids(case: GuidanceCase) -> dict[str, object]:
    return {"case_id": case.id, "municipality": case.municipality, "county": case.county}
