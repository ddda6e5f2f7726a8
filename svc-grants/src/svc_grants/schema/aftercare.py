"""After the award in grants' subgraph: reporting duties and change requests."""

from __future__ import annotations

from datetime import date

import strawberry

from shared.money import format_optional_nok
from shared.subgraph import context_of
from svc_grants import models
from svc_grants.domain.aftercare import ChangeKind, ChangeStatus, ReportKind, ReportStatus
from svc_grants.service import aftercare

strawberry.enum(ReportKind)
strawberry.enum(ReportStatus)
strawberry.enum(ChangeKind)
strawberry.enum(ChangeStatus, name="ChangeRequestStatus")


@strawberry.type(description="A reporting duty of an approved grant.")
class GrantReport:
    id: strawberry.ID
    kind: ReportKind
    due_on: date
    status: ReportStatus
    submitted_on: date | None

    @classmethod
    def from_row(cls, row: models.GrantReport) -> GrantReport:
        return cls(
            id=strawberry.ID(str(row.id)),
            kind=ReportKind(row.kind),
            due_on=row.due_on,
            status=ReportStatus(row.status),
            submitted_on=row.submitted_on,
        )


@strawberry.input
class GrantReportInput:
    application_id: strawberry.ID
    kind: ReportKind
    text: str
    spent_nok: str = strawberry.field(description="What the grant was spent on so far")


@strawberry.type(description="The grant holder's request to change an approved grant.")
class ChangeRequest:
    id: strawberry.ID
    kind: ChangeKind
    status: ChangeStatus
    reason: str
    new_end_date: date | None = strawberry.field(description="An extension: the end date asked")
    amount_nok: str | None = strawberry.field(description="A budget move: the amount moved")

    @classmethod
    def from_row(cls, row: models.GrantChangeRequest) -> ChangeRequest:
        return cls(
            id=strawberry.ID(str(row.id)),
            kind=ChangeKind(row.kind),
            status=ChangeStatus(row.status),
            reason=row.reason,
            new_end_date=row.new_end_date,
            amount_nok=format_optional_nok(row.amount_ore),
        )


@strawberry.input
class ChangeRequestInput:
    application_id: strawberry.ID
    kind: ChangeKind
    reason: str
    new_end_date: date | None = strawberry.field(
        default=None, description="EXTENSION only, and required there: after today's end date"
    )
    amount_nok: str | None = strawberry.field(
        default=None, description="BUDGET_MOVE only, and required there: at most the grant"
    )


@strawberry.type
class AftercareMutation:
    @strawberry.mutation(
        description="The grant holder hands in a report that is due, overdue or was returned."
    )
    async def submit_grant_report(
        self, info: strawberry.Info, input: GrantReportInput
    ) -> GrantReport:
        ctx = context_of(info)
        row = await aftercare.submit_report(
            ctx.runtime,
            ctx.principal,
            application_id=input.application_id,
            kind=input.kind,
            text=input.text,
            spent_nok=input.spent_nok,
        )
        return GrantReport.from_row(row)

    @strawberry.mutation(
        description="The grant's administrator approves a submitted report or returns it."
    )
    async def decide_grant_report(
        self, info: strawberry.Info, id: strawberry.ID, approve: bool, reason: str
    ) -> GrantReport:
        ctx = context_of(info)
        row = await aftercare.decide_report(
            ctx.runtime, ctx.principal, report_id=id, approve=approve, reason=reason
        )
        return GrantReport.from_row(row)

    @strawberry.mutation(
        description="The grant holder asks to extend an approved grant or move its budget."
    )
    async def request_grant_change(
        self, info: strawberry.Info, input: ChangeRequestInput
    ) -> ChangeRequest:
        ctx = context_of(info)
        row = await aftercare.request_change(
            ctx.runtime,
            ctx.principal,
            application_id=input.application_id,
            kind=input.kind,
            reason=input.reason,
            new_end_date=input.new_end_date,
            amount_nok=input.amount_nok,
        )
        return ChangeRequest.from_row(row)

    @strawberry.mutation(
        description="The grant's administrator approves or rejects a change request; an "
        "approved extension moves the end date and the due dates of reports still owed."
    )
    async def decide_grant_change(
        self, info: strawberry.Info, id: strawberry.ID, approve: bool, reason: str
    ) -> ChangeRequest:
        ctx = context_of(info)
        row = await aftercare.decide_change(
            ctx.runtime, ctx.principal, request_id=id, approve=approve, reason=reason
        )
        return ChangeRequest.from_row(row)
