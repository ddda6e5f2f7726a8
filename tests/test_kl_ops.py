"""`kl-ops` (the console script) against a real broker: outbox, dead letters, replay."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from shared.contracts.education import ENROLMENTS_TOPIC
from shared.db import create_engine, migrate
from shared.health import topic_partitions
from shared.messaging import dead_letter_topic, ensure_topics
from shared.testing import enrolment_registered, event_bytes, sqlite_url
from svc_grants.app import SERVICE as GRANTS
from svc_grants.models import outbox

if TYPE_CHECKING:
    from localinfra.kafka import LocalKafka

pytestmark = pytest.mark.integration

KL_OPS = shutil.which("kl-ops", path=str(Path(__file__).resolve().parents[1] / ".venv" / "bin"))
DLQ = dead_letter_topic(ENROLMENTS_TOPIC)


async def kl_ops(cwd: Path, *args: str, **env: str) -> tuple[int, str]:
    assert KL_OPS is not None, "kl-ops is installed by `make setup`"
    process = await asyncio.create_subprocess_exec(
        KL_OPS,
        *args,
        cwd=cwd,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, output.decode()


@pytest.fixture
async def bootstrap(private_kafka: LocalKafka) -> str:
    topics = [ENROLMENTS_TOPIC, "networks.plans.v1", "networks.projects.v1"]
    await ensure_topics(private_kafka.bootstrap_servers, topics, partitions=3)
    return private_kafka.bootstrap_servers


def dead_letter_headers(group: str, reason: str) -> list[tuple[str, bytes]]:
    """As `shared.messaging` writes them."""
    return [
        ("event_type", b"EnrolmentRegistered"),
        ("dlq_reason", reason.encode()),
        ("dlq_source_topic", ENROLMENTS_TOPIC.encode()),
        ("dlq_source_partition", b"1"),
        ("dlq_source_offset", b"7"),
        ("dlq_consumer_group", group.encode()),
    ]


async def records(bootstrap: str, topic: str) -> list[tuple[bytes, dict[str, bytes]]]:
    """Every record on the topic: value and headers."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        partitions = await topic_partitions(admin, [topic])
    finally:
        await admin.close()
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        found = []
        for partition in partitions:
            while await consumer.position(partition) < ends[partition]:
                batch = await consumer.getmany(partition, timeout_ms=5000)
                found += [(r.value, dict(r.headers)) for r in batch.get(partition, [])]
        return found
    finally:
        await consumer.stop()


async def test_dead_letters_are_listed_per_service_and_moved_back_once(
    bootstrap: str, tmp_path: Path
) -> None:
    event = event_bytes(enrolment_registered(), "5601")
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(
            DLQ, event, key=b"5601", headers=dead_letter_headers("grants", "handler failed: X")
        )
        await producer.send_and_wait(
            DLQ, b"{broken", key=b"5601", headers=dead_letter_headers("guidance", "not valid")
        )
    finally:
        await producer.stop()
    env = {"KAFKA_BOOTSTRAP_SERVERS": bootstrap}

    code, listed = await kl_ops(tmp_path, "dlq", "list", "--service", "grants", **env)
    assert code == 0, listed
    assert "1 dead letter(s) of grants" in listed
    [line] = [line for line in listed.splitlines() if line.startswith(DLQ)]
    assert "EnrolmentRegistered" in line and "reason: handler failed: X" in line
    assert f"from {ENROLMENTS_TOPIC}[1]@7" in line
    letter_id = line.split()[0]

    code, moved = await kl_ops(tmp_path, "dlq", "redrive", "--service", "grants", **env)
    assert code == 0, moved
    assert f"moved {letter_id} back to {ENROLMENTS_TOPIC}" in moved
    back = [(v, h) for v, h in await records(bootstrap, ENROLMENTS_TOPIC) if v == event]
    assert len(back) == 1
    assert back[0][1]["redriven_from"] == letter_id.encode()
    assert not any(name.startswith("dlq_") for name in back[0][1])

    code, again = await kl_ops(tmp_path, "dlq", "redrive", "--service", "grants", **env)
    assert (code, again.strip()) == (0, "nothing to move")
    assert len([v for v, _ in await records(bootstrap, ENROLMENTS_TOPIC) if v == event]) == 1

    code, named = await kl_ops(
        tmp_path, "dlq", "redrive", "--service", "grants", "--id", letter_id, **env
    )
    assert code == 0 and f"moved {letter_id}" in named  # by name, again: the inbox dedupes
    code, unknown = await kl_ops(
        tmp_path, "dlq", "redrive", "--service", "grants", "--id", f"{DLQ}:0:99", **env
    )
    assert code != 0
    assert f"no dead letter of grants has id {DLQ}:0:99" in unknown


