"""Enrolment ingestion rate, end to end: from the registerEnrolments call until every
EnrolmentRegistered event is on Kafka (PostgreSQL, the outbox relay, a real local broker).

Not part of the test suite: `make bench`. It prints figures and asserts only correctness.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import platform
import statistics
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer

from shared.contracts.education import ENROLMENTS_TOPIC
from shared.db import migrate
from shared.messaging import ensure_topics
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings
from shared.testing import execute, relay_running
from svc_education.app import SERVICE
from svc_education.schema import schema

TOTAL = 5000  # enrolments per run, whatever the batch size
INSTITUTION = ["institution:uis"]
LAW = "6f0b1c2e-2018-4a01-8000-000000000003"
CREATE_OFFERING = "mutation($i: OfferingInput!) { createOffering(input: $i) { id } }"
REGISTER = """mutation($i: [EnrolmentInput!]!) { registerEnrolments(input: $i) {
  accepted rejected } }"""


@pytest.fixture
async def education(
    kafka_bootstrap: str, new_database: Callable[[str], str]
) -> AsyncIterator[ServiceRuntime]:
    """An education replica on a fresh PostgreSQL database with its outbox relay running."""
    url = new_database("bench_education")
    settings = ServiceSettings(
        service="education",
        port=0,
        database_url=url,
        kafka_bootstrap_servers=kafka_bootstrap,
        outbox_poll_seconds=0.05,
    )
    runtime = SERVICE.runtime(settings)
    await migrate(runtime.migrations_dir, url)
    await ensure_topics(kafka_bootstrap, [ENROLMENTS_TOPIC], settings.kafka_partitions)
    async with relay_running(runtime):
        yield runtime
    await runtime.engine.dispose()


@pytest.mark.parametrize("batch_size", [100, 5000])
async def test_enrolment_ingestion_rate(
    education: ServiceRuntime, kafka_bootstrap: str, batch_size: int
) -> None:
    await warm_up(education)
    offering_id = await create_offering(education, seats=TOTAL)
    async with consumer_at_end(kafka_bootstrap) as consumer:
        arrived = asyncio.create_task(count_registered(consumer, offering_id, TOTAL))
        started = time.perf_counter()
        latencies = [
            await post_batch(education, offering_id, start, batch_size)
            for start in range(0, TOTAL, batch_size)
        ]
        committed = time.perf_counter() - started
        await asyncio.wait_for(arrived, timeout=240)
        on_kafka = time.perf_counter() - started
    report(batch_size, latencies, committed, on_kafka)


async def warm_up(runtime: ServiceRuntime) -> None:
    """One enrolment through to Kafka first, so connections and the producer are up."""
    offering_id = await create_offering(runtime, seats=1)
    await post_batch(runtime, offering_id, start=-1, size=1)
    while runtime.relay.published < 1:
        await asyncio.sleep(0.05)


async def create_offering(runtime: ServiceRuntime, seats: int) -> str:
    variables = {"i": {"programmeId": LAW, "term": "2018H", "seats": seats}}
    data, errors = await execute(schema, runtime, CREATE_OFFERING, variables, INSTITUTION)
    assert errors == [], errors
    return data["createOffering"]["id"]


async def post_batch(runtime: ServiceRuntime, offering_id: str, start: int, size: int) -> float:
    """One registerEnrolments call; returns its latency in seconds."""
    rows = [
        {
            "offeringId": offering_id,
            "municipality": "5601",
            "employeeRef": f"e-{offering_id}-{start + i}",
            "externalRef": f"r-{offering_id}-{start + i}",
            "role": "caseworker",
        }
        for i in range(size)
    ]
    began = time.perf_counter()
    data, errors = await execute(schema, runtime, REGISTER, {"i": rows}, INSTITUTION)
    assert errors == [], errors
    assert data["registerEnrolments"] == {"accepted": size, "rejected": 0}
    return time.perf_counter() - began


@contextlib.asynccontextmanager
async def consumer_at_end(bootstrap: str) -> AsyncIterator[AIOKafkaConsumer]:
    """A group-less consumer positioned at the current end of every partition."""
    consumer = AIOKafkaConsumer(
        ENROLMENTS_TOPIC, bootstrap_servers=bootstrap, enable_auto_commit=False
    )
    await consumer.start()
    try:
        while not consumer.assignment():  # without a group it is assigned every partition
            await asyncio.sleep(0.05)
        await consumer.seek_to_end()
        for partition in consumer.assignment():  # resolves the lazy seek before producing
            await consumer.position(partition)
        yield consumer
    finally:
        await consumer.stop()


async def count_registered(consumer: AIOKafkaConsumer, offering_id: str, expected: int) -> None:
    """Until `expected` distinct EnrolmentRegistered events of the offering have arrived."""
    seen: set[str] = set()
    while len(seen) < expected:
        batches = await consumer.getmany(timeout_ms=500, max_records=5000)
        for records in batches.values():
            for record in records:
                envelope = json.loads(record.value)
                if (
                    envelope["type"] == "EnrolmentRegistered"
                    and envelope["payload"]["offering_id"] == offering_id
                ):
                    seen.add(envelope["event_id"])


def report(batch_size: int, latencies: list[float], committed: float, on_kafka: float) -> None:
    print(
        f"\n[bench] enrolment ingestion, batches of {batch_size} ({len(latencies)} calls, "
        f"{TOTAL} enrolments) on {machine()}\n"
        f"  calls: median {statistics.median(latencies) * 1000:.0f} ms, "
        f"max {max(latencies) * 1000:.0f} ms per call\n"
        f"  committed: {committed:.2f} s = {TOTAL / committed:,.0f} enrolments/s\n"
        f"  on Kafka:  {on_kafka:.2f} s = {TOTAL / on_kafka:,.0f} enrolments/s end to end"
    )


def machine() -> str:
    cpus = len(os.sched_getaffinity(0))
    cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")),
        platform.processor() or "unknown CPU",
    )
    return f"{cpus} CPUs (nproc), {model}, Python {platform.python_version()}"
