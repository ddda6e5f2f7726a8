"""After the award: reporting duties, the scheduler that finds overdue reports, change requests."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.contracts.grants import (
    GrantChangeDecided,
    GrantChangeRequested,
    GrantReportDecided,
    GrantReportOverdue,
    GrantReportSubmitted,
)
from shared.errors import Conflict, NotFound
from shared.inputs import maybe_uuid, parse_uuid
from shared.money import parse_nok, parse_optional_nok
from shared.runtime import ServiceRuntime
from svc_grants.domain import aftercare
from svc_grants.domain import applications as domain
from svc_grants.domain.aftercare import ChangeKind, ChangeStatus, ReportKind, ReportStatus
from svc_grants.domain.applications import ApplicationStatus, Change
from svc_grants.models import GrantApplication, GrantChangeRequest, GrantReport, GrantScheme
from svc_grants.service import notices
from svc_grants.service.history import Actor, administered, ids, record, transaction


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
        app, _ = await _held(uow.session, principal, application_id)
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
) -> tuple[GrantApplication, Actor]:
    """The application, locked, if the principal holds the grant (or is the directorate)."""
    principal.require_authenticated()
    app = await session.get(GrantApplication, parse_uuid(application_id, "applicationId"))
    if app is None or not domain.may_see_application(
        principal, app.municipality, app.county, app.applicant
    ):
        raise NotFound("no grant application has this id")
    role = domain.applicant_role(principal, app.municipality, app.applicant)
    await session.refresh(app, with_for_update=True)
    return app, Actor(principal.subject or "", role)


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
                notices.tell_report(uow.session, app, report)
                changed += 1
    return changed


async def remind_due_reports(runtime: ServiceRuntime, *, today: date) -> int:
    """The scheduler's other task: the holder and its governor are reminded once of a report
    due within REMINDER_DAYS; returns how many."""
    async with runtime.unit_of_work() as uow:
        rows = await uow.session.execute(
            select(GrantReport, GrantApplication)
            .join(GrantApplication, GrantApplication.id == GrantReport.application_id)
            .where(
                GrantReport.status == ReportStatus.DUE,
                GrantReport.reminded_on.is_(None),
                GrantReport.due_on <= today + aftercare.REMINDER_LEAD,
            )
            .order_by(GrantReport.due_on)
            .with_for_update(of=GrantReport)
        )
        reminded = 0
        for report, app in rows:
            if aftercare.remind(report, today):
                notices.tell_report(uow.session, app, report)
                reminded += 1
    return reminded


def _report_ids(app: GrantApplication, report: GrantReport) -> dict[str, object]:
    return {**ids(app), "report_id": report.id, "kind": report.kind, "due_on": report.due_on}


# Change requests ----------------------------------------------------------------------------


async def request_change(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    application_id: str,
    kind: ChangeKind,
    reason: str,
    new_end_date: date | None,
    amount_nok: str | None,
) -> GrantChangeRequest:
    """The grant holder asks for a later end date or a budget move; recorded in the history."""
    reason = domain.required_text(reason, "reason")
    amount = parse_optional_nok(amount_nok, "amountNok")
    async with transaction(runtime) as uow:
        app, actor = await _held(uow.session, principal, application_id)
        terms = aftercare.check_change(
            kind, app.status, app.ends_on, app.approved_ore, new_end_date, amount
        )
        request = GrantChangeRequest(
            id=uuid.uuid4(),
            application_id=app.id,
            kind=kind,
            status=ChangeStatus.SUBMITTED,
            reason=reason,
            new_end_date=terms.new_end_date,
            amount_ore=terms.amount_ore,
            requested_at=datetime.now(UTC),
            requested_by=actor.subject,
        )
        uow.session.add(request)
        event = GrantChangeRequested(**_change_ids(app, request), reason=reason)
        note = f"{_what(request)}: {reason}"[: domain.MAX_TEXT]
        record(uow, app, _unchanged(app, request), actor, note, event)
    return request


async def decide_change(
    runtime: ServiceRuntime, principal: Principal, *, request_id: str, approve: bool, reason: str
) -> GrantChangeRequest:
    """The administrator's assessment; an approved extension moves the end date and the due
    dates of the reports still owed."""
    reason = domain.required_text(reason, "reason")
    principal.require_authenticated()
    async with transaction(runtime) as uow:
        found = await uow.session.get(GrantChangeRequest, maybe_uuid(request_id) or uuid.uuid4())
        if found is None:
            raise NotFound("no change request has this id")
        app, _, actor = await administered(uow.session, principal, str(found.application_id))
        await uow.session.refresh(found, with_for_update=True)
        aftercare.decide_change(found, approve)
        found.decided_at, found.decided_by = datetime.now(UTC), actor.subject
        found.decision_reason = reason
        if approve and found.new_end_date is not None:
            app.ends_on = found.new_end_date
            reports = await uow.session.scalars(
                select(GrantReport).where(GrantReport.application_id == app.id).with_for_update()
            )
            aftercare.extend(list(reports), found.new_end_date, today())
        notices.tell_change(uow.session, app, found)
        event = GrantChangeDecided(**_change_ids(app, found), approved=approve, reason=reason)
        outcome = "approved" if approve else "rejected"
        note = f"{_what(found)} {outcome}: {reason}"[: domain.MAX_TEXT]
        record(uow, app, _unchanged(app, found), actor, note, event)
    return found


def _unchanged(app: GrantApplication, request: GrantChangeRequest) -> Change:
    """A change request's history row: the application's status stays, the amount is the move."""
    status = ApplicationStatus(app.status)
    return Change(status, status, request.amount_ore)


def _what(request: GrantChangeRequest) -> str:
    if request.kind == ChangeKind.EXTENSION:
        return f"extension to {request.new_end_date}"
    return "budget move"


def _change_ids(app: GrantApplication, request: GrantChangeRequest) -> dict[str, object]:
    return {
        **ids(app),
        "change_request_id": request.id,
        "kind": request.kind,
        "new_end_date": request.new_end_date,
        "amount_ore": request.amount_ore,
    }
