"""Education's subgraph: the catalogue, enrolments, and the reference entities it owns."""

from __future__ import annotations

import uuid
from datetime import date
from enum import Enum

import strawberry

from shared import reference
from shared.errors import Forbidden, NotFound
from shared.subgraph import context_of, federation_schema
from svc_education import models, service
from svc_education.domain import CompletionRow, EnrolmentRow


@strawberry.federation.type(keys=["number"])
class County:
    number: str

    @strawberry.field
    def name(self) -> str:
        return _county(self.number).name

    @strawberry.field
    def municipalities(self) -> list[Municipality]:
        return [Municipality(number=m.number) for m in reference.municipalities(self.number)]

    @classmethod
    def resolve_reference(cls, number: str) -> County:
        return cls(number=_county(number).number)


@strawberry.federation.type(keys=["number"])
class Municipality:
    number: str

    @strawberry.field
    def name(self) -> str:
        return _municipality(self.number).name

    @strawberry.field
    def county(self) -> County:
        return County(number=_municipality(self.number).county)

    @strawberry.field(
        description="Enrolments of the municipality's employees in further education."
    )
    async def enrolments(self, info: strawberry.Info) -> list[Enrolment]:
        ctx = context_of(info)
        principal = ctx.principal
        principal.require_authenticated()
        rows = await ctx.loader(
            "enrolments_by_municipality",
            lambda numbers: service.enrolments_by_municipality(ctx.runtime, numbers),
        ).load(self.number)
        if principal.may_see_municipality(self.number):
            return [Enrolment.from_row(row) for row in rows]
        if principal.institutions:  # a university sees the enrolments it posted itself
            return [
                Enrolment.from_row(r) for r in rows if r.institution_id in principal.institutions
            ]
        raise Forbidden(f"no access to municipality {self.number}'s enrolments")

    @classmethod
    def resolve_reference(cls, number: str) -> Municipality:
        return cls(number=_municipality(number).number)


@strawberry.federation.type(keys=["id"])
class Institution:
    id: strawberry.ID

    @strawberry.field
    async def name(self, info: strawberry.Info) -> str:
        ctx = context_of(info)
        row = await ctx.loader(
            "institution", lambda ids: service.institutions_by_id(ctx.runtime, ids)
        ).load(str(self.id))
        if row is None:
            raise NotFound(f"no institution has id {self.id}")
        return row.name


@strawberry.type
class Programme:
    id: strawberry.ID
    name: str
    credits: int
    theme: str

    @strawberry.field
    async def offerings(self, info: strawberry.Info) -> list[Offering]:
        ctx = context_of(info)
        rows = await ctx.loader(
            "offerings_by_programme", lambda ids: service.offerings_by_programme(ctx.runtime, ids)
        ).load(uuid.UUID(str(self.id)))
        return [Offering.from_row(row) for row in rows]

    @classmethod
    def from_row(cls, row: models.Programme) -> Programme:
        return cls(
            id=strawberry.ID(str(row.id)), name=row.name, credits=row.credits, theme=row.theme
        )


@strawberry.type
class Offering:
    id: strawberry.ID
    term: str = strawberry.field(description='"2018H" (autumn) or "2019V" (spring)')
    seats: int
    seats_taken: int
    programme_id: strawberry.Private[uuid.UUID]
    institution_id: strawberry.Private[str]

    @strawberry.field
    async def programme(self, info: strawberry.Info) -> Programme:
        ctx = context_of(info)
        row = await ctx.loader(
            "programme", lambda ids: service.programmes_by_id(ctx.runtime, ids)
        ).load(self.programme_id)
        return Programme.from_row(row)

    @strawberry.field
    def institution(self) -> Institution:
        return Institution(id=strawberry.ID(self.institution_id))

    @classmethod
    def from_row(cls, row: models.Offering) -> Offering:
        return cls(
            id=strawberry.ID(str(row.id)),
            term=row.term,
            seats=row.seats,
            seats_taken=row.seats_taken,
            programme_id=row.programme_id,
            institution_id=row.institution_id,
        )


@strawberry.enum
class EnrolmentStatus(Enum):
    ACTIVE = "ACTIVE"
    WAITLISTED = "WAITLISTED"
    WITHDRAWN = "WITHDRAWN"
    COMPLETED = "COMPLETED"


@strawberry.type
class Enrolment:
    id: strawberry.ID
    external_ref: str
    status: EnrolmentStatus
    role: str | None
    term: str
    credits: int | None = strawberry.field(description="Credits earned, once completed")
    completed_on: date | None
    offering_id: strawberry.Private[uuid.UUID]
    municipality_number: strawberry.Private[str]

    @strawberry.field
    async def offering(self, info: strawberry.Info) -> Offering:
        ctx = context_of(info)
        row = await ctx.loader(
            "offering", lambda ids: service.offerings_by_id(ctx.runtime, ids)
        ).load(self.offering_id)
        return Offering.from_row(row)

    @strawberry.field
    def municipality(self) -> Municipality:
        return Municipality(number=self.municipality_number)

    @classmethod
    def from_row(cls, row: models.Enrolment) -> Enrolment:
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
        )


