"""Inbox: a consumed event's `event_id` is recorded in the same transaction as its effect.

Kafka delivers at least once (a crash before the offset commit, a re-sent outbox row); the
inbox makes the second delivery a no-op. FastStream's own message_id is no use here: it is
derived from offset and timestamp, so a re-published event gets a new one.
"""

from __future__ import annotations

from collections.abc import Sequence
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


async def claim(
    session: AsyncSession, inbox: Table, topic: str, events: Sequence[ReceivedEvent]
) -> list[ReceivedEvent]:
    """Records the events not handled before in the caller's transaction; returns them in order.

    One SELECT finds those handled before and one INSERT records the rest; an event delivered
    twice within the batch counts once. A concurrent delivery of the same event makes the insert
    fail on the primary key at commit; the caller then checks `recorded` and treats it as handled.
    """
    ids = [str(event.envelope.event_id) for event in events]
    handled = set(await session.scalars(select(inbox.c.event_id).where(inbox.c.event_id.in_(ids))))
    fresh: list[ReceivedEvent] = []
    for event, event_id in zip(events, ids, strict=True):
        if event_id not in handled:
            handled.add(event_id)
            fresh.append(event)
    if fresh:
        now = datetime.now(UTC)
        await session.execute(
            inbox.insert(),
            [
                {
                    "event_id": str(e.envelope.event_id),
                    "type": e.envelope.type,
                    "topic": topic,
                    "handled_at": now,
                }
                for e in fresh
            ],
        )
    return fresh


async def recorded(sessions: SessionFactory, inbox: Table, event: ReceivedEvent) -> bool:
    async with sessions() as session:
        event_id = str(event.envelope.event_id)
        found = await session.scalar(select(inbox.c.event_id).where(inbox.c.event_id == event_id))
        return found is not None
