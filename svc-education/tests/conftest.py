"""Education's test fixtures (runtime and gql come from shared.testing): row counts, outbox."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from shared.runtime import ServiceRuntime
from shared.web import ServiceDefinition
from svc_education.app import SERVICE


@pytest.fixture
def service_definition() -> ServiceDefinition:
    return SERVICE


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
