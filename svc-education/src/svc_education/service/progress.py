"""Progress against the strategy's goals per county or nation, 2018–2024 (domain/progress.py).

Built on the workforce records, so it is read as they are: a county's by its county governor and
the directorate, the nation's by the directorate.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared import reference
from shared.auth import Principal
from shared.loaders import Loaders
from shared.runtime import ServiceRuntime
from svc_education.domain.enrolments import EnrolmentStatus
from svc_education.domain.progress import Reached, YearProgress, progress
from svc_education.models import (
    CohortParticipant,
    CohortParticipation,
    Enrolment,
    SupportCohort,
    WorkforceMember,
)
from svc_education.service.workforce import require_area_figures

WHAT = "progress figures"


async def goal_progress(
    runtime: ServiceRuntime, principal: Principal, *, county: str | None
) -> list[YearProgress]:
    """A county's series (its county governor, the directorate) or the nation's (directorate)."""
    [series] = await progress_by_area(runtime, [require_area_figures(principal, county, WHAT)])
    return series


async def county_progress(
    loaders: Loaders, principal: Principal, *, county: str
) -> list[YearProgress]:
    """County.goalProgress: every county of a list in one batch."""
    return await loaders.load(progress_by_area, require_area_figures(principal, county, WHAT))


async def progress_by_area(
    runtime: ServiceRuntime, counties: Sequence[str | None]
) -> list[list[YearProgress]]:
    """Each county's series (None: the nation's) from three grouped queries for all of them."""
    async with runtime.sessions() as session:
        workforce = dict(
            (
                await session.execute(
                    select(WorkforceMember.municipality, func.count()).group_by(
                        WorkforceMember.municipality
                    )
                )
            ).all()
        )
        support = await _first_reached(
            session,
            select(CohortParticipation.municipality, func.min(SupportCohort.term))
            .join(CohortParticipant, CohortParticipant.participation_id == CohortParticipation.id)
            .join(SupportCohort, SupportCohort.id == CohortParticipation.cohort_id)
            .group_by(CohortParticipation.municipality, CohortParticipant.employee_ref),
        )
        education = await _first_reached(
            session,
            select(Enrolment.municipality, func.min(Enrolment.term))
            .where(Enrolment.status.in_([EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED]))
            .group_by(Enrolment.municipality, Enrolment.employee_ref),
        )
    return [
        progress(
            [m.number for m in reference.municipalities(county)], workforce, support, education
        )
        for county in counties
    ]


async def _first_reached(session: AsyncSession, query: Select[str, str]) -> list[Reached]:
    """(municipality, first term) per employee → the year they were first reached."""
    rows = await session.execute(query)
    return [Reached(municipality, int(term[:4])) for municipality, term in rows]
