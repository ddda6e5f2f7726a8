"""Development projects in networks' subgraph."""

from __future__ import annotations

from datetime import date

import strawberry

from shared.inputs import maybe_uuid
from shared.money import format_nok
from shared.subgraph import context_of
from svc_networks import models
from svc_networks.domain.projects import CostKind, ProjectStatus
from svc_networks.schema.municipality import Municipality
from svc_networks.schema.networks import LearningNetwork
from svc_networks.schema.plans import CompetencePlan
from svc_networks.service import projects, reads

strawberry.enum(ProjectStatus, name="DevelopmentProjectStatus")
strawberry.enum(CostKind, name="ProjectCostKind")


@strawberry.type
class ProjectCostLine:
    kind: CostKind
    amount_nok: str


@strawberry.type
class DevelopmentProject:
    id: strawberry.ID
    title: str
    partner: str = strawberry.field(
        description="The education, research or competence institution it is carried out with"
    )
    budget_nok: str
    status: ProjectStatus
    plan_version: int = strawberry.field(description="The version of the plan it rests on")
    proposed_on: date
    final_report: str | None
    row: strawberry.Private[models.DevelopmentProject]

    @strawberry.field
    async def network(self, info: strawberry.Info) -> LearningNetwork:
        row = await context_of(info).loaders.load(reads.networks_by_id, self.row.network_id)
        assert row is not None  # a project's network is never deleted
        return LearningNetwork.from_row(row)

    @strawberry.field(description="The participating municipalities, the lead (proposer) first.")
    async def municipalities(self, info: strawberry.Info) -> list[Municipality]:
        rows = await context_of(info).loaders.load(reads.participants_by_project, self.row.id)
        return [Municipality(number=row.municipality) for row in rows]

    @strawberry.field(description="The budget's breakdown; empty when it was not broken down.")
    async def cost_lines(self, info: strawberry.Info) -> list[ProjectCostLine]:
        rows = await context_of(info).loaders.load(reads.cost_lines_by_project, self.row.id)
        return [
            ProjectCostLine(kind=CostKind(row.kind), amount_nok=format_nok(row.amount_ore))
            for row in rows
        ]

    @strawberry.field(description="The plan version it rests on.")
    async def plan(self, info: strawberry.Info) -> CompetencePlan:
        row = await context_of(info).loaders.load(reads.plans_by_id, self.row.plan_id)
        assert row is not None  # plans are never deleted
        return CompetencePlan.from_row(row)

    @classmethod
    def from_row(cls, row: models.DevelopmentProject) -> DevelopmentProject:
        return cls(
            id=strawberry.ID(str(row.id)),
            title=row.title,
            partner=row.partner,
            budget_nok=format_nok(row.budget_ore),
            status=ProjectStatus(row.status),
            plan_version=row.plan_version,
            proposed_on=row.proposed_on,
            final_report=row.final_report,
            row=row,
        )


@strawberry.input
class ProjectCostLineInput:
    kind: CostKind
    amount_nok: str


@strawberry.input
class DevelopmentProjectInput:
    network_id: strawberry.ID
    title: str
    municipalities: list[str] = strawberry.field(
        description="Current members of the network; the proposing municipality is the lead"
    )
    partner: str
    budget_nok: str
    cost_lines: list[ProjectCostLineInput] | None = strawberry.field(
        default=None, description="Project management, external support, other: sum = budget"
    )


@strawberry.type
class ProjectQuery:
    @strawberry.field(description="Public: one development project.")
    async def development_project(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> DevelopmentProject | None:
        key = maybe_uuid(id)
        if key is None:
            return None
        ctx = context_of(info)
        row = await ctx.loaders.load(reads.projects_by_id, key)
        return DevelopmentProject.from_row(row) if row else None


@strawberry.type
class ProjectMutation:
    @strawberry.mutation(
        description="A participating member municipality proposes a project on the plan in "
        "force; CONFLICT naming what is missing otherwise."
    )
    async def propose_development_project(
        self, info: strawberry.Info, input: DevelopmentProjectInput
    ) -> DevelopmentProject:
        ctx = context_of(info)
        lines = None
        if input.cost_lines is not None:
            lines = [(line.kind, line.amount_nok) for line in input.cost_lines]
        row = await projects.propose_project(
            ctx.runtime,
            ctx.principal,
            network_id=input.network_id,
            title=input.title,
            municipalities=input.municipalities,
            partner=input.partner,
            budget_nok=input.budget_nok,
            cost_lines=lines,
        )
        return DevelopmentProject.from_row(row)

    @strawberry.mutation(description="The lead municipality starts a FUNDED project.")
    async def start_development_project(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> DevelopmentProject:
        ctx = context_of(info)
        row = await projects.start_project(ctx.runtime, ctx.principal, project_id=id)
        return DevelopmentProject.from_row(row)

    @strawberry.mutation(
        description="The lead municipality completes a RUNNING project with its final report."
    )
    async def complete_development_project(
        self, info: strawberry.Info, id: strawberry.ID, final_report: str
    ) -> DevelopmentProject:
        ctx = context_of(info)
        row = await projects.complete_project(
            ctx.runtime, ctx.principal, project_id=id, final_report=final_report
        )
        return DevelopmentProject.from_row(row)
