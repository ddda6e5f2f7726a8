"""Enrolments: partner institutions register, withdraw and complete them; who may see them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import cast

from sqlalchemy import ScalarResult, Table, and_, bindparam, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.contracts.education import (
    CourseCompleted,
    EnrolmentPromoted,
    EnrolmentRegistered,
    EnrolmentWithdrawn,
    SeatFreed,
)
from shared.errors import BadUserInput, Forbidden, NotFound
from shared.inputs import maybe_uuid, parse_uuid
from shared.loaders import Loaders
from shared.provenance import Provenance, parse_provenance
from shared.queries import CHUNK, many_by, rows_where_in
from shared.runtime import ServiceRuntime, UnitOfWork
from svc_education.domain.checks import RowRejected, term_filter
from svc_education.domain.enrolments import (
    MAX_BATCH,
    CompletionRow,
    EnrolmentRow,
    EnrolmentStatus,
    RowOutcome,
    check_references,
    complete,
    current_municipality,
    give_freed_seat,
    place,
    withdraw,
    withdrawal_reason,
)
from svc_education.models import Enrolment, Offering


@dataclass(frozen=True, slots=True)
class NewEnrolment:
    """An enrolment registered in this call: its columns, inserted with the batch's others in
    one INSERT rather than as an ORM object per row (the profile in BENCHMARKS.md)."""

    id: uuid.UUID
    offering_id: uuid.UUID
    institution_id: str
    external_ref: str
    employee_ref: str
    municipality: str
    municipality_as_posted: str
    term: str
    role: str | None
    status: EnrolmentStatus
    registered_at: datetime
    registered_by: str
    demo: bool
    source: str | None
    credits: None = None
    completed_on: None = None

    def columns(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(frozen=True, slots=True)
class RowResult:
    external_ref: str
    outcome: RowOutcome
    enrolment: Enrolment | NewEnrolment | None = None
    field: str | None = None
    reason: str | None = None


async def register_enrolments(
    runtime: ServiceRuntime, principal: Principal, *, rows: Sequence[EnrolmentRow]
) -> list[RowResult]:
    """One result per row, in input order; a bad row never rejects the good ones."""
    institution = principal.require_institution()
    if len(rows) > MAX_BATCH:
        raise BadUserInput("input", f"at most {MAX_BATCH} enrolments per call")
    # Each row's references checked once: a rejected one is neither looked up nor registered.
    problems = [_reference_problem(row) for row in rows]
    async with runtime.unit_of_work() as uow:
        passing = [row for row, problem in zip(rows, problems, strict=True) if problem is None]
        batch = await _Batch.load(uow.session, institution, rows, passing)
        results = [
            _register_row(uow, batch, principal, row, problem)
            for row, problem in zip(rows, problems, strict=True)
        ]
        if batch.new:
            await uow.session.execute(
                insert(cast(Table, Enrolment.__table__)), [e.columns() for e in batch.new]
            )
    return results


def _reference_problem(row: EnrolmentRow) -> RowRejected | None:
    try:
        check_references(row)
    except RowRejected as problem:
        return problem
    return None


@dataclass
class _Batch:
    """What a batch needs from the database, loaded in a few queries, offerings locked."""

    institution: str
    known: dict[str, Enrolment | NewEnrolment]
    offerings: dict[uuid.UUID, Offering]
    active_terms: set[tuple[str, str]]
    new: list[NewEnrolment] = field(default_factory=list)

    @classmethod
    async def load(
        cls,
        session: AsyncSession,
        institution: str,
        rows: Sequence[EnrolmentRow],
        passing: Sequence[EnrolmentRow],
    ) -> _Batch:
        """`passing`: the rows whose references passed their checks."""
        ids = {i for i in (maybe_uuid(row.offering_id) for row in rows) if i is not None}
        # Locked first, in id order (PostgreSQL FOR UPDATE): concurrent batches on one offering
        # run one after the other, so seats are never oversold and a retried batch still in
        # flight finds the first one's rows: a replay, not a rejection or a constraint failure.
        locked = await session.scalars(_OFFERINGS_LOCKED, {"ids": sorted(ids)})
        offerings = {o.id: o for o in locked}
        foreign = sorted({o.institution_id for o in offerings.values()} - {institution})
        if foreign:
            raise Forbidden(f"institution {institution} may only post to its own offerings")
        # Only rows that pass the reference checks are looked up: the others are rejected one
        # by one, and a NUL in a WHERE would fail the whole batch on PostgreSQL.
        known: dict[str, Enrolment | NewEnrolment] = {}
        active: set[tuple[str, str]] = set()
        for start in range(0, len(passing), CHUNK):
            chunk = passing[start : start + CHUNK]
            refs = {row.external_ref for row in chunk}
            employees = {row.employee_ref for row in chunk}
            for found in await _known_or_active(session, institution, refs, employees):
                if found.external_ref in refs:
                    known[found.external_ref] = found
                if found.status is EnrolmentStatus.ACTIVE and found.employee_ref in employees:
                    active.add((found.employee_ref, found.term))
        return cls(institution, known, offerings, active)

    def offering(self, offering_id: str) -> Offering:
        key = maybe_uuid(offering_id)
        found = self.offerings.get(key) if key is not None else None
        if found is None:
            raise RowRejected("offeringId", "no offering has this id")
        return found


_OFFERINGS_LOCKED = (
    select(Offering)
    .where(Offering.id.in_(bindparam("ids", expanding=True)))
    .order_by(Offering.id)
    .with_for_update()
)

# The institution's enrolments posted under `refs` (a replay) or active for `employees` (one
# active enrolment per employee and term), in one query built once. Each side is spelled with
# the institution so that both are index look-ups, whatever the institution holds already.
_KNOWN_OR_ACTIVE = select(Enrolment).where(
    or_(
        and_(
            Enrolment.institution_id == bindparam("institution"),
            Enrolment.external_ref.in_(bindparam("refs", expanding=True)),
        ),
        and_(
            Enrolment.institution_id == bindparam("institution"),
            Enrolment.employee_ref.in_(bindparam("employees", expanding=True)),
            Enrolment.status == EnrolmentStatus.ACTIVE,
        ),
    )
)


async def _known_or_active(
    session: AsyncSession, institution: str, refs: set[str], employees: set[str]
) -> ScalarResult[Enrolment]:
    keys = {"institution": institution, "refs": sorted(refs), "employees": sorted(employees)}
    return await session.scalars(_KNOWN_OR_ACTIVE, keys)


def _register_row(
    uow: UnitOfWork,
    batch: _Batch,
    principal: Principal,
    row: EnrolmentRow,
    reference_problem: RowRejected | None,
) -> RowResult:
    known = batch.known.get(row.external_ref)
    if known is not None:
        return RowResult(row.external_ref, RowOutcome.REPLAYED, known)
    try:
        if reference_problem is not None:
            raise reference_problem
        offering = batch.offering(row.offering_id)
        municipality = current_municipality(row.municipality)
        provenance = _row_provenance(row)
        status = place(offering, (row.employee_ref, offering.term) in batch.active_terms)
    except RowRejected as error:
        return RowResult(
            row.external_ref, RowOutcome.REJECTED, field=error.field, reason=error.reason
        )
    enrolment = NewEnrolment(
        id=uuid.uuid4(),
        offering_id=offering.id,
        institution_id=batch.institution,
        external_ref=row.external_ref,
        employee_ref=row.employee_ref,
        municipality=municipality,
        municipality_as_posted=row.municipality.strip(),
        term=offering.term,
        role=row.role,
        status=status,
        registered_at=datetime.now(UTC),
        registered_by=principal.subject or batch.institution,
        demo=provenance.demo,
        source=provenance.source,
    )
    batch.new.append(enrolment)
    batch.known[row.external_ref] = enrolment
    if status is EnrolmentStatus.ACTIVE:
        batch.active_terms.add((row.employee_ref, offering.term))
    uow.emit(_registered(enrolment, offering), municipality=municipality)
    outcome = RowOutcome.ACCEPTED if status is EnrolmentStatus.ACTIVE else RowOutcome.WAITLISTED
    return RowResult(row.external_ref, outcome, enrolment)


def _row_provenance(row: EnrolmentRow) -> Provenance:
    try:
        return parse_provenance(row.demo, row.source)
    except BadUserInput as error:
        raise RowRejected("source", error.reason) from error


def _registered(enrolment: NewEnrolment, offering: Offering) -> EnrolmentRegistered:
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
    runtime: ServiceRuntime, principal: Principal, *, enrolment_id: str, reason: str
) -> Enrolment:
    """Withdraws an enrolment; a freed seat goes to the first on the waiting list."""
    institution = principal.require_institution()
    reason = withdrawal_reason(reason)
    async with runtime.unit_of_work() as uow:
        enrolment = await _own_enrolment(uow.session, institution, parse_uuid(enrolment_id, "id"))
        # Offering first, the lock order of registration, so the two never deadlock.
        offering = await uow.session.get_one(Offering, enrolment.offering_id, with_for_update=True)
        await uow.session.refresh(enrolment, with_for_update=True)
        previous = withdraw(enrolment, offering)
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
            await _give_freed_seat(uow, offering, enrolment.municipality)
    return enrolment


async def _own_enrolment(
    session: AsyncSession, institution: str, enrolment_id: uuid.UUID
) -> Enrolment:
    enrolment = await session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.institution_id != institution:
        raise NotFound("no enrolment of this institution has this id")
    return enrolment


async def _give_freed_seat(uow: UnitOfWork, offering: Offering, municipality: str) -> None:
    waiting = list(
        await uow.session.scalars(
            select(Enrolment)
            .where(
                Enrolment.offering_id == offering.id,
                Enrolment.status == EnrolmentStatus.WAITLISTED,
            )
            .order_by(Enrolment.registered_at, Enrolment.id)
        )
    )
    active = await uow.session.scalars(
        select(Enrolment.employee_ref).where(
            Enrolment.institution_id == offering.institution_id,
            Enrolment.term == offering.term,
            Enrolment.status == EnrolmentStatus.ACTIVE,
            Enrolment.employee_ref.in_({w.employee_ref for w in waiting}),
        )
    )
    promoted = give_freed_seat(offering, waiting, set(active))
    if promoted is None:
        uow.emit(
            SeatFreed(
                offering_id=offering.id, seats=offering.seats, seats_taken=offering.seats_taken
            ),
            municipality=municipality,
        )
        return
    uow.emit(
        EnrolmentPromoted(
            enrolment_id=promoted.id, offering_id=offering.id, municipality=promoted.municipality
        ),
        municipality=promoted.municipality,
    )


async def record_completions(
    runtime: ServiceRuntime, principal: Principal, *, rows: Sequence[CompletionRow]
) -> list[RowResult]:
    """Credits earned per enrolment; one result per row, in order. Same credits again: replay."""
    institution = principal.require_institution()
    if len(rows) > MAX_BATCH:
        raise BadUserInput("input", f"at most {MAX_BATCH} completions per call")
    async with runtime.unit_of_work() as uow:
        ids = {i for i in (maybe_uuid(row.enrolment_id) for row in rows) if i is not None}
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
    key = maybe_uuid(row.enrolment_id)
    enrolment = enrolments.get(key) if key is not None else None
    if enrolment is None:
        return RowResult(
            row.enrolment_id,
            RowOutcome.REJECTED,
            field="enrolmentId",
            reason="no enrolment of this institution has this id",
        )
    ref = enrolment.external_ref
    try:
        if not complete(enrolment, row, today):
            return RowResult(ref, RowOutcome.REPLAYED, enrolment)
    except RowRejected as error:
        return RowResult(ref, RowOutcome.REJECTED, enrolment, error.field, error.reason)
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


# Reads: a municipality's enrolments are its own, its county governor's and the directorate's;
# an institution sees the ones it posted itself. -------------------------------------------------


async def enrolment(
    runtime: ServiceRuntime, principal: Principal, *, enrolment_id: str
) -> Enrolment:
    async with runtime.sessions() as session:
        found = await session.get(Enrolment, parse_uuid(enrolment_id, "id"))
    if found is None or not (
        principal.may_see_municipality(found.municipality)
        or found.institution_id in principal.institutions
    ):
        raise NotFound("no enrolment has this id")
    return found


async def municipality_enrolments(
    loaders: Loaders, principal: Principal, *, municipality: str
) -> list[Enrolment]:
    principal.require_authenticated()
    rows = await loaders.load(enrolments_by_municipality, municipality)
    if principal.may_see_municipality(municipality):
        return rows
    if principal.institutions:
        return [row for row in rows if row.institution_id in principal.institutions]
    raise Forbidden(f"no access to municipality {municipality}'s enrolments")


async def institution_enrolments(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    institution: str | None,
    status: EnrolmentStatus | None,
    term: str | None,
) -> list[Enrolment]:
    """An institution's enrolments, oldest first: its own token sees its own, the directorate
    any institution's (or every one's, without an institution)."""
    principal.require_authenticated()
    if not principal.is_directorate:
        own = principal.require_institution()
        if institution not in (None, own):
            raise Forbidden(f"no access to institution {institution}'s enrolments")
        institution = own
    query = select(Enrolment).order_by(Enrolment.registered_at, Enrolment.id)
    if institution is not None:
        query = query.where(Enrolment.institution_id == institution)
    if status is not None:
        query = query.where(Enrolment.status == status)
    if term is not None:
        query = query.where(Enrolment.term == term_filter(term))
    async with runtime.sessions() as session:
        return list(await session.scalars(query))


enrolments_by_municipality = many_by(
    Enrolment, Enrolment.municipality, order_by=Enrolment.registered_at
)
