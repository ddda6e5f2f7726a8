"""Outbox, inbox and dead letters against real Kafka and real PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from prometheus_client import REGISTRY
from sqlalchemy import Column, MetaData, String, Table, func, select
from sqlalchemy.exc import OperationalError

from shared.contracts.education import ENROLMENTS_TOPIC
from shared.events import Envelope, ReceivedEvent, new_event
from shared.inbox import inbox_table
from shared.messaging import dead_letter_topic, ensure_topics
from shared.observability import CORRELATION_HEADER, correlation_id
from shared.outbox import outbox_table
from shared.runtime import ServiceRuntime, UnitOfWork, each
from shared.settings import ServiceSettings
from shared.testing import enrolment_registered, relay_running

pytestmark = pytest.mark.integration

metadata = MetaData()
outbox_table(metadata)
inbox_table(metadata)
effects = Table("effects", metadata, Column("enrolment_id", String(36), primary_key=True))


async def make_runtime(
    url: str, bootstrap: str, service: str, poll_seconds: float = 0.1
) -> ServiceRuntime:
    settings = ServiceSettings(
        service=service,
        port=0,
        database_url=url,
        kafka_bootstrap_servers=bootstrap,
        outbox_poll_seconds=poll_seconds,
    )
    runtime = ServiceRuntime(settings=settings, metadata=metadata, migrations_dir=Path("unused"))
    async with runtime.engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    return runtime


async def consume(
    bootstrap: str,
    topic: str,
    count: int,
    timeout: float = 30,
    keep: Callable[[Any], bool] = lambda _: True,
) -> list:
    """The first `count` records on `topic` that `keep` accepts (from other tests' too)."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"probe-{uuid.uuid4()}",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    records: list = []
    try:
        async with asyncio.timeout(timeout):
            while len(records) < count:
                batch = await consumer.getmany(timeout_ms=500)
                for messages in batch.values():
                    records.extend(m for m in messages if keep(m))
    finally:
        await consumer.stop()
    return records


async def consume_event(bootstrap: str, topic: str, event_id: str) -> list:
    """The records of one event on a topic other tests publish to as well."""
    return await consume(
        bootstrap, topic, 1, keep=lambda r: json.loads(r.value)["event_id"] == event_id
    )


@pytest.fixture
async def database(new_database: Callable[[str], str]) -> AsyncIterator[str]:
    yield new_database("messaging")


async def test_outbox_publishes_after_kafka_comes_back(private_kafka, database: str) -> None:
    bootstrap = private_kafka.bootstrap_servers
    await ensure_topics(bootstrap, [ENROLMENTS_TOPIC], partitions=3)
    runtime = await make_runtime(database, bootstrap, "outbox-test")
    private_kafka.stop()

    payload = enrolment_registered()
    async with runtime.unit_of_work() as uow:
        event = uow.emit(payload, municipality=payload.municipality)
    relay = asyncio.create_task(runtime.relay.run())
    await asyncio.sleep(2)  # the relay tries, fails and keeps the row while Kafka is down
    async with runtime.sessions() as session:
        pending = await session.scalar(
            select(func.count())
            .select_from(runtime.outbox)
            .where(runtime.outbox.c.sent_at.is_(None))
        )
    assert pending == 1

    private_kafka.start()
    records = await consume(bootstrap, ENROLMENTS_TOPIC, 1, timeout=60)
    relay.cancel()
    await runtime.relay.close()
    await runtime.engine.dispose()
    assert json.loads(records[0].value)["event_id"] == str(event.event_id)
    assert records[0].key == b"5601"


async def test_same_event_twice_has_one_effect_and_poison_goes_to_dlq(
    kafka_bootstrap: str, database: str
) -> None:
    topic = f"test.enrolments.{uuid.uuid4().hex[:8]}"
    await ensure_topics(kafka_bootstrap, [topic], partitions=1)
    runtime = await make_runtime(database, kafka_bootstrap, f"inbox-test-{uuid.uuid4().hex[:6]}")
    handled: list[str] = []

    async def effect(uow: UnitOfWork, event: ReceivedEvent) -> None:
        await uow.session.execute(
            effects.insert().values(enrolment_id=str(event.payload.enrolment_id))
        )
        handled.append(str(event.envelope.event_id))

    runtime.on_event(topic, effect)
    first, second = enrolment_registered(), enrolment_registered()
    duplicate = (
        new_event(first, municipality="5601", producer="education").model_dump_json().encode()
    )
    after = new_event(second, municipality="5601", producer="education").model_dump_json().encode()

    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    await runtime.broker.start()
    try:
        for value in (duplicate, duplicate, b'{"not": "an envelope"}', after):
            await producer.send_and_wait(topic, value, key=b"5601")
        async with asyncio.timeout(30):
            while len(handled) < 2:
                await asyncio.sleep(0.1)
        dead = await consume(kafka_bootstrap, dead_letter_topic(topic), 1)
    finally:
        await producer.stop()
        await runtime.broker.stop()
    async with runtime.sessions() as session:
        rows = (await session.scalars(select(effects.c.enrolment_id))).all()
    await runtime.engine.dispose()

    assert sorted(rows) == sorted([str(first.enrolment_id), str(second.enrolment_id)])
    assert len(handled) == 2
    reason = dict(dead[0].headers)["dlq_reason"].decode()
    assert "not a valid envelope" in reason
    assert dead[0].value == b'{"not": "an envelope"}'


async def test_topics_are_created_with_partitions_and_a_dead_letter_topic(
    kafka_bootstrap: str,
) -> None:
    from aiokafka.admin import AIOKafkaAdminClient

    topic = f"test.partitions.{uuid.uuid4().hex[:8]}"
    await ensure_topics(kafka_bootstrap, [topic], partitions=3)
    await ensure_topics(kafka_bootstrap, [topic], partitions=3)  # a second replica: no error
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        # Just created, a topic may be described without partitions until its leaders are
        # elected: asked again until they are there.
        async with asyncio.timeout(15):
            while True:
                described = await admin.describe_topics([topic, dead_letter_topic(topic)])
                if all(t["error_code"] == 0 and t["partitions"] for t in described):
                    break
                await asyncio.sleep(0.1)
    finally:
        await admin.close()
    # Auto-creation would have made one partition, serialising every municipality.
    assert [len(t["partitions"]) for t in described] == [3, 3]


async def test_a_row_committed_late_with_a_lower_id_is_still_published(
    kafka_bootstrap: str, database: str
) -> None:
    await ensure_topics(kafka_bootstrap, [ENROLMENTS_TOPIC], partitions=3)
    runtime = await make_runtime(database, kafka_bootstrap, "late-commit-test")
    early, late = (
        new_event(enrolment_registered("0301"), municipality="0301", producer="education")
        for _ in range(2)
    )
    async with runtime.sessions() as session, session.begin():
        await session.execute(runtime.outbox.insert().values(id=10, **_row(early)))
    assert await runtime.relay.publish_pending() == 1
    # Sequence values are taken before commit: a transaction can commit id 5 after id 10 was sent.
    async with runtime.sessions() as session, session.begin():
        await session.execute(runtime.outbox.insert().values(id=5, **_row(late)))
    assert await runtime.relay.publish_pending() == 1
    async with runtime.sessions() as session:
        pending = await session.scalar(
            select(func.count())
            .select_from(runtime.outbox)
            .where(runtime.outbox.c.sent_at.is_(None))
        )
    await runtime.relay.close()
    await runtime.engine.dispose()
    assert pending == 0


def _row(event: Envelope) -> dict[str, Any]:
    return {
        "event_id": str(event.event_id),
        "topic": ENROLMENTS_TOPIC,
        "key": event.municipality,
        "type": event.type,
        "envelope": event.model_dump(mode="json"),
        "created_at": event.occurred_at,
    }


async def test_only_one_relay_publishes_among_replicas(kafka_bootstrap: str, database: str) -> None:
    await ensure_topics(kafka_bootstrap, [ENROLMENTS_TOPIC], partitions=3)
    service = f"replicas-{uuid.uuid4().hex[:6]}"
    replicas = [await make_runtime(database, kafka_bootstrap, service) for _ in range(2)]
    relays = [asyncio.create_task(r.relay.run()) for r in replicas]
    for _ in range(20):
        async with replicas[0].unit_of_work() as uow:
            uow.emit(enrolment_registered("5601"), municipality="5601")
    async with asyncio.timeout(30):
        while sum(r.relay.published for r in replicas) < 20:
            await asyncio.sleep(0.1)
    for task in relays:
        task.cancel()
    for replica in replicas:
        await replica.relay.close()
        await replica.engine.dispose()
    # One leader (PostgreSQL advisory lock) keeps one municipality's events in order.
    assert sorted(r.relay.published for r in replicas) == [0, 20]


async def test_an_effect_that_keeps_failing_is_dead_lettered_and_the_next_event_handled(
    kafka_bootstrap: str, database: str
) -> None:
    topic = f"test.failing.{uuid.uuid4().hex[:8]}"
    await ensure_topics(kafka_bootstrap, [topic], partitions=1)
    runtime = await make_runtime(database, kafka_bootstrap, f"failing-{uuid.uuid4().hex[:6]}")
    poison, good = enrolment_registered(), enrolment_registered()
    handled: list[str] = []

    async def effect(uow: UnitOfWork, event: ReceivedEvent) -> None:
        if event.payload.enrolment_id == poison.enrolment_id:
            raise RuntimeError("cannot apply this one")
        await uow.session.execute(
            effects.insert().values(enrolment_id=str(event.payload.enrolment_id))
        )
        handled.append(str(event.payload.enrolment_id))

    runtime.on_event(topic, effect)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    await runtime.broker.start()
    try:
        for payload in (poison, good):
            raw = (
                new_event(payload, municipality="5601", producer="education")
                .model_dump_json()
                .encode()
            )
            await producer.send_and_wait(topic, raw, key=b"5601")
        async with asyncio.timeout(30):
            while not handled:
                await asyncio.sleep(0.1)
        dead = await consume(kafka_bootstrap, dead_letter_topic(topic), 1)
    finally:
        await producer.stop()
        await runtime.broker.stop()
        await runtime.engine.dispose()
    assert handled == [str(good.enrolment_id)]
    assert "cannot apply this one" in dict(dead[0].headers)["dlq_reason"].decode()


async def test_a_poison_event_in_a_batch_is_dead_lettered_and_the_rest_applied_in_order(
    kafka_bootstrap: str, database: str
) -> None:
    topic = f"test.batch.{uuid.uuid4().hex[:8]}"
    await ensure_topics(kafka_bootstrap, [topic], partitions=1)
    runtime = await make_runtime(database, kafka_bootstrap, f"batch-{uuid.uuid4().hex[:6]}")
    payloads = [enrolment_registered() for _ in range(10)]
    poison = payloads[4]
    good = [str(p.enrolment_id) for p in payloads if p is not poison]
    batch_sizes: list[int] = []
    handled: list[str] = []

    async def effect(uow: UnitOfWork, event: ReceivedEvent) -> None:
        if event.payload.enrolment_id == poison.enrolment_id:
            raise RuntimeError("cannot apply this one")
        await uow.session.execute(
            effects.insert().values(enrolment_id=str(event.payload.enrolment_id))
        )
        handled.append(str(event.payload.enrolment_id))

    async def batch_effect(uow: UnitOfWork, events: Sequence[ReceivedEvent]) -> None:
        batch_sizes.append(len(events))
        await each(effect)(uow, events)

    runtime.on_event(topic, effect, batch_effect=batch_effect)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        # All on the partition before the consumer starts, so its first fetch is one batch.
        for payload in payloads:
            raw = (
                new_event(payload, municipality="5601", producer="education")
                .model_dump_json()
                .encode()
            )
            await producer.send_and_wait(topic, raw, key=b"5601")
        await runtime.broker.start()
        async with asyncio.timeout(30):
            while handled[-1:] != [good[-1]]:  # the failed batch stopped before the poison
                await asyncio.sleep(0.1)
        dead = await consume(kafka_bootstrap, dead_letter_topic(topic), 1)
    finally:
        await producer.stop()
        await runtime.broker.stop()
    async with runtime.sessions() as session:
        rows = set((await session.scalars(select(effects.c.enrolment_id))).all())
    await runtime.engine.dispose()

    assert batch_sizes[0] == 10  # the batch was tried whole and failed as a whole
    assert handled[-9:] == good  # then one by one, in order, and the poison alone set aside
    assert rows == set(good)
    assert len(dead) == 1
    assert json.loads(dead[0].value)["payload"]["enrolment_id"] == str(poison.enrolment_id)
    assert "cannot apply this one" in dict(dead[0].headers)["dlq_reason"].decode()


@pytest.mark.parametrize("committer", ["the same process", "another process"])
async def test_a_commit_wakes_the_relay_without_waiting_for_its_poll(
    kafka_bootstrap: str, new_database: Callable[[str], str], committer: str
) -> None:
    await ensure_topics(kafka_bootstrap, [ENROLMENTS_TOPIC], partitions=3)
    database = new_database("wake")
    service = f"wake-{uuid.uuid4().hex[:6]}"
    # An hour's poll: only a wake-up (in-process, or PostgreSQL's NOTIFY) can explain delivery.
    relaying, other = [
        await make_runtime(database, kafka_bootstrap, service, poll_seconds=3600) for _ in "ab"
    ]
    writer = relaying if committer == "the same process" else other
    try:
        async with relay_running(relaying):
            first, second = (enrolment_registered("0301") for _ in range(2))
            async with writer.unit_of_work() as uow:
                uow.emit(first, municipality="0301")
            async with asyncio.timeout(30):  # the relay's first round finds this one by reading
                while relaying.relay.published < 1:
                    await asyncio.sleep(0.05)
            async with writer.unit_of_work() as uow:
                event = uow.emit(second, municipality="0301")
            async with asyncio.timeout(30):
                while relaying.relay.published < 2:
                    await asyncio.sleep(0.05)
            records = await consume(kafka_bootstrap, ENROLMENTS_TOPIC, 1)
    finally:
        for runtime in (relaying, other):
            await runtime.engine.dispose()
    assert str(event.event_id) in {json.loads(r.value)["event_id"] for r in records}


@pytest.fixture
def cluster_dir() -> Iterator[Path]:
    """A data directory the server's own user can enter (pytest's tmp_path is root's only)."""
    root = Path(tempfile.mkdtemp(prefix="outage-"))
    root.chmod(0o755)
    yield root / "pg"
    shutil.rmtree(root, ignore_errors=True)


async def test_an_effect_waits_out_a_database_outage_and_is_applied_once(
    kafka_bootstrap: str, cluster_dir: Path
) -> None:
    from aiokafka import TopicPartition

    from localinfra.postgres import LocalPostgres
    from shared.failures import is_transient
    from shared.messaging import HANDLER_ATTEMPTS

    topic = f"test.outage.{uuid.uuid4().hex[:8]}"
    await ensure_topics(kafka_bootstrap, [topic], partitions=1)
    # A cluster of the test's own, so stopping it leaves the other tests' databases alone.
    cluster = LocalPostgres(data_dir=cluster_dir)
    await asyncio.to_thread(cluster.start)
    try:
        url = cluster.create_database("outage")
        runtime = await make_runtime(url, kafka_bootstrap, f"outage-{uuid.uuid4().hex[:6]}")
        failures: list[BaseException] = []
        handled: list[str] = []
        apply_batch = runtime.handle_batch

        async def counting(topic: str, events: Sequence[ReceivedEvent]) -> int:
            try:
                return await apply_batch(topic, events)
            except Exception as error:
                failures.append(error)
                raise

        async def effect(uow: UnitOfWork, event: ReceivedEvent) -> None:
            await uow.session.execute(
                effects.insert().values(enrolment_id=str(event.payload.enrolment_id))
            )
            handled.append(str(event.payload.enrolment_id))

        runtime.handle_batch = counting  # type: ignore[method-assign]
        runtime.on_event(topic, effect)
        await asyncio.to_thread(cluster.stop)
        payload = enrolment_registered()
        raw = (
            new_event(payload, municipality="5601", producer="education").model_dump_json().encode()
        )
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
        await producer.start()
        await runtime.broker.start()
        try:
            await producer.send_and_wait(topic, raw, key=b"5601")
            async with asyncio.timeout(60):  # longer than the three attempts of old
                while len(failures) <= HANDLER_ATTEMPTS + 1:
                    await asyncio.sleep(0.05)
            await asyncio.to_thread(cluster.start)
            async with asyncio.timeout(60):
                while not handled:
                    await asyncio.sleep(0.05)
        finally:
            await producer.stop()
            await runtime.broker.stop()
        async with runtime.sessions() as session:
            rows = (await session.scalars(select(effects.c.enrolment_id))).all()
        await runtime.engine.dispose()
    finally:
        await asyncio.to_thread(cluster.stop)

    dlq = TopicPartition(dead_letter_topic(topic), 0)
    probe = AIOKafkaConsumer(bootstrap_servers=kafka_bootstrap)
    await probe.start()
    try:
        dead_letters = (await probe.end_offsets([dlq]))[dlq]
    finally:
        await probe.stop()
    assert all(is_transient(error) for error in failures), failures
    assert rows == [str(payload.enrolment_id)]
    assert handled == [str(payload.enrolment_id)]
    assert dead_letters == 0


async def test_an_oversized_row_is_set_aside_and_the_rows_after_it_are_published(
    kafka_bootstrap: str, database: str
) -> None:
    topic = f"test.oversized.{uuid.uuid4().hex[:8]}"
    await ensure_topics(kafka_bootstrap, [topic], partitions=1)
    service = f"oversized-{uuid.uuid4().hex[:6]}"
    runtime = await make_runtime(database, kafka_bootstrap, service)
    big, same_key, other_key = (
        new_event(enrolment_registered(m), municipality=m, producer="education")
        for m in ("0301", "0301", "5601")
    )
    # Over the broker's 1 MiB: without setting it aside, every attempt fails and blocks the rest.
    too_large = big.model_dump(mode="json") | {"padding": "x" * 1_100_000}
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            runtime.outbox.insert(),
            [
                _row(big) | {"topic": topic, "envelope": too_large},
                _row(same_key) | {"topic": topic},
                _row(other_key) | {"topic": topic},
            ],
        )
    try:
        assert await runtime.relay.publish_pending() == 3
        assert await runtime.relay.publish_pending() == 0  # a set-aside row is not tried again
        records = await consume(kafka_bootstrap, topic, 2)
        async with runtime.sessions() as session:
            rows = (
                await session.execute(
                    select(
                        runtime.outbox.c.event_id,
                        runtime.outbox.c.sent_at,
                        runtime.outbox.c.set_aside_at,
                        runtime.outbox.c.set_aside_reason,
                    ).order_by(runtime.outbox.c.id)
                )
            ).all()
    finally:
        await runtime.relay.close()
        await runtime.engine.dispose()

    assert [json.loads(r.value)["event_id"] for r in records] == [
        str(same_key.event_id),
        str(other_key.event_id),
    ]
    set_aside, *published = rows
    assert set_aside.sent_at is None and set_aside.set_aside_at is not None
    assert "larger than 900000 bytes" in set_aside.set_aside_reason
    assert all(r.sent_at is not None and r.set_aside_at is None for r in published)
    counted = REGISTRY.get_sample_value(
        "outbox_rows_set_aside_total", {"service": service, "topic": topic}
    )
    assert counted == 1


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_the_relay_sends_each_envelope_as_written_with_its_type_and_correlation_id(
    kafka_bootstrap: str, database: str, tmp_path: Path, kind: str
) -> None:
    """The envelope is serialized once, at the commit, and sent as stored on either database."""
    url = database if kind == "postgresql" else f"sqlite+aiosqlite:///{tmp_path / 'relay.db'}"
    topic_events = f"relay-{uuid.uuid4().hex[:6]}"
    await ensure_topics(kafka_bootstrap, [ENROLMENTS_TOPIC], partitions=3)
    runtime = await make_runtime(url, kafka_bootstrap, topic_events)
    token = correlation_id.set(f"corr-{topic_events}")
    try:
        async with runtime.unit_of_work() as uow:
            emitted = uow.emit(enrolment_registered("4601"), municipality="4601")
    finally:
        correlation_id.reset(token)
    async with runtime.sessions() as session:  # what other readers (kl-ops, tests) see
        stored = await session.scalar(select(runtime.outbox.c.envelope))
    assert await runtime.relay.publish_pending() == 1
    await runtime.relay.close()
    await runtime.engine.dispose()
    sent = await consume_event(kafka_bootstrap, ENROLMENTS_TOPIC, str(emitted.event_id))
    assert [Envelope.model_validate_json(r.value) for r in sent] == [emitted]
    assert stored == json.loads(sent[0].value)
    assert dict(sent[0].headers) == {
        "event_type": b"EnrolmentRegistered",
        CORRELATION_HEADER: f"corr-{topic_events}".encode(),
    }


