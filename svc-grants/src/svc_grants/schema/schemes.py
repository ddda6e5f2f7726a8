"""Schemes and budgets in grants' subgraph."""

from __future__ import annotations

import strawberry

from shared import reference
from shared.money import format_nok, format_optional_nok
from shared.provenance import ProvenanceFields, ProvenanceInput, provenance_of
from shared.subgraph import context_of
from svc_grants import models
from svc_grants.domain.applications import SchemeKind
from svc_grants.schema.municipality import County
from svc_grants.service import reads, schemes
from svc_grants.service.reads import CountyBudget
from svc_grants.service.schemes import YearFunds

strawberry.enum(SchemeKind, name="GrantSchemeKind")


@strawberry.type
class GrantScheme(ProvenanceFields):
    id: strawberry.ID
    name: str
    year: int
    kind: SchemeKind
    county: str | None = strawberry.field(description="Development-project funds: the county")
    budget_nok: str
    committed_nok: str = strawberry.field(
        description="Bound by approvals: approved amounts of open grants, what closed ones kept"
    )
    paid_nok: str = strawberry.field(description="Paid out, less what was reclaimed")
    available_nok: str = strawberry.field(description="Budget less committed")
    cap_per_enrolment_nok: str | None = strawberry.field(
        description="Employer grants: the most one enrolment may be granted"
    )
    county_as_posted: strawberry.Private[str | None]

    @strawberry.field(
        description="The county's name in the scheme's year, by the number it was created "
        'with (12 for 2018: "Hordaland", today part of Vestland)'
    )
    def county_name_then(self) -> str | None:
        number = self.county_as_posted or self.county
        year = reference.record_year(self.year)
        return reference.county_name_in(number, year) if number else None

    @classmethod
    def from_row(cls, row: models.GrantScheme) -> GrantScheme:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            year=row.year,
            kind=SchemeKind(row.kind),
            county=row.county,
            budget_nok=format_nok(row.budget_ore),
            committed_nok=format_nok(row.committed_ore),
            paid_nok=format_nok(row.paid_ore),
            available_nok=format_nok(row.budget_ore - row.committed_ore),
            cap_per_enrolment_nok=format_optional_nok(row.cap_per_enrolment_ore),
            county_as_posted=row.county_as_posted,
            **provenance_of(row),
        )


@strawberry.type
class CountyGrantBudget:
    """A county's development-project funds in a year, over all its schemes."""

    county: County
    year: int
    budget_nok: str
    committed_nok: str
    paid_nok: str
    available_nok: str

    @classmethod
    def of(cls, budget: CountyBudget) -> CountyGrantBudget:
        return cls(
            county=County(number=budget.county),
            year=budget.year,
            budget_nok=format_nok(budget.budget_ore),
            committed_nok=format_nok(budget.committed_ore),
            paid_nok=format_nok(budget.paid_ore),
            available_nok=format_nok(budget.budget_ore - budget.committed_ore),
        )


@strawberry.type(description="A year's appropriation for the programme's grants.")
class Appropriation:
    year: int
    amount_nok: str
    allocated_nok: str = strawberry.field(description="The sum of that year's scheme budgets")

    @classmethod
    def of(cls, funds: YearFunds) -> Appropriation:
        return cls(
            year=funds.year,
            amount_nok=format_nok(funds.amount_ore),
            allocated_nok=format_nok(funds.allocated_ore),
        )


@strawberry.input
class GrantSchemeInput(ProvenanceInput):
    name: str
    year: int
    kind: SchemeKind
    budget_nok: str
    county: str | None = strawberry.field(
        default=None, description="Required for development-project funds, else none"
    )
    cap_per_enrolment_nok: str | None = strawberry.field(
        default=None, description="Employer grants only; NOK 60000.00 when not given"
    )


@strawberry.type
class SchemeQuery:
    @strawberry.field
    async def grant_schemes(
        self, info: strawberry.Info, year: int | None = None
    ) -> list[GrantScheme]:
        rows = await reads.schemes(context_of(info).runtime, year=year)
        return [GrantScheme.from_row(row) for row in rows]

    @strawberry.field(description="Development-project funds per county and year.")
    async def county_grant_budgets(
        self, info: strawberry.Info, year: int | None = None
    ) -> list[CountyGrantBudget]:
        budgets = await reads.county_budgets(context_of(info).runtime, year=year)
        return [CountyGrantBudget.of(budget) for budget in budgets]

    @strawberry.field(description="The year's appropriation; null until the directorate sets it.")
    async def appropriation(self, info: strawberry.Info, year: int) -> Appropriation | None:
        funds = await schemes.appropriation(context_of(info).runtime, year=year)
        return Appropriation.of(funds) if funds else None


@strawberry.type
class SchemeMutation:
    @strawberry.mutation(
        description="The directorate sets a year's appropriation; the year's scheme budgets "
        "never exceed it (CONFLICT when they already do)."
    )
    async def set_appropriation(
        self, info: strawberry.Info, year: int, amount_nok: str
    ) -> Appropriation:
        ctx = context_of(info)
        funds = await schemes.set_appropriation(
            ctx.runtime, ctx.principal, year=year, amount_nok=amount_nok
        )
        return Appropriation.of(funds)

    @strawberry.mutation(
        description="The directorate creates a scheme with its annual budget; CONFLICT when "
        "it would take the year's schemes above the year's appropriation."
    )
    async def create_grant_scheme(
        self, info: strawberry.Info, input: GrantSchemeInput
    ) -> GrantScheme:
        ctx = context_of(info)
        row = await schemes.create_scheme(
            ctx.runtime,
            ctx.principal,
            name=input.name,
            year=input.year,
            kind=input.kind,
            budget_nok=input.budget_nok,
            county=input.county,
            cap_per_enrolment_nok=input.cap_per_enrolment_nok,
            demo=input.demo,
            source=input.source,
        )
        return GrantScheme.from_row(row)
