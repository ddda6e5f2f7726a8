"""Networks on real PostgreSQL and a real Kafka broker: grants' decisions arrive through Kafka;
concurrent writers meet real row locks and unique indexes."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from shared.contracts.grants import APPLICATIONS_TOPIC
from shared.contracts.networks import PROJECTS_TOPIC
from shared.db import migrate
from shared.events import Contract, new_event
from shared.messaging import ensure_topics
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings
from shared.testing import relay_running
from svc_networks.app import SERVICE

pytestmark = pytest.mark.integration

STAVANGER = "1103"


@pytest.fixture
async def networks_on_kafka(
    kafka_bootstrap: str, new_database: Callable[[str], str], networks_driver: type
) -> AsyncIterator[Any]:
    """Networks on PostgreSQL, consuming grants' topic and relaying its outbox to Kafka."""
    url = new_database("networks")
    await migrate(SERVICE.migrations_dir, url)
    settings = ServiceSettings(
        service=f"networks-{uuid.uuid4().hex[:8]}",  # a consumer group of its own
        port=0,
        database_url=url,
        kafka_bootstrap_servers=kafka_bootstrap,
        outbox_poll_seconds=0.1,
    )
    runtime: ServiceRuntime = SERVICE.runtime(settings)
    await ensure_topics(kafka_bootstrap, [APPLICATIONS_TOPIC, PROJECTS_TOPIC], partitions=3)
    await runtime.broker.start()
    try:
        async with relay_running(runtime):
            yield networks_driver(runtime)
    finally:
        await runtime.broker.stop()
        await runtime.engine.dispose()


async def publish(bootstrap: str, *payloads: Contract) -> None:
    """As grants' relay does: one envelope per event, keyed by the municipality."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        for payload in payloads:
            event = new_event(payload, municipality=STAVANGER, producer="grants")
            await producer.send_and_wait(
                APPLICATIONS_TOPIC, event.model_dump_json().encode(), key=STAVANGER.encode()
            )
    finally:
        await producer.stop()


async def status_event(bootstrap: str, project_id: str) -> dict:
    """Networks' own DevelopmentProjectStatusChanged for the project, read back from Kafka."""
    consumer = AIOKafkaConsumer(
        PROJECTS_TOPIC,
        bootstrap_servers=bootstrap,
        group_id=f"probe-{uuid.uuid4()}",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        async with asyncio.timeout(60):
            while True:
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    for record in records:
                        envelope = json.loads(record.value)
                        if (
                            envelope["type"] == "DevelopmentProjectStatusChanged"
                            and envelope["payload"]["project_id"] == project_id
                        ):
                            return envelope
    finally:
        await consumer.stop()


async def test_grant_awarded_marks_the_project_funded_across_kafka(
    networks_on_kafka: Any, kafka_bootstrap: str
) -> None:
    networks = networks_on_kafka
    network_id, _ = await networks.network_in_force([STAVANGER])
    project = await networks.propose(network_id, [STAVANGER])
    application_id = uuid.uuid4()
    submitted = networks.submitted(application_id, project["id"], STAVANGER)
    awarded = networks.awarded(application_id, STAVANGER)
    await publish(kafka_bootstrap, submitted, awarded)

    envelope = await status_event(kafka_bootstrap, project["id"])
    assert envelope["payload"]["status"] == "FUNDED"
    assert envelope["municipality"] == STAVANGER
    assert (await networks.project(project["id"]))["status"] == "FUNDED"


async def test_concurrent_networks_never_share_a_member_on_postgresql(
    networks_on_kafka: Any,
) -> None:
    """Two networks locked separately race for one municipality: exactly one gets it (the
    second fails on the partial unique index if it checked before the first committed)."""
    networks = networks_on_kafka
    created = [{"county": "11", "name": f"Nettverk {i}", "members": [STAVANGER]} for i in range(4)]
    results = await asyncio.gather(
        *(networks.raw(networks.CREATE, {"input": n}, ["governor:rogaland"]) for n in created)
    )
    codes = sorted(errors[0]["extensions"]["code"] if errors else "OK" for _, errors in results)
    assert codes == ["CONFLICT", "CONFLICT", "CONFLICT", "OK"]
    rows = await networks.entities("learningNetwork { name }", [STAVANGER], ["directorate"])
    assert rows[0]["learningNetwork"] is not None
