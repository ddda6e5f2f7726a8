"""Grants' subgraph: schemes and budgets, and the municipality's grant eligibility."""

from __future__ import annotations

from enum import Enum

import strawberry

from shared.money import format_nok
from shared.subgraph import context_of, federation_schema
from svc_grants import models, service
from svc_grants.domain import SchemeKind


@strawberry.enum
class GrantSchemeKind(Enum):
    EMPLOYER_FURTHER_EDUCATION = "EMPLOYER_FURTHER_EDUCATION"
    DEVELOPMENT_PROJECT = "DEVELOPMENT_PROJECT"


@strawberry.type
class GrantScheme:
    id: strawberry.ID
    name: str
    year: int
    kind: GrantSchemeKind
    county: str | None
    budget_nok: str
    committed_nok: str
    paid_nok: str
    available_nok: str

    @classmethod
    def from_row(cls, row: models.GrantScheme) -> GrantScheme:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            year=row.year,
            kind=GrantSchemeKind(row.kind),
            county=row.county,
            budget_nok=format_nok(row.budget_ore),
            committed_nok=format_nok(row.committed_ore),
            paid_nok=format_nok(row.paid_ore),
            available_nok=format_nok(row.budget_ore - row.committed_ore),
        )


@strawberry.type
class GrantEligibility:
    enrolment_id: strawberry.ID
    status: str
    year: strawberry.Private[int]

    @strawberry.field(
        description="The employer grant scheme of the enrolment's year, once created."
    )
    async def scheme(self, info: strawberry.Info) -> GrantScheme | None:
        ctx = context_of(info)
        row = await ctx.loader(
            "employer_scheme_by_year",
            lambda years: service.employer_schemes_by_year(ctx.runtime, years),
        ).load(self.year)
        return GrantScheme.from_row(row) if row else None


@strawberry.federation.type(keys=["number"])
class Municipality:
    number: str

    @strawberry.field(
        description="Employer-grant eligibility, learnt from education's enrolment events."
    )
    async def grant_eligibility(self, info: strawberry.Info) -> list[GrantEligibility]:
        ctx = context_of(info)
        ctx.principal.require_municipality(self.number)
        rows = await ctx.loader(
            "eligibility_by_municipality",
            lambda numbers: service.eligibility_by_municipality(ctx.runtime, numbers),
        ).load(self.number)
        return [
            GrantEligibility(
                enrolment_id=strawberry.ID(str(r.enrolment_id)), status=r.status, year=r.year
            )
            for r in rows
        ]

    @classmethod
    def resolve_reference(cls, number: str) -> Municipality:
        return cls(number=number)


@strawberry.input
class GrantSchemeInput:
    name: str
    year: int
    kind: GrantSchemeKind
    budget_nok: str
    county: str | None = None


@strawberry.type
class Query:
    @strawberry.field
    async def grant_schemes(
        self, info: strawberry.Info, year: int | None = None
    ) -> list[GrantScheme]:
        rows = await service.schemes(context_of(info).runtime, year)
        return [GrantScheme.from_row(row) for row in rows]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="The directorate creates a scheme with its annual budget.")
    async def create_grant_scheme(
        self, info: strawberry.Info, input: GrantSchemeInput
    ) -> GrantScheme:
        ctx = context_of(info)
        row = await service.create_scheme(
            ctx.runtime,
            ctx.principal,
            name=input.name,
            year=input.year,
            kind=SchemeKind(input.kind.value),
            budget_nok=input.budget_nok,
            county=input.county,
        )
        return GrantScheme.from_row(row)


schema = federation_schema(Query, Mutation, types=[Municipality])
