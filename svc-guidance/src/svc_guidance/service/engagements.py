"""Engagements: started for an accepted case within the advisers' capacity, planned, visited, ended.

Locks, always in this order so that two use cases never wait for each other: the engagement,
then its case, then the advisers by id (`SELECT … FOR UPDATE` on PostgreSQL, so replicas take
turns). SQLite has no row locks; there every writing transaction begins IMMEDIATE
(`shared.db`), so they run one at a time. The advisers' CHECK constraint is the backstop.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.contracts.guidance import (
    EngagementCompleted,
    EngagementEndedEarly,
    EngagementStarted,
)
from shared.errors import BadUserInput, Conflict, NotFound
from shared.inputs import parse_municipality, parse_uuid, required_text
from shared.provenance import parse_provenance
from shared.runtime import ServiceRuntime, UnitOfWork
from svc_guidance import domain
from svc_guidance.domain import EngagementStatus
from svc_guidance.models import (
    CoveredMunicipality,
    EngagementAdviser,
    GuidanceAdviser,
    GuidanceCase,
    GuidanceEngagement,
    Milestone,
    Visit,
)
from svc_guidance.service.common import flush, now, subject, today
from svc_guidance.service.intake import visible_case


async def start(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    case_id: str,
    round_year: int,
    starts_on: date,
    advisers: Sequence[str],
    also_covers: Sequence[str] | None = None,
    demo: bool = False,
    source: str | None = None,
) -> GuidanceEngagement:
    """Two years of guidance for an ACCEPTED case; CONFLICT, and nothing written, when the case
    is not accepted, an adviser is at capacity or a covered municipality is already engaged."""
    principal.require_directorate()
    domain.check_round(round_year, starts_on)
    adviser_ids = _adviser_ids(advisers)
    others = [parse_municipality(n, "alsoCovers") for n in also_covers or ()]
    provenance = parse_provenance(demo, source)
    async with runtime.unit_of_work() as uow:
        case = await visible_case(uow, principal, case_id, lock=True)
        domain.engage(case)
        team = await _locked_advisers(uow.session, adviser_ids)
        domain.assign(team)
        engagement = _engagement(principal, case, round_year, starts_on)
        engagement.set_provenance(provenance)
        covered = domain.covered(case.municipality, [m.number for m in others])
        await _check_not_engaged(uow.session, covered)
        counties = {m.number: m.county for m in others} | {case.municipality: case.county}
        await _add(uow.session, engagement, team, _coverage(engagement.id, covered, counties))
        uow.emit(
            EngagementStarted(**_facts(engagement, covered), advisers=len(team)),
            municipality=engagement.municipality,
        )
    return engagement


async def _add(
    session: AsyncSession,
    engagement: GuidanceEngagement,
    team: Sequence[GuidanceAdviser],
    coverage: Sequence[CoveredMunicipality],
) -> None:
    session.add(engagement)
    await session.flush()  # before the rows naming it: no relationship() orders them
    session.add_all(coverage)
    session.add_all(EngagementAdviser(engagement_id=engagement.id, adviser_id=a.id) for a in team)
    await flush(session, "an adviser or a covered municipality changed meanwhile; try again")


def _adviser_ids(advisers: Sequence[str]) -> list[uuid.UUID]:
    ids = [parse_uuid(adviser, "advisers") for adviser in advisers]
    if len(set(ids)) != len(ids):
        raise BadUserInput("advisers", "an adviser is named twice")
    domain.check_adviser_count(len(ids))
    return ids


async def _locked_advisers(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[GuidanceAdviser]:
    """The advisers locked in id order (every use case does so: no two wait for each other)."""
    query = (
        select(GuidanceAdviser)
        .where(GuidanceAdviser.id.in_(ids))
        .order_by(GuidanceAdviser.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    found = list(await session.scalars(query))
    missing = set(ids) - {adviser.id for adviser in found}
    if missing:
        raise BadUserInput("advisers", f"no adviser has id {sorted(map(str, missing))[0]}")
    return found


def _engagement(
    principal: Principal, case: GuidanceCase, round_year: int, starts_on: date
) -> GuidanceEngagement:
    return GuidanceEngagement(
        id=uuid.uuid4(),
        case_id=case.id,
        municipality=case.municipality,
        round=round_year,
        status=EngagementStatus.ACTIVE,
        starts_on=starts_on,
        ends_on=domain.two_years_after(starts_on),
        started_at=now(),
        started_by=subject(principal),
    )


async def _check_not_engaged(session: AsyncSession, municipalities: list[str]) -> None:
    engaged = await session.scalar(
        select(CoveredMunicipality.municipality).where(
            CoveredMunicipality.municipality.in_(municipalities), CoveredMunicipality.active
        )
    )
    if engaged is not None:
        raise Conflict(f"municipality {engaged} is already in an active guidance engagement")


def _coverage(
    engagement_id: uuid.UUID, municipalities: list[str], counties: dict[str, str]
) -> list[CoveredMunicipality]:
    return [
        CoveredMunicipality(
            engagement_id=engagement_id,
            municipality=number,
            county=counties[number],
            position=position,
            active=True,
        )
        for position, number in enumerate(municipalities)
    ]


def _facts(engagement: GuidanceEngagement, covered: list[str]) -> dict[str, object]:
    """The fields every engagement event carries."""
    return {
        "engagement_id": engagement.id,
        "case_id": engagement.case_id,
        "round": engagement.round,
        "starts_on": engagement.starts_on,
        "ends_on": engagement.ends_on,
        "municipalities": covered,
    }


async def complete(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    engagement_id: str,
    final_report: str,
    completed_on: date | None = None,
) -> GuidanceEngagement:
    """ACTIVE → COMPLETED with the final report; its advisers have room again."""
    principal.require_directorate()
    report = required_text(final_report, "finalReport", domain.MAX_REPORT)
    async with runtime.unit_of_work() as uow:
        engagement = await _locked_engagement(uow, engagement_id)
        domain.complete(engagement, completed_on or today(), today())
        engagement.final_report = report
        covered = await _wind_up(uow, principal, engagement)
        uow.emit(
            EngagementCompleted(**_facts(engagement, covered), completed_on=engagement.closed_on),
            municipality=engagement.municipality,
        )
    return engagement


async def end_early(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    engagement_id: str,
    reason: str,
    ended_on: date | None = None,
) -> GuidanceEngagement:
    """ACTIVE → ENDED_EARLY, with the reason; its advisers have room again."""
    principal.require_directorate()
    reason = required_text(reason, "reason", domain.MAX_REASON)
    async with runtime.unit_of_work() as uow:
        engagement = await _locked_engagement(uow, engagement_id)
        domain.end_early(engagement, ended_on or today(), today())
        engagement.ended_reason = reason
        covered = await _wind_up(uow, principal, engagement)
        uow.emit(
            EngagementEndedEarly(**_facts(engagement, covered), ended_on=engagement.closed_on),
            municipality=engagement.municipality,
        )
    return engagement


async def _locked_engagement(
    uow: UnitOfWork, engagement_id: str, field: str = "id"
) -> GuidanceEngagement:
    engagement = await uow.session.get(
        GuidanceEngagement, parse_uuid(engagement_id, field), with_for_update=True
    )
    if engagement is None:
        raise NotFound("no guidance engagement has this id")
    return engagement


async def _wind_up(
    uow: UnitOfWork, principal: Principal, engagement: GuidanceEngagement
) -> list[str]:
    """Closes the case, frees the advisers and the covered municipalities; returns those."""
    session = uow.session
    engagement.closed_by = subject(principal)
    case = await session.get_one(GuidanceCase, engagement.case_id, with_for_update=True)
    domain.close(case)
    adviser_ids = await session.scalars(
        select(EngagementAdviser.adviser_id).where(EngagementAdviser.engagement_id == engagement.id)
    )
    domain.release(await _locked_advisers(session, list(adviser_ids)))
    await session.execute(
        update(CoveredMunicipality)
        .where(CoveredMunicipality.engagement_id == engagement.id)
        .values(active=False)
    )
    covered = await session.scalars(
        select(CoveredMunicipality.municipality)
        .where(CoveredMunicipality.engagement_id == engagement.id)
        .order_by(CoveredMunicipality.position)
    )
    return list(covered)


async def add_milestone(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    engagement_id: str,
    title: str,
    due_on: date,
) -> Milestone:
    """A step of the engagement's plan, due within its two years."""
    principal.require_directorate()
    title = required_text(title, "title", domain.MAX_TITLE)
    async with runtime.unit_of_work() as uow:
        engagement = await _locked_engagement(uow, engagement_id, "engagementId")
        domain.check_milestone(engagement, due_on)
        milestone = Milestone(
            id=uuid.uuid4(),
            engagement_id=engagement.id,
            title=title,
            due_on=due_on,
            reached_on=None,
            added_at=now(),
            added_by=subject(principal),
        )
        uow.session.add(milestone)
    return milestone


