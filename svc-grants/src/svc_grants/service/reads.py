"""Grants' reads: schemes and budgets (public), applications as the caller may see them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, select, true

from shared.auth import Principal
from shared.errors import Forbidden, NotFound
from shared.inputs import parse_county, parse_uuid
from shared.loaders import Loaders
from shared.queries import many_by, one_by
from shared.runtime import ServiceRuntime
from svc_grants.domain import applications as domain
from svc_grants.domain.applications import UNDECIDED, ApplicationStatus, SchemeKind
from svc_grants.models import (
    Eligibility,
    GrantApplication,
    GrantApplicationTransition,
    GrantChangeRequest,
    GrantReport,
    GrantScheme,
)


async def schemes(runtime: ServiceRuntime, *, year: int | None) -> list[GrantScheme]:
    """Public: schemes and their budgets."""
    query = select(GrantScheme).order_by(GrantScheme.year, GrantScheme.name)
    if year is not None:
        query = query.where(GrantScheme.year == year)
    async with runtime.sessions() as session:
        return list(await session.scalars(query))


@dataclass(frozen=True, slots=True)
class CountyBudget:
    county: str
    year: int
    budget_ore: int
    committed_ore: int
    paid_ore: int


async def county_budgets(runtime: ServiceRuntime, *, year: int | None) -> list[CountyBudget]:
    """Public: development-project funds per county and year, summed over its schemes."""
    query = (
        select(
            GrantScheme.county,
            GrantScheme.year,
            func.sum(GrantScheme.budget_ore),
            func.sum(GrantScheme.committed_ore),
            func.sum(GrantScheme.paid_ore),
        )
        .where(GrantScheme.county.is_not(None))
        .group_by(GrantScheme.county, GrantScheme.year)
        .order_by(GrantScheme.year, GrantScheme.county)
    )
    if year is not None:
        query = query.where(GrantScheme.year == year)
    async with runtime.sessions() as session:
        rows = (await session.execute(query)).all()
    return [CountyBudget(str(c), y, int(b), int(k), int(p)) for c, y, b, k, p in rows]


async def application(
    runtime: ServiceRuntime, principal: Principal, *, application_id: str
) -> GrantApplication:
    principal.require_authenticated()
    async with runtime.sessions() as session:
        found = await session.get(GrantApplication, parse_uuid(application_id, "id"))
    if found is None or not domain.may_see_application(
        principal, found.municipality, found.county, found.applicant
    ):
        raise NotFound("no grant application has this id")
    return found


async def applications(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    county: str | None,
    scheme_id: str | None,
    status: ApplicationStatus | None,
) -> list[GrantApplication]:
    """The applications the principal may see, filtered; a county not theirs is FORBIDDEN."""
    where = [_visible(principal, county)]
    if scheme_id is not None:
        where.append(GrantApplication.scheme_id == parse_uuid(scheme_id, "schemeId"))
    if status is not None:
        where.append(GrantApplication.status == status)
    query = select(GrantApplication).where(*where).order_by(GrantApplication.submitted_at)
    async with runtime.sessions() as session:
        return list(await session.scalars(query))


async def assessment_queue(
    runtime: ServiceRuntime, principal: Principal, *, county: str
) -> list[GrantApplication]:
    """A county's undecided project applications, most municipalities first, then oldest first."""
    query = (
        select(GrantApplication)
        .join(GrantScheme, GrantScheme.id == GrantApplication.scheme_id)
        .where(
            _visible(principal, county),
            GrantScheme.kind == SchemeKind.DEVELOPMENT_PROJECT,
            GrantApplication.status.in_(UNDECIDED),
        )
        .order_by(GrantApplication.priority.desc(), GrantApplication.submitted_at)
    )
    async with runtime.sessions() as session:
        return list(await session.scalars(query))


def _visible(principal: Principal, county: str | None) -> ColumnElement[bool]:
    principal.require_authenticated()
    if county is not None:
        number = parse_county(county).number
        if not (principal.is_directorate or number in principal.counties):
            raise Forbidden(f"no access to county {number}'s grant applications")
        return GrantApplication.county == number
    if principal.is_directorate:
        return true()
    not_an_employers = or_(
        GrantApplication.applicant.is_(None),
        GrantApplication.applicant.not_like(f"{domain.EMPLOYER}%"),
    )
    return or_(
        GrantApplication.county.in_(principal.counties),
        and_(GrantApplication.municipality.in_(principal.municipalities), not_an_employers),
        GrantApplication.applicant.in_([f"{domain.EMPLOYER}{e}" for e in principal.employers]),
    )


# Fields of a municipality: the municipality, its county governor, the directorate -----------


async def municipality_eligibility(
    loaders: Loaders, principal: Principal, *, municipality: str
) -> list[Eligibility]:
    principal.require_municipality(municipality)
    return await loaders.load(eligibility_by_municipality, municipality)


async def municipality_applications(
    loaders: Loaders, principal: Principal, *, municipality: str
) -> list[GrantApplication]:
    principal.require_municipality(municipality)
    rows = await loaders.load(applications_by_municipality, municipality)
    # A state or private employer's applications are its own, not the municipality's.
    return [
        row
        for row in rows
        if domain.may_see_application(principal, row.municipality, row.county, row.applicant)
    ]


# Batch functions for loaders (shared.queries) -----------------------------------------------------


schemes_by_id = one_by(GrantScheme, GrantScheme.id)


async def employer_schemes_by_year(
    runtime: ServiceRuntime, years: Sequence[int]
) -> list[GrantScheme | None]:
    async with runtime.sessions() as session:
        rows = await session.scalars(
            select(GrantScheme).where(
                GrantScheme.kind == SchemeKind.EMPLOYER_FURTHER_EDUCATION,
                GrantScheme.year.in_(set(years)),
            )
        )
        by_year = {row.year: row for row in rows}
    return [by_year.get(year) for year in years]


eligibility_by_municipality = many_by(
    Eligibility, Eligibility.municipality, order_by=Eligibility.updated_at
)
applications_by_municipality = many_by(
    GrantApplication, GrantApplication.municipality, order_by=GrantApplication.submitted_at
)
transitions_by_application = many_by(
    GrantApplicationTransition,
    GrantApplicationTransition.application_id,
    order_by=GrantApplicationTransition.id,
)
reports_by_application = many_by(
    GrantReport, GrantReport.application_id, order_by=GrantReport.due_on
)
change_requests_by_application = many_by(
    GrantChangeRequest,
    GrantChangeRequest.application_id,
    order_by=GrantChangeRequest.requested_at,
)
