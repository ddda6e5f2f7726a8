"""Coverage: the overviews' projection of other services' events, and its public reads.

Effects keep what education learns from grants', networks' and guidance's events (one row per
grant application, membership and engagement-municipality); education's own tables answer for
further education and the service-support programme. The reads are public aggregates: they
take no principal (docs/patterns.md) and show no person, assessment or amount of one grant.
Why the projection lives here: docs/decisions/coverage-projection.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select

from shared import reference
from shared.contracts.grants import (
    GrantApplicationSubmitted,
    GrantAwarded,
    GrantCancelled,
    GrantPaid,
    GrantReclaimed,
    GrantSettled,
)
from shared.contracts.guidance import (
    EngagementCompleted,
    EngagementEndedEarly,
    EngagementStarted,
)
from shared.contracts.networks import NetworkMemberJoined, NetworkMemberLeft
from shared.events import Contract
from shared.loaders import Loaders
from shared.runtime import ServiceRuntime, UnitOfWork
from svc_education.domain import coverage as rules
from svc_education.domain.coverage import Coverage, Measure, Overview, Period, Reach, Totals
from svc_education.domain.enrolments import EnrolmentStatus
from svc_education.models import (
    CohortParticipation,
    CoverageEngagement,
    CoverageGrant,
    CoverageMembership,
    Enrolment,
    Offering,
    SupportCohort,
)

EMPLOYER_GRANT = "EMPLOYER_FURTHER_EDUCATION"  # grants' scheme kind of the employer grant


def today_number(number: str) -> str:
    """Events may name a pre-2024 number; the projection keeps today's (2012 Alta → 5601)."""
    found = reference.municipality(number)
    return found.number if found is not None else number


# Effects: one event, inside the inbox's transaction ---------------------------------------------


async def record_grant(uow: UnitOfWork, event: Contract) -> None:
    """A grant application's money; its year and kind come with its submission.

    One municipality's grant events share a partition, so the submission arrives first; an event
    of an application never seen submitted (it cannot be placed in a year) changes nothing.
    """
    match event:
        case GrantApplicationSubmitted():
            await uow.session.merge(
                CoverageGrant(
                    application_id=event.application_id,
                    municipality=today_number(event.municipality),
                    year=event.year,
                    kind=event.kind,
                    committed_ore=0,
                    paid_ore=0,
                )
            )
        case GrantAwarded() | GrantPaid() | GrantSettled() | GrantCancelled() | GrantReclaimed():
            grant = await uow.session.get(CoverageGrant, event.application_id, with_for_update=True)
            if grant is not None:
                _change_money(grant, event)


def _change_money(
    grant: CoverageGrant,
    event: GrantAwarded | GrantPaid | GrantSettled | GrantCancelled | GrantReclaimed,
) -> None:
    match event:
        case GrantAwarded(amount_ore=amount):
            rules.awarded(grant, amount)
        case GrantPaid(paid_total_ore=total):
            rules.paid(grant, total)
        case GrantSettled(released_ore=amount) | GrantCancelled(released_ore=amount):
            rules.released(grant, amount)
        case GrantReclaimed(amount_ore=amount):
            rules.reclaimed(grant, amount)


async def record_membership(
    uow: UnitOfWork, event: NetworkMemberJoined | NetworkMemberLeft
) -> None:
    """A membership from its joining to its leaving (a second membership is its own row)."""
    await uow.session.merge(
        CoverageMembership(
            network_id=event.network_id,
            municipality=today_number(event.municipality),
            joined_on=event.joined_on,
            left_on=event.left_on if isinstance(event, NetworkMemberLeft) else None,
        )
    )


async def record_engagement(
    uow: UnitOfWork, event: EngagementStarted | EngagementCompleted | EngagementEndedEarly
) -> None:
    """Every municipality an engagement covers; a closed one ends on its actual last day."""
    match event:
        case EngagementCompleted(completed_on=ended) | EngagementEndedEarly(ended_on=ended):
            ends_on = ended
        case _:
            ends_on = event.ends_on
    for number in dict.fromkeys(today_number(m) for m in event.municipalities):
        await uow.session.merge(
            CoverageEngagement(
                engagement_id=event.engagement_id,
                municipality=number,
                starts_on=event.starts_on,
                ends_on=ends_on,
            )
        )


# Reads: public aggregates -----------------------------------------------------------------------


async def municipality_coverage(
    loaders: Loaders, *, municipality: str, year: int | None
) -> Coverage:
    """Which measures a municipality took part in, in a year or any year (public)."""
    period = rules.parse_period(year, datetime.now(UTC).date())
    return await loaders.load(coverage_by_municipality, (municipality, period))


