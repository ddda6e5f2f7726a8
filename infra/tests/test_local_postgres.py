"""Throwaway PostgreSQL clusters: databases take queries, two clusters run side by side."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from localinfra.postgres import LocalPostgres

pytestmark = pytest.mark.integration


async def test_a_new_database_takes_queries_and_goes_away_on_stop() -> None:
    with LocalPostgres() as cluster:
        url = cluster.create_database("infra_test")
        connection = await asyncpg.connect(_dsn(url))
        try:
            assert await connection.fetchval("select 1") == 1
            await connection.execute("create table note (id serial primary key, body text)")
            await connection.execute("insert into note (body) values ('Tromsø')")
            assert await connection.fetchval("select body from note") == "Tromsø"
        finally:
            await connection.close()
        assert await _select_one_through_sqlalchemy(url) == 1
        cluster.drop_database("infra_test")
        assert cluster.psql("select datname from pg_database where datname = 'infra_test'") == ""
        root = cluster.root
    assert not root.exists()


async def test_a_database_copied_from_a_template_has_its_tables_and_rows(postgres: Any) -> None:
    suffix = uuid.uuid4().hex[:8]
    template = postgres.create_database(f"template_{suffix}")
    connection = await asyncpg.connect(_dsn(template))
    try:
        await connection.execute("create table note (body text); insert into note values ('Alta')")
    finally:
        await connection.close()  # a template nobody is connected to can be copied
    copy = postgres.create_database(f"copy_{suffix}", template=f"template_{suffix}")
    connection = await asyncpg.connect(_dsn(copy))
    try:
        assert await connection.fetchval("select body from note") == "Alta"
    finally:
        await connection.close()


def test_a_template_name_that_is_not_letters_digits_and_underscores_is_refused(
    postgres: Any,
) -> None:
    with pytest.raises(ValueError, match="letters, digits and _"):
        postgres.create_database("copy", template='x" OWNER "postgres')


async def test_two_clusters_run_side_by_side() -> None:
    with LocalPostgres() as first, LocalPostgres() as second:
        ports = set()
        for cluster in (first, second):
            connection = await asyncpg.connect(_dsn(cluster.url("postgres")))
            ports.add(int(await connection.fetchval("show port")))
            await connection.close()
    assert ports == {first.port, second.port}
    assert first.port != second.port


async def _select_one_through_sqlalchemy(url: str) -> int:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return (await connection.execute(text("select 1"))).scalar_one()
    finally:
        await engine.dispose()


def _dsn(sqlalchemy_url: str) -> str:
    return sqlalchemy_url.replace("postgresql+asyncpg://", "postgresql://")
