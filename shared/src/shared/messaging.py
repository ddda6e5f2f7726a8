"""FastStream Kafka wiring: topics, consumer groups, inbox-backed handlers, dead letters.

Each service subscribes with one consumer group (its name). Offsets are committed after the
handler (AckPolicy.ACK), and the handler never raises: a message that does not parse or
validate, or whose effect keeps failing, goes to `<topic>.dlq` with the reason in its headers,
so a poison message never blocks its partition (a NACK would redeliver it forever).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.specification import AsyncAPI

from shared.events import Envelope, InvalidEvent, ReceivedEvent, contracts, parse_event
from shared.observability import CORRELATION_HEADER, correlation_id, get_logger

log = get_logger(__name__)

EventHandler = Callable[[str, ReceivedEvent], Awaitable[object]]
DLQ_SUFFIX = ".dlq"
HANDLER_ATTEMPTS = 3


def dead_letter_topic(topic: str) -> str:
    return topic + DLQ_SUFFIX


def create_broker(bootstrap_servers: str) -> KafkaBroker:
    return KafkaBroker(bootstrap_servers, enable_idempotence=True, logger=None)


def subscribe(broker: KafkaBroker, *, topic: str, group_id: str, handler: EventHandler) -> None:
    """Routes every valid event on `topic` to `handler(topic, event)`; the rest to the DLQ."""

    @broker.subscriber(
        topic,
        group_id=group_id,
        ack_policy=AckPolicy.ACK,
        auto_offset_reset="earliest",
        title=f"{group_id}:{topic}",
    )
    async def consume(message: KafkaMessage) -> None:
        raw: bytes = message.body
        correlation_id.set(message.headers.get(CORRELATION_HEADER))
        try:
            event = parse_event(raw)
        except InvalidEvent as error:
            await _dead_letter(broker, topic, message, str(error))
            return
        await _handle_with_retries(broker, topic, message, event, handler)


async def _handle_with_retries(
    broker: KafkaBroker,
    topic: str,
    message: KafkaMessage,
    event: ReceivedEvent,
    handler: EventHandler,
) -> None:
    for attempt in range(1, HANDLER_ATTEMPTS + 1):
        try:
            await handler(topic, event)
            return
        except Exception as error:
            log.warning("event handler failed", topic=topic, attempt=attempt, error=repr(error))
            if attempt == HANDLER_ATTEMPTS:
                await _dead_letter(broker, topic, message, f"handler failed: {error!r}")
                return
            await asyncio.sleep(0.2 * 2**attempt)


async def _dead_letter(broker: KafkaBroker, topic: str, message: KafkaMessage, reason: str) -> None:
    log.warning("message dead-lettered", topic=topic, reason=reason)
    record = message.raw_message
    headers = {key: value for key, value in message.headers.items() if isinstance(value, str)}
    headers |= {
        "dlq_reason": reason[:2000],
        "dlq_source_topic": topic,
        "dlq_source_partition": str(getattr(record, "partition", "")),
        "dlq_source_offset": str(getattr(record, "offset", "")),
    }
    await broker.publish(
        message.body, dead_letter_topic(topic), key=getattr(record, "key", None), headers=headers
    )


async def ensure_topics(bootstrap_servers: str, topics: Iterable[str], partitions: int) -> None:
    """Creates topics (and their DLQs) with `partitions` partitions; auto-creation would give 1."""
    names = sorted({name for topic in topics for name in (topic, dead_letter_topic(topic))})
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
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
    """Declares published topics for the AsyncAPI document; the outbox relay does the sending."""
    for topic in topics:
        kinds = ", ".join(sorted(i.type for i in contracts() if i.topic == topic))
        broker.publisher(
            topic,
            title=f"{service}:{topic}",
            description=f"Envelopes keyed by municipality number. Event types: {kinds}.",
            schema=Envelope,
        )


def asyncapi_json(broker: KafkaBroker, service: str) -> str:
    return AsyncAPI(broker, title=f"Kompetanseløftet {service} events").to_specification().to_json()
