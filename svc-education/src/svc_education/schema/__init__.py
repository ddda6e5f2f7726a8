"""Education's subgraph: the catalogue, enrolments, and the reference entities it owns."""

from __future__ import annotations

import uuid
from datetime import date
from enum import Enum

import strawberry
from strawberry.tools import merge_types

from shared import reference
from shared.errors import Forbidden, NotFound
from shared.subgraph import context_of, federation_schema
from svc_education import domain, models, service
from svc_education.domain import CompletionRow, EnrolmentRow, StudyLevel, share
from svc_education.schema.support import CohortParticipation, SupportMutation, SupportQuery
from svc_education.schema.workforce import (
    WorkforceCompetence,
    WorkforceMutation,
    WorkforceQuery,
)
from svc_education.service import support as support_service
from svc_education.service import workforce as workforce_service

strawberry.enum(StudyLevel)


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
        rows = await ctx.loaders.load(service.enrolments_by_municipality, self.number)
        if principal.may_see_municipality(self.number):
            return [Enrolment.from_row(row) for row in rows]
        if principal.institutions:  # a university sees the enrolments it posted itself
            return [
                Enrolment.from_row(r) for r in rows if r.institution_id in principal.institutions
            ]
        raise Forbidden(f"no access to municipality {self.number}'s enrolments")

    @strawberry.field(description="The service's cohorts of the service-support programme.")
    async def support_programme(self, info: strawberry.Info) -> list[CohortParticipation]:
        ctx = context_of(info)
        ctx.principal.require_municipality(self.number)
        rows = await ctx.loaders.load(support_service.participations_by_municipality, self.number)
        return [CohortParticipation.from_row(row) for row in rows]

    @strawberry.field(description="The recorded workforce; null until the municipality posts it.")
    async def workforce(self, info: strawberry.Info) -> WorkforceCompetence | None:
        ctx = context_of(info)
        ctx.principal.require_municipality(self.number)
        found = await ctx.loaders.load(workforce_service.workforce_by_municipality, self.number)
        return WorkforceCompetence.of(found) if found else None

    @classmethod
    def resolve_reference(cls, number: str) -> Municipality:
        return cls(number=_municipality(number).number)


@strawberry.federation.type(keys=["id"])
class Institution:
    id: strawberry.ID

    @strawberry.field
    async def name(self, info: strawberry.Info) -> str:
        ctx = context_of(info)
        row = await ctx.loaders.load(service.institutions_by_id, str(self.id))
        if row is None:
            raise NotFound(f"no institution has id {self.id}")
        return row.name

    @strawberry.field(description="The institution's offerings (public), optionally of one term.")
    async def offerings(self, info: strawberry.Info, term: str | None = None) -> list[Offering]:
        ctx = context_of(info)
        rows = await ctx.loaders.load(service.offerings_by_institution, str(self.id))
        term = service.term_filter(term) if term is not None else None
        return [Offering.from_row(row) for row in rows if term in (None, row.term)]


@strawberry.type
class Programme:
    id: strawberry.ID
    name: str
    credits: int = strawberry.field(description="ECTS credits")
    theme: str
    semesters: int
    level: StudyLevel
    free_for_participants: bool = strawberry.field(description="The state pays")

    @strawberry.field
    async def offerings(self, info: strawberry.Info) -> list[Offering]:
        ctx = context_of(info)
        rows = await ctx.loaders.load(service.offerings_by_programme, uuid.UUID(str(self.id)))
        return [Offering.from_row(row) for row in rows]

    @classmethod
    def from_row(cls, row: models.Programme) -> Programme:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            credits=row.credits,
            theme=row.theme,
            semesters=row.semesters,
            level=StudyLevel(row.level),
            free_for_participants=row.free_for_participants,
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
        row = await ctx.loaders.load(service.programmes_by_id, self.programme_id)
        return Programme.from_row(row)

    @strawberry.field
    def institution(self) -> Institution:
        return Institution(id=strawberry.ID(self.institution_id))

    @strawberry.field
    def seats_free(self) -> int:
        return max(self.seats - self.seats_taken, 0)

    @strawberry.field(description="Share of the seats taken (0–1)")
    def utilisation(self) -> float:
        return share(self.seats_taken, self.seats) or 0.0

    @strawberry.field(description="Enrolments waiting for a seat")
    async def waitlisted(self, info: strawberry.Info) -> int:
        ctx = context_of(info)
        return await ctx.loaders.load(service.waitlisted_by_offering, uuid.UUID(str(self.id)))

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
        row = await ctx.loaders.load(service.offerings_by_id, self.offering_id)
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


