"""After the award: reporting duties, the scheduler that finds overdue reports, change requests."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.contracts.grants import GrantReportDecided, GrantReportOverdue, GrantReportSubmitted
from shared.errors import Conflict, NotFound
from shared.inputs import maybe_uuid, parse_uuid
from shared.money import parse_nok
from shared.runtime import ServiceRuntime
from svc_grants.domain import aftercare
from svc_grants.domain import applications as domain
from svc_grants.domain.aftercare import ReportKind, ReportStatus
from svc_grants.models import GrantApplication, GrantReport, GrantScheme
from svc_grants.service.history import administered, ids, transaction


def today() -> date:
    return datetime.now(UTC).date()


def open_reports(session: AsyncSession, app: GrantApplication, scheme: GrantScheme) -> None:
    """An approval sets the grant's end date and its STATUS and FINAL reports' due dates."""
    app.ends_on = aftercare.grant_end(scheme.year, today())
    for kind in ReportKind:
        session.add(
            GrantReport(
                id=uuid.uuid4(),
                application_id=app.id,
                kind=kind,
                status=ReportStatus.DUE,
                due_on=aftercare.due_on(kind, app.ends_on),
            )
        )


async def final_report_status(session: AsyncSession, app: GrantApplication) -> str | None:
    return await session.scalar(
        select(GrantReport.status).where(
            GrantReport.application_id == app.id, GrantReport.kind == ReportKind.FINAL
        )
    )


async def submit_report(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    application_id: str,
    kind: ReportKind,
    text: str,
    spent_nok: str,
) -> GrantReport:
    """The grant holder (the municipality, or the directorate for it) hands in a report."""
    text = domain.required_text(text, "text")
    spent = parse_nok(spent_nok, "spentNok")
    async with transaction(runtime) as uow:
        app = await _held(uow.session, principal, application_id)
        report = await uow.session.scalar(
            select(GrantReport)
            .where(GrantReport.application_id == app.id, GrantReport.kind == kind)
            .with_for_update()
        )
        if report is None:  # not approved (yet): no reporting duties
            raise Conflict(f"a grant that is {app.status.lower()} owes no reports")
        aftercare.submit_report(report, app.status, today())
        report.text, report.spent_ore, report.submitted_by = text, spent, principal.subject
        uow.emit(
            GrantReportSubmitted(**_report_ids(app, report), spent_ore=spent),
            municipality=app.municipality,
        )
    return report


async def _held(
    session: AsyncSession, principal: Principal, application_id: str
) -> GrantApplication:
    """The application, locked, if the principal holds the grant (or is the directorate)."""
    principal.require_authenticated()
    app = await session.get(GrantApplication, parse_uuid(application_id, "applicationId"))
    if app is None or not domain.may_see_application(principal, app.municipality, app.county):
        raise NotFound("no grant application has this id")
    domain.submitter_role(principal, app.municipality)
    await session.refresh(app, with_for_update=True)
    return app


async def decide_report(
    runtime: ServiceRuntime, principal: Principal, *, report_id: str, approve: bool, reason: str
) -> GrantReport:
    """The grant's administrator approves a submitted report or returns it to the holder."""
    reason = domain.required_text(reason, "reason")
    principal.require_authenticated()
    async with transaction(runtime) as uow:
        found = await uow.session.get(GrantReport, maybe_uuid(report_id) or uuid.uuid4())
        if found is None:
            raise NotFound("no grant report has this id")
        app, _, actor = await administered(uow.session, principal, str(found.application_id))
        await uow.session.refresh(found, with_for_update=True)
        aftercare.decide_report(found, approve)
        found.decided_at = datetime.now(UTC)
        found.decided_by = actor.subject
        found.decision_reason = reason
        uow.emit(
            GrantReportDecided(**_report_ids(app, found), approved=approve, reason=reason),
            municipality=app.municipality,
        )
    return found


async def mark_overdue_reports(runtime: ServiceRuntime, *, today: date) -> int:
    """The scheduler's task (no principal: the service itself acts): every DUE report whose due
    date has passed becomes OVERDUE, once; returns how many. Safe on several replicas at once:
    the rows are locked, and a row another replica changed meanwhile no longer matches."""
    async with runtime.unit_of_work() as uow:
        rows = await uow.session.execute(
            select(GrantReport, GrantApplication)
            .join(GrantApplication, GrantApplication.id == GrantReport.application_id)
            .where(GrantReport.status == ReportStatus.DUE, GrantReport.due_on < today)
            .order_by(GrantReport.due_on)
            .with_for_update(of=GrantReport)
        )
        changed = 0
        for report, app in rows:
            if aftercare.fall_overdue(report, today):
                overdue = GrantReportOverdue(**_report_ids(app, report))
                uow.emit(overdue, municipality=app.municipality)
                changed += 1
    return changed


def _report_ids(app: GrantApplication, report: GrantReport) -> dict[str, object]:
    return {**ids(app), "report_id": report.id, "kind": report.kind, "due_on": report.due_on}
