"""Guidance's GraphQL types: cases, engagements, their plans and visits, advisers, Municipality.

Fields that read further rows load them in batches; who may read what is decided by the use
cases (`service.reads`, `service.advisers.detail`), never here.
"""

from __future__ import annotations

import uuid
from datetime import date

import strawberry

from shared import reference
from shared.provenance import ProvenanceFields, provenance_of
from shared.subgraph import MunicipalityKey, context_of
from svc_guidance import models
from svc_guidance.domain import CaseStatus, EngagementStatus, GuidanceOrigin, RiskLevel
from svc_guidance.service import advisers, reads

strawberry.enum(GuidanceOrigin)
strawberry.enum(CaseStatus, name="GuidanceCaseStatus")
strawberry.enum(EngagementStatus, name="GuidanceEngagementStatus")
strawberry.enum(RiskLevel)


def _id(value: uuid.UUID) -> strawberry.ID:
    return strawberry.ID(str(value))


@strawberry.federation.type(keys=["number"])
class Municipality(MunicipalityKey):
    @strawberry.field(
        description="Guidance engagements covering the municipality, its own or its shared "
        "child-welfare service's (the directorate, the municipality, its county governor)."
    )
    async def guidance(self, info: strawberry.Info) -> list[GuidanceEngagement]:
        ctx = context_of(info)
        rows = await reads.municipality_engagements(
            ctx.loaders, ctx.principal, municipality=self.number
        )
        return [GuidanceEngagement.from_row(row) for row in rows]


@strawberry.type
class GuidanceAdviser(ProvenanceFields):
    id: strawberry.ID
    name: str
    capacity: int = strawberry.field(description="Active engagements the adviser can carry")
    active_engagements: int
    row: strawberry.Private[models.GuidanceAdviser]

    @strawberry.field(description="Active engagements as a share of capacity (0 to 1).")
    def utilisation(self) -> float:
        return self.active_engagements / self.capacity

    @strawberry.field(description="Experience as a leader (the directorate).")
    def background(self, info: strawberry.Info) -> str | None:
        return advisers.detail(context_of(info).principal, self.row.background)

    @strawberry.field(description="Where the adviser works from (the directorate).")
    def region(self, info: strawberry.Info) -> str | None:
        return advisers.detail(context_of(info).principal, self.row.region)

    @strawberry.field(description="The adviser's engagements, oldest first (the directorate).")
    async def engagements(
        self, info: strawberry.Info, status: EngagementStatus | None = None
    ) -> list[GuidanceEngagement]:
        ctx = context_of(info)
        rows = await reads.adviser_engagements(ctx.loaders, ctx.principal, adviser_id=self.row.id)
        return [GuidanceEngagement.from_row(r) for r in rows if status in (None, r.status)]

    @classmethod
    def from_row(cls, row: models.GuidanceAdviser) -> GuidanceAdviser:
        return cls(
            id=_id(row.id),
            name=row.name,
            capacity=row.capacity,
            active_engagements=row.active_engagements,
            row=row,
            **provenance_of(row),
        )


@strawberry.type
class GuidanceCase(ProvenanceFields):
    id: strawberry.ID
    origin: GuidanceOrigin
    status: CaseStatus
    reason: str
    evidence: str | None = strawberry.field(description="What a nomination rests on")
    committed_hours_per_month: int | None = strawberry.field(
        description="Time the municipality set aside, once it accepted"
    )
    opened_on: date
    row: strawberry.Private[models.GuidanceCase]

    @strawberry.field
    def municipality(self) -> Municipality:
        return Municipality(number=self.row.municipality)

    @strawberry.field(
        description="The municipality's latest risk level, learnt from its risk assessments."
    )
    async def risk_level(self, info: strawberry.Info) -> RiskLevel | None:
        risk = await context_of(info).loaders.load(
            reads.risk_by_municipality, self.row.municipality
        )
        return RiskLevel(risk.level) if risk else None

    @strawberry.field(description="The engagement started for this case, once started.")
    async def engagement(self, info: strawberry.Info) -> GuidanceEngagement | None:
        row = await context_of(info).loaders.load(reads.engagements_by_case, self.row.id)
        return GuidanceEngagement.from_row(row) if row else None

    @classmethod
    def from_row(cls, row: models.GuidanceCase) -> GuidanceCase:
        return cls(
            id=_id(row.id),
            origin=GuidanceOrigin(row.origin),
            status=CaseStatus(row.status),
            reason=row.reason,
            evidence=row.evidence,
            committed_hours_per_month=row.committed_hours_per_month,
            opened_on=row.opened_at.date(),
            row=row,
            **provenance_of(row),
        )