async def national_overview(runtime: ServiceRuntime, *, year: int | None) -> Overview:
    """Municipalities reached per county and the nation's totals in a year, this year unless
    asked (the client contract: the overview always has a year); public."""
    today = datetime.now(UTC).date()
    period = rules.parse_period(today.year if year is None else year, today)
    found = await reach(runtime, period)
    counties = {
        c.number: [m.number for m in reference.municipalities(c.number)]
        for c in reference.counties()
    }
    return rules.overview(found, counties, await totals(runtime, period))


async def coverage_by_municipality(
    runtime: ServiceRuntime, keys: Sequence[tuple[str, Period]]
) -> list[Coverage]:
    """A batch: one reach per period asked for, whatever the number of municipalities."""
    reaches = {period: await reach(runtime, period) for period in dict.fromkeys(p for _, p in keys)}
    return [reaches[period].coverage(number) for number, period in keys]


async def reach(runtime: ServiceRuntime, period: Period) -> Reach:
    """Per measure, the municipalities that took part in the period: five grouped queries."""
    queries: dict[Measure, Select[Any]] = {
        Measure.FURTHER_EDUCATION: select(Enrolment.municipality).where(
            Enrolment.status.in_([EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED]),
            *_in_terms(Enrolment.term, period),
        ),
        Measure.EMPLOYER_GRANT: select(CoverageGrant.municipality).where(
            CoverageGrant.kind == EMPLOYER_GRANT,
            CoverageGrant.committed_ore > 0,  # cancelled or reclaimed in full: no longer
            *_in_year(CoverageGrant.year, period),
        ),
        Measure.LEARNING_NETWORK: select(CoverageMembership.municipality).where(
            _overlaps(CoverageMembership.joined_on, CoverageMembership.left_on, period)
        ),
        Measure.SUPPORT_PROGRAMME: select(CohortParticipation.municipality)
        .join(SupportCohort, SupportCohort.id == CohortParticipation.cohort_id)
        .where(*_in_terms(SupportCohort.term, period)),
        Measure.GUIDANCE: select(CoverageEngagement.municipality).where(
            _overlaps(CoverageEngagement.starts_on, CoverageEngagement.ends_on, period)
        ),
    }
    async with runtime.sessions() as session:
        found = {
            measure: {today_number(n) for n in await session.scalars(query.distinct())}
            for measure, query in queries.items()
        }
    return rules.reach(period, found)


async def totals(runtime: ServiceRuntime, period: Period) -> Totals:
    """Seats, grant money, support-programme participants and guidance engagements."""
    seats = select(
        func.coalesce(func.sum(Offering.seats), 0), func.coalesce(func.sum(Offering.seats_taken), 0)
    ).where(*_in_terms(Offering.term, period))
    money = select(
        func.coalesce(func.sum(CoverageGrant.committed_ore), 0),
        func.coalesce(func.sum(CoverageGrant.paid_ore), 0),
    ).where(*_in_year(CoverageGrant.year, period))
    participants = (
        select(func.coalesce(func.sum(CohortParticipation.participants), 0))
        .join(SupportCohort, SupportCohort.id == CohortParticipation.cohort_id)
        .where(*_in_terms(SupportCohort.term, period))
    )
    engagements = select(func.count(func.distinct(CoverageEngagement.engagement_id))).where(
        _overlaps(CoverageEngagement.starts_on, CoverageEngagement.ends_on, period)
    )
    async with runtime.sessions() as session:
        # int(): PostgreSQL's SUM of integers is a numeric, which arrives as a Decimal.
        offered, taken = (await session.execute(seats)).one()
        committed, paid = (await session.execute(money)).one()
        return Totals(
            seats_offered=int(offered),
            seats_taken=int(taken),
            grants_committed_ore=int(committed),
            grants_paid_ore=int(paid),
            support_programme_employees=int(await session.scalar(participants) or 0),
            active_guidance_engagements=int(await session.scalar(engagements) or 0),
        )


def _in_terms(term: Any, period: Period) -> list[ColumnElement[bool]]:
    return [] if period.terms is None else [term.in_(period.terms)]


def _in_year(year: Any, period: Period) -> list[ColumnElement[bool]]:
    return [] if period.year is None else [year == period.year]


def _overlaps(starts_on: Any, ends_on: Any, period: Period) -> ColumnElement[bool]:
    """Whether from `starts_on` to `ends_on` (NULL: still going) touches the period."""
    return and_(starts_on <= period.last_day, or_(ends_on.is_(None), ends_on >= period.first_day))
