"""Grants' use cases: each owns one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.contracts.education import EnrolmentRegistered
from shared.errors import Forbidden
from shared.money import parse_nok
from shared.queries import many_per_key
from shared.runtime import ServiceRuntime
from svc_grants.domain import (
    EligibilityStatus,
    SchemeKind,
    eligibility_for,
    term_year,
    validate_scheme,
)
from svc_grants.models import Eligibility, GrantScheme


async def create_scheme(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    name: str,
    year: int,
    kind: SchemeKind,
    budget_nok: str,
    county: str | None,
) -> GrantScheme:
    principal.require_authenticated()
    if not principal.is_directorate:
        raise Forbidden("only the directorate creates grant schemes")
    budget = parse_nok(budget_nok, "budgetNok")
    validate_scheme(name, year, budget, kind, county)
    scheme = GrantScheme(
        id=uuid.uuid4(),
        name=name.strip(),
        year=year,
        kind=kind,
        county=county,
        budget_ore=budget,
        committed_ore=0,
        paid_ore=0,
        created_at=datetime.now(UTC),
        created_by=principal.subject or "directorate",
    )
    async with runtime.unit_of_work() as uow:
        uow.session.add(scheme)
    return scheme


async def schemes(runtime: ServiceRuntime, year: int | None) -> list[GrantScheme]:
    query = select(GrantScheme).order_by(GrantScheme.year, GrantScheme.name)
    if year is not None:
        query = query.where(GrantScheme.year == year)
    async with runtime.sessions() as session:
        return list(await session.scalars(query))


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


async def eligibility_by_municipality(
    runtime: ServiceRuntime, numbers: Sequence[str]
) -> list[list[Eligibility]]:
    return await many_per_key(
        runtime.sessions, Eligibility, Eligibility.municipality, numbers, Eligibility.updated_at
    )


async def record_enrolment(session: AsyncSession, event: EnrolmentRegistered) -> None:
    """An enrolment makes its employer eligible for the further-education grant."""
    session.add(
        Eligibility(
            enrolment_id=event.enrolment_id,
            municipality=event.municipality,
            year=term_year(event.term),
            status=eligibility_for(event.status),
            updated_at=datetime.now(UTC),
        )
    )


async def change_eligibility(
    session: AsyncSession, enrolment_id: uuid.UUID, status: EligibilityStatus
) -> None:
    """A later enrolment event (promotion, withdrawal) changes what the employer may claim."""
    eligibility = await session.get(Eligibility, enrolment_id, with_for_update=True)
    if eligibility is not None:
        eligibility.status = status
        eligibility.updated_at = datetime.now(UTC)
