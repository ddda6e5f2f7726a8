"""After the award in grants' subgraph: reporting duties and change requests."""

from __future__ import annotations

from datetime import date

import strawberry

from shared.subgraph import context_of
from svc_grants import models
from svc_grants.domain.aftercare import ReportKind, ReportStatus
from svc_grants.service import aftercare

strawberry.enum(ReportKind)
strawberry.enum(ReportStatus)


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
