"""Education's test fixtures: a migrated runtime on SQLite, GraphQL calls as a role, row counts."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol

import pytest
from sqlalchemy import func, select

from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings
from shared.testing import execute, migrated_runtime, sqlite_url
from svc_education.app import create_runtime
from svc_education.schema import schema

Result = tuple[dict[str, Any] | None, list[dict[str, Any]]]


class Call(Protocol):
    def __call__(
        self, query: str, variables: dict[str, Any] | None = None, roles: list[str] | None = None
    ) -> Awaitable[Result]: ...


@pytest.fixture(scope="session")
async def migrated_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per session; each test works on a copy (migrating is slow)."""
    folder = tmp_path_factory.mktemp("template")
    runtime = await migrated_runtime(create_runtime, "education", sqlite_url(folder, "education"))
    await runtime.engine.dispose()
    return folder / "education.db"


@pytest.fixture
async def runtime(tmp_path: Path, migrated_file: Path) -> AsyncIterator[ServiceRuntime]:
    shutil.copy(migrated_file, tmp_path / "education.db")
    url = sqlite_url(tmp_path, "education")
    runtime = create_runtime(ServiceSettings(service="education", port=0, database_url=url))
    yield runtime
    await runtime.engine.dispose()


@pytest.fixture
def gql(runtime: ServiceRuntime) -> Call:
    """Runs a query on education's subgraph as a token with `roles` (anonymous when None)."""

    def call(
        query: str, variables: dict[str, Any] | None = None, roles: list[str] | None = None
    ) -> Awaitable[Result]:
        return execute(schema, runtime, query, variables, roles)

    return call


@pytest.fixture
def row_counts(runtime: ServiceRuntime) -> Callable[[], Awaitable[dict[str, int]]]:
    """Rows per table (outbox included): equal before and after means nothing was written."""

    async def counts() -> dict[str, int]:
        async with runtime.sessions() as session:
            return {
                name: await session.scalar(select(func.count()).select_from(table))
                for name, table in runtime.metadata.tables.items()
            }

    return counts


@pytest.fixture
def outbox_events(runtime: ServiceRuntime) -> Callable[[], Awaitable[list[dict[str, Any]]]]:
    """The envelopes in the outbox, in order."""

    async def events() -> list[dict[str, Any]]:
        async with runtime.sessions() as session:
            rows = await session.scalars(
                select(runtime.outbox.c.envelope).order_by(runtime.outbox.c.id)
            )
            return list(rows)

    return events
