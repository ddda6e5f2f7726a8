"""Async SQLAlchemy engines and sessions, and Alembic migrations run from code.

SQLite is the embedded default (one file per service); PostgreSQL is production and the
integration tests. The same models and migrations serve both.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, event, text
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SessionFactory = async_sessionmaker[AsyncSession]


def create_engine(url: str) -> AsyncEngine:
    # hide_parameters: a failed statement's error (and so the log) never shows the values,
    # which can be personal data.
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _begin_immediate)
        return engine
    return create_async_engine(
        url, pool_size=10, max_overflow=20, pool_pre_ping=True, hide_parameters=True
    )


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _: object) -> None:
    # The driver would BEGIN lazily at the first write, so a read-then-write transaction could
    # lose an update (SQLite has no SELECT ... FOR UPDATE); `_begin_immediate` begins instead.
    dbapi_connection.isolation_level = None
    # WAL lets the relay read while a use case writes; foreign keys are off by default in SQLite.
    # synchronous=NORMAL: a commit is not fsynced, so an OS crash or power loss may take back
    # the last commits, a process crash never does (docs/decisions/sqlite-synchronous-normal.md).
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


WRITE_TRANSACTION = {"sqlite_begin_immediate": True}


class WriterTurns:
    """On SQLite, this process's writing transactions take turns, first come first served.

    BEGIN IMMEDIATE already makes writers on one file run one at a time, but one that finds the
    lock taken sleeps in SQLite's busy handler (growing naps up to 100 ms) and may lose to a
    later one, leaving the file idle between writers. Waiting on an asyncio lock first hands
    the file over at once and in order. It is
    an optimisation only: another process on the same file still waits in the busy handler.
    On PostgreSQL writers run concurrently (row locks order them), so nobody waits here.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._lock = asyncio.Lock() if is_sqlite(engine) else None

    async def take(self) -> None:
        if self._lock is not None:
            await self._lock.acquire()

    def give_back(self) -> None:
        if self._lock is not None:
            self._lock.release()

    async def __aenter__(self) -> None:
        await self.take()

    async def __aexit__(self, *_: object) -> None:
        self.give_back()


def _begin_immediate(connection: Connection) -> None:
    # A writing transaction takes the write lock at the start: writers on one SQLite file run
    # one at a time, which is what row locks give on PostgreSQL. Reads begin deferred and run
    # side by side (WAL).
    immediate = connection.get_execution_options().get("sqlite_begin_immediate", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def transaction(sessions: SessionFactory) -> AsyncIterator[AsyncSession]:
    """One writing transaction: commits on success, rolls back on any error."""
    async with sessions() as session, session.begin():
        await session.connection(execution_options=WRITE_TRANSACTION)
        yield session


async def ping(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


def alembic_config(migrations_dir: Path, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def migrate(migrations_dir: Path, url: str) -> None:
    """`alembic upgrade head` for one database; Alembic is synchronous, so in a thread."""
    await asyncio.to_thread(command.upgrade, alembic_config(migrations_dir, url), "head")


class NotMigrated(RuntimeError):
    """The database is behind the code: `python -m svc_<name> migrate` has not run yet."""


async def migration_state(engine: AsyncEngine, migrations_dir: Path) -> tuple[set[str], set[str]]:
    """(the database's Alembic revisions, the code's heads)."""
    async with engine.connect() as connection:
        current = await connection.run_sync(
            lambda sync: set(MigrationContext.configure(sync).get_current_heads())
        )
    return current, head_revisions(migrations_dir)


def head_revisions(migrations_dir: Path) -> set[str]:
    return set(_scripts(migrations_dir).get_heads())


def _scripts(migrations_dir: Path) -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config(migrations_dir, ""))


async def check_migrated(engine: AsyncEngine, migrations_dir: Path, service: str) -> bool:
    """Raises NotMigrated when the database is behind the code; False when it is ahead.

    Ahead (a revision this code does not know) means a newer release migrated it; migrations
    only add (expand, then contract a release later), so this release still runs on it.
    """
    current, heads = await migration_state(engine, migrations_dir)
    if current == heads:
        return True
    script = _scripts(migrations_dir)
    try:
        for revision in current:
            script.get_revision(revision)
    except CommandError:
        return False
    raise NotMigrated(
        f"the {service} database is at {sorted(current) or 'no revision'}, the code needs "
        f"{sorted(heads)}: run `python -m svc_{service} migrate` first "
        "(or set MIGRATE_ON_START=true in development)"
    )
