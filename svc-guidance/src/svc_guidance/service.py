"""Guidance's use cases and reads."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from shared.queries import many_per_key
from shared.runtime import ServiceRuntime
from svc_guidance.domain import validate_round
from svc_guidance.models import GuidanceEngagement


async def engagements(runtime: ServiceRuntime, round_year: int | None) -> list[GuidanceEngagement]:
    query = select(GuidanceEngagement).order_by(
        GuidanceEngagement.round, GuidanceEngagement.municipality
    )
    if round_year is not None:
        query = query.where(GuidanceEngagement.round == validate_round(round_year))
    async with runtime.sessions() as session:
        return list(await session.scalars(query))


async def engagements_by_municipality(
    runtime: ServiceRuntime, numbers: Sequence[str]
) -> list[list[GuidanceEngagement]]:
    return await many_per_key(
        runtime.sessions,
        GuidanceEngagement,
        GuidanceEngagement.municipality,
        numbers,
        GuidanceEngagement.starts_on,
    )
