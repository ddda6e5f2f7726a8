"""The entities networks extends: a municipality's network, projects, meetings and risk."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from shared.subgraph import CountyKey, MunicipalityKey, context_of
from svc_networks.service import reads

if TYPE_CHECKING:
    from svc_networks.schema.dialogue import DialogueMeeting, RiskAssessment
    from svc_networks.schema.networks import LearningNetwork
    from svc_networks.schema.projects import DevelopmentProject

_DIALOGUE = "svc_networks.schema.dialogue"
_NETWORKS = "svc_networks.schema.networks"
_PROJECTS = "svc_networks.schema.projects"


@strawberry.federation.type(keys=["number"])
class Municipality(MunicipalityKey):
    @strawberry.field(description="The learning network the municipality takes part in today.")
    async def learning_network(
        self, info: strawberry.Info
    ) -> Annotated[LearningNetwork, strawberry.lazy(_NETWORKS)] | None:
        from svc_networks.schema.networks import LearningNetwork

        row = await context_of(info).loaders.load(reads.network_by_member, self.number)
        return LearningNetwork.from_row(row) if row else None

    @strawberry.field(description="The development projects it takes part in, oldest first.")
    async def development_projects(
        self, info: strawberry.Info
    ) -> list[Annotated[DevelopmentProject, strawberry.lazy(_PROJECTS)]]:
        from svc_networks.schema.projects import DevelopmentProject

        rows = await context_of(info).loaders.load(reads.projects_by_municipality, self.number)
        return [DevelopmentProject.from_row(row) for row in rows]

    @strawberry.field(
        description="Its county governor's dialogue meetings with it, oldest first (the "
        "directorate, its county governor, itself)."
    )
    async def dialogue_meetings(
        self, info: strawberry.Info
    ) -> list[Annotated[DialogueMeeting, strawberry.lazy(_DIALOGUE)]]:
        from svc_networks.schema.dialogue import DialogueMeeting

        ctx = context_of(info)
        rows = await reads.municipality_meetings(
            ctx.loaders, ctx.principal, municipality=self.number
        )
        return [DialogueMeeting.from_row(row) for row in rows]

    @strawberry.field(
        description="Its latest risk self-assessment (the directorate, its county governor, "
        "itself)."
    )
    async def risk_assessment(
        self, info: strawberry.Info
    ) -> Annotated[RiskAssessment, strawberry.lazy(_DIALOGUE)] | None:
        from svc_networks.schema.dialogue import RiskAssessment

        ctx = context_of(info)
        row = await reads.municipality_risk(ctx.loaders, ctx.principal, municipality=self.number)
        return RiskAssessment.from_row(row) if row else None


@strawberry.federation.type(keys=["number"])
class County(CountyKey):
    """Referenced by a network; networks adds no fields to it."""
