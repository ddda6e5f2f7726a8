"""Inbox: a consumed event's `event_id` is recorded in the same transaction as its effect.

Kafka delivers at least once (a crash before the offset commit, a re-sent outbox row); the
inbox makes the second delivery a no-op. FastStream's own message_id is no use here: it is
derived from offset and timestamp, so a re-published event gets a new one.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, MetaData, String, Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import SessionFactory
from shared.events import ReceivedEvent


def inbox_table(metadata: MetaData) -> Table:
    return Table(
        "inbox",
        metadata,
        Column("event_id", String(36), primary_key=True),
        Column("type", String(100), nullable=False),
        Column("topic", String(200), nullable=False),
        Column("handled_at", DateTime(timezone=True), nullable=False),
    )


async def claim(session: AsyncSession, inbox: Table, topic: str, event: ReceivedEvent) -> bool:
    """Records the event in the caller's transaction; False when it was handled before.

    A concurrent delivery of the same event makes the insert fail on the primary key at commit;
    the caller then checks `recorded` and treats it as handled.
    """
    event_id = str(event.envelope.event_id)
    if await session.scalar(select(inbox.c.event_id).where(inbox.c.event_id == event_id)):
        return False
    await session.execute(
        inbox.insert().values(
            event_id=event_id, type=event.envelope.type, topic=topic, handled_at=datetime.now(UTC)
        )
    )
    return True


async def recorded(sessions: SessionFactory, inbox: Table, event: ReceivedEvent) -> bool:
    async with sessions() as session:
        event_id = str(event.envelope.event_id)
        found = await session.scalar(select(inbox.c.event_id).where(inbox.c.event_id == event_id))
        return found is not None