@strawberry.type
class GuidanceMilestone:
    id: strawberry.ID
    title: str
    due_on: date
    reached_on: date | None

    @classmethod
    def from_row(cls, row: models.Milestone) -> GuidanceMilestone:
        return cls(id=_id(row.id), title=row.title, due_on=row.due_on, reached_on=row.reached_on)


@strawberry.type
class GuidanceVisit:
    id: strawberry.ID
    visited_on: date
    note: str
    adviser_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def adviser(self, info: strawberry.Info) -> GuidanceAdviser:
        row = await context_of(info).loaders.load(reads.advisers_by_id, self.adviser_id)
        assert row is not None  # advisers are never deleted
        return GuidanceAdviser.from_row(row)

    @classmethod
    def from_row(cls, row: models.Visit) -> GuidanceVisit:
        return cls(
            id=_id(row.id), visited_on=row.visited_on, note=row.note, adviser_id=row.adviser_id
        )


@strawberry.type
class GuidanceEngagement(ProvenanceFields):
    id: strawberry.ID
    round: int
    starts_on: date
    ends_on: date = strawberry.field(description="Two years after the start, as planned")
    status: EngagementStatus
    closed_on: date | None = strawberry.field(description="Completed or ended early on")
    final_report: str | None
    ended_reason: str | None
    row: strawberry.Private[models.GuidanceEngagement]

    @strawberry.field(description="The host municipality (a shared service's host).")
    def municipality(self) -> Municipality:
        return Municipality(number=self.row.municipality)

    @strawberry.field(
        description="The host's name in the round's year, by the number its case was opened "
        'with (1432 in 2018: "Førde", today part of Sunnfjord)'
    )
    async def municipality_name_then(self, info: strawberry.Info) -> str:
        case = await context_of(info).loaders.load(reads.cases_by_id, self.row.case_id)
        assert case is not None  # an engagement's case is never deleted
        number = case.municipality_as_posted or case.municipality
        return reference.name_in(number, reference.record_year(self.round)) or number

    @strawberry.field(description="Every municipality it covers, the host first.")
    async def covered_municipalities(self, info: strawberry.Info) -> list[Municipality]:
        numbers = await context_of(info).loaders.load(reads.covered_by_engagement, self.row.id)
        return [Municipality(number=number) for number in numbers]

    @strawberry.field
    async def advisers(self, info: strawberry.Info) -> list[GuidanceAdviser]:
        rows = await context_of(info).loaders.load(reads.advisers_by_engagement, self.row.id)
        return [GuidanceAdviser.from_row(row) for row in rows]

    @strawberry.field(name="case")
    async def guidance_case(self, info: strawberry.Info) -> GuidanceCase:
        row = await context_of(info).loaders.load(reads.cases_by_id, self.row.case_id)
        assert row is not None  # an engagement's case is never deleted
        return GuidanceCase.from_row(row)

    @strawberry.field(description="The plan: its milestones by due date.")
    async def milestones(self, info: strawberry.Info) -> list[GuidanceMilestone]:
        rows = await context_of(info).loaders.load(reads.milestones_by_engagement, self.row.id)
        return [GuidanceMilestone.from_row(row) for row in rows]

    @strawberry.field(description="The advisers' visits, oldest first.")
    async def visits(self, info: strawberry.Info) -> list[GuidanceVisit]:
        rows = await context_of(info).loaders.load(reads.visits_by_engagement, self.row.id)
        return [GuidanceVisit.from_row(row) for row in rows]

    @classmethod
    def from_row(cls, row: models.GuidanceEngagement) -> GuidanceEngagement:
        return cls(
            id=_id(row.id),
            round=row.round,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            status=EngagementStatus(row.status),
            closed_on=row.closed_on,
            final_report=row.final_report,
            ended_reason=row.ended_reason,
            row=row,
            **provenance_of(row),
        )
