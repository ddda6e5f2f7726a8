"""Every service migrates on both engines (SQLite embedded, PostgreSQL production) and answers."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

import pytest

from shared.testing import execute, migrated_runtime, sqlite_read_plans, sqlite_url

QUERIES = {
    "education": ("{ programmes { name credits } }", lambda d: len(d["programmes"]) == 6),
    "grants": ("{ grantSchemes { name } }", lambda d: d["grantSchemes"] == []),
    "networks": ("{ learningNetworks { name } }", lambda d: d["learningNetworks"] == []),
    "guidance": ("{ guidanceEngagements { round } }", lambda d: d["guidanceEngagements"] == []),
}


async def migrate_and_ask(service: str, url: str) -> None:
    definition = importlib.import_module(f"svc_{service}.app").SERVICE
    runtime = await migrated_runtime(definition, url)
    await migrated_runtime(definition, url)  # a second run is a no-op
    query, expected = QUERIES[service]
    data, errors = await execute(definition.schema, runtime, query, roles=["directorate"])
    await runtime.engine.dispose()
    assert errors == []
    assert expected(data)


@pytest.mark.parametrize("service", QUERIES)
async def test_migrates_on_sqlite_and_answers(service: str, tmp_path: Path) -> None:
    await migrate_and_ask(service, sqlite_url(tmp_path, service))


@pytest.mark.integration
@pytest.mark.parametrize("service", QUERIES)
async def test_migrates_on_postgresql_and_answers(
    service: str, new_database: Callable[[str], str]
) -> None:
    await migrate_and_ask(service, new_database(service))


@pytest.mark.parametrize("service", QUERIES)
async def test_the_relay_reads_only_the_pending_outbox_rows_on_sqlite(
    service: str, tmp_path: Path
) -> None:
    """Sent rows stay in the outbox: the relay's read must not go through them every round."""
    definition = importlib.import_module(f"svc_{service}.app").SERVICE
    runtime = await migrated_runtime(definition, sqlite_url(tmp_path, service))
    try:
        plans = await sqlite_read_plans(runtime.engine, runtime.relay.publish_pending)
    finally:
        await runtime.engine.dispose()
    [(statement, steps)] = plans
    assert steps == ["SCAN outbox USING INDEX ix_outbox_pending"], statement
