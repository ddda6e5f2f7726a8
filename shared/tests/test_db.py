"""SQLite (the embedded default) must not lose updates under concurrent read-modify-write."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, select, text, update
from sqlalchemy.exc import IntegrityError

from shared.db import create_engine, session_factory, transaction
from shared.inbox import inbox_table
from shared.outbox import outbox_table
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings

metadata = MetaData()
counters = Table(
    "counters", metadata, Column("id", Integer, primary_key=True), Column("n", Integer)
)


async def test_concurrent_increments_on_sqlite_are_not_lost(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
        await connection.execute(counters.insert().values(id=1, n=0))
    sessions = session_factory(engine)

    async def increment() -> None:
        async with transaction(sessions) as session:
            n = await session.scalar(select(counters.c.n).where(counters.c.id == 1))
            await asyncio.sleep(0.01)  # let the others read the same value if they could
            await session.execute(update(counters).where(counters.c.id == 1).values(n=n + 1))

    await asyncio.gather(*(increment() for _ in range(20)))
    async with sessions() as session:
        assert await session.scalar(select(counters.c.n)) == 20
    await engine.dispose()


async def test_a_read_runs_while_a_write_transaction_is_open(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'r.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
        await connection.execute(counters.insert().values(id=1, n=0))
    sessions = session_factory(engine)
    async with transaction(sessions) as writing:
        await writing.execute(update(counters).values(n=1))
        async with sessions() as reading:  # would wait for the write lock if reads took it
            assert await asyncio.wait_for(reading.scalar(select(counters.c.n)), 5) == 0
    await engine.dispose()


async def test_sqlite_runs_in_wal_mode_without_an_fsync_per_commit(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'p.db'}")
    async with engine.connect() as connection:
        journal = await connection.scalar(text("PRAGMA journal_mode"))
        synchronous = await connection.scalar(text("PRAGMA synchronous"))
    await engine.dispose()
    assert (journal, synchronous) == ("wal", 1)  # 1 is NORMAL (docs/decisions)


async def test_writers_take_turns_in_arrival_order_and_a_failed_one_gives_its_turn_back(
    tmp_path: Path,
) -> None:
    with_outbox = MetaData()
    counters.to_metadata(with_outbox)
    outbox_table(with_outbox)
    inbox_table(with_outbox)
    url = f"sqlite+aiosqlite:///{tmp_path / 't.db'}"
    runtime = ServiceRuntime(
        settings=ServiceSettings(service="turns", port=0, database_url=url),
        metadata=with_outbox,
        migrations_dir=tmp_path,
    )
    async with runtime.engine.begin() as connection:
        await connection.run_sync(with_outbox.create_all)
        await connection.execute(counters.insert().values(id=1, n=0))
    committed: list[int] = []

    async def write(n: int) -> None:
        async with runtime.unit_of_work() as uow:
            await uow.session.execute(update(counters).values(n=n))
            await asyncio.sleep(0.001)
            if n == 3:
                raise RuntimeError("this one fails")
        committed.append(n)

    outcomes = await asyncio.gather(*(write(n) for n in range(10)), return_exceptions=True)
    async with runtime.sessions() as session:
        last = await session.scalar(select(counters.c.n))
    await runtime.engine.dispose()
    assert [type(o).__name__ for o in outcomes].count("RuntimeError") == 1
    assert committed == [0, 1, 2, 4, 5, 6, 7, 8, 9]  # one at a time, first come first served
    assert last == 9


async def test_a_failed_statement_s_error_never_shows_its_values(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'p.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
        await connection.execute(counters.insert().values(id=1, n=0))
        with pytest.raises(IntegrityError) as raised:
            await connection.execute(
                text("INSERT INTO counters (id, n) VALUES (:id, :n)"),
                {"id": 1, "n": "employee ab-1234"},
            )
    await engine.dispose()
    assert "UNIQUE constraint failed" in str(raised.value)
    assert "employee ab-1234" not in str(raised.value)
