"""The directorate's grant schemes, their annual budgets and the year's appropriation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.money import parse_nok, parse_optional_nok
from shared.provenance import parse_provenance
from shared.runtime import ServiceRuntime
from svc_grants.domain import applications as domain
from svc_grants.domain.applications import SchemeKind
from svc_grants.models import Appropriation, GrantScheme


@dataclass(frozen=True, slots=True)
class YearFunds:
    """A year's appropriation and what its schemes' budgets add up to."""

    year: int
    amount_ore: int
    allocated_ore: int


async def create_scheme(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    name: str,
    year: int,
    kind: SchemeKind,
    budget_nok: str,
    county: str | None,
    cap_per_enrolment_nok: str | None = None,
    demo: bool = False,
    source: str | None = None,
) -> GrantScheme:
    """CONFLICT, creating nothing, when the budget would take the year above its appropriation."""
    principal.require_directorate()
    provenance = parse_provenance(demo, source)
    budget = parse_nok(budget_nok, "budgetNok")
    cap = parse_optional_nok(cap_per_enrolment_nok, "capPerEnrolmentNok")
    terms = domain.validate_scheme(name, year, budget, kind, county, cap)
    scheme = GrantScheme(
        id=uuid.uuid4(),
        name=name.strip(),
        year=year,
        kind=kind,
        county=terms.county,
        county_as_posted=county.strip() if terms.county and county else None,
        budget_ore=budget,
        committed_ore=0,
        paid_ore=0,
        cap_per_enrolment_ore=terms.cap_per_enrolment_ore,
        created_at=datetime.now(UTC),
        created_by=principal.subject or "directorate",
    )
    scheme.set_provenance(provenance)
    async with runtime.unit_of_work() as uow:
        appropriation = await _locked_year(uow.session, year)
        allocated = await _allocated(uow.session, year)
        domain.check_within_appropriation(appropriation.amount_ore, allocated, budget)
        uow.session.add(scheme)
    return scheme


async def set_appropriation(
    runtime: ServiceRuntime, principal: Principal, *, year: int, amount_nok: str
) -> YearFunds:
    """The directorate sets (or changes) a year's appropriation; never below what is allocated."""
    principal.require_directorate()
    domain.check_year(year)
    amount = parse_nok(amount_nok, "amountNok")
    async with runtime.unit_of_work() as uow:
        appropriation = await _locked_year(uow.session, year)
        allocated = await _allocated(uow.session, year)
        domain.check_appropriation(amount, allocated)
        appropriation.amount_ore = amount
        appropriation.set_at = datetime.now(UTC)
        appropriation.set_by = principal.subject or "directorate"
    return YearFunds(year, amount, allocated)


async def appropriation(runtime: ServiceRuntime, *, year: int) -> YearFunds | None:
    """Public, as the schemes' budgets are: the year's appropriation, None when none is set."""
    async with runtime.sessions() as session:
        row = await session.get(Appropriation, year)
        if row is None or row.amount_ore is None:
            return None
        return YearFunds(year, row.amount_ore, await _allocated(session, year))


async def _locked_year(session: AsyncSession, year: int) -> Appropriation:
    """The year's row, created when missing and locked: one writer per year at a time."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(insert(Appropriation).values(year=year).on_conflict_do_nothing())
    return await session.get_one(Appropriation, year, with_for_update=True, populate_existing=True)


async def _allocated(session: AsyncSession, year: int) -> int:
    total = await session.scalar(
        select(func.coalesce(func.sum(GrantScheme.budget_ore), 0)).where(GrantScheme.year == year)
    )
    return int(total or 0)
