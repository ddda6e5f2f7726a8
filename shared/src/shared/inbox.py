"""Inbox: a consumed event's `event_id` is recorded in the same transaction as its effect.

Kafka delivers at least once (a crash before the offset commit, a re-sent outbox row); the
inbox makes the second delivery a no-op. FastStream's own message_id is no use here: it is
derived from offset and timestamp, so a re-published event gets a new one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, MetaData, String, Table, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import SessionFactory
from shared.events import ReceivedEvent

Effect = Callable[[AsyncSession, ReceivedEvent], Awaitable[None]]


def inbox_table(metadata: MetaData) -> Table:
    return Table(
        "inbox",
        metadata,
        Column("event_id", String(36), primary_key=True),
        Column("type", String(100), nullable=False),
        Column("topic", String(200), nullable=False),
        Column("handled_at", DateTime(timezone=True), nullable=False),
    )


async def handle_once(
    sessions: SessionFactory, inbox: Table, topic: str, event: ReceivedEvent, effect: Effect
) -> bool:
    """Applies `effect` unless this event was handled before; True when it had an effect."""
    event_id = str(event.envelope.event_id)
    try:
        async with sessions() as session, session.begin():
            seen = await session.scalar(
                select(inbox.c.event_id).where(inbox.c.event_id == event_id)
            )
            if seen is not None:
                return False
            await session.execute(
                inbox.insert().values(
                    event_id=event_id,
                    type=event.envelope.type,
                    topic=topic,
                    handled_at=datetime.now(UTC),
                )
            )
            await effect(session, event)
    except IntegrityError:
        # A concurrent delivery of the same event won the insert; its effect stands.
        if await _recorded(sessions, inbox, event_id):
            return False
        raise
    return True


async def _recorded(sessions: SessionFactory, inbox: Table, event_id: str) -> bool:
    async with sessions() as session:
        found = await session.scalar(select(inbox.c.event_id).where(inbox.c.event_id == event_id))
        return found is not None
