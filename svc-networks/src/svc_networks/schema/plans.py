"""Competence plans and their approvals in networks' subgraph."""

from __future__ import annotations

from datetime import date

import strawberry

from shared.inputs import maybe_uuid
from shared.provenance import ProvenanceFields, provenance_of
from shared.subgraph import context_of
from svc_networks import models
from svc_networks.domain.plans import PlanStatus
from svc_networks.schema.municipality import Municipality
from svc_networks.schema.networks import LearningNetwork
from svc_networks.service import plans, reads

strawberry.enum(PlanStatus, name="CompetencePlanStatus")


@strawberry.type
class CompetencePlan(ProvenanceFields):
    id: strawberry.ID
    version: int
    title: str
    status: PlanStatus
    drafted_on: date
    decided_on: date | None = strawberry.field(description="The network's decision; null: none")
    in_force_on: date | None
    row: strawberry.Private[models.CompetencePlan]

    @strawberry.field(description="The municipalities that approved this version.")
    async def approved_by(self, info: strawberry.Info) -> list[Municipality]:
        found = await reads.plan_approvals(context_of(info).loaders, self.row)
        return [Municipality(number=n) for n in found.approved_by]

    @strawberry.field(description="Current members whose approval of this version is missing.")
    async def missing_approvals(self, info: strawberry.Info) -> list[Municipality]:
        found = await reads.plan_approvals(context_of(info).loaders, self.row)
        return [Municipality(number=n) for n in found.missing]

    @strawberry.field
    async def network(self, info: strawberry.Info) -> LearningNetwork:
        row = await context_of(info).loaders.load(reads.networks_by_id, self.row.network_id)
        assert row is not None  # a plan's network is never deleted
        return LearningNetwork.from_row(row)

    @classmethod
    def from_row(cls, row: models.CompetencePlan) -> CompetencePlan:
        return cls(
            id=strawberry.ID(str(row.id)),
            version=row.version,
            title=row.title,
            status=PlanStatus(row.status),
            drafted_on=row.drafted_on,
            decided_on=row.decided_on,
            in_force_on=row.in_force_on,
            row=row,
            **provenance_of(row),
        )


@strawberry.input
class PlanApprovalInput:
    plan_id: strawberry.ID
    municipality: str | None = strawberry.field(
        default=None,
        description="A member approving for itself; none: the network's own decision (governor)",
    )


@strawberry.type
class PlanQuery:
    @strawberry.field(description="Public: one version of a competence plan.")
    async def competence_plan(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> CompetencePlan | None:
        key = maybe_uuid(id)
        row = await context_of(info).loaders.load(reads.plans_by_id, key) if key else None
        return CompetencePlan.from_row(row) if row else None


@strawberry.type
class PlanMutation:
    @strawberry.mutation(
        description="The county governor drafts a new version; approvals start over."
    )
    async def draft_competence_plan(
        self,
        info: strawberry.Info,
        network_id: strawberry.ID,
        title: str,
        demo: bool = False,
        source: str | None = None,
    ) -> CompetencePlan:
        ctx = context_of(info)
        row = await plans.draft_plan(
            ctx.runtime,
            ctx.principal,
            network_id=network_id,
            title=title,
            demo=demo,
            source=source,
        )
        return CompetencePlan.from_row(row)

    @strawberry.mutation(
        description="The network's decision (county governor, no municipality) or a member's "
        "approval (the municipality itself). In force once both are complete."
    )
    async def approve_competence_plan(
        self, info: strawberry.Info, input: PlanApprovalInput
    ) -> CompetencePlan:
        ctx = context_of(info)
        row = await plans.approve_plan(
            ctx.runtime, ctx.principal, plan_id=input.plan_id, municipality=input.municipality
        )
        return CompetencePlan.from_row(row)
