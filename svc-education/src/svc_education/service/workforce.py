"""Workforce competence use cases: a municipality's record, and county and national reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import reduce
from operator import add

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared import reference
from shared.auth import Principal
from shared.errors import Forbidden
from shared.inputs import parse_county, parse_municipality
from shared.loaders import Loaders
from shared.queries import many_by
from shared.runtime import ServiceRuntime
from svc_education.domain.enrolments import EnrolmentStatus
from svc_education.domain.workforce import (
    Education,
    Figures,
    Member,
    Position,
    check_workforce,
    count,
)
from svc_education.models import Enrolment, WorkforceMember, WorkforceRecord


@dataclass(frozen=True, slots=True)
class Workforce:
    municipality: str
    as_of: date
    recorded_at: datetime
    figures: Figures


@dataclass(frozen=True, slots=True)
class Report:
    county: str | None  # None: national
    municipalities: int
    reporting: list[Workforce]

    @property
    def figures(self) -> Figures:
        return reduce(add, (w.figures for w in self.reporting), Figures())


async def record_workforce(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    municipality: str,
    as_of: date,
    members: Sequence[Member],
) -> Workforce:
    """Replaces the municipality's whole list; the same list and date again change nothing."""
    principal.require_authenticated()
    found = parse_municipality(municipality)
    principal.require_acting_for(found.number)
    check_workforce(as_of, members, datetime.now(UTC).date())
    async with runtime.unit_of_work() as uow:
        record = await uow.session.get(WorkforceRecord, found.number, with_for_update=True)
        if record is None or not await _unchanged(uow.session, record, as_of, members):
            await _replace(uow.session, record, found.number, as_of, members, principal)
    return await _recorded(runtime, found.number)


async def _replace(
    session: AsyncSession,
    record: WorkforceRecord | None,
    municipality: str,
    as_of: date,
    members: Sequence[Member],
    principal: Principal,
) -> None:
    if record is None:
        record = WorkforceRecord(municipality=municipality)
        session.add(record)
    else:
        await session.execute(
            delete(WorkforceMember).where(WorkforceMember.municipality == municipality)
        )
    record.as_of, record.recorded_at = as_of, datetime.now(UTC)
    record.recorded_by = str(principal.subject)
    await session.flush()  # the record before its members (foreign key)
    session.add_all(_member(municipality, m) for m in members)


async def _recorded(runtime: ServiceRuntime, municipality: str) -> Workforce:
    [workforce] = await workforce_by_municipality(runtime, [municipality])
    assert workforce is not None  # just recorded
    return workforce


async def _unchanged(
    session: AsyncSession, record: WorkforceRecord, as_of: date, members: Sequence[Member]
) -> bool:
    rows = await session.execute(
        select(
            WorkforceMember.employee_ref, WorkforceMember.position, WorkforceMember.education
        ).where(WorkforceMember.municipality == record.municipality)
    )
    stored = sorted(Member(ref, Position(p), Education(e)) for ref, p, e in rows)
    return record.as_of == as_of and stored == sorted(members)


def _member(municipality: str, member: Member) -> WorkforceMember:
    return WorkforceMember(
        municipality=municipality,
        employee_ref=member.employee_ref,
        position=member.position,
        education=member.education,
    )


async def workforce_report(
    runtime: ServiceRuntime, principal: Principal, *, county: str | None
) -> Report:
    """National figures for the directorate; a county's for it and its county governor."""
    county = require_area_figures(principal, county, "workforce figures")
    numbers = [m.number for m in reference.municipalities(county)]
    records = await workforce_by_municipality(runtime, numbers)
    return Report(county, len(numbers), [r for r in records if r is not None])


def require_area_figures(principal: Principal, county: str | None, what: str) -> str | None:
    """Figures built on the workforce records: national ones for the directorate, a county's
    (today's number, which this returns) for it and its county governor."""
    principal.require_authenticated()
    if county is None:
        principal.require_directorate()
        return None
    found = parse_county(county)
    if not (principal.is_directorate or found.number in principal.counties):
        raise Forbidden(f"no access to county {found.number}'s {what}")
    return found.number


async def municipality_workforce(
    loaders: Loaders, principal: Principal, *, municipality: str
) -> Workforce | None:
    """A municipality's record: the municipality, its county governor, the directorate."""
    principal.require_municipality(municipality)
    return await loaders.load(workforce_by_municipality, municipality)


async def workforce_by_municipality(
    runtime: ServiceRuntime, numbers: Sequence[str]
) -> list[Workforce | None]:
    """Each municipality's record with its figures, in three grouped queries for all of them."""
    async with runtime.sessions() as session:
        records = await session.scalars(
            select(WorkforceRecord).where(WorkforceRecord.municipality.in_(numbers))
        )
        members = await _member_counts(session, numbers)
        completions = await _completions_since_record(session, numbers)
    found = {
        r.municipality: Workforce(
            municipality=r.municipality,
            as_of=r.as_of,
            recorded_at=r.recorded_at,
            figures=count(members.get(r.municipality, [])).with_completions(
                *completions.get(r.municipality, (0, 0))
            ),
        )
        for r in records
    }
    return [found.get(n) for n in numbers]


async def _member_counts(
    session: AsyncSession, numbers: Sequence[str]
) -> dict[str, list[tuple[Position, Education, int]]]:
    rows = await session.execute(
        select(
            WorkforceMember.municipality,
            WorkforceMember.position,
            WorkforceMember.education,
            func.count(),
        )
        .where(WorkforceMember.municipality.in_(numbers))
        .group_by(WorkforceMember.municipality, WorkforceMember.position, WorkforceMember.education)
    )
    grouped: dict[str, list[tuple[Position, Education, int]]] = {}
    for municipality, position, education, n in rows:
        grouped.setdefault(municipality, []).append((Position(position), Education(education), n))
    return grouped


async def _completions_since_record(
    session: AsyncSession, numbers: Sequence[str]
) -> dict[str, tuple[int, int]]:
    """(completions, credits) of each municipality's employees after its record's date."""
    rows = await session.execute(
        select(WorkforceRecord.municipality, func.count(), func.sum(Enrolment.credits))
        .join(Enrolment, Enrolment.municipality == WorkforceRecord.municipality)
        .where(
            WorkforceRecord.municipality.in_(numbers),
            Enrolment.status == EnrolmentStatus.COMPLETED,
            Enrolment.credits > 0,
            Enrolment.completed_on > WorkforceRecord.as_of,
        )
        .group_by(WorkforceRecord.municipality)
    )
    return {municipality: (n, credits or 0) for municipality, n, credits in rows}


members_by_municipality = many_by(
    WorkforceMember, WorkforceMember.municipality, order_by=WorkforceMember.employee_ref
)
