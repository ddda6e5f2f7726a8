"""Notices by e-mail: the municipality and its governor are told of decisions, reports due and
overdue, and change decisions, through the SMTP adapter to a local SMTP server (aiosmtpd)."""

from __future__ import annotations

import asyncio
import email
from collections.abc import Iterator
from datetime import date, timedelta
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from localinfra.ports import free_port
from svc_grants import mail
from svc_grants.mail import MailSettings
from svc_grants.models import GrantNotice
from svc_grants.service.aftercare import mark_overdue_reports, remind_due_reports
from svc_grants.service.notices import deliver_notices, send_pending_notices

DIRECTORATE = ["directorate"]
ALTA_MAIL = "postmottak-5601@kommune.invalid"
GOVERNOR_MAIL = "troms-finnmark@statsforvalteren.invalid"  # serves Finnmark (56)


class Inbox:
    """What the local SMTP server received."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"

    def received(self) -> list[tuple[str, str]]:
        return [(str(m["To"]), str(m["Subject"])) for m in self.messages]


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def mail_on(smtp: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch) -> Iterator[MailSettings]:
    monkeypatch.setenv("GRANTS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("GRANTS_SMTP_PORT", str(smtp[1]))
    mail.mail_settings.cache_clear()
    yield mail.mail_settings()
    mail.mail_settings.cache_clear()


async def approved_2030(grants) -> str:
    scheme_id = await grants.scheme("1000000", year=2030)
    enrolment_id = await grants.enrolment(term="2030H")
    submitted = await grants.submit(scheme_id, "50000", enrolmentId=enrolment_id)
    return (await grants.decide(submitted["id"], roles=DIRECTORATE))["id"]


async def notices(grants) -> int:
    async with grants.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(GrantNotice)) or 0)


async def test_a_decision_is_mailed_to_the_municipality_and_its_governor_once(
    grants, smtp: tuple[Inbox, int], mail_on: MailSettings
) -> None:
    inbox, _ = smtp
    await approved_2030(grants)
    assert await send_pending_notices(grants.runtime, mail_on) == 2
    assert inbox.received() == [
        (ALTA_MAIL, "Vedtak om tilskudd: innvilget"),
        (GOVERNOR_MAIL, "Vedtak om tilskudd: innvilget"),
    ]
    body = inbox.messages[0].get_content()
    assert "Innvilget beløp: NOK 50000.00." in body
    assert "Tilskuddsperioden slutter 2030-12-31." in body
    assert str(inbox.messages[0]["From"]) == "kompetanseloftet@bufdir.no"
    assert await send_pending_notices(grants.runtime, mail_on) == 0  # sent once


async def test_reports_due_soon_and_overdue_and_change_decisions_are_mailed(
    grants, smtp: tuple[Inbox, int], mail_on: MailSettings
) -> None:
    inbox, _ = smtp
    app_id = await approved_2030(grants)
    status_due = date(2030, 10, 2)
    assert await remind_due_reports(grants.runtime, today=status_due - timedelta(15)) == 0
    assert await remind_due_reports(grants.runtime, today=status_due - timedelta(14)) == 1
    assert await remind_due_reports(grants.runtime, today=status_due) == 0  # reminded once
    await mark_overdue_reports(grants.runtime, today=status_due + timedelta(1))
    change = {
        "applicationId": app_id,
        "kind": "EXTENSION",
        "newEndDate": "2031-06-30",
        "reason": "Kurset ble forskjøvet",
    }
    asked = await grants.call(
        """mutation($i: ChangeRequestInput!) { requestGrantChange(input: $i) { id } }""",
        {"i": change},
        ["municipality:5601"],
    )
    await grants.call(
        """mutation($id: ID!) { decideGrantChange(id: $id, approve: true, reason: "Ok") { id } }""",
        {"id": asked["requestGrantChange"]["id"]},
        DIRECTORATE,
    )
    assert await send_pending_notices(grants.runtime, mail_on) == 8
    subjects = [subject for to, subject in inbox.received() if to == ALTA_MAIL]
    assert subjects == [
        "Vedtak om tilskudd: innvilget",
        "Statusrapport forfaller snart",
        "Statusrapport er på overtid",
        "Forlengelse innvilget",
    ]
    assert "slutter nå 2031-06-30" in inbox.messages[-1].get_content()


async def test_an_smtp_server_away_leaves_the_notices_for_the_next_round(
    grants, smtp: tuple[Inbox, int], mail_on: MailSettings
) -> None:
    inbox, _ = smtp
    await approved_2030(grants)
    away = mail_on.model_copy(update={"smtp_port": free_port()})
    with pytest.raises(OSError):
        await send_pending_notices(grants.runtime, away)
    assert inbox.messages == []
    pauses: list[float] = []

    async def pause(seconds: float) -> None:
        pauses.append(seconds)
        raise asyncio.CancelledError  # one round is enough here

    with pytest.raises(asyncio.CancelledError):
        await deliver_notices(grants.runtime, settings=away, pause=pause)  # logs, goes on
    assert await send_pending_notices(grants.runtime, mail_on) == 2
    assert len(inbox.messages) == 2


async def test_without_smtp_settings_mail_is_off(grants, monkeypatch) -> None:
    monkeypatch.delenv("GRANTS_SMTP_HOST", raising=False)
    mail.mail_settings.cache_clear()
    await approved_2030(grants)
    assert await notices(grants) == 0
    await deliver_notices(grants.runtime)  # returns at once: nothing to run