@strawberry.enum
class EnrolmentResultStatus(Enum):
    ACCEPTED = "ACCEPTED"
    REPLAYED = "REPLAYED"
    WAITLISTED = "WAITLISTED"
    REJECTED = "REJECTED"


@strawberry.type
class EnrolmentResult:
    external_ref: str
    status: EnrolmentResultStatus
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
    def of(cls, results: list[service.RowResult]) -> EnrolmentBatchResult:
        items = [
            EnrolmentResult(
                external_ref=r.external_ref,
                status=EnrolmentResultStatus(r.outcome.value),
                enrolment=Enrolment.from_row(r.enrolment) if r.enrolment else None,
                field=r.field,
                reason=r.reason,
            )
            for r in results
        ]
        count = {s: sum(1 for i in items if i.status is s) for s in EnrolmentResultStatus}
        return cls(
            accepted=count[EnrolmentResultStatus.ACCEPTED],
            replayed=count[EnrolmentResultStatus.REPLAYED],
            waitlisted=count[EnrolmentResultStatus.WAITLISTED],
            rejected=count[EnrolmentResultStatus.REJECTED],
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
    def of(cls, results: list[service.RowResult]) -> CompletionBatchResult:
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
class OfferingInput:
    programme_id: strawberry.ID
    term: str
    seats: int


@strawberry.input
class EnrolmentInput:
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


@strawberry.type
class Query:
    @strawberry.field(description="Finds a municipality by today's or a pre-2024 number.")
    def municipality(self, number: str) -> Municipality | None:
        found = reference.municipality(number)
        return Municipality(number=found.number) if found else None

    @strawberry.field
    def municipalities(self, county: str | None = None) -> list[Municipality]:
        return [Municipality(number=m.number) for m in reference.municipalities(county)]

    @strawberry.field
    def county(self, number: str) -> County | None:
        found = reference.county(number)
        return County(number=found.number) if found else None

    @strawberry.field
    def counties(self) -> list[County]:
        return [County(number=c.number) for c in reference.counties()]

    @strawberry.field(description="The further-education catalogue (public).")
    async def programmes(self, info: strawberry.Info) -> list[Programme]:
        return [
            Programme.from_row(row) for row in await service.programmes(context_of(info).runtime)
        ]

    @strawberry.field
    async def enrolment(self, info: strawberry.Info, id: strawberry.ID) -> Enrolment:
        ctx = context_of(info)
        row = await service.enrolment(ctx.runtime, str(id))
        principal = ctx.principal
        if not (
            principal.may_see_municipality(row.municipality)
            or row.institution_id in principal.institutions
        ):
            raise NotFound("no enrolment has this id")
        return Enrolment.from_row(row)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="A partner institution creates one of its own offerings.")
    async def create_offering(self, info: strawberry.Info, input: OfferingInput) -> Offering:
        ctx = context_of(info)
        row = await service.create_offering(
            ctx.runtime, ctx.principal, str(input.programme_id), input.term, input.seats
        )
        return Offering.from_row(row)

    @strawberry.mutation(
        description="Idempotent per (institution, externalRef); one result per row, in order."
    )
    async def register_enrolments(
        self, info: strawberry.Info, input: list[EnrolmentInput]
    ) -> EnrolmentBatchResult:
        ctx = context_of(info)
        rows = [
            EnrolmentRow(
                offering_id=str(i.offering_id),
                municipality=i.municipality,
                employee_ref=i.employee_ref,
                external_ref=i.external_ref,
                role=i.role,
            )
            for i in input
        ]
        return EnrolmentBatchResult.of(
            await service.register_enrolments(ctx.runtime, ctx.principal, rows)
        )

    @strawberry.mutation(description="Credits earned by enrolled employees; one result per row.")
    async def record_completions(
        self, info: strawberry.Info, input: list[CompletionInput]
    ) -> CompletionBatchResult:
        ctx = context_of(info)
        rows = [CompletionRow(str(i.enrolment_id), i.credits, i.completed_on) for i in input]
        return CompletionBatchResult.of(
            await service.record_completions(ctx.runtime, ctx.principal, rows)
        )

    @strawberry.mutation(
        description="Withdraws an enrolment; its seat goes to the first waitlisted."
    )
    async def withdraw_enrolment(
        self, info: strawberry.Info, id: strawberry.ID, reason: str
    ) -> Enrolment:
        ctx = context_of(info)
        row = await service.withdraw_enrolment(ctx.runtime, ctx.principal, str(id), reason)
        return Enrolment.from_row(row)


def _municipality(number: str) -> reference.Municipality:
    found = reference.municipality(number)
    if found is None:
        raise NotFound(f"no municipality has number {number}")
    return found


def _county(number: str) -> reference.County:
    found = reference.county(number)
    if found is None:
        raise NotFound(f"no county has number {number}")
    return found


schema = federation_schema(Query, Mutation)
