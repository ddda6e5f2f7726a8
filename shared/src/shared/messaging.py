"""FastStream Kafka wiring: topics, consumer groups, inbox-backed handlers, dead letters.

Each service subscribes with one consumer group (its name) and takes what Kafka hands it as a
batch, applied in one transaction. Offsets are committed after that transaction
(AckPolicy.ACK), and the handler never raises: a message that does not parse or validate goes
to `<topic>.dlq` with the reason in its headers; when a batch fails, its events are applied one
by one, and one whose effect keeps failing is dead-lettered too. So a poison message never
blocks its partition (a NACK would redeliver it forever) and never takes the good ones down.

A transient failure (database unavailable or locked, timeout, broker error: see
`shared.failures`) is not the event's fault: the handler retries it with backoff for as long as
it takes, holding its partition, since no later offset is committed while it waits.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, TypeAlias

from aiokafka import ConsumerRecord
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.message import StreamMessage
from faststream.specification import AsyncAPI
from prometheus_client import Counter
from pydantic import create_model

from shared.events import Envelope, InvalidEvent, ReceivedEvent, contracts, parse_event
from shared.failures import is_transient
from shared.kafka_security import PLAINTEXT, KafkaSecurity
from shared.observability import get_logger

log = get_logger(__name__)

EventHandler = Callable[[str, ReceivedEvent], Awaitable[object]]
BatchHandler = Callable[[str, Sequence[ReceivedEvent]], Awaitable[object]]
Record: TypeAlias = ConsumerRecord[bytes, bytes]
DLQ_SUFFIX = ".dlq"
DLQ_GROUP_HEADER = "dlq_consumer_group"
HANDLER_ATTEMPTS = 3  # for a permanent failure: a bug or a broken domain rule
RETRY_FIRST_SECONDS = 0.2
RETRY_MAX_SECONDS = 30.0
# The handler holds its partition while a transient failure lasts. aiokafka leaves the group
# when getmany() is not called for max_poll_interval_ms (default 5 min), which would only hand
# the partition to a replica facing the same outage. Liveness is the heartbeat's job
# (session_timeout_ms): a dead process is still noticed in seconds.
MAX_POLL_INTERVAL_MS = 24 * 3600 * 1000
# A service's subscribers share its consumer group and join it one after another at start; each
# join is a rebalance that the members already in learn of at their next heartbeat. At aiokafka's
# 3 s, a service with three subscribers took 9 s to start (and a new replica as long to join).
HEARTBEAT_INTERVAL_MS = 500
# A consumer has one fetch request in flight per broker, and a partition with records still
# buffered is left out of it. So after a busy partition's fetch, the next request holds only the
# idle partitions and the broker keeps it open for up to this long: the busy partition's next
# records wait that long. At aiokafka's 500 ms a fresh grants replayed a backlog at under half
# the rate its CPU allowed (BENCHMARKS.md); an idle consumer now asks ten times a second.
FETCH_MAX_WAIT_MS = 100

DEAD_LETTERS = Counter(
    "dead_letters_published",
    "Messages this service sent to a dead-letter topic",
    ["service", "topic"],
)


def dead_letter_topic(topic: str) -> str:
    return topic + DLQ_SUFFIX


def create_broker(bootstrap_servers: str, security: KafkaSecurity = PLAINTEXT) -> KafkaBroker:
    return KafkaBroker(
        bootstrap_servers, security=security.faststream(), enable_idempotence=True, logger=None
    )


def subscribe(
    broker: KafkaBroker,
    *,
    topic: str,
    group_id: str,
    handle: EventHandler,
    handle_batch: BatchHandler,
    max_records: int,
) -> None:
    """Routes valid events on `topic` to `handle_batch(topic, events)`, up to `max_records` at
    a time, or on its failure to `handle(topic, event)` one by one; the rest to the DLQ."""

    @broker.subscriber(
        topic,
        batch=True,
        max_records=max_records,
        group_id=group_id,
        ack_policy=AckPolicy.ACK,
        auto_offset_reset="earliest",
        max_poll_interval_ms=MAX_POLL_INTERVAL_MS,
        heartbeat_interval_ms=HEARTBEAT_INTERVAL_MS,
        fetch_max_wait_ms=FETCH_MAX_WAIT_MS,
        decoder=_not_decoded,
        title=f"{group_id}:{topic}",
    )
    async def consume(message: KafkaMessage) -> None:
        records: tuple[Record, ...] = message.raw_message  # a batch subscriber's: every record
        received: list[tuple[Record, ReceivedEvent]] = []
        for record in records:
            try:
                received.append((record, parse_event(record.value or b"")))
            except InvalidEvent as error:
                await _dead_letter(broker, group_id, topic, record, str(error))
        if received:
            await _apply(broker, group_id, topic, received, handle, handle_batch)


async def _not_decoded(_: StreamMessage[Any]) -> None:
    """`consume` parses and validates each record itself; FastStream's default decoder would
    first json-decode every record for nothing (a tenth of a backlog replay's CPU)."""


async def _apply(
    broker: KafkaBroker,
    service: str,
    topic: str,
    received: Sequence[tuple[Record, ReceivedEvent]],
    handle: EventHandler,
    handle_batch: BatchHandler,
) -> None:
    events = [event for _, event in received]
    try:
        await _retry_while_transient(topic, lambda: handle_batch(topic, events))
    except Exception as error:
        # Nothing of the batch was applied; one at a time, only a bad event is dead-lettered.
        log.warning("batch failed; applying its events one by one", topic=topic, error=repr(error))
        for record, event in received:
            await _handle_with_retries(broker, service, topic, record, event, handle)


async def _handle_with_retries(
    broker: KafkaBroker,
    service: str,
    topic: str,
    record: Record,
    event: ReceivedEvent,
    handle: EventHandler,
) -> None:
    for attempt in range(1, HANDLER_ATTEMPTS + 1):
        try:
            await _retry_while_transient(topic, lambda: handle(topic, event))
            return
        except Exception as error:
            log.warning("event handler failed", topic=topic, attempt=attempt, error=repr(error))
            if attempt == HANDLER_ATTEMPTS:
                await _dead_letter(broker, service, topic, record, f"handler failed: {error!r}")
                return
            await asyncio.sleep(RETRY_FIRST_SECONDS * 2**attempt)


async def _retry_while_transient(topic: str, work: Callable[[], Awaitable[object]]) -> None:
    """Runs `work` until it succeeds or fails permanently (raised), however long that takes."""
    for attempt in itertools.count(1):
        try:
            await work()
            return
        except Exception as error:
            if not is_transient(error):
                raise
            delay = retry_delay(attempt)
            log.warning(
                "transient failure; retrying",
                topic=topic,
                attempt=attempt,
                retry_in_seconds=delay,
                error=repr(error),
            )
            await asyncio.sleep(delay)


def retry_delay(attempt: int) -> float:
    """Exponential backoff from RETRY_FIRST_SECONDS, capped at RETRY_MAX_SECONDS."""
    return min(RETRY_FIRST_SECONDS * 2.0 ** min(attempt - 1, 32), RETRY_MAX_SECONDS)


async def _dead_letter(
    broker: KafkaBroker, service: str, topic: str, record: Record, reason: str
) -> None:
    log.warning("message dead-lettered", topic=topic, reason=reason)
    headers = {key: value.decode(errors="replace") for key, value in record.headers}
    headers |= {
        "dlq_reason": reason[:2000],
        "dlq_source_topic": topic,
        "dlq_source_partition": str(record.partition),
        "dlq_source_offset": str(record.offset),
        # Several services consume one topic and share its DLQ: `kl-ops dlq` picks its own.
        DLQ_GROUP_HEADER: service,
    }
    await broker.publish(record.value, dead_letter_topic(topic), key=record.key, headers=headers)
    DEAD_LETTERS.labels(service, topic).inc()


async def ensure_topics(
    bootstrap_servers: str,
    topics: Iterable[str],
    partitions: int,
    security: KafkaSecurity = PLAINTEXT,
) -> None:
    """Creates topics (and their DLQs) with `partitions` partitions; auto-creation would give 1."""
    names = sorted({name for topic in topics for name in (topic, dead_letter_topic(topic))})
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, **security.client_options())
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [n for n in names if n not in existing]
        if missing:
            # "Already exists" (a racing replica) comes back as error code 36, not an exception.
            await admin.create_topics(
                [NewTopic(n, num_partitions=partitions, replication_factor=1) for n in missing]
            )
    finally:
        await admin.close()


def document_publications(broker: KafkaBroker, topics: Iterable[str], service: str) -> None:
    """Declares each event type published on `topics` for the AsyncAPI document, as its
    envelope with the contract's payload; the outbox relay does the sending."""
    published = set(topics)
    for info in sorted(contracts(), key=lambda i: (i.topic, i.type, i.version)):
        if info.topic not in published:
            continue
        typed = create_model(
            f"{info.type}V{info.version}Event", __base__=Envelope, payload=(info.model, ...)
        )
        broker.publisher(
            info.topic,
            title=f"{service}:{info.topic}:{info.type}.v{info.version}",
            description=f"{info.type} v{info.version}, keyed by municipality number.",
            schema=typed,
        )


def asyncapi_json(broker: KafkaBroker, service: str, version: int = 1) -> str:
    document = AsyncAPI(broker, title=f"Kompetanseløftet {service} events", version=str(version))
    return document.to_specification().to_json()
