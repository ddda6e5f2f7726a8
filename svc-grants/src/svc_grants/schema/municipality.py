"""The entities grants extends: a municipality's eligibility and applications, the county."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from shared.subgraph import CountyKey, MunicipalityKey, context_of
from svc_grants.service import reads

if TYPE_CHECKING:
    from svc_grants.schema.applications import GrantApplication
    from svc_grants.schema.schemes import GrantScheme

_APPLICATIONS = "svc_grants.schema.applications"
_SCHEMES = "svc_grants.schema.schemes"


@strawberry.type
class GrantEligibility:
    enrolment_id: strawberry.ID
    status: str = strawberry.field(description="ELIGIBLE, AWAITING_SEAT, WITHDRAWN or COMPLETED")
    year: strawberry.Private[int]

    @strawberry.field(
        description="The employer grant scheme of the enrolment's year, once created."
    )
    async def scheme(
        self, info: strawberry.Info
    ) -> Annotated[GrantScheme, strawberry.lazy(_SCHEMES)] | None:
        from svc_grants.schema.schemes import GrantScheme

        row = await context_of(info).loaders.load(reads.employer_schemes_by_year, self.year)
        return GrantScheme.from_row(row) if row else None


@strawberry.federation.type(keys=["number"])
class Municipality(MunicipalityKey):
    @strawberry.field(
        description="Employer-grant eligibility, learnt from education's enrolment events."
    )
    async def grant_eligibility(self, info: strawberry.Info) -> list[GrantEligibility]:
        ctx = context_of(info)
        rows = await reads.municipality_eligibility(
            ctx.loaders, ctx.principal, municipality=self.number
        )
        return [
            GrantEligibility(
                enrolment_id=strawberry.ID(str(r.enrolment_id)), status=r.status, year=r.year
            )
            for r in rows
        ]

    @strawberry.field(description="The municipality's grant applications, oldest first.")
    async def grant_applications(
        self, info: strawberry.Info
    ) -> list[Annotated[GrantApplication, strawberry.lazy(_APPLICATIONS)]]:
        from svc_grants.schema.applications import GrantApplication

        ctx = context_of(info)
        rows = await reads.municipality_applications(
            ctx.loaders, ctx.principal, municipality=self.number
        )
        return [GrantApplication.from_row(row) for row in rows]


@strawberry.federation.type(keys=["number"])
class County(CountyKey):
    pass
