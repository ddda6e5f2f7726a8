"""Seat locking across replicas, on real PostgreSQL: two engines are two service replicas."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy import func, select

from shared.auth import Principal
from shared.runtime import ServiceRuntime
from shared.testing import migrated_runtime
from svc_education.app import SERVICE
from svc_education.domain.enrolments import EnrolmentRow, EnrolmentStatus, RowOutcome
from svc_education.models import Enrolment, Offering
from svc_education.service.catalogue import create_offering
from svc_education.service.enrolments import register_enrolments

pytestmark = pytest.mark.integration

UIS = Principal(subject="uis-client", roles=frozenset({"institution:uis"}))
LAW = "6f0b1c2e-2018-4a01-8000-000000000003"


@pytest.fixture
async def replicas(new_database: Callable[[str], str]) -> AsyncIterator[list[ServiceRuntime]]:
    url = new_database("education")
    runtimes = [await migrated_runtime(SERVICE, url) for _ in range(2)]
    yield runtimes
    for runtime in runtimes:
        await runtime.engine.dispose()


def batch(offering_id: uuid.UUID, call: int, size: int) -> list[EnrolmentRow]:
    return [
        EnrolmentRow(str(offering_id), "5601", f"e-{call}-{i}", f"r-{call}-{i}", None)
        for i in range(size)
    ]


async def count(runtime: ServiceRuntime, status: EnrolmentStatus) -> int:
    async with runtime.sessions() as session:
        return await session.scalar(
            select(func.count()).select_from(Enrolment).where(Enrolment.status == status)
        )


async def test_fifty_concurrent_batches_never_exceed_the_seats(
    replicas: list[ServiceRuntime],
) -> None:
    seats = 40
    offering = await create_offering(replicas[0], UIS, programme_id=LAW, term="2018H", seats=seats)
    results = await asyncio.gather(
        *(
            register_enrolments(replicas[call % 2], UIS, rows=batch(offering.id, call, 5))
            for call in range(50)
        )
    )
    outcomes = [row.outcome for rows in results for row in rows]
    assert outcomes.count(RowOutcome.ACCEPTED) == seats
    assert outcomes.count(RowOutcome.WAITLISTED) == 250 - seats
    async with replicas[1].sessions() as session:
        stored = await session.get(Offering, offering.id)
    assert stored.seats_taken == seats
    assert await count(replicas[1], EnrolmentStatus.ACTIVE) == seats


async def test_a_batch_retried_while_in_flight_is_a_replay(replicas: list[ServiceRuntime]) -> None:
    offering = await create_offering(replicas[0], UIS, programme_id=LAW, term="2018H", seats=100)
    rows = batch(offering.id, 0, 20)
    results = await asyncio.gather(
        *(register_enrolments(replicas[i % 2], UIS, rows=rows) for i in range(10))
    )
    outcomes = Counter(frozenset(row.outcome for row in result) for result in results)
    assert outcomes == {frozenset({RowOutcome.ACCEPTED}): 1, frozenset({RowOutcome.REPLAYED}): 9}
    assert await count(replicas[0], EnrolmentStatus.ACTIVE) == 20


async def test_a_row_with_a_nul_character_is_rejected_alone_on_postgresql(
    replicas: list[ServiceRuntime],
) -> None:
    offering = await create_offering(replicas[0], UIS, programme_id=LAW, term="2018H", seats=5)
    good, bad = batch(offering.id, 0, 2)
    bad = EnrolmentRow(bad.offering_id, bad.municipality, bad.employee_ref, "r-\x00-1", None)
    results = await register_enrolments(replicas[0], UIS, rows=[bad, good])
    assert [row.outcome for row in results] == [RowOutcome.REJECTED, RowOutcome.ACCEPTED]
    assert results[0].field == "externalRef"
    assert await count(replicas[1], EnrolmentStatus.ACTIVE) == 1
