"""What every change of an application writes: its history row and its event, in one transaction.

Money rows are locked before they change: the scheme first, then the application (the same
order everywhere, so two use cases never deadlock). On PostgreSQL that serializes concurrent
decisions across replicas; on SQLite, where FOR UPDATE is a plain read, the rows' version
counters turn a lost race into a CONFLICT instead of an over-commitment.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from shared.auth import Principal
from shared.contracts.grants import GrantReclaimed
from shared.errors import Conflict, NotFound
from shared.events import Contract, Envelope
from shared.inputs import parse_uuid
from shared.runtime import ServiceRuntime, UnitOfWork
from svc_grants.domain import applications as domain
from svc_grants.domain.applications import Change
from svc_grants.models import GrantApplication, GrantApplicationTransition, GrantScheme


@dataclass(frozen=True, slots=True)
class Actor:
    """Who made a transition: a token's subject and the role they acted in, or an event."""

    subject: str
    role: str

    @classmethod
    def of_event(cls, envelope: Envelope) -> Actor:
        return cls(subject=f"{envelope.producer}:{envelope.event_id}", role="event")


@asynccontextmanager
async def transaction(runtime: ServiceRuntime) -> AsyncIterator[UnitOfWork]:
    try:
        async with runtime.unit_of_work() as uow:
            yield uow
    except StaleDataError as error:
        raise Conflict("the application or its budget changed meanwhile; try again") from error


def record(
    uow: UnitOfWork,
    app: GrantApplication,
    change: Change,
    actor: Actor,
    reason: str | None,
    event: Contract | None,
) -> None:
    now = datetime.now(UTC)
    app.updated_at = now
    uow.session.add(
        GrantApplicationTransition(
            application_id=app.id,
            at=now,
            by_subject=actor.subject,
            by_role=actor.role,
            from_status=change.from_status,
            to_status=change.to_status,
            reason=reason,
            amount_ore=change.amount_ore,
        )
    )
    if event is not None:
        uow.emit(event, municipality=app.municipality)


def ids(app: GrantApplication) -> dict[str, object]:
    """The fields every application event starts with."""
    return {"application_id": app.id, "scheme_id": app.scheme_id, "municipality": app.municipality}


def reclaimed(app: GrantApplication, reason: str) -> GrantReclaimed:
    return GrantReclaimed(**ids(app), amount_ore=app.reclaimed_ore, reason=reason)


async def administered(
    session: AsyncSession, principal: Principal, application_id: str
) -> tuple[GrantApplication, GrantScheme, Actor]:
    """The application and its scheme, locked (scheme first), if the principal administers it."""
    principal.require_authenticated()
    app = await session.get(GrantApplication, parse_uuid(application_id, "id"))
    if app is None or not domain.may_see_application(
        principal, app.municipality, app.county, app.applicant
    ):
        raise NotFound("no grant application has this id")
    scheme = await session.get_one(GrantScheme, app.scheme_id, with_for_update=True)
    role = domain.administrator_role(principal, scheme.kind, scheme.county)
    await session.refresh(app, with_for_update=True)
    return app, scheme, Actor(principal.subject or "", role)
