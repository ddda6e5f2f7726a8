"""Priority follows risk learnt from real RiskAssessed events through the broker.

Guidance runs on PostgreSQL with its Kafka subscriber; the test publishes contract-valid
envelopes to networks' topic, as networks' outbox relay would, and reads the queue until guidance
has consumed them. Municipalities few other tests use, so the shared topic's history (read from
the beginning by a new consumer group) does not change what is asserted.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import date
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer

from shared.contracts.networks import RISK_TOPIC, RiskAssessed
from shared.db import migrate
from shared.messaging import ensure_topics
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings
from shared.testing import event_bytes, execute
from svc_guidance.app import SERVICE
from svc_guidance.schema import schema

pytestmark = pytest.mark.integration

DIRECTORATE = ["directorate"]
HASVIK, LEBESBY, GAMVIK = "5616", "5624", "5626"  # Finnmark (56)
QUEUE = "{ guidanceQueue { municipality { number } riskLevel } }"


@pytest.fixture
async def guidance(
    new_database: Callable[[str], str], kafka_bootstrap: str
) -> AsyncIterator[ServiceRuntime]:
    url = new_database("guidance")
    # A consumer group of its own: offsets other tests committed do not apply here.
    settings = ServiceSettings(
        service=f"guidance-{uuid.uuid4().hex[:8]}",
        port=0,
        database_url=url,
        kafka_bootstrap_servers=kafka_bootstrap,
    )
    runtime = SERVICE.runtime(settings)
    await migrate(runtime.migrations_dir, url)
    await ensure_topics(kafka_bootstrap, [RISK_TOPIC], partitions=3)
    yield runtime
    await runtime.broker.stop()
    await runtime.engine.dispose()


async def call(runtime: ServiceRuntime, query: str, variables: dict[str, Any] | None = None) -> Any:
    data, errors = await execute(schema, runtime, query, variables, DIRECTORATE)
    assert errors == [], errors
    return data


async def accepted_case(runtime: ServiceRuntime, municipality: str) -> None:
    nomination = {"municipality": municipality, "reason": "Høy risiko for svikt"}
    case = await call(
        runtime,
        "mutation($i: GuidanceNominationInput!) { nominateForGuidance(input: $i) { id } }",
        {"i": nomination},
    )
    data, errors = await execute(
        schema,
        runtime,
        "mutation($id: ID!) { respondToGuidance(caseId: $id, accept: true,"
        " committedHoursPerMonth: 40) { status } }",
        {"id": case["nominateForGuidance"]["id"]},
        [f"municipality:{municipality}"],
    )
    assert errors == [] and data["respondToGuidance"]["status"] == "ACCEPTED"


async def queue(runtime: ServiceRuntime) -> list[tuple[str, str | None]]:
    cases = (await call(runtime, QUEUE))["guidanceQueue"]
    return [(c["municipality"]["number"], c["riskLevel"]) for c in cases]


async def publish(bootstrap: str, *assessments: tuple[str, str, date]) -> None:
    """RiskAssessed envelopes on networks' topic, keyed by municipality as its relay sends them."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        for municipality, level, assessed_on in assessments:
            payload = RiskAssessed(
                assessment_id=uuid.uuid4(),
                municipality=municipality,
                county="56",
                assessed_on=assessed_on,
                level=level,
            )
            raw = event_bytes(payload, municipality)
            await producer.send_and_wait(RISK_TOPIC, raw, key=municipality.encode())
    finally:
        await producer.stop()


async def queue_once(
    runtime: ServiceRuntime, learnt: Callable[[list[tuple[str, str | None]]], bool]
) -> list[tuple[str, str | None]]:
    """The queue once guidance has learnt what `learnt` waits for (Kafka delivers when it does)."""
    async with asyncio.timeout(60):
        while not learnt(current := await queue(runtime)):
            await asyncio.sleep(0.2)
    return current


async def test_the_queue_order_follows_risk_events_through_the_broker(
    guidance: ServiceRuntime, kafka_bootstrap: str
) -> None:
    for municipality in (HASVIK, LEBESBY, GAMVIK):
        await accepted_case(guidance, municipality)
    assert await queue(guidance) == [(HASVIK, None), (LEBESBY, None), (GAMVIK, None)]

    await guidance.broker.start()
    today = date(2026, 11, 30)
    await publish(
        kafka_bootstrap,
        (HASVIK, "LOW", today),
        (LEBESBY, "HIGH", today),
        (GAMVIK, "CRITICAL", today),
    )
    ordered = await queue_once(guidance, lambda q: all(level for _, level in q))
    assert ordered == [(GAMVIK, "CRITICAL"), (LEBESBY, "HIGH"), (HASVIK, "LOW")]

    # Newer assessments: Gamvik's and Lebesby's lower them.
    await publish(
        kafka_bootstrap,
        (GAMVIK, "LOW", date(2026, 12, 1)),
        (LEBESBY, "MODERATE", date(2026, 12, 1)),
    )
    ordered = await queue_once(
        guidance, lambda q: dict(q)[GAMVIK] == "LOW" and dict(q)[LEBESBY] == "MODERATE"
    )
    assert ordered == [(LEBESBY, "MODERATE"), (HASVIK, "LOW"), (GAMVIK, "LOW")]
