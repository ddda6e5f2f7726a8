"""Guidance's use cases and reads (the calling convention: docs/patterns.md)."""

from __future__ import annotations

from sqlalchemy import select

from shared.auth import Principal
from shared.loaders import Loaders
from shared.queries import many_by
from shared.runtime import ServiceRuntime
from svc_guidance.domain import validate_round
from svc_guidance.models import GuidanceEngagement


async def engagements(
    runtime: ServiceRuntime, principal: Principal, *, round_year: int | None
) -> list[GuidanceEngagement]:
    """The engagements of the municipalities the caller may see, of one round or all."""
    principal.require_authenticated()
    query = select(GuidanceEngagement).order_by(
        GuidanceEngagement.round, GuidanceEngagement.municipality
    )
    if round_year is not None:
        query = query.where(GuidanceEngagement.round == validate_round(round_year))
    async with runtime.sessions() as session:
        rows = await session.scalars(query)
        return [row for row in rows if principal.may_see_municipality(row.municipality)]


async def municipality_engagements(
    loaders: Loaders, principal: Principal, *, municipality: str
) -> list[GuidanceEngagement]:
    principal.require_municipality(municipality)
    return await loaders.load(engagements_by_municipality, municipality)


engagements_by_municipality = many_by(
    GuidanceEngagement, GuidanceEngagement.municipality, order_by=GuidanceEngagement.starts_on
)