async def test_a_round_larger_than_a_record_batch_arrives_whole_in_order_on_each_keys_partition(
    kafka_bootstrap: str, database: str
) -> None:
    """The relay builds record batches itself: each row must land where a plain send() of its
    key would put it, in row order, even when a partition's rows fill several batches."""
    topic = f"test.batches.{uuid.uuid4().hex[:8]}"
    await ensure_topics(kafka_bootstrap, [topic], partitions=3)
    runtime = await make_runtime(database, kafka_bootstrap, f"batches-{uuid.uuid4().hex[:6]}")
    municipalities = ("0301", "4601", "5601", "1103")
    events = [
        new_event(enrolment_registered(m), municipality=m, producer="education")
        for _ in range(60)
        for m in municipalities
    ]
    padding = "x" * 20_000  # 240 rows of ~20 KB: several 512 KiB batches per partition
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            runtime.outbox.insert(),
            [
                _row(e) | {"topic": topic, "envelope": e.model_dump(mode="json") | {"pad": padding}}
                for e in events
            ],
        )
    try:
        assert await runtime.relay.publish_pending() == len(events)
    finally:
        await runtime.relay.close()
        await runtime.engine.dispose()
    records = await consume(kafka_bootstrap, topic, len(events))
    plain = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await plain.start()
    try:
        expected_partition = {
            m: (await (await plain.send(topic, b"probe", key=m.encode()))).partition
            for m in municipalities
        }
    finally:
        await plain.stop()
    for m in municipalities:
        on_partition = [r for r in records if r.partition == expected_partition[m]]
        sent_ids = [json.loads(r.value)["event_id"] for r in on_partition if r.key == m.encode()]
        assert sent_ids == [str(e.event_id) for e in events if e.municipality == m]
    assert len(records) == len(events)


