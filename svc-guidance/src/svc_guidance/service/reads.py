"""Guidance's reads: cases and engagements as the caller may see them, the queue, the team.

A case or engagement of a municipality is readable by the directorate, that municipality and
its county governor; an engagement of a shared service by each municipality it covers too.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Hashable, Sequence
from typing import TypeVar

from sqlalchemy import ColumnElement, Select, or_, select

from shared.auth import Principal
from shared.errors import NotFound
from shared.inputs import parse_municipality, parse_uuid
from shared.loaders import Loaders
from shared.queries import many_by, many_per_key, one_by, rows_where_in
from shared.runtime import ServiceRuntime
from svc_guidance import domain
from svc_guidance.domain import CaseStatus, EngagementStatus
from svc_guidance.models import (
    CoveredMunicipality,
    EngagementAdviser,
    GuidanceAdviser,
    GuidanceCase,
    GuidanceEngagement,
    Milestone,
    MunicipalityRisk,
    Visit,
)

K = TypeVar("K", bound=Hashable)
Row = TypeVar("Row")

# Cases ------------------------------------------------------------------------------------


async def cases(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    municipality: str | None = None,
    status: CaseStatus | None = None,
) -> list[GuidanceCase]:
    """The cases the caller may see, oldest first; a municipality not theirs is FORBIDDEN."""
    principal.require_authenticated()
    where = [] if principal.is_directorate else [_visible_case(principal)]
    if municipality is not None:
        number = parse_municipality(municipality).number
        principal.require_municipality(number)
        where.append(GuidanceCase.municipality == number)
    if status is not None:
        where.append(GuidanceCase.status == status)
    query = select(GuidanceCase).where(*where).order_by(GuidanceCase.opened_at)
    async with runtime.sessions() as session:
        return list(await session.scalars(query))


def _visible_case(principal: Principal) -> ColumnElement[bool]:
    return or_(
        GuidanceCase.municipality.in_(principal.municipalities),
        GuidanceCase.county.in_(principal.counties),
    )


async def case(runtime: ServiceRuntime, principal: Principal, *, case_id: str) -> GuidanceCase:
    principal.require_authenticated()
    async with runtime.sessions() as session:
        found = await session.get(GuidanceCase, parse_uuid(case_id, "id"))
    if found is None or not principal.may_see_municipality(found.municipality):
        raise NotFound("no guidance case has this id")
    return found


async def queue(runtime: ServiceRuntime, principal: Principal) -> list[GuidanceCase]:
    """Accepted cases waiting for an engagement: highest risk first, then the longest waiting."""
    principal.require_directorate()
    async with runtime.sessions() as session:
        waiting = list(
            await session.scalars(
                select(GuidanceCase).where(GuidanceCase.status == CaseStatus.ACCEPTED)
            )
        )
        risks = await rows_where_in(
            session,
            MunicipalityRisk,
            MunicipalityRisk.municipality,
            [c.municipality for c in waiting],
        )
    levels = {risk.municipality: risk.level for risk in risks}
    return sorted(waiting, key=lambda c: domain.queue_key(levels.get(c.municipality), c.opened_at))


# Engagements ------------------------------------------------------------------------------


async def engagements(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    round_year: int | None = None,
    adviser_id: str | None = None,
    status: EngagementStatus | None = None,
) -> list[GuidanceEngagement]:
    """The engagements the caller may see, by round, then host; per adviser: the directorate."""
    principal.require_authenticated()
    where = [] if principal.is_directorate else [_visible_engagement(principal)]
    if round_year is not None:
        where.append(GuidanceEngagement.round == domain.validate_round(round_year))
    if status is not None:
        where.append(GuidanceEngagement.status == status)
    if adviser_id is not None:
        principal.require_directorate()
        advised = select(EngagementAdviser.engagement_id).where(
            EngagementAdviser.adviser_id == parse_uuid(adviser_id, "adviser")
        )
        where.append(GuidanceEngagement.id.in_(advised))
    query = (
        select(GuidanceEngagement)
        .where(*where)
        .order_by(GuidanceEngagement.round, GuidanceEngagement.municipality)
    )
    async with runtime.sessions() as session:
        return list(await session.scalars(query))


def _visible_engagement(principal: Principal) -> ColumnElement[bool]:
    """Engagements covering a municipality the principal acts for, or one of its counties."""
    covering = select(CoveredMunicipality.engagement_id).where(
        or_(
            CoveredMunicipality.municipality.in_(principal.municipalities),
            CoveredMunicipality.county.in_(principal.counties),
        )
    )
    return GuidanceEngagement.id.in_(covering)


async def engagement(
    runtime: ServiceRuntime, principal: Principal, *, engagement_id: str
) -> GuidanceEngagement:
    principal.require_authenticated()
    found = (await engagements_by_id(runtime, [parse_uuid(engagement_id, "id")]))[0]
    covered = (await covered_by_engagement(runtime, [found.id]))[0] if found else []
    if found is None or not any(principal.may_see_municipality(n) for n in covered):
        raise NotFound("no guidance engagement has this id")
    return found


async def municipality_engagements(
    loaders: Loaders, principal: Principal, *, municipality: str
) -> list[GuidanceEngagement]:
    """Every engagement covering the municipality: its own, or its shared service's."""
    principal.require_municipality(municipality)
    return await loaders.load(engagements_by_municipality, municipality)


