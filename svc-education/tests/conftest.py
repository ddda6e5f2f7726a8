"""Education's test fixtures: a runtime on a migrated database, GraphQL calls as a role, counts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import pytest
from sqlalchemy import func, select

from shared.runtime import ServiceRuntime
from shared.testing import ServiceRuntimeOf, execute
from svc_education.app import SERVICE
from svc_education.schema import schema

Result = tuple[dict[str, Any] | None, list[dict[str, Any]]]


class Call(Protocol):
    def __call__(
        self, query: str, variables: dict[str, Any] | None = None, roles: list[str] | None = None
    ) -> Awaitable[Result]: ...


@pytest.fixture
async def runtime(service_runtime: ServiceRuntimeOf) -> ServiceRuntime:
    return await service_runtime(SERVICE)


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
