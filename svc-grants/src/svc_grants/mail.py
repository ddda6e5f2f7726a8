"""Grants' e-mail: where notices go and the SMTP adapter that sends them (off when unset).

`GRANTS_SMTP_HOST` switches mail on (with `GRANTS_SMTP_PORT`, default 25, and
`GRANTS_MAIL_FROM`); without it no notice is written or sent. The platform keeps no address book
of municipalities and governor offices: the addresses come from two templates,
`GRANTS_MUNICIPALITY_MAIL` (`{number}`: the municipality number) and `GRANTS_GOVERNOR_MAIL`
(`{office}`: the office id, e.g. `troms-finnmark`), and for a state or private employer that
applied `GRANTS_EMPLOYER_MAIL` (`{orgnr}`).
"""

from __future__ import annotations

import asyncio
import smtplib
from email.message import EmailMessage
from functools import cache

from pydantic_settings import BaseSettings, SettingsConfigDict

from shared import reference
from shared.reference import governors


class MailSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GRANTS_", extra="ignore")

    smtp_host: str | None = None
    smtp_port: int = 25
    mail_from: str = "kompetanseloftet@bufdir.no"
    municipality_mail: str = "postmottak-{number}@kommune.invalid"
    governor_mail: str = "{office}@statsforvalteren.invalid"
    employer_mail: str = "post-{orgnr}@arbeidsgiver.invalid"

    @property
    def enabled(self) -> bool:
        return bool(self.smtp_host)

    def recipients(self, municipality: str, county: str, employer: str | None) -> list[str]:
        """The holder (the municipality, or the employer that applied), and the governor office
        that serves the county."""
        found = reference.municipality(municipality)
        number = found.number if found else municipality
        holder = self.employer_mail.format(orgnr=employer) if employer else None
        addresses = [holder or self.municipality_mail.format(number=number)]
        office = governors.office_of_county(county)
        if office is not None:
            addresses.append(self.governor_mail.format(office=office.id))
        return addresses


@cache
def mail_settings() -> MailSettings:
    """The process's mail settings, from the environment once."""
    return MailSettings()


async def send(settings: MailSettings, recipient: str, subject: str, body: str) -> None:
    """One plain-text e-mail over SMTP; smtplib blocks, so it runs in a worker thread."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = recipient
    message["Subject"] = subject
    message.set_content(body)
    await asyncio.to_thread(_deliver, settings, message)


def _deliver(settings: MailSettings, message: EmailMessage) -> None:
    assert settings.smtp_host is not None
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        smtp.send_message(message)
