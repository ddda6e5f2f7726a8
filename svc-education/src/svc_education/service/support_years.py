"""The service-support programme's reported totals per year, beside the cohorts' own figures.

Some years are known only as totals (autumn 2017, before the platform: 166 employees in 39
municipalities); recording them keeps those figures in the platform with their source.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from shared.auth import Principal
from shared.errors import BadUserInput
from shared.provenance import parse_provenance
from shared.runtime import ServiceRuntime
from svc_education.models import SupportProgrammeYear

FIRST_YEAR = 2017  # the programme's first cohorts
MAX_COUNT = 100_000


async def record_year(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    year: int,
    employees: int,
    municipalities: int | None,
    counties: int | None,
    approximate: bool,
    demo: bool = False,
    source: str | None = None,
) -> SupportProgrammeYear:
    """The directorate records a year's totals; recording the year again replaces them."""
    principal.require_directorate()
    if not FIRST_YEAR <= year <= 2100:
        raise BadUserInput("year", f"must be between {FIRST_YEAR} and 2100")
    for field, value in (
        ("employees", employees),
        ("municipalities", municipalities),
        ("counties", counties),
    ):
        if value is not None and not 1 <= value <= MAX_COUNT:
            raise BadUserInput(field, f"must be between 1 and {MAX_COUNT}")
    provenance = parse_provenance(demo, source)
    async with runtime.unit_of_work() as uow:
        row = await uow.session.get(SupportProgrammeYear, year, with_for_update=True)
        if row is None:
            row = SupportProgrammeYear(year=year)
            uow.session.add(row)
        row.employees, row.municipalities, row.counties = employees, municipalities, counties
        row.approximate = approximate
        row.set_provenance(provenance)
        row.recorded_at, row.recorded_by = datetime.now(UTC), str(principal.subject)
    return row


async def years(runtime: ServiceRuntime) -> list[SupportProgrammeYear]:
    """Public: aggregate figures, oldest year first."""
    async with runtime.sessions() as session:
        found = await session.scalars(
            select(SupportProgrammeYear).order_by(SupportProgrammeYear.year)
        )
        return list(found)
