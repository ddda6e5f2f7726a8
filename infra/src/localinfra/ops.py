"""kl-ops: the operator's command for the outbox, dead letters and replays.

kl-ops outbox [--service S]                 backlog of each service's outbox
kl-ops dlq list --service S                 dead letters of S's consumers, with their reasons
kl-ops dlq redrive --service S [--id ID]    moves dead letters back to their topic
kl-ops replay --service S --topic T --since TIME
                                            S re-reads T from TIME (S's replicas stopped)

Each reads the same settings as the services (`KAFKA_BOOTSTRAP_SERVERS`, the other `KAFKA_*`,
`<SERVICE>_DATABASE_URL`), prints what it did and is safe to repeat:

- `dlq redrive` without `--id` moves every dead letter not moved before; where it got to is the
  offset of the consumer group `<service>.redrive` on the DLQ, so a repeat finds nothing new.
  With `--id` it moves the named ones, even again. Either way the consumer's inbox applies an
  event once (by `event_id`), so a dead letter moved twice has one effect; one that still
  cannot be applied comes back to the DLQ.
- `replay` sets S's committed offsets on T to the first message at or after TIME. The inbox
  skips the events S handled before; what is applied is what was never handled (a database
  restored from a backup, a read model whose rows and inbox entries were removed). Kafka only
  moves a group's offsets while none of its members run, so S's replicas must be stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import (
    GroupAuthorizationFailedError,
    KafkaError,
    TopicAuthorizationFailedError,
)
from aiokafka.structs import OffsetAndMetadata
from sqlalchemy import MetaData

from localinfra import acls
from shared.db import create_engine
from shared.health import outbox_status, topic_partitions
from shared.kafka_security import KafkaConnection
from shared.messaging import DLQ_GROUP_HEADER, dead_letter_topic
from shared.outbox import outbox_table
from shared.settings import load_service_settings
from shared.topology import SERVICE_NAMES, service

OUTBOX = outbox_table(MetaData())
COORDINATOR_ATTEMPTS = 20


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        "kl-ops", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    outbox = commands.add_parser("outbox", help="backlog of each service's outbox")
    outbox.add_argument("--service", choices=SERVICE_NAMES)
    dlq = commands.add_parser("dlq", help="dead letters")
    dlq.add_argument("action", choices=["list", "redrive"])
    dlq.add_argument("--service", choices=SERVICE_NAMES, required=True)
    dlq.add_argument("--id", action="append", default=[], help="topic:partition:offset; repeatable")
    replay = commands.add_parser("replay", help="a service re-reads a topic from a time")
    replay.add_argument("--service", choices=SERVICE_NAMES, required=True)
    replay.add_argument("--topic", required=True)
    replay.add_argument("--since", required=True, type=_moment, help="ISO 8601, UTC if no zone")
    args = parser.parse_args(argv)
    try:
        if args.command == "outbox":
            asyncio.run(show_outboxes([args.service] if args.service else SERVICE_NAMES))
        elif args.command == "dlq" and args.action == "list":
            asyncio.run(list_dead_letters(args.service))
        elif args.command == "dlq":
            asyncio.run(redrive(args.service, args.id))
        else:
            asyncio.run(replay_since(args.service, args.topic, args.since))
    except OpsError as error:
        sys.exit(f"kl-ops: {error}")
    except (TopicAuthorizationFailedError, GroupAuthorizationFailedError) as error:
        # On a secured broker kl-ops needs the operator's user; a service's may not do this.
        user = load_service_settings(SERVICE_NAMES[0]).kafka_sasl_username
        sys.exit(f"kl-ops: Kafka refused user {user}: {error}; run kl-ops as the operator")


class OpsError(Exception):
    """A refusal with its reason; nothing was changed."""


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _kafka() -> KafkaConnection:
    # Every service reads the same KAFKA_* settings; the operator's credentials go there.
    return load_service_settings(SERVICE_NAMES[0]).kafka()


async def show_outboxes(services: Iterable[str]) -> None:
    now = datetime.now(UTC)
    for name in services:
        engine = create_engine(load_service_settings(name).database_url)
        try:
            status = await outbox_status(engine, OUTBOX)
        except Exception as error:
            print(f"{name}: not readable ({type(error).__name__}: {error})".splitlines()[0])
            continue
        finally:
            await engine.dispose()
        oldest = status.oldest_age_seconds(now)
        print(
            f"{name}: {status.pending} pending, oldest {oldest:.0f} s, {status.set_aside} set aside"
        )


def consumed_topics(name: str) -> list[str]:
    """The topics the service subscribes to, from its own handler registrations."""
    return acls.consumed_topics(acls.definition(service(name).name))


@dataclass(frozen=True)
class DeadLetter:
    record: ConsumerRecord[bytes, bytes]

    @property
    def id(self) -> str:
        return f"{self.record.topic}:{self.record.partition}:{self.record.offset}"

    def header(self, name: str) -> str | None:
        for key, value in self.record.headers:
            if key == name:
                return bytes(value).decode(errors="replace")
        return None

    @property
    def source_topic(self) -> str:
        return self.header("dlq_source_topic") or self.record.topic.removesuffix(".dlq")

    def describe(self) -> str:
        try:
            envelope = json.loads(self.record.value or b"")
            what = f"{envelope['type']} {envelope['event_id']}"
        except (ValueError, KeyError, TypeError):
            what = f"{len(self.record.value or b'')} bytes, not an envelope"
        source = f"{self.source_topic}[{self.header('dlq_source_partition')}]"
        return (
            f"{self.id}  {what}  from {source}@{self.header('dlq_source_offset')}  "
            f"reason: {self.header('dlq_reason')}"
        )


async def read_dead_letters(
    kafka: KafkaConnection, name: str, start: dict[TopicPartition, int] | None = None
) -> tuple[list[DeadLetter], dict[TopicPartition, int]]:
    """The service's dead letters (from `start` per partition, else the beginning), and the
    end offsets of the DLQ partitions read.

    A dead letter without the group header (written before it existed) counts for every
    service that consumes its topic.
    """
    topics = [dead_letter_topic(topic) for topic in consumed_topics(name)]
    partitions = await _partitions(kafka, topics)
    if not partitions:
        return [], {}
    consumer = AIOKafkaConsumer(**kafka.options(), enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        firsts = await consumer.beginning_offsets(partitions)
        found: list[DeadLetter] = []
        for partition in partitions:
            position = max((start or {}).get(partition, 0), firsts[partition])
            if position >= ends[partition]:
                continue
            consumer.seek(partition, position)
            while position < ends[partition]:
                batch = await consumer.getmany(partition, timeout_ms=5000)
                records = batch.get(partition, [])
                if not records:
                    raise OpsError(f"{partition.topic}[{partition.partition}] did not answer")
                for record in records:
                    position = record.offset + 1
                    if record.offset < ends[partition]:
                        letter = DeadLetter(record)
                        if letter.header(DLQ_GROUP_HEADER) in (None, name):
                            found.append(letter)
        return found, ends
    finally:
        await consumer.stop()


async def list_dead_letters(name: str) -> None:
    letters, _ = await read_dead_letters(_kafka(), name)
    for letter in letters:
        print(letter.describe())
    print(f"{len(letters)} dead letter(s) of {name}")


def redrive_group(name: str) -> str:
    return f"{name}.redrive"


async def redrive(name: str, ids: Sequence[str]) -> None:
    kafka = _kafka()
    group = redrive_group(name)
    done = await _committed(kafka, group)
    letters, ends = await read_dead_letters(kafka, name, None if ids else done)
    if ids:
        by_id = {letter.id: letter for letter in letters}
        unknown = [i for i in ids if i not in by_id]
        if unknown:
            raise OpsError(f"no dead letter of {name} has id {', '.join(unknown)}; see dlq list")
        letters = [by_id[i] for i in ids]
    producer = AIOKafkaProducer(**kafka.options(), enable_idempotence=True)
    await producer.start()
    try:
        for letter in letters:
            headers = [(k, v) for k, v in letter.record.headers if not k.startswith("dlq_")]
            await producer.send_and_wait(
                letter.source_topic,
                letter.record.value,
                key=letter.record.key,
                headers=[*headers, ("redriven_from", letter.id.encode())],
            )
            print(f"moved {letter.id} back to {letter.source_topic}")
    finally:
        await producer.stop()
    if not ids:  # everything up to the ends read is moved: a repeat starts there
        await _commit(kafka, group, ends)
    print(f"{len(letters)} dead letter(s) of {name} moved back" if letters else "nothing to move")


async def replay_since(name: str, topic: str, since: datetime) -> None:
    if topic not in consumed_topics(name):
        raise OpsError(f"{name} does not consume {topic}")
    kafka = _kafka()
    await _refuse_while_members_run(kafka, name)
    partitions = await _partitions(kafka, [topic])
    if not partitions:
        raise OpsError(f"no topic {topic} on {kafka.bootstrap_servers}")
    consumer = AIOKafkaConsumer(**kafka.options(), enable_auto_commit=False)
    await consumer.start()
    try:
        at = await consumer.offsets_for_times(
            {partition: int(since.timestamp() * 1000) for partition in partitions}
        )
        ends = await consumer.end_offsets(partitions)
    finally:
        await consumer.stop()
    before = await _committed(kafka, name)
    targets = {
        partition: (found.offset if found is not None else ends[partition])
        for partition, found in at.items()
    }
    await _commit(kafka, name, targets)
    for partition, offset in sorted(targets.items(), key=lambda item: item[0].partition):
        previous = before.get(partition)
        print(
            f"{name} on {topic}[{partition.partition}]: from offset "
            f"{previous if previous is not None else 'none'} to {offset} "
            f"({ends[partition] - offset} message(s) to read again)"
        )
    print(f"{name} re-reads {topic} from {since.isoformat()} when it starts")


async def _refuse_while_members_run(kafka: KafkaConnection, group: str) -> None:
    responses = await _with_coordinator(
        kafka, lambda admin: admin.describe_consumer_groups([group])
    )
    groups = [g for response in responses for g in response.to_object()["groups"]]
    members = sum(len(g["members"]) for g in groups)
    if members:
        raise OpsError(
            f"{members} replica(s) of {group} are consuming; stop them first "
            "(Kafka moves a group's offsets only while it is empty)"
        )


async def _partitions(kafka: KafkaConnection, topics: list[str]) -> list[TopicPartition]:
    admin = AIOKafkaAdminClient(**kafka.options())
    await admin.start()
    try:
        return await topic_partitions(admin, topics)
    finally:
        await admin.close()


async def _committed(kafka: KafkaConnection, group: str) -> dict[TopicPartition, int]:
    offsets: dict[TopicPartition, OffsetAndMetadata] = await _with_coordinator(
        kafka, lambda admin: admin.list_consumer_group_offsets(group)
    )
    return {partition: meta.offset for partition, meta in offsets.items() if meta.offset >= 0}


async def _with_coordinator(
    kafka: KafkaConnection, call: Callable[[AIOKafkaAdminClient], Awaitable[Any]]
) -> Any:
    """A group request; a group's coordinator may still be loading (a new broker): retried."""
    admin = AIOKafkaAdminClient(**kafka.options())
    await admin.start()
    try:
        for _ in range(COORDINATOR_ATTEMPTS - 1):
            try:
                return await call(admin)
            except KafkaError as error:
                if not error.retriable:
                    raise
                await asyncio.sleep(0.5)
        return await call(admin)
    finally:
        await admin.close()


async def _commit(kafka: KafkaConnection, group: str, offsets: dict[TopicPartition, int]) -> None:
    if not offsets:
        return
    # Assigned, not subscribed: the consumer commits for the group without joining it.
    consumer = AIOKafkaConsumer(**kafka.options(), group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(list(offsets))
        await consumer.commit({p: OffsetAndMetadata(o, "kl-ops") for p, o in offsets.items()})
    finally:
        await consumer.stop()