# The team ---------------------------------------------------------------------------------


async def advisers(runtime: ServiceRuntime, principal: Principal) -> list[GuidanceAdviser]:
    principal.require_directorate()
    async with runtime.sessions() as session:
        return list(await session.scalars(select(GuidanceAdviser).order_by(GuidanceAdviser.name)))


async def adviser_engagements(
    loaders: Loaders, principal: Principal, *, adviser_id: uuid.UUID
) -> list[GuidanceEngagement]:
    principal.require_directorate()
    return await loaders.load(engagements_by_adviser, adviser_id)


# Batch functions for loaders ----------------------------------------------------------------


cases_by_id = one_by(GuidanceCase, GuidanceCase.id)
engagements_by_id = one_by(GuidanceEngagement, GuidanceEngagement.id)
engagements_by_case = one_by(GuidanceEngagement, GuidanceEngagement.case_id)
advisers_by_id = one_by(GuidanceAdviser, GuidanceAdviser.id)
risk_by_municipality = one_by(MunicipalityRisk, MunicipalityRisk.municipality)
milestones_by_engagement = many_by(Milestone, Milestone.engagement_id, order_by=Milestone.due_on)
visits_by_engagement = many_by(Visit, Visit.engagement_id, order_by=Visit.visited_on)


async def covered_by_engagement(
    runtime: ServiceRuntime, ids: Sequence[uuid.UUID]
) -> list[list[str]]:
    rows = await many_per_key(
        runtime.sessions,
        CoveredMunicipality,
        CoveredMunicipality.engagement_id,
        ids,
        CoveredMunicipality.position,
    )
    return [[row.municipality for row in group] for group in rows]


async def engagements_by_municipality(
    runtime: ServiceRuntime, numbers: Sequence[str]
) -> list[list[GuidanceEngagement]]:
    query = (
        select(CoveredMunicipality.municipality, GuidanceEngagement)
        .join(GuidanceEngagement, GuidanceEngagement.id == CoveredMunicipality.engagement_id)
        .where(CoveredMunicipality.municipality.in_(set(numbers)))
        .order_by(GuidanceEngagement.starts_on)
    )
    return await _grouped(runtime, query, numbers)


async def engagements_by_adviser(
    runtime: ServiceRuntime, ids: Sequence[uuid.UUID]
) -> list[list[GuidanceEngagement]]:
    query = (
        select(EngagementAdviser.adviser_id, GuidanceEngagement)
        .join(GuidanceEngagement, GuidanceEngagement.id == EngagementAdviser.engagement_id)
        .where(EngagementAdviser.adviser_id.in_(set(ids)))
        .order_by(GuidanceEngagement.starts_on)
    )
    return await _grouped(runtime, query, ids)


async def advisers_by_engagement(
    runtime: ServiceRuntime, ids: Sequence[uuid.UUID]
) -> list[list[GuidanceAdviser]]:
    query = (
        select(EngagementAdviser.engagement_id, GuidanceAdviser)
        .join(GuidanceAdviser, GuidanceAdviser.id == EngagementAdviser.adviser_id)
        .where(EngagementAdviser.engagement_id.in_(set(ids)))
        .order_by(GuidanceAdviser.name)
    )
    return await _grouped(runtime, query, ids)


async def _grouped(
    runtime: ServiceRuntime, query: Select[K, Row], keys: Sequence[K]
) -> list[list[Row]]:
    """Rows of `(key, entity)`, grouped per key in the keys' order."""
    async with runtime.sessions() as session:
        rows = (await session.execute(query)).all()
    groups: dict[K, list[Row]] = defaultdict(list)
    for key, entity in rows:
        groups[key].append(entity)
    return [groups.get(key, []) for key in keys]
