"""Migrating is its own step (`python -m svc_<name> migrate`); a service does not migrate itself
unless the development setting MIGRATE_ON_START says so, and refuses a database behind it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from shared.db import NotMigrated, check_migrated, create_engine, head_revisions
from shared.testing import sqlite_url
from svc_grants.app import SERVICE


def run(args: list[str], database_url: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "svc_grants", *args],
        env={**os.environ, "GRANTS_DATABASE_URL": database_url, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


async def revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.scalar(text("SELECT version_num FROM alembic_version"))
    finally:
        await engine.dispose()


async def test_migrate_brings_a_new_database_to_the_head_and_is_safe_to_repeat(
    tmp_path: Path,
) -> None:
    url = sqlite_url(tmp_path, "grants")
    [head] = head_revisions(SERVICE.migrations_dir)
    for _ in range(2):
        done = run(["migrate"], url)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "database migrated" in done.stdout
        assert await revision(url) == head


def test_a_service_on_an_unmigrated_database_refuses_to_start_and_names_the_step(
    tmp_path: Path,
) -> None:
    done = run([], sqlite_url(tmp_path, "grants"), GRANTS_PORT="0")
    assert done.returncode != 0
    assert "run `python -m svc_grants migrate` first" in done.stdout + done.stderr


def test_an_unknown_command_is_refused_with_the_choices(tmp_path: Path) -> None:
    done = run(["migrat"], sqlite_url(tmp_path, "grants"))
    assert done.returncode == 2
    assert "choose from 'serve', 'migrate'" in done.stderr


async def test_a_database_ahead_of_the_code_is_served_and_one_behind_is_refused(
    tmp_path: Path,
) -> None:
    url = sqlite_url(tmp_path, "grants")
    engine = create_engine(url)
    try:
        with pytest.raises(NotMigrated, match="no revision"):
            await check_migrated(engine, SERVICE.migrations_dir, "grants")
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE alembic_version (version_num TEXT)"))
            await connection.execute(text("INSERT INTO alembic_version VALUES ('0001')"))
        with pytest.raises(NotMigrated, match="'0001'"):
            await check_migrated(engine, SERVICE.migrations_dir, "grants")
        async with engine.begin() as connection:  # a newer release's revision
            await connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        assert await check_migrated(engine, SERVICE.migrations_dir, "grants") is False
    finally:
        await engine.dispose()


@pytest.mark.integration
async def test_the_development_setting_migrates_at_start(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    from localinfra.platform import Process
    from localinfra.ports import free_port

    url = sqlite_url(tmp_path, "grants")
    port = free_port()
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "GRANTS_PORT": str(port),
        "GRANTS_DATABASE_URL": url,
        "MIGRATE_ON_START": "true",
    }
    grants = Process(
        "grants", [sys.executable, "-m", "svc_grants"], port, env, tmp_path / "grants.log"
    )
    grants.start()
    try:
        grants.wait_ready(120)
    finally:
        grants.stop()
    [head] = head_revisions(SERVICE.migrations_dir)
    assert await revision(url) == head


@pytest.mark.integration
async def test_migrate_steps_side_by_side_on_postgresql_take_turns(
    new_database: Callable[[str], str],
) -> None:
    url = new_database("grants_migrate")
    steps = [
        await asyncio.create_subprocess_exec(
            *[sys.executable, "-m", "svc_grants", "migrate"],
            env={**os.environ, "GRANTS_DATABASE_URL": url},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(3)
    ]
    outputs = await asyncio.gather(*(step.communicate() for step in steps))
    assert [step.returncode for step in steps] == [0, 0, 0], outputs
    [head] = head_revisions(SERVICE.migrations_dir)
    assert await revision(url) == head
