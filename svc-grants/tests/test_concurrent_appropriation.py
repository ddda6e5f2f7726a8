"""Two replicas of grants on one PostgreSQL database: concurrent scheme creations never take
the year's schemes above its appropriation.

Every creation locks the year's appropriation row (creating it first when missing), so the
replicas' creations of one year are serialized by the database: exactly those that fit are made.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from shared.runtime import ServiceRuntime
from shared.testing import execute, migrated_runtime
from svc_grants.app import SERVICE
from svc_grants.models import GrantScheme
from svc_grants.schema import schema

pytestmark = pytest.mark.integration

CREATIONS, FITTING, BUDGET_NOK = 40, 13, 1_000_000
DIRECTORATE = ["directorate"]


async def create(runtime: ServiceRuntime, number: int, year: int) -> str:
    """The outcome of one creation: CREATED, or the error code."""
    scheme = {
        "name": f"Ordning {number}",
        "year": year,
        "kind": "DEVELOPMENT_PROJECT",
        "county": "11",
        "budgetNok": str(BUDGET_NOK),
    }
    _, errors = await execute(
        schema,
        runtime,
        "mutation($i: GrantSchemeInput!) { createGrantScheme(input: $i) { id } }",
        {"i": scheme},
        DIRECTORATE,
    )
    return errors[0]["extensions"]["code"] if errors else "CREATED"


async def test_concurrent_scheme_creations_on_two_replicas_stay_within_the_appropriation(
    new_database: Callable[[str], str],
) -> None:
    url = new_database("grants")
    replicas = [await migrated_runtime(SERVICE, url) for _ in range(2)]
    try:
        _, errors = await execute(
            schema,
            replicas[0],
            'mutation { setAppropriation(year: 2018, amountNok: "13000000") { year } }',
            None,
            DIRECTORATE,
        )
        assert errors == []
        outcomes = await asyncio.gather(
            *[create(replicas[n % 2], n, 2018) for n in range(CREATIONS)],
            # A year without an appropriation, created at the same time, has no limit.
            *[create(replicas[n % 2], n, 2019) for n in range(4)],
        )
        assert outcomes[:CREATIONS].count("CREATED") == FITTING
        assert set(outcomes[:CREATIONS]) == {"CREATED", "CONFLICT"}
        assert outcomes[CREATIONS:] == ["CREATED"] * 4
        async with replicas[1].sessions() as session:
            total = await session.scalar(
                select(func.sum(GrantScheme.budget_ore)).where(GrantScheme.year == 2018)
            )
        assert total == FITTING * BUDGET_NOK * 100
    finally:
        for replica in replicas:
            await replica.engine.dispose()
