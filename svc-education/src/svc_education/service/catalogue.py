"""The further-education catalogue: programmes, partner institutions, offerings, and totals."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import func, select

from shared import reference
from shared.auth import Principal
from shared.errors import BadUserInput, Forbidden
from shared.inputs import maybe_uuid, parse_county, parse_uuid
from shared.loaders import Loaders
from shared.provenance import parse_provenance
from shared.queries import many_by, one_by
from shared.runtime import ServiceRuntime
from svc_education.domain.checks import RowRejected, bad_input, parse_term, term_filter
from svc_education.domain.enrolments import (
    EducationTotals,
    EnrolmentStatus,
    totals_by_county,
    validate_seats,
)
from svc_education.models import Enrolment, Institution, Offering, Programme

Row = TypeVar("Row", Institution, Offering, Programme)


async def create_offering(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    programme_id: str,
    term: str,
    seats: int,
    demo: bool = False,
    source: str | None = None,
) -> Offering:
    """A partner institution offers a programme in a term."""
    institution = principal.require_institution()
    try:
        term, seats = parse_term(term), validate_seats(seats)
    except RowRejected as error:
        raise bad_input(error) from error
    provenance = parse_provenance(demo, source)
    async with runtime.unit_of_work() as uow:
        programme = await uow.session.get(Programme, parse_uuid(programme_id, "programmeId"))
        if programme is None:
            raise BadUserInput("programmeId", "no programme has this id")
        if await uow.session.get(Institution, institution) is None:
            raise Forbidden(f"institution {institution} is not a registered partner institution")
        offering = Offering(
            id=uuid.uuid4(),
            programme_id=programme.id,
            institution_id=institution,
            term=term,
            seats=seats,
            seats_taken=0,
        )
        offering.set_provenance(provenance)
        uow.session.add(offering)
    return offering


# Public reads: the catalogue is open to anyone ----------------------------------------------


async def programmes(runtime: ServiceRuntime) -> list[Programme]:
    async with runtime.sessions() as session:
        return list(await session.scalars(select(Programme).order_by(Programme.name)))


async def find(runtime: ServiceRuntime, model: type[Row], *, key: str) -> Row | None:
    """One row by its primary key as a client wrote it; None for a malformed id too."""
    parsed = key if model is Institution else maybe_uuid(key)
    if parsed is None:
        return None
    async with runtime.sessions() as session:
        return await session.get(model, parsed)


async def institutions(runtime: ServiceRuntime) -> list[Institution]:
    async with runtime.sessions() as session:
        return list(await session.scalars(select(Institution).order_by(Institution.name)))


async def find_offerings(
    runtime: ServiceRuntime,
    *,
    institution: str | None,
    programme_id: str | None,
    term: str | None,
) -> list[Offering]:
    """The offering list, filtered by any of institution, programme and term."""
    query = select(Offering).order_by(Offering.term, Offering.institution_id, Offering.id)
    if institution is not None:
        query = query.where(Offering.institution_id == institution)
    if programme_id is not None:
        query = query.where(Offering.programme_id == parse_uuid(programme_id, "programme"))
    if term is not None:
        query = query.where(Offering.term == term_filter(term))
    async with runtime.sessions() as session:
        return list(await session.scalars(query))


async def education_totals(
    runtime: ServiceRuntime, *, county: str | None, term: str | None
) -> dict[str, EducationTotals]:
    """Per county (all, or the one asked for): one grouped query over all enrolments."""
    counties = [c.number for c in reference.counties()]
    if county is not None:
        counties = [parse_county(county).number]
    query = select(
        Enrolment.municipality,
        Enrolment.status,
        func.count(),
        func.coalesce(func.sum(Enrolment.credits), 0),
    ).group_by(Enrolment.municipality, Enrolment.status)
    if term is not None:
        query = query.where(Enrolment.term == term_filter(term))
    async with runtime.sessions() as session:
        rows = await session.execute(query)
        counts = [(m, status, n, credits or 0) for m, status, n, credits in rows]
    return totals_by_county(counts, counties)


async def institution_offerings(
    loaders: Loaders, *, institution: str, term: str | None
) -> list[Offering]:
    """An institution's offerings, of one term or all."""
    rows = await loaders.load(offerings_by_institution, institution)
    wanted = term_filter(term) if term is not None else None
    return [row for row in rows if wanted in (None, row.term)]


# Batch functions for loaders (shared.queries) -----------------------------------------------------


programmes_by_id = one_by(Programme, Programme.id)
institutions_by_id = one_by(Institution, Institution.id)
offerings_by_id = one_by(Offering, Offering.id)
offerings_by_programme = many_by(Offering, Offering.programme_id, order_by=Offering.term)
offerings_by_institution = many_by(Offering, Offering.institution_id, order_by=Offering.term)


async def waitlisted_by_offering(
    runtime: ServiceRuntime, offering_ids: Sequence[uuid.UUID]
) -> list[int]:
    query = (
        select(Enrolment.offering_id, func.count())
        .where(
            Enrolment.offering_id.in_(offering_ids),
            Enrolment.status == EnrolmentStatus.WAITLISTED,
        )
        .group_by(Enrolment.offering_id)
    )
    async with runtime.sessions() as session:
        counts = dict((await session.execute(query)).all())
    return [counts.get(i, 0) for i in offering_ids]
