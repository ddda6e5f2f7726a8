"""The further-education catalogue in education's subgraph: programmes, institutions, offerings."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated

import strawberry

from shared.errors import NotFound
from shared.provenance import ProvenanceFields, ProvenanceInput, provenance_of
from shared.subgraph import context_of
from svc_education import models
from svc_education.domain.checks import share
from svc_education.domain.enrolments import EducationTotals as Totals
from svc_education.domain.enrolments import EnrolmentStatus, StudyLevel
from svc_education.service import catalogue

if TYPE_CHECKING:
    from svc_education.schema.regions import County

_REGIONS = "svc_education.schema.regions"

strawberry.enum(StudyLevel)


@strawberry.federation.type(keys=["id"])
class Institution:
    id: strawberry.ID

    @strawberry.field
    async def name(self, info: strawberry.Info) -> str:
        row = await context_of(info).loaders.load(catalogue.institutions_by_id, str(self.id))
        if row is None:
            raise NotFound(f"no institution has id {self.id}")
        return row.name

    @strawberry.field(description="The institution's offerings (public), optionally of one term.")
    async def offerings(self, info: strawberry.Info, term: str | None = None) -> list[Offering]:
        rows = await catalogue.institution_offerings(
            context_of(info).loaders, institution=str(self.id), term=term
        )
        return [Offering.from_row(row) for row in rows]


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
        rows = await context_of(info).loaders.load(
            catalogue.offerings_by_programme, uuid.UUID(str(self.id))
        )
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
class Offering(ProvenanceFields):
    id: strawberry.ID
    term: str = strawberry.field(description='"2018H" (autumn) or "2019V" (spring)')
    seats: int
    seats_taken: int
    programme_id: strawberry.Private[uuid.UUID]
    institution_id: strawberry.Private[str]

    @strawberry.field
    async def programme(self, info: strawberry.Info) -> Programme:
        row = await context_of(info).loaders.load(catalogue.programmes_by_id, self.programme_id)
        assert row is not None  # an offering's programme is never deleted
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
        return await context_of(info).loaders.load(
            catalogue.waitlisted_by_offering, uuid.UUID(str(self.id))
        )

    @classmethod
    def from_row(cls, row: models.Offering) -> Offering:
        return cls(
            id=strawberry.ID(str(row.id)),
            term=row.term,
            seats=row.seats,
            seats_taken=row.seats_taken,
            **provenance_of(row),
            programme_id=row.programme_id,
            institution_id=row.institution_id,
        )


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
    def county(self) -> Annotated[County, strawberry.lazy(_REGIONS)]:
        from svc_education.schema.regions import County

        return County(number=self.county_number)

    @classmethod
    def of(cls, county: str, totals: Totals) -> EducationTotals:
        return cls(
            active=totals.enrolments[EnrolmentStatus.ACTIVE],
            waitlisted=totals.enrolments[EnrolmentStatus.WAITLISTED],
            withdrawn=totals.enrolments[EnrolmentStatus.WITHDRAWN],
            completed=totals.enrolments[EnrolmentStatus.COMPLETED],
            credits_earned=totals.credits,
            municipalities_taking_part=len(totals.municipalities),
            county_number=county,
        )


@strawberry.input
class OfferingInput(ProvenanceInput):
    programme_id: strawberry.ID
    term: str
    seats: int


@strawberry.type
class CatalogueQuery:
    @strawberry.field(description="The further-education catalogue (public).")
    async def programmes(self, info: strawberry.Info) -> list[Programme]:
        rows = await catalogue.programmes(context_of(info).runtime)
        return [Programme.from_row(row) for row in rows]

    @strawberry.field
    async def programme(self, info: strawberry.Info, id: strawberry.ID) -> Programme | None:
        row = await catalogue.find(context_of(info).runtime, models.Programme, key=id)
        return Programme.from_row(row) if row else None

    @strawberry.field(description="The partner institutions (public).")
    async def institutions(self, info: strawberry.Info) -> list[Institution]:
        rows = await catalogue.institutions(context_of(info).runtime)
        return [Institution(id=strawberry.ID(row.id)) for row in rows]

    @strawberry.field
    async def institution(self, info: strawberry.Info, id: strawberry.ID) -> Institution | None:
        row = await catalogue.find(context_of(info).runtime, models.Institution, key=id)
        return Institution(id=strawberry.ID(row.id)) if row else None

    @strawberry.field(description="One offering (public) with its seat utilisation.")
    async def offering(self, info: strawberry.Info, id: strawberry.ID) -> Offering | None:
        row = await catalogue.find(context_of(info).runtime, models.Offering, key=id)
        return Offering.from_row(row) if row else None

    @strawberry.field(description="Offerings (public), by institution, programme and term.")
    async def offerings(
        self,
        info: strawberry.Info,
        institution: strawberry.ID | None = None,
        programme: strawberry.ID | None = None,
        term: str | None = None,
    ) -> list[Offering]:
        rows = await catalogue.find_offerings(
            context_of(info).runtime, institution=institution, programme_id=programme, term=term
        )
        return [Offering.from_row(row) for row in rows]

    @strawberry.field(
        description="Enrolments per county (public aggregate): every county, or the one asked "
        "for; all terms, or one."
    )
    async def education_totals(
        self, info: strawberry.Info, county: str | None = None, term: str | None = None
    ) -> list[EducationTotals]:
        totals = await catalogue.education_totals(
            context_of(info).runtime, county=county, term=term
        )
        return [EducationTotals.of(number, t) for number, t in totals.items()]


@strawberry.type
class CatalogueMutation:
    @strawberry.mutation(description="A partner institution creates one of its own offerings.")
    async def create_offering(self, info: strawberry.Info, input: OfferingInput) -> Offering:
        ctx = context_of(info)
        row = await catalogue.create_offering(
            ctx.runtime,
            ctx.principal,
            programme_id=input.programme_id,
            term=input.term,
            seats=input.seats,
            demo=input.demo,
            source=input.source,
        )
        return Offering.from_row(row)
