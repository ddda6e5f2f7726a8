"""Grants' subgraph: schemes and budgets, applications and their history, and eligibility."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum

import strawberry

from shared.money import format_nok
from shared.subgraph import context_of, federation_schema
from svc_grants import models, service
from svc_grants.domain import ApplicationStatus, SchemeKind


@strawberry.enum
class GrantSchemeKind(Enum):
    EMPLOYER_FURTHER_EDUCATION = "EMPLOYER_FURTHER_EDUCATION"
    DEVELOPMENT_PROJECT = "DEVELOPMENT_PROJECT"


@strawberry.enum
class GrantApplicationStatus(Enum):
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    UNDER_ASSESSMENT = "UNDER_ASSESSMENT"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    PAID = "PAID"
    SETTLED = "SETTLED"
    RECLAIMED = "RECLAIMED"
    CANCELLED = "CANCELLED"


@strawberry.enum
class GrantDecisionOutcome(Enum):
    APPROVE = "APPROVE"
    REJECT = "REJECT"


@strawberry.type
class GrantScheme:
    id: strawberry.ID
    name: str
    year: int
    kind: GrantSchemeKind
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
            cap_per_enrolment_nok=_nok(row.cap_per_enrolment_ore),
        )


@strawberry.type
class GrantApplicationTransition:
    at: datetime
    by: str = strawberry.field(description="The subject of the token, or the event, that did it")
    role: str = strawberry.field(description='The role acted in, e.g. "county:11"; "event"')
    from_: GrantApplicationStatus = strawberry.field(name="from")
    to: GrantApplicationStatus
    reason: str | None
    amount_nok: str | None = strawberry.field(
        description="Requested, approved, paid or reclaimed; released for CANCELLED and SETTLED"
    )

    @classmethod
    def from_row(cls, row: models.GrantApplicationTransition) -> GrantApplicationTransition:
        return cls(
            at=row.at,
            by=row.by_subject,
            role=row.by_role,
            from_=GrantApplicationStatus(row.from_status),
            to=GrantApplicationStatus(row.to_status),
            reason=row.reason,
            amount_nok=_nok(row.amount_ore),
        )


@strawberry.type
class GrantApplication:
    id: strawberry.ID
    status: GrantApplicationStatus
    purpose: str
    requested_nok: str
    approved_nok: str | None
    paid_nok: str
    reclaimed_nok: str
    enrolment_id: strawberry.ID | None
    project_id: strawberry.ID | None
    priority: int = strawberry.field(
        description="Municipalities taking part: a county governor assesses higher first"
    )
    submitted_at: datetime
    scheme_id: strawberry.Private[uuid.UUID]
    municipality_number: strawberry.Private[str]

    @strawberry.field
    async def scheme(self, info: strawberry.Info) -> GrantScheme:
        ctx = context_of(info)
        row = await ctx.loaders.load(service.schemes_by_id, self.scheme_id)
        return GrantScheme.from_row(row)

    @strawberry.field
    def municipality(self) -> Municipality:
        return Municipality(number=self.municipality_number)

    @strawberry.field(description="Every transition: who, when, from, to, why, how much.")
    async def history(self, info: strawberry.Info) -> list[GrantApplicationTransition]:
        ctx = context_of(info)
        rows = await ctx.loaders.load(service.transitions_by_application, uuid.UUID(str(self.id)))
        return [GrantApplicationTransition.from_row(row) for row in rows]

    @classmethod
    def from_row(cls, row: models.GrantApplication) -> GrantApplication:
        return cls(
            id=strawberry.ID(str(row.id)),
            status=GrantApplicationStatus(row.status),
            purpose=row.purpose,
            requested_nok=format_nok(row.requested_ore),
            approved_nok=_nok(row.approved_ore),
            paid_nok=format_nok(row.paid_ore),
            reclaimed_nok=format_nok(row.reclaimed_ore),
            enrolment_id=_id(row.enrolment_id),
            project_id=_id(row.project_id),
            priority=row.priority,
            submitted_at=row.submitted_at,
            scheme_id=row.scheme_id,
            municipality_number=row.municipality,
        )


@strawberry.type
class GrantEligibility:
    enrolment_id: strawberry.ID
    status: str = strawberry.field(description="ELIGIBLE, AWAITING_SEAT, WITHDRAWN or COMPLETED")
    year: strawberry.Private[int]

    @strawberry.field(
        description="The employer grant scheme of the enrolment's year, once created."
    )
    async def scheme(self, info: strawberry.Info) -> GrantScheme | None:
        ctx = context_of(info)
        row = await ctx.loaders.load(service.employer_schemes_by_year, self.year)
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
        rows = await ctx.loaders.load(service.eligibility_by_municipality, self.number)
        return [
            GrantEligibility(
                enrolment_id=strawberry.ID(str(r.enrolment_id)), status=r.status, year=r.year
            )
            for r in rows
        ]

    @strawberry.field(description="The municipality's grant applications, oldest first.")
    async def grant_applications(self, info: strawberry.Info) -> list[GrantApplication]:
        ctx = context_of(info)
        ctx.principal.require_municipality(self.number)
        rows = await ctx.loaders.load(service.applications_by_municipality, self.number)
        return [GrantApplication.from_row(row) for row in rows]

    @classmethod
    def resolve_reference(cls, number: str) -> Municipality:
        return cls(number=number)


@strawberry.federation.type(keys=["number"])
class County:
    number: str

    @classmethod
    def resolve_reference(cls, number: str) -> County:
        return cls(number=number)


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
    def of(cls, budget: service.CountyBudget) -> CountyGrantBudget:
        return cls(
            county=County(number=budget.county),
            year=budget.year,
            budget_nok=format_nok(budget.budget_ore),
            committed_nok=format_nok(budget.committed_ore),
            paid_nok=format_nok(budget.paid_ore),
            available_nok=format_nok(budget.budget_ore - budget.committed_ore),
        )


@strawberry.input
class GrantSchemeInput:
    name: str
    year: int
    kind: GrantSchemeKind
    budget_nok: str
    county: str | None = strawberry.field(
        default=None, description="Required for development-project funds, else none"
    )
    cap_per_enrolment_nok: str | None = strawberry.field(
        default=None, description="Employer grants only; NOK 60000.00 when not given"
    )


@strawberry.input
class GrantApplicationInput:
    scheme_id: strawberry.ID
    municipality: str
    amount_nok: str
    purpose: str
    enrolment_id: strawberry.ID | None = strawberry.field(
        default=None, description="Employer grant: the enrolment it is for"
    )
    project_id: strawberry.ID | None = strawberry.field(
        default=None, description="Development-project funds: the project"
    )


@strawberry.input
class GrantDecisionInput:
    outcome: GrantDecisionOutcome
    amount_nok: str | None = strawberry.field(
        default=None, description="Approval: the requested amount when not given"
    )
    reason: str


@strawberry.type
class Query:
    @strawberry.field
    async def grant_schemes(
        self, info: strawberry.Info, year: int | None = None
    ) -> list[GrantScheme]:
        rows = await service.schemes(context_of(info).runtime, year)
        return [GrantScheme.from_row(row) for row in rows]

    @strawberry.field(description="Development-project funds per county and year.")
    async def county_grant_budgets(
        self, info: strawberry.Info, year: int | None = None
    ) -> list[CountyGrantBudget]:
        budgets = await service.county_budgets(context_of(info).runtime, year)
        return [CountyGrantBudget.of(budget) for budget in budgets]

    @strawberry.field(description="One application the caller may see.")
    async def grant_application(self, info: strawberry.Info, id: strawberry.ID) -> GrantApplication:
        ctx = context_of(info)
        return GrantApplication.from_row(
            await service.application(ctx.runtime, ctx.principal, str(id))
        )

    @strawberry.field(
        description="Applications the caller may see: all for the directorate, a county "
        "governor's county, a municipality's own."
    )
    async def grant_applications(
        self,
        info: strawberry.Info,
        county: str | None = None,
        scheme_id: strawberry.ID | None = None,
        status: GrantApplicationStatus | None = None,
    ) -> list[GrantApplication]:
        ctx = context_of(info)
        rows = await service.applications(
            ctx.runtime,
            ctx.principal,
            county=county,
            scheme_id=str(scheme_id) if scheme_id is not None else None,
            status=ApplicationStatus(status.value) if status else None,
        )
        return [GrantApplication.from_row(row) for row in rows]

    @strawberry.field(
        description="A county's undecided development-project applications, in the order to "
        "assess them: most municipalities first, then oldest first."
    )
    async def grant_assessment_queue(
        self, info: strawberry.Info, county: str
    ) -> list[GrantApplication]:
        ctx = context_of(info)
        rows = await service.assessment_queue(ctx.runtime, ctx.principal, county)
        return [GrantApplication.from_row(row) for row in rows]


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
            cap_per_enrolment_nok=input.cap_per_enrolment_nok,
        )
        return GrantScheme.from_row(row)

    @strawberry.mutation(
        description="A municipality (or the directorate for it) applies; created SUBMITTED."
    )
    async def submit_grant_application(
        self, info: strawberry.Info, input: GrantApplicationInput
    ) -> GrantApplication:
        ctx = context_of(info)
        data = service.ApplicationInput(
            scheme_id=str(input.scheme_id),
            municipality=input.municipality,
            amount_nok=input.amount_nok,
            purpose=input.purpose,
            enrolment_id=_str(input.enrolment_id),
            project_id=_str(input.project_id),
        )
        row = await service.submit_application(ctx.runtime, ctx.principal, data)
        return GrantApplication.from_row(row)

    @strawberry.mutation(
        description="The administrator (directorate: employer grants; county governor: its "
        "county's project funds) starts assessing a submitted application."
    )
    async def start_grant_assessment(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> GrantApplication:
        ctx = context_of(info)
        row = await service.start_assessment(ctx.runtime, ctx.principal, str(id))
        return GrantApplication.from_row(row)

    @strawberry.mutation(
        description="Approves (committing budget; CONFLICT and no change when it does not "
        "fit) or rejects a SUBMITTED or UNDER_ASSESSMENT application."
    )
    async def decide_grant_application(
        self, info: strawberry.Info, id: strawberry.ID, input: GrantDecisionInput
    ) -> GrantApplication:
        ctx = context_of(info)
        row = await service.decide(
            ctx.runtime,
            ctx.principal,
            str(id),
            approve=input.outcome is GrantDecisionOutcome.APPROVE,
            amount_nok=input.amount_nok,
            reason=input.reason,
        )
        return GrantApplication.from_row(row)

    @strawberry.mutation(description="A payment; all payments together stay within the approval.")
    async def record_grant_payment(
        self, info: strawberry.Info, id: strawberry.ID, amount_nok: str
    ) -> GrantApplication:
        ctx = context_of(info)
        row = await service.record_payment(ctx.runtime, ctx.principal, str(id), amount_nok)
        return GrantApplication.from_row(row)

    @strawberry.mutation(
        description="Closes a paid grant once its course is completed; an unpaid remainder "
        "returns to the budget."
    )
    async def settle_grant_application(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> GrantApplication:
        ctx = context_of(info)
        row = await service.settle(ctx.runtime, ctx.principal, str(id))
        return GrantApplication.from_row(row)

    @strawberry.mutation(description="Claims back part or all of a paid grant.")
    async def reclaim_grant(
        self, info: strawberry.Info, id: strawberry.ID, amount_nok: str, reason: str
    ) -> GrantApplication:
        ctx = context_of(info)
        row = await service.reclaim(ctx.runtime, ctx.principal, str(id), amount_nok, reason)
        return GrantApplication.from_row(row)


def _nok(ore: int | None) -> str | None:
    return None if ore is None else format_nok(ore)


def _id(value: uuid.UUID | None) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(str(value))


def _str(value: strawberry.ID | None) -> str | None:
    return None if value is None else str(value)


schema = federation_schema(Query, Mutation, types=[Municipality, County])
