"""Notices to the municipality and its county governor, and the task that e-mails them.

A notice is written in the transaction of what it tells (a decision, a report due or overdue, a
change decided), so it is sent if and only if that happened; the mail task then sends each once
(at least once: a crash between sending and marking it sent sends it again).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.money import format_nok
from shared.observability import get_logger
from shared.runtime import ServiceRuntime
from svc_grants import mail
from svc_grants.domain import applications as domain
from svc_grants.mail import MailSettings
from svc_grants.models import (
    GrantApplication,
    GrantChangeRequest,
    GrantNotice,
    GrantReport,
    GrantScheme,
)

log = get_logger(__name__)

SEND_EVERY_SECONDS = 10.0


def notify(session: AsyncSession, app: GrantApplication, subject: str, body: str) -> None:
    """The municipality and its governor are told; nothing when mail is off."""
    settings = mail.mail_settings()
    if not settings.enabled:
        return
    now = datetime.now(UTC)
    employer = domain.employer_of(app.applicant)
    for recipient in settings.recipients(app.municipality, app.county, employer):
        session.add(
            GrantNotice(
                application_id=app.id,
                recipient=recipient,
                subject=subject[:300],
                body=body[:4000],
                created_at=now,
            )
        )


def tell_decision(
    session: AsyncSession, app: GrantApplication, scheme: GrantScheme, reason: str
) -> None:
    outcome = "innvilget" if app.approved_ore is not None else "avslått"
    lines = [f"Søknaden om tilskudd fra «{scheme.name}» ({scheme.year}) er {outcome}."]
    if app.approved_ore is not None:
        lines.append(f"Innvilget beløp: NOK {format_nok(app.approved_ore)}.")
        lines.append(f"Tilskuddsperioden slutter {app.ends_on}.")
    lines += [f"Begrunnelse: {reason}", "Vedtaksbrevet ligger ved søknaden.", _reference(app)]
    notify(session, app, f"Vedtak om tilskudd: {outcome}", "\n".join(lines))


def tell_report(session: AsyncSession, app: GrantApplication, report: GrantReport) -> None:
    """A report due soon (a reminder) or overdue."""
    kind = "Statusrapport" if report.kind == "STATUS" else "Sluttrapport"
    state = "er på overtid" if report.status == "OVERDUE" else "forfaller snart"
    body = f"{kind}en for tilskuddet skulle leveres innen {report.due_on}.\n{_reference(app)}"
    notify(session, app, f"{kind} {state}", body)


def tell_change(session: AsyncSession, app: GrantApplication, request: GrantChangeRequest) -> None:
    outcome = "innvilget" if request.status == "APPROVED" else "avslått"
    what = "Forlengelse" if request.kind == "EXTENSION" else "Budsjettendring"
    lines = [f"Søknaden om endring ({what.lower()}) er {outcome}."]
    if request.status == "APPROVED" and request.new_end_date is not None:
        lines.append(f"Tilskuddsperioden slutter nå {request.new_end_date}.")
    lines += [f"Begrunnelse: {request.decision_reason}", _reference(app)]
    notify(session, app, f"{what} {outcome}", "\n".join(lines))


def _reference(app: GrantApplication) -> str:
    return f"Søknad {app.id}, kommune {app.municipality}."


async def send_pending_notices(runtime: ServiceRuntime, settings: MailSettings) -> int:
    """Sends the unsent notices, oldest first, one transaction each; returns how many.

    A notice is locked while it is sent (on PostgreSQL others skip it), so two replicas never
    send the same one. An SMTP failure ends the round; the notice is tried again next round.
    """
    sent = 0
    while True:
        async with runtime.unit_of_work() as uow:
            notice = await uow.session.scalar(
                select(GrantNotice)
                .where(GrantNotice.sent_at.is_(None))
                .order_by(GrantNotice.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            )
            if notice is None:
                return sent
            await mail.send(settings, notice.recipient, notice.subject, notice.body)
            notice.sent_at = datetime.now(UTC)
        sent += 1


async def deliver_notices(
    runtime: ServiceRuntime,
    *,
    settings: MailSettings | None = None,
    pause: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """A task of the service process: e-mails notices until cancelled; nothing when mail is off."""
    settings = settings or mail.mail_settings()
    if not settings.enabled:
        return
    while True:
        try:
            await send_pending_notices(runtime, settings)
        except Exception as error:
            log.warning("sending notices failed; trying again later", error=repr(error))
        await pause(SEND_EVERY_SECONDS)
