"""Two replicas of guidance on one PostgreSQL database: concurrent starts never overload an adviser.

Every start locks its advisers in id order (SELECT … FOR UPDATE), so the replicas' starts are
serialized by the database: exactly as many engagements start as the advisers have room for, the
rest are CONFLICT with nothing written. The teams name their advisers in both orders, which would
deadlock if the locks were taken in the order the client named them.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from shared import reference
from shared.runtime import ServiceRuntime
from shared.testing import execute, migrated_runtime
from svc_guidance.app import SERVICE
from svc_guidance.models import EngagementAdviser, GuidanceAdviser, GuidanceEngagement
from svc_guidance.schema import schema

pytestmark = pytest.mark.integration

DIRECTORATE = ["directorate"]
STARTS = 30
SCARCE, AMPLE = 3, 10  # capacities: the scarce adviser is on every team


async def call(
    runtime: ServiceRuntime, query: str, variables: dict[str, Any], roles: list[str]
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    return await execute(schema, runtime, query, variables, roles)


async def adviser(runtime: ServiceRuntime, name: str, capacity: int) -> str:
    data, errors = await call(
        runtime,
        "mutation($i: GuidanceAdviserInput!) { registerGuidanceAdviser(input: $i) { id } }",
        {"i": {"name": name, "capacity": capacity}},
        DIRECTORATE,
    )
    assert errors == []
    return data["registerGuidanceAdviser"]["id"]


async def accepted_cases(runtime: ServiceRuntime) -> list[str]:
    ids = []
    for municipality in reference.municipalities()[:STARTS]:
        data, errors = await call(
            runtime,
            "mutation($i: GuidanceNominationInput!) { nominateForGuidance(input: $i) { id } }",
            {"i": {"municipality": municipality.number, "reason": "Høy risiko"}},
            DIRECTORATE,
        )
        assert errors == []
        case_id = data["nominateForGuidance"]["id"]
        _, errors = await call(
            runtime,
            "mutation($id: ID!) { respondToGuidance(caseId: $id, accept: true,"
            " committedHoursPerMonth: 20) { id } }",
            {"id": case_id},
            [f"municipality:{municipality.number}"],
        )
        assert errors == []
        ids.append(case_id)
    return ids


async def start(runtime: ServiceRuntime, case_id: str, team: list[str]) -> str:
    """The outcome of one start: ACTIVE, or the error code."""
    engagement = {"caseId": case_id, "round": 2019, "startsOn": "2019-09-02", "advisers": team}
    data, errors = await call(
        runtime,
        "mutation($i: GuidanceEngagementInput!) { startGuidanceEngagement(input: $i) { status } }",
        {"i": engagement},
        DIRECTORATE,
    )
    return errors[0]["extensions"]["code"] if errors else data["startGuidanceEngagement"]["status"]


async def test_concurrent_starts_on_two_replicas_stay_within_capacity(
    new_database: Callable[[str], str],
) -> None:
    url = new_database("guidance")
    replicas = [await migrated_runtime(SERVICE, url) for _ in range(2)]
    try:
        scarce = await adviser(replicas[0], "Knapp", SCARCE)
        ample = await adviser(replicas[0], "Rikelig", AMPLE)
        cases = await accepted_cases(replicas[0])
        teams = [[scarce, ample], [ample, scarce]]
        outcomes = await asyncio.gather(
            *[start(replicas[i % 2], case_id, teams[i % 2]) for i, case_id in enumerate(cases)]
        )
        assert sorted(set(outcomes)) == ["ACTIVE", "CONFLICT"]
        assert outcomes.count("ACTIVE") == SCARCE
        async with replicas[1].sessions() as session:
            active = dict(
                (
                    await session.execute(
                        select(GuidanceAdviser.name, GuidanceAdviser.active_engagements)
                    )
                ).all()
            )
            engagements = await session.scalar(select(func.count()).select_from(GuidanceEngagement))
            assignments = await session.scalar(select(func.count()).select_from(EngagementAdviser))
            started = await session.scalar(
                select(func.count())
                .select_from(replicas[1].outbox)
                .where(replicas[1].outbox.c.type == "EngagementStarted")
            )
        assert active == {"Knapp": SCARCE, "Rikelig": SCARCE}
        assert engagements == started == SCARCE
        assert assignments == 2 * SCARCE
    finally:
        for replica in replicas:
            await replica.engine.dispose()


async def test_the_database_refuses_an_adviser_over_capacity(
    new_database: Callable[[str], str],
) -> None:
    """The CHECK constraint: the backstop should a write ever bypass the rule."""
    runtime = await migrated_runtime(SERVICE, new_database("guidance"))
    try:
        adviser_id = uuid.UUID(await adviser(runtime, "Knapp", 1))
        with pytest.raises(IntegrityError):
            async with runtime.sessions() as session, session.begin():
                await session.execute(
                    update(GuidanceAdviser)
                    .where(GuidanceAdviser.id == adviser_id)
                    .values(active_engagements=2)
                )
    finally:
        await runtime.engine.dispose()
