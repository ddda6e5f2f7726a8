"""Two replicas of grants in one consumer group split the partitions; when one is SIGKILLed
mid-stream, the other takes its partitions over and every event is applied exactly once.

Real processes, a real broker of the test's own, one PostgreSQL database shared by the
replicas (as in production).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment
from sqlalchemy import text

from shared.contracts.education import ENROLMENTS_TOPIC
from shared.db import create_engine
from shared.messaging import ensure_topics
from shared.testing import enrolment_registered, event_bytes

if TYPE_CHECKING:
    from localinfra.kafka import LocalKafka
    from localinfra.platform import Process

pytestmark = pytest.mark.integration

PARTITIONS = 3
MUNICIPALITIES = ["5601", "0301", "4601", "1103", "5001", "3201"]


@pytest.fixture
def replicas(
    private_kafka: LocalKafka, new_database: Callable[[str], str], tmp_path: Path
) -> Iterator[tuple[list[Process], str]]:
    from localinfra.platform import Process
    from localinfra.ports import free_port

    url = new_database("grants_scaling")
    started: list[Process] = []
    for name in ("a", "b"):
        port = free_port()
        env = {
            "KAFKA_BOOTSTRAP_SERVERS": private_kafka.bootstrap_servers,
            "KAFKA_PARTITIONS": str(PARTITIONS),
            "GRANTS_PORT": str(port),
            "GRANTS_DATABASE_URL": url,
        }
        command = [sys.executable, "-m", "svc_grants"]
        started.append(Process(f"grants-{name}", command, port, env, tmp_path / f"{name}.log"))
    assert started[0].migrate().wait(120) == 0, started[0].log_tail()
    try:
        for replica in started:
            replica.start()
        for replica in started:
            replica.wait_ready(120)
        yield started, url
    finally:
        for replica in started:
            replica.stop()


async def owners(bootstrap: str) -> list[set[int]]:
    """The partitions of the enrolment topic each member of grants' group holds."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        responses = await admin.describe_consumer_groups(["grants"])
    finally:
        await admin.close()
    held = []
    for response in responses:
        for group in response.to_object()["groups"]:
            for member in group["members"]:
                if not member["member_assignment"]:
                    continue
                assignment = ConsumerProtocolMemberAssignment.decode(member["member_assignment"])
                for topic, partitions in assignment.assignment:
                    if topic == ENROLMENTS_TOPIC and partitions:
                        held.append(set(partitions))
    return held


async def until(check: Callable[[], Awaitable[bool]], timeout: float = 180) -> None:
    """Polls until `check` holds; the timeout only stops a test that would hang."""
    async with asyncio.timeout(timeout):
        while not await check():
            await asyncio.sleep(0.3)


async def handled_by(replica: Process) -> float:
    """Enrolment events this replica applied, from its /metrics."""
    async with httpx.AsyncClient(timeout=10) as http:
        metrics = (await http.get(f"{replica.url}/metrics")).text
    for line in metrics.splitlines():
        if line.startswith("events_handled_total{") and ENROLMENTS_TOPIC in line:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def produce(
    producer: AIOKafkaProducer, count: int, offset: int = 0, sent: asyncio.Event | None = None
) -> None:
    """`count` registrations round the partitions; sets `sent` once a quarter of them is out."""
    for n in range(offset, offset + count):
        if sent is not None and n - offset == count // 4:
            sent.set()
            await asyncio.sleep(0)  # let the test act while three quarters are still to come
        municipality = MUNICIPALITIES[n % len(MUNICIPALITIES)]
        await producer.send_and_wait(
            ENROLMENTS_TOPIC,
            event_bytes(enrolment_registered(municipality), municipality),
            key=municipality.encode(),
            partition=n % PARTITIONS,
        )


async def test_replicas_split_the_partitions_and_one_takes_over_when_the_other_is_killed(
    replicas: tuple[list[Process], str], private_kafka: LocalKafka
) -> None:
    (a, b), url = replicas
    bootstrap = private_kafka.bootstrap_servers
    await ensure_topics(bootstrap, [ENROLMENTS_TOPIC], PARTITIONS)
    engine = create_engine(url)

    async def applied() -> tuple[int, int, int]:
        async with engine.connect() as connection:
            rows = await connection.scalar(text("SELECT count(*) FROM eligibility"))
            distinct = await connection.scalar(
                text("SELECT count(DISTINCT enrolment_id) FROM eligibility")
            )
            inbox = await connection.scalar(text("SELECT count(*) FROM inbox"))
        return int(rows or 0), int(distinct or 0), int(inbox or 0)

    async def split() -> bool:
        held = await owners(bootstrap)
        return len(held) == 2 and set().union(*held) == set(range(PARTITIONS))

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        await until(split)  # both replicas joined: one holds two partitions, the other one
        await produce(producer, 60)

        async def first_applied() -> bool:
            return (await applied())[0] == 60

        await until(first_applied)
        counts = [await handled_by(a), await handled_by(b)]
        assert sorted(counts) == [20, 40], counts  # 20 events a partition

        # Mid-stream: replica a dies without a word while the producer is still sending.
        quarter = asyncio.Event()
        stream = asyncio.create_task(produce(producer, 240, offset=60, sent=quarter))
        await quarter.wait()
        assert a.popen is not None and not stream.done()
        a.popen.kill()
        a.popen.wait()
        await stream

        async def all_applied() -> bool:
            return (await applied())[0] >= 300

        await until(all_applied)
        await until(lambda: _only_one_holds_all(bootstrap))
    finally:
        await producer.stop()
    rows, distinct, inbox = await applied()
    await engine.dispose()
    assert (rows, distinct, inbox) == (300, 300, 300)  # nothing lost, nothing applied twice
    assert await handled_by(b) > counts[1]  # b took a's partitions over


async def _only_one_holds_all(bootstrap: str) -> bool:
    return await owners(bootstrap) == [set(range(PARTITIONS))]