async def test_the_relay_keeps_publishing_while_its_marks_wait_for_the_writers_turn(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    """On SQLite a mark-sent waits its turn behind every registration queued; sending must not
    wait with it, or events pile up in the outbox for as long as the service is busy. A row
    committed late with a lower id meanwhile is published once the marks are written."""
    await ensure_topics(kafka_bootstrap, [ENROLMENTS_TOPIC], partitions=3)
    url = f"sqlite+aiosqlite:///{tmp_path / 'marks.db'}"
    runtime = await make_runtime(url, kafka_bootstrap, f"marks-{uuid.uuid4().hex[:6]}")

    async def commit(event: Envelope, outbox_id: int) -> None:  # beside the writer's turns
        async with runtime.sessions() as session, session.begin():
            await session.execute(runtime.outbox.insert().values(id=outbox_id, **_row(event)))
        runtime.relay.wake()

    async def published(event: Envelope) -> bool:
        return bool(await consume_event(kafka_bootstrap, ENROLMENTS_TOPIC, str(event.event_id)))

    async def unmarked() -> int:
        async with runtime.sessions() as session:
            query = select(func.count()).where(runtime.outbox.c.sent_at.is_(None))
            return int(await session.scalar(query.select_from(runtime.outbox)) or 0)

    first, second, late = (
        new_event(enrolment_registered("0301"), municipality="0301", producer="education")
        for _ in range(3)
    )
    try:
        async with relay_running(runtime):
            await runtime.writer_turns.take()  # a long registration holds the turn
            try:
                await commit(first, outbox_id=10)
                assert await published(first)
                await commit(second, outbox_id=20)  # the first one's mark is still waiting
                assert await published(second)
                await commit(late, outbox_id=5)
                assert await unmarked() == 3
            finally:
                runtime.writer_turns.give_back()
            assert await published(late)
            async with asyncio.timeout(30):
                while await unmarked():
                    await asyncio.sleep(0.05)
    finally:
        await runtime.engine.dispose()


async def test_a_failed_mark_is_written_later_and_its_rows_are_not_sent_again(
    kafka_bootstrap: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A mark-sent that fails (the database gone for a moment) stops the relay's round; the
    rows it was marking were acknowledged, so they are marked on the relay's next run rather
    than published a second time."""
    await ensure_topics(kafka_bootstrap, [ENROLMENTS_TOPIC], partitions=3)
    url = f"sqlite+aiosqlite:///{tmp_path / 'failed-mark.db'}"
    runtime = await make_runtime(url, kafka_bootstrap, f"failed-mark-{uuid.uuid4().hex[:6]}")
    relay = runtime.relay
    mark = relay._mark
    failures = [OperationalError("UPDATE outbox", {}, Exception("disk I/O error"))]

    async def failing_once(**values: Any) -> None:
        if failures and "sent_at" in values:
            raise failures.pop()
        await mark(**values)

    monkeypatch.setattr(relay, "_mark", failing_once)
    event = new_event(enrolment_registered("0301"), municipality="0301", producer="education")
    async with runtime.sessions() as session, session.begin():
        await session.execute(runtime.outbox.insert(), [_row(event)])
    try:
        async with relay_running(runtime), asyncio.timeout(30):
            while True:
                async with runtime.sessions() as session:
                    sent_at = await session.scalar(select(runtime.outbox.c.sent_at))
                if sent_at is not None:
                    break
                await asyncio.sleep(0.05)
    finally:
        await runtime.engine.dispose()
    assert failures == []  # the mark did fail once
    assert relay.published == 1
    copies = await consume(
        kafka_bootstrap,
        ENROLMENTS_TOPIC,
        1,
        keep=lambda r: json.loads(r.value)["event_id"] == str(event.event_id),
    )
    assert len(copies) == 1


async def test_rows_sent_before_a_shutdown_are_marked_at_close(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    """A service stopping while a mark waits for its turn writes the mark at close, so the
    next start does not publish those rows again."""
    await ensure_topics(kafka_bootstrap, [ENROLMENTS_TOPIC], partitions=3)
    url = f"sqlite+aiosqlite:///{tmp_path / 'close.db'}"
    runtime = await make_runtime(url, kafka_bootstrap, f"close-{uuid.uuid4().hex[:6]}")
    event = new_event(enrolment_registered("0301"), municipality="0301", producer="education")
    running = asyncio.create_task(runtime.relay.run())
    await runtime.writer_turns.take()
    try:
        async with runtime.sessions() as session, session.begin():
            await session.execute(runtime.outbox.insert(), [_row(event)])
        runtime.relay.wake()
        assert await consume_event(kafka_bootstrap, ENROLMENTS_TOPIC, str(event.event_id))
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
    finally:
        runtime.writer_turns.give_back()
    await runtime.relay.close()
    async with runtime.sessions() as session:
        sent_at = await session.scalar(select(runtime.outbox.c.sent_at))
    await runtime.engine.dispose()
    assert sent_at is not None


async def test_a_row_committed_late_with_a_lower_id_is_published_while_the_relay_runs(
    kafka_bootstrap: str, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL allocates ids before commit. While sent rows await their mark the relay reads
    after the last one sent; a row committed late with a lower id must still go out, once the
    marks are written, and not wait for ever."""
    await ensure_topics(kafka_bootstrap, [ENROLMENTS_TOPIC], partitions=3)
    runtime = await make_runtime(database, kafka_bootstrap, f"late-run-{uuid.uuid4().hex[:6]}")
    relay = runtime.relay
    marks_may_land = asyncio.Event()
    mark = relay._mark

    async def held(**values: Any) -> None:  # a mark slowed down, as by a busy database
        await marks_may_land.wait()
        await mark(**values)

    monkeypatch.setattr(relay, "_mark", held)
    early, late = (
        new_event(enrolment_registered("0301"), municipality="0301", producer="education")
        for _ in range(2)
    )

    async def commit(event: Envelope, outbox_id: int) -> None:
        async with runtime.sessions() as session, session.begin():
            await session.execute(runtime.outbox.insert().values(id=outbox_id, **_row(event)))
        relay.wake()

    async def published(event: Envelope) -> bool:
        return bool(await consume_event(kafka_bootstrap, ENROLMENTS_TOPIC, str(event.event_id)))

    try:
        async with relay_running(runtime):
            await commit(early, outbox_id=1010)
            assert await published(early)
            await commit(late, outbox_id=1005)
            await asyncio.sleep(0.5)  # rounds come and go; the mark of 1010 has not landed
            assert relay.published == 1
            marks_may_land.set()
            assert await published(late)
    finally:
        await runtime.engine.dispose()
    assert relay.published == 2
