"""Guidance's subgraph: two-year guidance engagements with municipalities at risk."""

from __future__ import annotations

from datetime import date

import strawberry

from shared.live import LiveEventsSubscription
from shared.subgraph import MunicipalityKey, context_of, federation_schema
from svc_guidance import models, service


@strawberry.type
class GuidanceEngagement:
    id: strawberry.ID
    municipality_number: str
    round: int
    status: str
    starts_on: date
    ends_on: date

    @classmethod
    def from_row(cls, row: models.GuidanceEngagement) -> GuidanceEngagement:
        return cls(
            id=strawberry.ID(str(row.id)),
            municipality_number=row.municipality,
            round=row.round,
            status=row.status,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
        )


@strawberry.federation.type(keys=["number"])
class Municipality(MunicipalityKey):
    @strawberry.field(
        description="The municipality's guidance engagements (who may see: as its data)."
    )
    async def guidance(self, info: strawberry.Info) -> list[GuidanceEngagement]:
        ctx = context_of(info)
        rows = await service.municipality_engagements(
            ctx.loaders, ctx.principal, municipality=self.number
        )
        return [GuidanceEngagement.from_row(row) for row in rows]


@strawberry.type
class Query:
    @strawberry.field
    async def guidance_engagements(
        self, info: strawberry.Info, round: int | None = None
    ) -> list[GuidanceEngagement]:
        ctx = context_of(info)
        rows = await service.engagements(ctx.runtime, ctx.principal, round_year=round)
        return [GuidanceEngagement.from_row(row) for row in rows]


# Guidance hosts the platform's live events (API.md: platformEvents).
schema = federation_schema(Query, types=[Municipality], subscription=LiveEventsSubscription)
