"""The guidance team in guidance's subgraph."""

from __future__ import annotations

import strawberry

from shared.provenance import ProvenanceInput
from shared.subgraph import context_of
from svc_guidance.schema.types import GuidanceAdviser
from svc_guidance.service import advisers, reads


@strawberry.input
class GuidanceAdviserInput(ProvenanceInput):
    name: str
    capacity: int = strawberry.field(description="Concurrent active engagements, 1 to 10")
    background: str | None = None
    region: str | None = None


@strawberry.type
class AdviserQuery:
    @strawberry.field(description="The team, by name, with utilisation (the directorate).")
    async def guidance_advisers(self, info: strawberry.Info) -> list[GuidanceAdviser]:
        ctx = context_of(info)
        rows = await reads.advisers(ctx.runtime, ctx.principal)
        return [GuidanceAdviser.from_row(row) for row in rows]


@strawberry.type
class AdviserMutation:
    @strawberry.mutation(description="The directorate registers an adviser of the team.")
    async def register_guidance_adviser(
        self, info: strawberry.Info, input: GuidanceAdviserInput
    ) -> GuidanceAdviser:
        ctx = context_of(info)
        row = await advisers.register(
            ctx.runtime,
            ctx.principal,
            name=input.name,
            capacity=input.capacity,
            background=input.background,
            region=input.region,
            demo=input.demo,
            source=input.source,
        )
        return GuidanceAdviser.from_row(row)
