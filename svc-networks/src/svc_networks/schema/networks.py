"""Learning networks and their members in networks' subgraph."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from shared import reference
from shared.provenance import ProvenanceFields, ProvenanceInput, provenance_of
from shared.subgraph import context_of
from svc_networks import models
from svc_networks.schema.municipality import County, Municipality
from svc_networks.service import networks, reads

if TYPE_CHECKING:
    from svc_networks.schema.plans import CompetencePlan
    from svc_networks.schema.projects import DevelopmentProject

_PLANS = "svc_networks.schema.plans"
_PROJECTS = "svc_networks.schema.projects"


@strawberry.type
class NetworkMember:
    municipality: Municipality
    joined_on: date
    left_on: date | None
    leadership_contact: str | None = strawberry.field(
        description="For the directorate, the county governor and the member itself; else null"
    )


@strawberry.type
class LearningNetwork(ProvenanceFields):
    id: strawberry.ID
    name: str
    established_on: date
    partners: list[str] = strawberry.field(
        description="Universities, knowledge centres, KS: who the network works with"
    )
    county_number: strawberry.Private[str]
    county_as_posted: strawberry.Private[str]

    @strawberry.field
    def county(self) -> County:
        return County(number=self.county_number)

    @strawberry.field(
        description="The county's name in the year it was established, by the number it was "
        'created with (14 in 2018: "Sogn og Fjordane", today part of Vestland)'
    )
    def county_name_then(self) -> str:
        year = reference.record_year(self.established_on.year)
        name = reference.county_name_in(self.county_as_posted, year)
        return name or self.county_as_posted

    @strawberry.field(description="Every membership, past ones with leftOn, oldest first.")
    async def members(self, info: strawberry.Info) -> list[NetworkMember]:
        ctx = context_of(info)
        rows = await ctx.loaders.load(reads.members_by_network, self.key)
        return [
            NetworkMember(
                municipality=Municipality(number=row.municipality),
                joined_on=row.joined_on,
                left_on=row.left_on,
                leadership_contact=reads.member_contact(ctx.principal, row),
            )
            for row in rows
        ]

    @strawberry.field(description="The newest version of the network's competence plan.")
    async def current_plan(
        self, info: strawberry.Info
    ) -> Annotated[CompetencePlan, strawberry.lazy(_PLANS)] | None:
        from svc_networks.schema.plans import CompetencePlan

        rows = await context_of(info).loaders.load(reads.plans_by_network, self.key)
        return CompetencePlan.from_row(rows[-1]) if rows else None

    @strawberry.field(description="Every version of the competence plan, oldest first.")
    async def plans(
        self, info: strawberry.Info
    ) -> list[Annotated[CompetencePlan, strawberry.lazy(_PLANS)]]:
        from svc_networks.schema.plans import CompetencePlan

        rows = await context_of(info).loaders.load(reads.plans_by_network, self.key)
        return [CompetencePlan.from_row(row) for row in rows]

    @strawberry.field(description="The network's development projects, oldest first.")
    async def projects(
        self, info: strawberry.Info
    ) -> list[Annotated[DevelopmentProject, strawberry.lazy(_PROJECTS)]]:
        from svc_networks.schema.projects import DevelopmentProject

        rows = await context_of(info).loaders.load(reads.projects_by_network, self.key)
        return [DevelopmentProject.from_row(row) for row in rows]

    @property
    def key(self) -> uuid.UUID:
        return uuid.UUID(str(self.id))

    @classmethod
    def from_row(cls, row: models.LearningNetwork) -> LearningNetwork:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            established_on=row.established_on,
            partners=list(row.partners),
            county_number=row.county,
            county_as_posted=row.county_as_posted or row.county,
            **provenance_of(row),
        )


@strawberry.input
class LearningNetworkInput(ProvenanceInput):
    county: str
    name: str
    members: list[str] = strawberry.field(description="The first is the lead municipality")
    partners: list[str] | None = None
    established_on: date | None = strawberry.field(
        default=None, description="When the members joined; today when not given"
    )


@strawberry.type
class NetworkQuery:
    @strawberry.field(description="Public: the learning networks, of one county or all.")
    async def learning_networks(
        self, info: strawberry.Info, county: str | None = None
    ) -> list[LearningNetwork]:
        rows = await reads.networks(context_of(info).runtime, county=county)
        return [LearningNetwork.from_row(row) for row in rows]


@strawberry.type
class NetworkMutation:
    @strawberry.mutation(description="That county's governor (or the directorate).")
    async def create_learning_network(
        self, info: strawberry.Info, input: LearningNetworkInput
    ) -> LearningNetwork:
        ctx = context_of(info)
        row = await networks.create_network(
            ctx.runtime,
            ctx.principal,
            county=input.county,
            name=input.name,
            members=input.members,
            partners=input.partners,
            established_on=input.established_on,
            demo=input.demo,
            source=input.source,
        )
        return LearningNetwork.from_row(row)

    @strawberry.mutation(
        description="The county governor adds a member; the plan's approval reopens."
    )
    async def join_learning_network(
        self,
        info: strawberry.Info,
        network_id: strawberry.ID,
        municipality: str,
        leadership_contact: str | None = None,
        joined_on: date | None = None,
    ) -> LearningNetwork:
        ctx = context_of(info)
        row = await networks.join_network(
            ctx.runtime,
            ctx.principal,
            network_id=network_id,
            municipality=municipality,
            leadership_contact=leadership_contact,
            joined_on=joined_on,
        )
        return LearningNetwork.from_row(row)

    @strawberry.mutation(description="The county governor sets a member's leadership contact.")
    async def set_leadership_contact(
        self,
        info: strawberry.Info,
        network_id: strawberry.ID,
        municipality: str,
        leadership_contact: str | None,
    ) -> LearningNetwork:
        ctx = context_of(info)
        row = await networks.set_leadership_contact(
            ctx.runtime,
            ctx.principal,
            network_id=network_id,
            municipality=municipality,
            leadership_contact=leadership_contact,
        )
        return LearningNetwork.from_row(row)

    @strawberry.mutation(description="The county governor ends a membership on a date.")
    async def leave_learning_network(
        self, info: strawberry.Info, network_id: strawberry.ID, municipality: str, left_on: date
    ) -> LearningNetwork:
        ctx = context_of(info)
        row = await networks.leave_network(
            ctx.runtime,
            ctx.principal,
            network_id=network_id,
            municipality=municipality,
            left_on=left_on,
        )
        return LearningNetwork.from_row(row)
