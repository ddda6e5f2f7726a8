"""Applications, their history and the administrators' decisions in grants' subgraph."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import Enum

import strawberry

from shared.connections import Connection, paginate, time_key
from shared.money import format_nok, format_optional_nok
from shared.subgraph import context_of
from svc_grants import models
from svc_grants.domain.applications import ApplicationStatus
from svc_grants.http import document_url
from svc_grants.schema.aftercare import ChangeRequest, GrantReport
from svc_grants.schema.municipality import Municipality
from svc_grants.schema.schemes import GrantScheme
from svc_grants.service import applications, documents, reads

strawberry.enum(ApplicationStatus, name="GrantApplicationStatus")


@strawberry.enum
class GrantDecisionOutcome(Enum):
    APPROVE = "APPROVE"
    REJECT = "REJECT"


@strawberry.type
class GrantApplicationTransition:
    at: datetime
    by: str = strawberry.field(description="The subject of the token, or the event, that did it")
    role: str = strawberry.field(description='The role acted in, e.g. "county:11"; "event"')
    from_: ApplicationStatus = strawberry.field(name="from")
    to: ApplicationStatus
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
            from_=ApplicationStatus(row.from_status),
            to=ApplicationStatus(row.to_status),
            reason=row.reason,
            amount_nok=format_optional_nok(row.amount_ore),
        )


@strawberry.type(description="A document kept by the platform; GET its url with the same token.")
class Document:
    id: strawberry.ID
    title: str
    media_type: str
    url: str = strawberry.field(description="A path on the router (the GraphQL endpoint's host)")

    @classmethod
    def from_row(cls, row: models.GrantDocument) -> Document:
        return cls(
            id=strawberry.ID(str(row.id)),
            title=row.title,
            media_type=row.media_type,
            url=document_url(row.id),
        )


@strawberry.type
class GrantApplication:
    id: strawberry.ID
    status: ApplicationStatus
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
    applicant: str = strawberry.field(
        description='Who applied: "municipality:<nr>", "employer:<orgnr>" (a state or private '
        'employer) or "network:<id>" (a learning network, through the municipality)'
    )
    submitted_at: datetime
    ends_on: date | None = strawberry.field(
        description="An approved grant's period ends; an approved extension moves it"
    )
    scheme_id: strawberry.Private[uuid.UUID]
    municipality_number: strawberry.Private[str]

    @strawberry.field
    async def scheme(self, info: strawberry.Info) -> GrantScheme:
        row = await context_of(info).loaders.load(reads.schemes_by_id, self.scheme_id)
        assert row is not None  # an application's scheme is never deleted
        return GrantScheme.from_row(row)

    @strawberry.field
    def municipality(self) -> Municipality:
        return Municipality(number=self.municipality_number)

    @strawberry.field(description="Every transition: who, when, from, to, why, how much.")
    async def history(self, info: strawberry.Info) -> list[GrantApplicationTransition]:
        rows = await context_of(info).loaders.load(
            reads.transitions_by_application, uuid.UUID(str(self.id))
        )
        return [GrantApplicationTransition.from_row(row) for row in rows]

    @strawberry.field(description="The reporting duties of an approved grant, by due date.")
    async def reports(self, info: strawberry.Info) -> list[GrantReport]:
        rows = await context_of(info).loaders.load(
            reads.reports_by_application, uuid.UUID(str(self.id))
        )
        return [GrantReport.from_row(row) for row in rows]

    @strawberry.field(description="The letter of the decision (a PDF), once decided.")
    async def decision_letter(self, info: strawberry.Info) -> Document | None:
        rows = await context_of(info).loaders.load(
            documents.documents_by_application, uuid.UUID(str(self.id))
        )
        return Document.from_row(rows[-1]) if rows else None

    @strawberry.field(description="The holder's change requests, oldest first.")
    async def change_requests(self, info: strawberry.Info) -> list[ChangeRequest]:
        rows = await context_of(info).loaders.load(
            reads.change_requests_by_application, uuid.UUID(str(self.id))
        )
        return [ChangeRequest.from_row(row) for row in rows]

    @classmethod
    def from_row(cls, row: models.GrantApplication) -> GrantApplication:
        return cls(
            id=strawberry.ID(str(row.id)),
            status=ApplicationStatus(row.status),
            purpose=row.purpose,
            requested_nok=format_nok(row.requested_ore),
            approved_nok=format_optional_nok(row.approved_ore),
            paid_nok=format_nok(row.paid_ore),
            reclaimed_nok=format_nok(row.reclaimed_ore),
            enrolment_id=_id(row.enrolment_id),
            project_id=_id(row.project_id),
            priority=row.priority,
            applicant=row.applicant or f"municipality:{row.municipality}",
            submitted_at=row.submitted_at,
            ends_on=row.ends_on,
            scheme_id=row.scheme_id,
            municipality_number=row.municipality,
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
    employer: str | None = strawberry.field(
        default=None,
        description="Employer grant applied for by a state or private employer (its "
        "organisation number, with its own employer:<orgnr> token) for its own staff",
    )


@strawberry.input
class GrantDecisionInput:
    outcome: GrantDecisionOutcome
    amount_nok: str | None = strawberry.field(
        default=None, description="Approval: the requested amount when not given"
    )
    reason: str


@strawberry.type
class ApplicationQuery:
    @strawberry.field(description="One application the caller may see.")
    async def grant_application(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> GrantApplication | None:
        ctx = context_of(info)
        row = await reads.application(ctx.runtime, ctx.principal, application_id=id)
        return GrantApplication.from_row(row)

    @strawberry.field(
        description="Applications the caller may see: all for the directorate, a county "
        "governor's county, a municipality's own."
    )
    async def grant_applications(
        self,
        info: strawberry.Info,
        county: str | None = None,
        scheme_id: strawberry.ID | None = None,
        status: ApplicationStatus | None = None,
    ) -> list[GrantApplication]:
        ctx = context_of(info)
        rows = await reads.applications(
            ctx.runtime, ctx.principal, county=county, scheme_id=scheme_id, status=status
        )
        return [GrantApplication.from_row(row) for row in rows]

    @strawberry.field(
        description="The same applications as `grantApplications`, a page at a time in the "
        "order they were submitted (Relay connection)."
    )
    async def grant_applications_connection(
        self,
        info: strawberry.Info,
        county: str | None = None,
        scheme_id: strawberry.ID | None = None,
        status: ApplicationStatus | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[GrantApplication]:
        ctx = context_of(info)
        rows = await reads.applications(
            ctx.runtime, ctx.principal, county=county, scheme_id=scheme_id, status=status
        )
        page = paginate(rows, lambda r: time_key(r.submitted_at, r.id), first=first, after=after)
        return Connection.of(page, GrantApplication.from_row)

    @strawberry.field(
        description="A county's undecided development-project applications, in the order to "
        "assess them: most municipalities first, then oldest first."
    )
    async def grant_assessment_queue(
        self, info: strawberry.Info, county: str
    ) -> list[GrantApplication]:
        ctx = context_of(info)
        rows = await reads.assessment_queue(ctx.runtime, ctx.principal, county=county)
        return [GrantApplication.from_row(row) for row in rows]


@strawberry.type
class ApplicationMutation:
    @strawberry.mutation(
        description="A municipality (or the directorate for it) applies; created SUBMITTED."
    )
    async def submit_grant_application(
        self, info: strawberry.Info, input: GrantApplicationInput
    ) -> GrantApplication:
        ctx = context_of(info)
        row = await applications.submit_application(
            ctx.runtime,
            ctx.principal,
            scheme_id=input.scheme_id,
            municipality=input.municipality,
            amount_nok=input.amount_nok,
            purpose=input.purpose,
            enrolment_id=input.enrolment_id,
            project_id=input.project_id,
            employer=input.employer,
        )
        return GrantApplication.from_row(row)

    @strawberry.mutation(
        description="The administrator (directorate: employer grants; county governor: its "
        "county's project funds) starts assessing a submitted application."
    )
    async def start_grant_assessment(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> GrantApplication:
        ctx = context_of(info)
        row = await applications.start_assessment(ctx.runtime, ctx.principal, application_id=id)
        return GrantApplication.from_row(row)

    @strawberry.mutation(
        description="Approves (committing budget; CONFLICT and no change when it does not "
        "fit) or rejects a SUBMITTED or UNDER_ASSESSMENT application."
    )
    async def decide_grant_application(
        self, info: strawberry.Info, id: strawberry.ID, input: GrantDecisionInput
    ) -> GrantApplication:
        ctx = context_of(info)
        row = await applications.decide(
            ctx.runtime,
            ctx.principal,
            application_id=id,
            approve=input.outcome is GrantDecisionOutcome.APPROVE,
            amount_nok=input.amount_nok,
            reason=input.reason,
        )
        return GrantApplication.from_row(row)

    @strawberry.mutation(
        description="The assessor about to decide declares no conflict of interest "
        "(recuse: false) or recuses (recuse: true, with the reason); a recused assessor "
        "cannot decide the application, and one who declared nothing must first."
    )
    async def declare_grant_impartiality(
        self,
        info: strawberry.Info,
        id: strawberry.ID,
        recuse: bool,
        reason: str | None = None,
    ) -> GrantApplication:
        ctx = context_of(info)
        row = await applications.declare_impartiality(
            ctx.runtime, ctx.principal, application_id=id, recuse=recuse, reason=reason
        )
        return GrantApplication.from_row(row)

    @strawberry.mutation(description="A payment; all payments together stay within the approval.")
    async def record_grant_payment(
        self, info: strawberry.Info, id: strawberry.ID, amount_nok: str
    ) -> GrantApplication:
        ctx = context_of(info)
        row = await applications.record_payment(
            ctx.runtime, ctx.principal, application_id=id, amount_nok=amount_nok
        )
        return GrantApplication.from_row(row)

    @strawberry.mutation(
        description="Closes a paid grant once its course is completed; an unpaid remainder "
        "returns to the budget."
    )
    async def settle_grant_application(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> GrantApplication:
        ctx = context_of(info)
        row = await applications.settle(ctx.runtime, ctx.principal, application_id=id)
        return GrantApplication.from_row(row)

    @strawberry.mutation(description="Claims back part or all of a paid grant.")
    async def reclaim_grant(
        self, info: strawberry.Info, id: strawberry.ID, amount_nok: str, reason: str
    ) -> GrantApplication:
        ctx = context_of(info)
        row = await applications.reclaim(
            ctx.runtime, ctx.principal, application_id=id, amount_nok=amount_nok, reason=reason
        )
        return GrantApplication.from_row(row)


def _id(value: uuid.UUID | None) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(str(value))
