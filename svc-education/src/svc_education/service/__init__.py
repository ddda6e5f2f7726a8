"""Education's use cases: each owns one transaction, writing state and outbox events together."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared import reference
from shared.auth import Principal
from shared.contracts.education import (
    CourseCompleted,
    EnrolmentPromoted,
    EnrolmentRegistered,
    EnrolmentWithdrawn,
    SeatFreed,
)
from shared.errors import BadUserInput, Forbidden, NotFound
from shared.queries import many_per_key, one_per_key, rows_where_in
from shared.runtime import ServiceRuntime, UnitOfWork
from svc_education.domain import (
    MAX_BATCH,
    CompletionRow,
    EducationTotals,
    EnrolmentRow,
    EnrolmentStatus,
    RowOutcome,
    RowRejected,
    bad_input,
    check_completion,
    check_references,
    current_municipality,
    parse_term,
    seat_status,
    totals_by_county,
    validate_seats,
    withdrawable,
    withdrawal_reason,
)
from svc_education.models import Enrolment, Institution, Offering, Programme

Row = TypeVar("Row", Institution, Offering, Programme)


@dataclass(frozen=True, slots=True)
class RowResult:
    external_ref: str
    outcome: RowOutcome
    enrolment: Enrolment | None = None
    field: str | None = None
    reason: str | None = None


async def create_offering(
    runtime: ServiceRuntime, principal: Principal, programme_id: str, term: str, seats: int
) -> Offering:
    institution = principal.require_institution()
    try:
        term, seats = parse_term(term), validate_seats(seats)
    except RowRejected as error:
        raise bad_input(error) from error
    async with runtime.unit_of_work() as uow:
        programme = await uow.session.get(Programme, _uuid(programme_id, "programmeId"))
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
        uow.session.add(offering)
    return offering


async def register_enrolments(
    runtime: ServiceRuntime, principal: Principal, rows: Sequence[EnrolmentRow]
) -> list[RowResult]:
    """One result per row, in input order; a bad row never rejects the good ones."""
    institution = principal.require_institution()
    if len(rows) > MAX_BATCH:
        raise BadUserInput("input", f"at most {MAX_BATCH} enrolments per call")
    async with runtime.unit_of_work() as uow:
        batch = await _Batch.load(uow.session, institution, rows)
        results = [_register_row(uow, batch, principal, row) for row in rows]
    return results


@dataclass
class _Batch:
    """What a batch needs from the database, loaded in a few queries, offerings locked."""

    institution: str
    known: dict[str, Enrolment]
    offerings: dict[uuid.UUID, Offering]
    active_terms: set[tuple[str, str]]

    @classmethod
    async def load(
        cls, session: AsyncSession, institution: str, rows: Sequence[EnrolmentRow]
    ) -> _Batch:
        ids = {i for i in (_maybe_uuid(row.offering_id) for row in rows) if i is not None}
        # Locked first, in id order (PostgreSQL FOR UPDATE): concurrent batches on one offering
        # run one after the other, so seats are never oversold and a retried batch still in
        # flight finds the first one's rows: a replay, not a rejection or a constraint failure.
        offerings = {
            o.id: o
            for o in (
                await session.scalars(
                    select(Offering)
                    .where(Offering.id.in_(ids))
                    .order_by(Offering.id)
                    .with_for_update()
                )
            )
        }
        foreign = sorted({o.institution_id for o in offerings.values()} - {institution})
        if foreign:
            raise Forbidden(f"institution {institution} may only post to its own offerings")
        refs = {row.external_ref for row in rows}
        known = {
            e.external_ref: e
            for e in await rows_where_in(
                session,
                Enrolment,
                Enrolment.external_ref,
                refs,
                Enrolment.institution_id == institution,
            )
        }
        employees = {row.employee_ref for row in rows}
        active = await rows_where_in(
            session,
            Enrolment,
            Enrolment.employee_ref,
            employees,
            Enrolment.institution_id == institution,
            Enrolment.status == EnrolmentStatus.ACTIVE,
        )
        return cls(institution, known, offerings, {(e.employee_ref, e.term) for e in active})


def _register_row(
    uow: UnitOfWork, batch: _Batch, principal: Principal, row: EnrolmentRow
) -> RowResult:
    known = batch.known.get(row.external_ref)
    if known is not None:
        return RowResult(row.external_ref, RowOutcome.REPLAYED, known)
    try:
        check_references(row)
        offering = batch.offerings.get(_maybe_uuid(row.offering_id))  # type: ignore[arg-type]
        if offering is None:
            raise RowRejected("offeringId", "no offering has this id")
        municipality = current_municipality(row.municipality)
        status = seat_status(offering.seats, offering.seats_taken)
        if (
            status is EnrolmentStatus.ACTIVE
            and (row.employee_ref, offering.term) in batch.active_terms
        ):
            raise RowRejected(
                "employeeRef", f"already holds an active enrolment in {offering.term}"
            )
    except RowRejected as error:
        return RowResult(
            row.external_ref, RowOutcome.REJECTED, field=error.field, reason=error.reason
        )
    enrolment = Enrolment(
        id=uuid.uuid4(),
        offering_id=offering.id,
        institution_id=batch.institution,
        external_ref=row.external_ref,
        employee_ref=row.employee_ref,
        municipality=municipality,
        term=offering.term,
        role=row.role,
        status=status,
        registered_at=datetime.now(UTC),
        registered_by=principal.subject or batch.institution,
    )
    uow.session.add(enrolment)
    batch.known[row.external_ref] = enrolment
    if status is EnrolmentStatus.ACTIVE:
        offering.seats_taken += 1
        batch.active_terms.add((row.employee_ref, offering.term))
    uow.emit(_registered(enrolment, offering), municipality=municipality)
    outcome = RowOutcome.ACCEPTED if status is EnrolmentStatus.ACTIVE else RowOutcome.WAITLISTED
    return RowResult(row.external_ref, outcome, enrolment)


def _registered(enrolment: Enrolment, offering: Offering) -> EnrolmentRegistered:
    return EnrolmentRegistered(
        enrolment_id=enrolment.id,
        offering_id=offering.id,
        programme_id=offering.programme_id,
        institution_id=enrolment.institution_id,
        term=enrolment.term,
        municipality=enrolment.municipality,
        employee_ref=enrolment.employee_ref,
        external_ref=enrolment.external_ref,
        role=enrolment.role,
        status=enrolment.status,
    )


async def withdraw_enrolment(
    runtime: ServiceRuntime, principal: Principal, enrolment_id: str, reason: str
) -> Enrolment:
    """Withdraws an enrolment; a freed seat goes to the first on the waiting list."""
    institution = principal.require_institution()
    reason = withdrawal_reason(reason)
    async with runtime.unit_of_work() as uow:
        enrolment = await _own_enrolment(uow.session, institution, _uuid(enrolment_id, "id"))
        # Offering first, the lock order of registration, so the two never deadlock.
        offering = await uow.session.get(Offering, enrolment.offering_id, with_for_update=True)
        await uow.session.refresh(enrolment, with_for_update=True)
        previous = withdrawable(enrolment.status)
        enrolment.status = EnrolmentStatus.WITHDRAWN
        enrolment.withdrawn_at = datetime.now(UTC)
        enrolment.withdrawn_by = principal.subject or institution
        enrolment.withdrawal_reason = reason
        uow.emit(
            EnrolmentWithdrawn(
                enrolment_id=enrolment.id,
                offering_id=offering.id,
                municipality=enrolment.municipality,
                previous_status=previous,
                reason=reason,
            ),
            municipality=enrolment.municipality,
        )
        if previous is EnrolmentStatus.ACTIVE:
            offering.seats_taken -= 1
            await _give_seat_to_first_waiting(uow, offering, enrolment.municipality)
    return enrolment


async def _own_enrolment(
    session: AsyncSession, institution: str, enrolment_id: uuid.UUID
) -> Enrolment:
    enrolment = await session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.institution_id != institution:
        raise NotFound("no enrolment of this institution has this id")
    return enrolment


async def _give_seat_to_first_waiting(
    uow: UnitOfWork, offering: Offering, municipality: str
) -> None:
    waiting = await uow.session.scalars(
        select(Enrolment)
        .where(Enrolment.offering_id == offering.id, Enrolment.status == EnrolmentStatus.WAITLISTED)
        .order_by(Enrolment.registered_at, Enrolment.id)
    )
    for candidate in waiting:
        if not await _active_in_term(uow.session, candidate):
            candidate.status = EnrolmentStatus.ACTIVE
            offering.seats_taken += 1
            uow.emit(
                EnrolmentPromoted(
                    enrolment_id=candidate.id,
                    offering_id=offering.id,
                    municipality=candidate.municipality,
                ),
                municipality=candidate.municipality,
            )
            return
    uow.emit(
        SeatFreed(offering_id=offering.id, seats=offering.seats, seats_taken=offering.seats_taken),
        municipality=municipality,
    )


async def _active_in_term(session: AsyncSession, enrolment: Enrolment) -> bool:
    found = await session.scalar(
        select(Enrolment.id).where(
            Enrolment.institution_id == enrolment.institution_id,
            Enrolment.employee_ref == enrolment.employee_ref,
            Enrolment.term == enrolment.term,
            Enrolment.status == EnrolmentStatus.ACTIVE,
        )
    )
    return found is not None


async def record_completions(
    runtime: ServiceRuntime, principal: Principal, rows: Sequence[CompletionRow]
) -> list[RowResult]:
    """Credits earned per enrolment; one result per row, in order. Same credits again: replay."""
    institution = principal.require_institution()
    if len(rows) > MAX_BATCH:
        raise BadUserInput("input", f"at most {MAX_BATCH} completions per call")
    async with runtime.unit_of_work() as uow:
        ids = {i for i in (_maybe_uuid(row.enrolment_id) for row in rows) if i is not None}
        enrolments = {
            e.id: e
            for e in await rows_where_in(
                uow.session, Enrolment, Enrolment.id, ids, Enrolment.institution_id == institution
            )
        }
        today = datetime.now(UTC).date()
        results = [_complete_row(uow, enrolments, row, today) for row in rows]
    return results


def _complete_row(
    uow: UnitOfWork, enrolments: dict[uuid.UUID, Enrolment], row: CompletionRow, today: date
) -> RowResult:
    enrolment = enrolments.get(_maybe_uuid(row.enrolment_id))  # type: ignore[arg-type]
    ref = enrolment.external_ref if enrolment else row.enrolment_id
    if enrolment is None:
        return RowResult(
            ref,
            RowOutcome.REJECTED,
            field="enrolmentId",
            reason="no enrolment of this institution has this id",
        )
    if enrolment.status == EnrolmentStatus.COMPLETED and (
        enrolment.credits,
        enrolment.completed_on,
    ) == (row.credits, row.completed_on):
        return RowResult(ref, RowOutcome.REPLAYED, enrolment)
    try:
        check_completion(row, enrolment.status, enrolment.term, today)
    except RowRejected as error:
        return RowResult(ref, RowOutcome.REJECTED, enrolment, error.field, error.reason)
    enrolment.status = EnrolmentStatus.COMPLETED
    enrolment.credits, enrolment.completed_on = row.credits, row.completed_on
    uow.emit(
        CourseCompleted(
            enrolment_id=enrolment.id,
            municipality=enrolment.municipality,
            credits=row.credits,
            completed_on=row.completed_on,
        ),
        municipality=enrolment.municipality,
    )
    return RowResult(ref, RowOutcome.ACCEPTED, enrolment)


# Reads -------------------------------------------------------------------------------------


async def programmes(runtime: ServiceRuntime) -> list[Programme]:
    async with runtime.sessions() as session:
        return list(await session.scalars(select(Programme).order_by(Programme.name)))


async def find(runtime: ServiceRuntime, model: type[Row], key: str) -> Row | None:
    """One row by its primary key as a client wrote it; None for a malformed id too."""
    parsed = key if model is Institution else _maybe_uuid(key)
    if parsed is None:
        return None
    async with runtime.sessions() as session:
        return await session.get(model, parsed)


async def institutions(runtime: ServiceRuntime) -> list[Institution]:
    async with runtime.sessions() as session:
        return list(await session.scalars(select(Institution).order_by(Institution.name)))


async def programmes_by_id(
    runtime: ServiceRuntime, ids: Sequence[uuid.UUID]
) -> list[Programme | None]:
    return await one_per_key(runtime.sessions, Programme, Programme.id, ids)


async def institutions_by_id(
    runtime: ServiceRuntime, ids: Sequence[str]
) -> list[Institution | None]:
    return await one_per_key(runtime.sessions, Institution, Institution.id, ids)


async def offerings_by_id(
    runtime: ServiceRuntime, ids: Sequence[uuid.UUID]
) -> list[Offering | None]:
    return await one_per_key(runtime.sessions, Offering, Offering.id, ids)


async def offerings_by_programme(
    runtime: ServiceRuntime, programme_ids: Sequence[uuid.UUID]
) -> list[list[Offering]]:
    return await many_per_key(
        runtime.sessions, Offering, Offering.programme_id, programme_ids, Offering.term
    )


async def offerings_by_institution(
    runtime: ServiceRuntime, institution_ids: Sequence[str]
) -> list[list[Offering]]:
    return await many_per_key(
        runtime.sessions, Offering, Offering.institution_id, institution_ids, Offering.term
    )


async def find_offerings(
    runtime: ServiceRuntime,
    institution: str | None,
    programme_id: str | None,
    term: str | None,
) -> list[Offering]:
    """The public offering list, filtered by any of institution, programme and term."""
    query = select(Offering).order_by(Offering.term, Offering.institution_id, Offering.id)
    if institution is not None:
        query = query.where(Offering.institution_id == institution)
    if programme_id is not None:
        query = query.where(Offering.programme_id == _uuid(programme_id, "programme"))
    if term is not None:
        query = query.where(Offering.term == term_filter(term))
    async with runtime.sessions() as session:
        return list(await session.scalars(query))


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


async def education_totals(
    runtime: ServiceRuntime, county: str | None, term: str | None
) -> dict[str, EducationTotals]:
    """Per county (all, or the one asked for): one grouped query over all enrolments."""
    counties = [c.number for c in reference.counties()]
    if county is not None:
        found = reference.county(county)
        if found is None:
            raise BadUserInput("county", f"no county has number {county.strip()!r}")
        counties = [found.number]
    query = select(
        Enrolment.municipality,
        Enrolment.status,
        func.count(),
        func.coalesce(func.sum(Enrolment.credits), 0),
    ).group_by(Enrolment.municipality, Enrolment.status)
    if term is not None:
        query = query.where(Enrolment.term == term_filter(term))
    async with runtime.sessions() as session:
        counts = (await session.execute(query)).all()
    return totals_by_county(counts, counties)


async def enrolments_by_municipality(
    runtime: ServiceRuntime, numbers: Sequence[str]
) -> list[list[Enrolment]]:
    return await many_per_key(
        runtime.sessions, Enrolment, Enrolment.municipality, numbers, Enrolment.registered_at
    )


async def enrolment(runtime: ServiceRuntime, enrolment_id: str) -> Enrolment:
    async with runtime.sessions() as session:
        found = await session.get(Enrolment, _uuid(enrolment_id, "id"))
    if found is None:
        raise NotFound("no enrolment has this id")
    return found


def _maybe_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (ValueError, AttributeError):
        return None


def term_filter(term: str) -> str:
    """A term as a query filter: a malformed one is the client's error."""
    try:
        return parse_term(term)
    except RowRejected as error:
        raise bad_input(error) from error


def _uuid(value: str, field: str) -> uuid.UUID:
    parsed = _maybe_uuid(value)
    if parsed is None:
        raise BadUserInput(field, "must be a UUID")
    return parsed
