"""A batch of enrolment events has the same effect as its events one by one, each at most once."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from shared.contracts.education import (
    ENROLMENTS_TOPIC,
    CourseCompleted,
    EnrolmentPromoted,
    EnrolmentRegistered,
    EnrolmentWithdrawn,
)
from shared.events import Contract, ReceivedEvent, parse_event
from shared.runtime import ServiceRuntime
from shared.testing import ServiceRuntimeOf, enrolment_registered, event_bytes
from svc_grants.app import SERVICE
from svc_grants.models import Eligibility

ALTA = "5601"


def received(payload: Contract) -> ReceivedEvent:
    return parse_event(event_bytes(payload, ALTA))


def later_events(registered: EnrolmentRegistered) -> list[Contract]:
    """What may follow a waitlisted registration: promotion, completion or withdrawal."""
    ids = {"enrolment_id": registered.enrolment_id, "municipality": ALTA}
    return [
        EnrolmentPromoted(offering_id=registered.offering_id, **ids),
        CourseCompleted(credits=30, completed_on=date(2019, 6, 15), **ids),
        EnrolmentWithdrawn(
            offering_id=registered.offering_id, previous_status="ACTIVE", reason="moved", **ids
        ),
    ]


def mixed_events() -> list[ReceivedEvent]:
    """Registrations in runs, interleaved with later events of enrolments registered before."""
    first = [enrolment_registered(ALTA, status) for status in ("WAITLISTED", "ACTIVE", "ACTIVE")]
    second = [enrolment_registered(ALTA, "WAITLISTED") for _ in range(2)]
    promoted, completed, withdrawn = later_events(first[0])
    payloads: list[Contract] = [*first, promoted, *second, completed]
    payloads += [later_events(second[1])[0], withdrawn, enrolment_registered(ALTA)]
    return [received(payload) for payload in payloads]


async def eligibility(runtime: ServiceRuntime) -> list[tuple[uuid.UUID, str, int, str]]:
    async with runtime.sessions() as session:
        rows = await session.execute(
            select(
                Eligibility.enrolment_id,
                Eligibility.municipality,
                Eligibility.year,
                Eligibility.status,
            ).order_by(Eligibility.enrolment_id)
        )
        return [tuple(row) for row in rows]


async def inbox_size(runtime: ServiceRuntime) -> int:
    async with runtime.sessions() as session:
        return await session.scalar(select(func.count()).select_from(runtime.inbox)) or 0


async def test_a_batch_has_the_effect_of_its_events_one_by_one(
    service_runtime: ServiceRuntimeOf,
) -> None:
    events = mixed_events()
    one_by_one, batched = await service_runtime(SERVICE), await service_runtime(SERVICE)
    for event in events:
        assert await one_by_one.handle(ENROLMENTS_TOPIC, event) is True
    assert await batched.handle_batch(ENROLMENTS_TOPIC, events) == len(events)

    expected = await eligibility(one_by_one)
    assert await eligibility(batched) == expected
    statuses = Counter(status for *_, status in expected)
    assert statuses == {"ELIGIBLE": 4, "AWAITING_SEAT": 1, "WITHDRAWN": 1}
    assert await inbox_size(batched) == len(events)


async def test_a_duplicate_within_a_batch_and_across_batches_has_one_effect(
    runtime: ServiceRuntime,
) -> None:
    a, b, c = (received(enrolment_registered(ALTA)) for _ in range(3))
    assert await runtime.handle_batch(ENROLMENTS_TOPIC, [a, a, b]) == 2
    assert await runtime.handle_batch(ENROLMENTS_TOPIC, [b, c, a]) == 1
    assert await runtime.handle(ENROLMENTS_TOPIC, c) is False
    assert len(await eligibility(runtime)) == 3
    assert await inbox_size(runtime) == 3


async def test_a_failing_batch_applies_nothing(runtime: ServiceRuntime) -> None:
    registered = enrolment_registered(ALTA)
    good = received(enrolment_registered(ALTA))
    # The same enrolment under two event ids: the second registration cannot be recorded.
    twice = [received(registered), good, received(registered)]
    with pytest.raises(IntegrityError):
        await runtime.handle_batch(ENROLMENTS_TOPIC, twice)
    assert await eligibility(runtime) == []
    assert await inbox_size(runtime) == 0
    assert await runtime.handle_batch(ENROLMENTS_TOPIC, twice[:2]) == 2