async def committed(bootstrap: str, group: str) -> dict[int, int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    return {
        tp.partition: meta.offset for tp, meta in offsets.items() if tp.topic == ENROLMENTS_TOPIC
    }


async def test_replay_moves_the_group_to_the_first_message_since_a_time_and_only_when_stopped(
    bootstrap: str, tmp_path: Path
) -> None:
    # Within the broker's retention (7 days), or it may delete the records under the test.
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        sent = [
            await producer.send_and_wait(
                ENROLMENTS_TOPIC,
                event_bytes(enrolment_registered(), "5601"),
                key=b"5601",
                partition=0,
                timestamp_ms=int((start + timedelta(hours=hour)).timestamp() * 1000),
            )
            for hour in range(3)
        ]
    finally:
        await producer.stop()
    env = {"KAFKA_BOOTSTRAP_SERVERS": bootstrap}
    since = (start + timedelta(minutes=90)).isoformat()
    args = ["replay", "--service", "grants", "--topic", ENROLMENTS_TOPIC, "--since", since]

    for _ in range(2):  # the same replay twice is the same
        code, output = await kl_ops(tmp_path, *args, **env)
        assert code == 0, output
        assert f"grants on {ENROLMENTS_TOPIC}[0]: " in output
        assert f"to {sent[2].offset} (1 message(s) to read again)" in output
        assert await committed(bootstrap, "grants") == {0: sent[2].offset, 1: 0, 2: 0}

    member = AIOKafkaConsumer(ENROLMENTS_TOPIC, bootstrap_servers=bootstrap, group_id="grants")
    await member.start()
    try:
        await member.getmany(timeout_ms=3000)  # joined the group
        code, refused = await kl_ops(tmp_path, *args, **env)
    finally:
        await member.stop()
    assert code != 0
    assert "1 replica(s) of grants are consuming; stop them first" in refused

    code, wrong = await kl_ops(
        tmp_path, "replay", "--service", "grants", "--topic", "grants.applications.v1",
        "--since", since, **env,
    )  # fmt: skip
    assert code != 0 and "grants does not consume grants.applications.v1" in wrong


async def test_outbox_shows_each_services_backlog(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path, "grants")
    await migrate(GRANTS.migrations_dir, url)
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(
            outbox.insert().values(
                event_id="e-1",
                topic=ENROLMENTS_TOPIC,
                key="5601",
                type="T",
                envelope={},
                created_at=datetime.now(UTC) - timedelta(minutes=5),
            )
        )
    await engine.dispose()
    for _ in range(2):
        code, output = await kl_ops(tmp_path, "outbox", GRANTS_DATABASE_URL=url)
        assert code == 0, output
        lines = dict(line.split(": ", 1) for line in output.splitlines())
        pending, oldest, aside = lines["grants"].split(", ")
        assert (pending, aside) == ("1 pending", "0 set aside")
        assert int(oldest.removeprefix("oldest ").removesuffix(" s")) >= 300
        # The others' default databases (.data/ under the working folder) were never migrated.
        assert lines["education"].startswith("not readable")
