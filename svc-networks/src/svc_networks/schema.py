"""Networks' subgraph: county learning networks and the municipality's membership."""

from __future__ import annotations

from datetime import date

import strawberry

from shared.subgraph import MunicipalityKey, context_of, federation_schema
from svc_networks import models, service


@strawberry.type
class LearningNetwork:
    id: strawberry.ID
    name: str
    county_number: str
    established_on: date

    @classmethod
    def from_row(cls, row: models.LearningNetwork) -> LearningNetwork:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            county_number=row.county,
            established_on=row.established_on,
        )


@strawberry.federation.type(keys=["number"])
class Municipality(MunicipalityKey):
    @strawberry.field(description="The county learning network the municipality takes part in.")
    async def learning_network(self, info: strawberry.Info) -> LearningNetwork | None:
        row = await context_of(info).loaders.load(service.network_by_member, self.number)
        return LearningNetwork.from_row(row) if row else None


@strawberry.type
class Query:
    @strawberry.field
    async def learning_networks(
        self, info: strawberry.Info, county: str | None = None
    ) -> list[LearningNetwork]:
        rows = await service.networks(context_of(info).runtime, county=county)
        return [LearningNetwork.from_row(row) for row in rows]


schema = federation_schema(Query, types=[Municipality])