async def reach_milestone(
    runtime: ServiceRuntime, principal: Principal, *, milestone_id: str, reached_on: date
) -> Milestone:
    principal.require_directorate()
    async with runtime.unit_of_work() as uow:
        milestone = await uow.session.get(
            Milestone, parse_uuid(milestone_id, "id"), with_for_update=True
        )
        if milestone is None:
            raise NotFound("no milestone has this id")
        engagement = await uow.session.get_one(GuidanceEngagement, milestone.engagement_id)
        domain.reach(milestone, engagement, reached_on, today())
    return milestone


async def log_visit(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    engagement_id: str,
    adviser_id: str,
    visited_on: date,
    note: str,
) -> Visit:
    """A visit by one of the engagement's advisers, on a day of the engagement."""
    principal.require_directorate()
    adviser = parse_uuid(adviser_id, "adviserId")
    note = required_text(note, "note", domain.MAX_NOTE)
    async with runtime.unit_of_work() as uow:
        engagement = await _locked_engagement(uow, engagement_id, "engagementId")
        on_engagement = await uow.session.get(EngagementAdviser, (engagement.id, adviser))
        domain.check_visit(engagement, on_engagement is not None, visited_on, today())
        visit = Visit(
            id=uuid.uuid4(),
            engagement_id=engagement.id,
            adviser_id=adviser,
            visited_on=visited_on,
            note=note,
            logged_at=now(),
            logged_by=subject(principal),
        )
        uow.session.add(visit)
    return visit