@strawberry.type(description="A county's enrolments by status")
class EducationTotals:
    active: int
    waitlisted: int
    withdrawn: int
    completed: int
    credits_earned: int
    municipalities_taking_part: int = strawberry.field(
        description="Municipalities with an active or completed enrolment"
    )
    county_number: strawberry.Private[str]

    @strawberry.field
    def county(self) -> County:
        return County(number=self.county_number)

    @classmethod
    def of(cls, county: str, totals: domain.EducationTotals) -> EducationTotals:
        return cls(
            active=totals.enrolments[domain.EnrolmentStatus.ACTIVE],
            waitlisted=totals.enrolments[domain.EnrolmentStatus.WAITLISTED],
            withdrawn=totals.enrolments[domain.EnrolmentStatus.WITHDRAWN],
            completed=totals.enrolments[domain.EnrolmentStatus.COMPLETED],
            credits_earned=totals.credits,
            municipalities_taking_part=len(totals.municipalities),
            county_number=county,
        )


@strawberry.type
class CatalogueQuery:
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
    async def programme(self, info: strawberry.Info, id: strawberry.ID) -> Programme | None:
        row = await service.find(context_of(info).runtime, models.Programme, str(id))
        return Programme.from_row(row) if row else None

    @strawberry.field(description="The partner institutions (public).")
    async def institutions(self, info: strawberry.Info) -> list[Institution]:
        rows = await service.institutions(context_of(info).runtime)
        return [Institution(id=strawberry.ID(row.id)) for row in rows]

    @strawberry.field
    async def institution(self, info: strawberry.Info, id: strawberry.ID) -> Institution | None:
        row = await service.find(context_of(info).runtime, models.Institution, str(id))
        return Institution(id=strawberry.ID(row.id)) if row else None

    @strawberry.field(description="One offering (public) with its seat utilisation.")
    async def offering(self, info: strawberry.Info, id: strawberry.ID) -> Offering | None:
        row = await service.find(context_of(info).runtime, models.Offering, str(id))
        return Offering.from_row(row) if row else None

    @strawberry.field(description="Offerings (public), by institution, programme and term.")
    async def offerings(
        self,
        info: strawberry.Info,
        institution: strawberry.ID | None = None,
        programme: strawberry.ID | None = None,
        term: str | None = None,
    ) -> list[Offering]:
        rows = await service.find_offerings(
            context_of(info).runtime,
            str(institution) if institution is not None else None,
            str(programme) if programme is not None else None,
            term,
        )
        return [Offering.from_row(row) for row in rows]

    @strawberry.field(
        description="Enrolments per county (public aggregate): every county, or the one asked "
        "for; all terms, or one."
    )
    async def education_totals(
        self, info: strawberry.Info, county: str | None = None, term: str | None = None
    ) -> list[EducationTotals]:
        totals = await service.education_totals(context_of(info).runtime, county, term)
        return [EducationTotals.of(number, t) for number, t in totals.items()]

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
class EnrolmentMutation:
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


Query = merge_types("Query", (CatalogueQuery, SupportQuery, WorkforceQuery))
Mutation = merge_types("Mutation", (EnrolmentMutation, SupportMutation, WorkforceMutation))
schema = federation_schema(Query, Mutation)
