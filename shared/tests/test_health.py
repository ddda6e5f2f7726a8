"""The outbox's status and the readiness rule, on a real SQLite outbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import MetaData

from shared.db import create_engine
from shared.health import OutboxStatus, outbox_status
from shared.outbox import outbox_table

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def row(n: int, created: datetime, **state: object) -> dict[str, object]:
    values: dict[str, object] = {
        "event_id": f"e-{n}",
        "topic": "t",
        "key": "5601",
        "type": "T",
        "envelope": {},
        "created_at": created,
        "sent_at": None,
        "set_aside_at": None,
        "set_aside_reason": None,
    }
    return values | state


async def test_status_counts_pending_and_set_aside_rows_and_finds_the_oldest(
    tmp_path: Path,
) -> None:
    metadata = MetaData()
    outbox = outbox_table(metadata)
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'o.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    assert await outbox_status(engine, outbox) == OutboxStatus(0, None, 0)
    async with engine.begin() as connection:
        await connection.execute(
            outbox.insert(),
            [
                row(1, NOW - timedelta(hours=2), sent_at=NOW),
                row(2, NOW - timedelta(hours=1), set_aside_at=NOW, set_aside_reason="big"),
                row(3, NOW - timedelta(minutes=10)),
                row(4, NOW - timedelta(minutes=1)),
            ],
        )
    status = await outbox_status(engine, outbox)
    await engine.dispose()
    assert (status.pending, status.set_aside) == (2, 1)
    assert status.oldest_age_seconds(NOW) == 600


def test_the_outbox_is_stuck_when_a_row_is_set_aside_or_the_oldest_is_too_old() -> None:
    fresh = OutboxStatus(pending=3, oldest_pending_at=NOW - timedelta(seconds=299), set_aside=0)
    assert fresh.stuck(NOW, threshold_seconds=300) is None
    assert OutboxStatus(0, None, 0).stuck(NOW, 300) is None
    old = OutboxStatus(pending=3, oldest_pending_at=NOW - timedelta(seconds=301), set_aside=0)
    assert old.stuck(NOW, 300) == "oldest pending outbox row is 301 s old (limit 300 s)"
    aside = OutboxStatus(pending=0, oldest_pending_at=None, set_aside=2)
    assert aside.stuck(NOW, 300) == "2 outbox row(s) set aside"
