"""Enrolments in education's subgraph: partner institutions' batches and what they see."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from shared.connections import Connection, Key, paginate, time_key
from shared.provenance import ProvenanceFields, ProvenanceInput
from shared.subgraph import context_of
from svc_education import models
from svc_education.domain.enrolments import (
    CompletionRow,
    EnrolmentRow,
    EnrolmentStatus,
    RowOutcome,
)
from svc_education.schema.catalogue import Offering
from svc_education.service import catalogue, enrolments
from svc_education.service.enrolments import NewEnrolment, RowResult

if TYPE_CHECKING:
    from svc_education.schema.regions import Municipality

_REGIONS = "svc_education.schema.regions"

strawberry.enum(EnrolmentStatus)
strawberry.enum(RowOutcome, name="EnrolmentResultStatus")


@strawberry.type
class Enrolment(ProvenanceFields):
    id: strawberry.ID
    external_ref: str
    status: EnrolmentStatus
    role: str | None
    term: str
    credits: int | None = strawberry.field(description="Credits earned, once completed")
    completed_on: date | None
    offering_id: strawberry.Private[uuid.UUID]
    municipality_number: strawberry.Private[str]
    municipality_as_posted: strawberry.Private[str]

    @strawberry.field
    async def offering(self, info: strawberry.Info) -> Offering:
        row = await context_of(info).loaders.load(catalogue.offerings_by_id, self.offering_id)
        assert row is not None  # an enrolment's offering is never deleted
        return Offering.from_row(row)

    @strawberry.field
    def municipality(self) -> Annotated[Municipality, strawberry.lazy(_REGIONS)]:
        from svc_education.schema.regions import Municipality

        return Municipality(number=self.municipality_number)

    @strawberry.field(
        description="The municipality's name in the year of the term, by the number it was "
        "posted with (the name of the time, beside today's municipality { name })"
    )
    def municipality_name_then(self) -> str:
        from svc_education.schema.regions import municipality_name_in

        return municipality_name_in(self.municipality_as_posted, int(self.term[:4]))

    @classmethod
    def from_row(cls, row: models.Enrolment | NewEnrolment) -> Enrolment:
        return cls(
            id=strawberry.ID(str(row.id)),
            external_ref=row.external_ref,
            status=EnrolmentStatus(row.status),
            role=row.role,
            term=row.term,
            credits=row.credits,
            completed_on=row.completed_on,
            offering_id=row.offering_id,
            municipality_number=row.municipality,
            municipality_as_posted=row.municipality_as_posted or row.municipality,
            demo=row.demo,
            source=row.source,
        )


@strawberry.type
class EnrolmentResult:
    external_ref: str
    status: RowOutcome
    enrolment: Enrolment | None
    field: str | None
    reason: str | None


@strawberry.type
class EnrolmentBatchResult:
    accepted: int
    replayed: int
    waitlisted: int
    rejected: int
    items: list[EnrolmentResult]

    @classmethod
    def of(cls, results: list[RowResult]) -> EnrolmentBatchResult:
        items = [
            EnrolmentResult(
                external_ref=r.external_ref,
                status=r.outcome,
                enrolment=Enrolment.from_row(r.enrolment) if r.enrolment else None,
                field=r.field,
                reason=r.reason,
            )
            for r in results
        ]
        count = {s: sum(1 for i in items if i.status is s) for s in RowOutcome}
        return cls(
            accepted=count[RowOutcome.ACCEPTED],
            replayed=count[RowOutcome.REPLAYED],
            waitlisted=count[RowOutcome.WAITLISTED],
            rejected=count[RowOutcome.REJECTED],
            items=items,
        )


@strawberry.type
class CompletionBatchResult:
    recorded: int
    replayed: int
    rejected: int
    items: list[EnrolmentResult] = strawberry.field(
        description="One per input row, same order; status ACCEPTED means recorded"
    )

    @classmethod
    def of(cls, results: list[RowResult]) -> CompletionBatchResult:
        batch = EnrolmentBatchResult.of(results)
        return cls(
            recorded=batch.accepted,
            replayed=batch.replayed,
            rejected=batch.rejected,
            items=batch.items,
        )


@strawberry.input
class CompletionInput:
    enrolment_id: strawberry.ID
    credits: int = strawberry.field(description="Credits earned, 0–30")
    completed_on: date


@strawberry.input
class EnrolmentInput(ProvenanceInput):
    offering_id: strawberry.ID
    municipality: str = strawberry.field(
        description="Employing municipality, today's or a historical number"
    )
    employee_ref: str = strawberry.field(
        description="The institution's pseudonymous id; never a national identity number"
    )
    external_ref: str = strawberry.field(
        description="The institution's own reference: the idempotency key"
    )
    role: str | None = None


def enrolment_key(row: models.Enrolment) -> Key:
    """Registration order."""
    return time_key(row.registered_at, row.id)


def enrolment_page(
    rows: list[models.Enrolment], first: int | None, after: str | None
) -> Connection[Enrolment]:
    return Connection.of(
        paginate(rows, enrolment_key, first=first, after=after), Enrolment.from_row
    )


@strawberry.type
class EnrolmentQuery:
    @strawberry.field
    async def enrolment(self, info: strawberry.Info, id: strawberry.ID) -> Enrolment | None:
        ctx = context_of(info)
        row = await enrolments.enrolment(ctx.runtime, ctx.principal, enrolment_id=id)
        return Enrolment.from_row(row)

    @strawberry.field(
        description="An institution's enrolments, a page at a time in registration order: its "
        "own token sees its own; the directorate any institution's, or all. By status (e.g. "
        "WAITLISTED, or ACTIVE ones whose completion is still to record) and term."
    )
    async def enrolments_connection(
        self,
        info: strawberry.Info,
        institution: strawberry.ID | None = None,
        status: EnrolmentStatus | None = None,
        term: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Enrolment]:
        ctx = context_of(info)
        rows = await enrolments.institution_enrolments(
            ctx.runtime, ctx.principal, institution=institution, status=status, term=term
        )
        return enrolment_page(rows, first, after)


@strawberry.type
class EnrolmentMutation:
    @strawberry.mutation(
        description="Idempotent per (institution, externalRef); one result per row, in order."
    )
    async def register_enrolments(
        self, info: strawberry.Info, input: list[EnrolmentInput]
    ) -> EnrolmentBatchResult:
        ctx = context_of(info)
        rows = [
            EnrolmentRow(
                offering_id=i.offering_id,
                municipality=i.municipality,
                employee_ref=i.employee_ref,
                external_ref=i.external_ref,
                role=i.role,
                demo=i.demo,
                source=i.source,
            )
            for i in input
        ]
        results = await enrolments.register_enrolments(ctx.runtime, ctx.principal, rows=rows)
        return EnrolmentBatchResult.of(results)

    @strawberry.mutation(description="Credits earned by enrolled employees; one result per row.")
    async def record_completions(
        self, info: strawberry.Info, input: list[CompletionInput]
    ) -> CompletionBatchResult:
        ctx = context_of(info)
        rows = [CompletionRow(i.enrolment_id, i.credits, i.completed_on) for i in input]
        results = await enrolments.record_completions(ctx.runtime, ctx.principal, rows=rows)
        return CompletionBatchResult.of(results)

    @strawberry.mutation(
        description="Withdraws an enrolment; its seat goes to the first waitlisted."
    )
    async def withdraw_enrolment(
        self, info: strawberry.Info, id: strawberry.ID, reason: str
    ) -> Enrolment:
        ctx = context_of(info)
        row = await enrolments.withdraw_enrolment(
            ctx.runtime, ctx.principal, enrolment_id=id, reason=reason
        )
        return Enrolment.from_row(row)
