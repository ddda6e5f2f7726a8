"""The service-support programme (Tjenestestøtteprogrammet) in education's subgraph."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from shared import reference
from shared.provenance import ProvenanceFields, ProvenanceInput, provenance_of
from shared.subgraph import context_of
from svc_education import models
from svc_education.domain.checks import share
from svc_education.domain.support import (
    CohortStatus,
    GatheringKind,
    KnowledgeCentre,
    Participant,
    ParticipantRole,
    Scores,
)
from svc_education.service import support as support_service
from svc_education.service import support_years

if TYPE_CHECKING:
    from svc_education.schema.regions import County, Municipality

_REGIONS = "svc_education.schema.regions"

strawberry.enum(KnowledgeCentre, description="The regional knowledge centres that run cohorts")
strawberry.enum(CohortStatus)
strawberry.enum(GatheringKind, description="Joint, leaders-only, or supervision between them")
strawberry.enum(ParticipantRole)


@strawberry.type
class CohortGathering:
    kind: GatheringKind
    held_on: date = strawberry.field(name="date")


@strawberry.type(description="Anonymous answers on 1–5 scales; means hidden below 3 answers")
class CohortEvaluation:
    responses: int
    satisfaction: float | None
    relevance: float | None
    learning_outcome: float | None


@strawberry.type(description="A cohort of one county's services, run by a knowledge centre")
class SupportCohort(ProvenanceFields):
    id: strawberry.ID
    term: str = strawberry.field(description="The term it starts in, e.g. 2018H")
    knowledge_centre: KnowledgeCentre
    starts_on: date
    ends_on: date
    status: CohortStatus
    completed_at: datetime | None
    county_number: strawberry.Private[str]

    @strawberry.field
    def knowledge_centre_name(self) -> str:
        return self.knowledge_centre.display_name

    @strawberry.field
    def county(self) -> Annotated[County, strawberry.lazy(_REGIONS)]:
        from svc_education.schema.regions import County

        return County(number=self.county_number)

    @strawberry.field(
        description="The county's name in the year of the term (the name of the time)"
    )
    def county_name_then(self) -> str:
        year = reference.record_year(self.year)
        return reference.county_name_in(self.county_number, year) or self.county_number

    @property
    def year(self) -> int:
        return int(self.term[:4])

    @strawberry.field
    async def gatherings(self, info: strawberry.Info) -> list[CohortGathering]:
        ctx = context_of(info)
        rows = await ctx.loaders.load(support_service.gatherings_by_cohort, self._id)
        return [CohortGathering(kind=GatheringKind(r.kind), held_on=r.held_on) for r in rows]

    @strawberry.field(description="Municipalities whose services joined")
    async def municipality_count(self, info: strawberry.Info) -> int:
        return len(await self._participations(info))

    @strawberry.field(description="Employees of the services that joined")
    async def head_count(self, info: strawberry.Info) -> int:
        return sum(p.head_count for p in await self._participations(info))

    @strawberry.field
    async def participant_count(self, info: strawberry.Info) -> int:
        return sum(p.participants for p in await self._participations(info))

    @strawberry.field(description="Participants per employee of the joined services (0–1)")
    async def employee_share(self, info: strawberry.Info) -> float | None:
        rows = await self._participations(info)
        return share(sum(p.participants for p in rows), sum(p.head_count for p in rows))

    @strawberry.field(description="The participations the caller may see (a token is required)")
    async def participations(self, info: strawberry.Info) -> list[CohortParticipation]:
        ctx = context_of(info)
        rows = await support_service.visible_participations(
            ctx.loaders, ctx.principal, cohort_id=self._id
        )
        return [CohortParticipation.from_row(row) for row in rows]

    @strawberry.field
    async def evaluation(self, info: strawberry.Info) -> CohortEvaluation:
        ctx = context_of(info)
        sums = await ctx.loaders.load(support_service.evaluations_by_cohort, self._id)
        return CohortEvaluation(
            responses=sums.responses,
            satisfaction=sums.mean(sums.satisfaction),
            relevance=sums.mean(sums.relevance),
            learning_outcome=sums.mean(sums.learning_outcome),
        )

    @property
    def _id(self) -> uuid.UUID:
        return uuid.UUID(str(self.id))

    async def _participations(self, info: strawberry.Info) -> list[models.CohortParticipation]:
        ctx = context_of(info)
        return await ctx.loaders.load(support_service.participations_by_cohort, self._id)

    @classmethod
    def from_row(cls, row: models.SupportCohort) -> SupportCohort:
        return cls(
            id=strawberry.ID(str(row.id)),
            term=row.term,
            knowledge_centre=KnowledgeCentre(row.knowledge_centre),
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            status=CohortStatus(row.status),
            completed_at=row.completed_at,
            county_number=row.county,
            **provenance_of(row),
        )


@strawberry.type
class CohortParticipant:
    employee_ref: str = strawberry.field(description="The municipality's pseudonymous id")
    role: ParticipantRole


@strawberry.type(description="A municipality's service in a cohort, all its employees committed")
class CohortParticipation(ProvenanceFields):
    id: strawberry.ID
    head_count: int = strawberry.field(description="Employees of the service")
    participant_count: int
    joined_at: datetime = strawberry.field(description="When the figures were last posted")
    across_county_border: bool = strawberry.field(
        description="Joined a neighbouring county's cohort, where the programme enrolled it"
    )
    cohort_id: strawberry.Private[uuid.UUID]
    municipality_number: strawberry.Private[str]
    municipality_as_posted: strawberry.Private[str]

    @strawberry.field(description="Participants per employee of the service (0–1)")
    def employee_share(self) -> float:
        return share(self.participant_count, self.head_count) or 0.0

    @strawberry.field
    async def cohort(self, info: strawberry.Info) -> SupportCohort:
        ctx = context_of(info)
        row = await ctx.loaders.load(support_service.cohorts_by_id, self.cohort_id)
        assert row is not None  # a participation's cohort is never deleted
        return SupportCohort.from_row(row)

    @strawberry.field
    def municipality(self) -> Annotated[Municipality, strawberry.lazy(_REGIONS)]:
        from svc_education.schema.regions import Municipality

        return Municipality(number=self.municipality_number)

    @strawberry.field(
        description="The municipality's name in the year of the cohort's term, by the number "
        "it joined with (1129 in 2018: Forsand, today part of Sandnes)"
    )
    async def municipality_name_then(self, info: strawberry.Info) -> str:
        from svc_education.schema.regions import municipality_name_in

        row = await context_of(info).loaders.load(support_service.cohorts_by_id, self.cohort_id)
        assert row is not None  # a participation's cohort is never deleted
        return municipality_name_in(self.municipality_as_posted, int(row.term[:4]))

    @strawberry.field
    async def participants(self, info: strawberry.Info) -> list[CohortParticipant]:
        return [
            CohortParticipant(employee_ref=r.employee_ref, role=ParticipantRole(r.role))
            for r in await self._participants(info)
        ]

    @strawberry.field
    async def leader_count(self, info: strawberry.Info) -> int:
        return sum(1 for r in await self._participants(info) if r.role == ParticipantRole.LEADER)

    async def _participants(self, info: strawberry.Info) -> list[models.CohortParticipant]:
        ctx = context_of(info)
        return await ctx.loaders.load(
            support_service.participants_by_participation, uuid.UUID(str(self.id))
        )

    @classmethod
    def from_row(cls, row: models.CohortParticipation) -> CohortParticipation:
        return cls(
            id=strawberry.ID(str(row.id)),
            head_count=row.head_count,
            participant_count=row.participants,
            joined_at=row.joined_at,
            across_county_border=row.across_county_border,
            cohort_id=row.cohort_id,
            municipality_number=row.municipality,
            municipality_as_posted=row.municipality_as_posted or row.municipality,
            **provenance_of(row),
        )


@strawberry.type(
    description="A year's reported totals of the programme (2017: known only as totals)"
)
class SupportProgrammeYear(ProvenanceFields):
    year: int
    employees: int = strawberry.field(description="Leaders and employees who took part")
    municipalities: int | None
    counties: int | None
    approximate: bool = strawberry.field(description="The report says about so many")

    @classmethod
    def from_row(cls, row: models.SupportProgrammeYear) -> SupportProgrammeYear:
        return cls(
            year=row.year,
            employees=row.employees,
            municipalities=row.municipalities,
            counties=row.counties,
            approximate=row.approximate,
            **provenance_of(row),
        )


@strawberry.input
class SupportProgrammeYearInput(ProvenanceInput):
    year: int
    employees: int
    municipalities: int | None = None
    counties: int | None = None
    approximate: bool = False


@strawberry.input
class SupportCohortInput(ProvenanceInput):
    county: str
    knowledge_centre: KnowledgeCentre
    starts_on: date
    ends_on: date = strawberry.field(description="3–4 months after startsOn, inclusive")


@strawberry.input
class CohortGatheringInput:
    cohort_id: strawberry.ID
    kind: GatheringKind
    held_on: date = strawberry.field(name="date", description="Within the cohort's period")


@strawberry.input
class CohortParticipantInput:
    employee_ref: str = strawberry.field(
        description="The municipality's pseudonymous id; never a national identity number"
    )
    role: ParticipantRole


@strawberry.input
class CohortJoinInput(ProvenanceInput):
    cohort_id: strawberry.ID
    municipality: str
    head_count: int = strawberry.field(
        description="Employees of the service; all of them commit to take part"
    )
    participants: list[CohortParticipantInput]
    across_county_border: bool = strawberry.field(
        default=False,
        description="The service of a neighbouring county joins this county's cohort, where "
        "the programme enrolled it (Etne and Sveio, Hordaland then, in Rogaland's 2018 cohort)",
    )


@strawberry.input
class EvaluationResponseInput:
    satisfaction: int
    relevance: int
    learning_outcome: int


@strawberry.input
class CohortEvaluationsInput:
    cohort_id: strawberry.ID
    submission_ref: str = strawberry.field(
        description="The poster's name for this set of forms: posting it again is a replay"
    )
    responses: list[EvaluationResponseInput]


@strawberry.type
class SupportQuery:
    @strawberry.field(description="Service-support cohorts (public), by county and term.")
    async def support_cohorts(
        self, info: strawberry.Info, county: str | None = None, term: str | None = None
    ) -> list[SupportCohort]:
        rows = await support_service.find_cohorts(
            context_of(info).runtime, county=county, term=term
        )
        return [SupportCohort.from_row(row) for row in rows]

    @strawberry.field
    async def support_cohort(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> SupportCohort | None:
        row = await support_service.cohort(context_of(info).runtime, cohort_id=id)
        return SupportCohort.from_row(row) if row else None

    @strawberry.field(description="The programme's reported totals per year (public).")
    async def support_programme_years(self, info: strawberry.Info) -> list[SupportProgrammeYear]:
        rows = await support_years.years(context_of(info).runtime)
        return [SupportProgrammeYear.from_row(row) for row in rows]


@strawberry.type
class SupportMutation:
    @strawberry.mutation(
        description="The directorate records a year's reported totals; again replaces them."
    )
    async def record_support_programme_year(
        self, info: strawberry.Info, input: SupportProgrammeYearInput
    ) -> SupportProgrammeYear:
        ctx = context_of(info)
        row = await support_years.record_year(
            ctx.runtime,
            ctx.principal,
            year=input.year,
            employees=input.employees,
            municipalities=input.municipalities,
            counties=input.counties,
            approximate=input.approximate,
            demo=input.demo,
            source=input.source,
        )
        return SupportProgrammeYear.from_row(row)

    @strawberry.mutation(description="The directorate creates a cohort for a county.")
    async def create_support_cohort(
        self, info: strawberry.Info, input: SupportCohortInput
    ) -> SupportCohort:
        ctx = context_of(info)
        row = await support_service.create_cohort(
            ctx.runtime,
            ctx.principal,
            county=input.county,
            knowledge_centre=input.knowledge_centre,
            starts_on=input.starts_on,
            ends_on=input.ends_on,
            demo=input.demo,
            source=input.source,
        )
        return SupportCohort.from_row(row)

    @strawberry.mutation(
        description="The directorate adds a gathering; adding it again is a no-op."
    )
    async def add_cohort_gathering(
        self, info: strawberry.Info, input: CohortGatheringInput
    ) -> SupportCohort:
        ctx = context_of(info)
        row = await support_service.add_gathering(
            ctx.runtime,
            ctx.principal,
            cohort_id=input.cohort_id,
            kind=input.kind,
            held_on=input.held_on,
        )
        return SupportCohort.from_row(row)

    @strawberry.mutation(description="The directorate completes a cohort once it has ended.")
    async def complete_support_cohort(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> SupportCohort:
        ctx = context_of(info)
        row = await support_service.complete_cohort(ctx.runtime, ctx.principal, cohort_id=id)
        return SupportCohort.from_row(row)

    @strawberry.mutation(
        description="A municipality's service joins a cohort of its county; joining again "
        "replaces its head count and participants."
    )
    async def join_support_cohort(
        self, info: strawberry.Info, input: CohortJoinInput
    ) -> CohortParticipation:
        ctx = context_of(info)
        row = await support_service.join_cohort(
            ctx.runtime,
            ctx.principal,
            cohort_id=input.cohort_id,
            municipality=input.municipality,
            head_count=input.head_count,
            participants=[Participant(p.employee_ref, p.role) for p in input.participants],
            across_county_border=input.across_county_border,
            demo=input.demo,
            source=input.source,
        )
        return CohortParticipation.from_row(row)

    @strawberry.mutation(
        description="Anonymous evaluation forms, posted by the directorate or the knowledge "
        "centre running the cohort (its machine client, institution:<centre>)."
    )
    async def record_cohort_evaluations(
        self, info: strawberry.Info, input: CohortEvaluationsInput
    ) -> SupportCohort:
        ctx = context_of(info)
        responses = [
            Scores(r.satisfaction, r.relevance, r.learning_outcome) for r in input.responses
        ]
        row = await support_service.record_evaluations(
            ctx.runtime,
            ctx.principal,
            cohort_id=input.cohort_id,
            ref=input.submission_ref,
            responses=responses,
        )
        return SupportCohort.from_row(row)
