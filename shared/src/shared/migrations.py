"""The body of every service's `migrations/env.py`: async engine, online and offline modes.

On PostgreSQL a run holds an advisory lock, so migrate steps started side by side (an init
container per replica) run one after the other: the later ones find the head and do nothing.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import MetaData, pool, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

# Any constant serves: each service has a database of its own. ASCII "migrate".
MIGRATION_LOCK = 0x6D696772617465


def run_migrations(target_metadata: MetaData) -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    asyncio.run(_run_online(url or "", target_metadata))


async def _run_online(url: str, target_metadata: MetaData) -> None:
    engine = create_async_engine(url, poolclass=pool.NullPool)
    async with engine.connect() as connection:
        locking = connection.dialect.name == "postgresql"
        if locking:
            await connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK})
            await connection.commit()  # the lock is the session's; Alembic begins its own
        await connection.run_sync(_run_sync, target_metadata)
        if locking:
            await connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK})
            await connection.commit()
    await engine.dispose()


def _run_sync(connection: Connection, target_metadata: MetaData) -> None:
    # render_as_batch: SQLite cannot ALTER most things; batch mode rebuilds the table instead.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
