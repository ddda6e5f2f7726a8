"""What an operator watches: the outbox's backlog, consumer lag per partition, readiness.

The gauges are measured when Prometheus scrapes `/metrics` (and `/readyz` is asked), not kept
up to date by the code paths: a relay or consumer that is stuck cannot report on itself, but
the database and the broker still tell the truth about it.

Readiness rule: a service is not ready when its outbox is stuck, that is when the oldest
pending row is older than `OUTBOX_STUCK_SECONDS` (the relay is not publishing: Kafka down, no
relay leader, a bug), or when any row has been set aside (an event that will never be
published without an operator). Every replica shares the database, so every replica of the
service turns unready together: the outage is visible where it is, not hidden behind a
healthy API that stops telling the other services anything.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from prometheus_client import Gauge
from sqlalchemy import Table, case, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.kafka_security import PLAINTEXT, KafkaSecurity
from shared.observability import get_logger

log = get_logger(__name__)

OUTBOX_BACKLOG = Gauge("outbox_backlog", "Outbox rows committed and not yet published", ["service"])
OUTBOX_OLDEST_AGE = Gauge(
    "outbox_oldest_pending_age_seconds",
    "Age of the oldest outbox row not yet published (0 when none)",
    ["service"],
)
OUTBOX_SET_ASIDE = Gauge(
    "outbox_set_aside_rows", "Outbox rows set aside and waiting for an operator", ["service"]
)
CONSUMER_LAG = Gauge(
    "kafka_consumer_lag",
    "Messages on a partition after the consumer group's committed offset",
    ["service", "topic", "partition"],
)

LAG_TIMEOUT_SECONDS = 5  # a scrape waits no longer for the broker


@dataclass(frozen=True)
class OutboxStatus:
    pending: int
    oldest_pending_at: datetime | None
    set_aside: int

    def oldest_age_seconds(self, now: datetime) -> float:
        if self.oldest_pending_at is None:
            return 0.0
        return max(0.0, (now - _utc(self.oldest_pending_at)).total_seconds())

    def stuck(self, now: datetime, threshold_seconds: float) -> str | None:
        """Why the outbox is stuck (the readiness rule), or None."""
        if self.set_aside:
            return f"{self.set_aside} outbox row(s) set aside"
        age = self.oldest_age_seconds(now)
        if age > threshold_seconds:
            return f"oldest pending outbox row is {age:.0f} s old (limit {threshold_seconds:g} s)"
        return None


async def outbox_status(engine: AsyncEngine, outbox: Table) -> OutboxStatus:
    """One query over the unsent rows (the pending index covers set-aside rows too)."""
    waiting = outbox.c.set_aside_at.is_(None)
    query = select(
        func.sum(case((waiting, 1), else_=0)),
        func.min(case((waiting, outbox.c.created_at))),
        func.sum(case((waiting, 0), else_=1)),
    ).where(outbox.c.sent_at.is_(None))
    async with engine.connect() as connection:
        pending, oldest, set_aside = (await connection.execute(query)).one()
    if isinstance(oldest, str):  # SQLite returns an aggregate's datetime as text
        oldest = datetime.fromisoformat(oldest)
    return OutboxStatus(int(pending or 0), oldest, int(set_aside or 0))


def record_outbox(service: str, status: OutboxStatus) -> None:
    OUTBOX_BACKLOG.labels(service).set(status.pending)
    OUTBOX_OLDEST_AGE.labels(service).set(status.oldest_age_seconds(datetime.now(UTC)))
    OUTBOX_SET_ASIDE.labels(service).set(status.set_aside)


async def consumer_lag(
    bootstrap_servers: str, group: str, topics: Iterable[str], security: KafkaSecurity = PLAINTEXT
) -> dict[TopicPartition, int]:
    """Per partition of `topics`: the log end offset less the group's committed offset.

    A partition the group never committed counts from its first offset (the consumers start at
    "earliest").
    """
    names = sorted(topics)
    if not names:
        return {}
    options = security.client_options()
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, **options)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers, enable_auto_commit=False, **options
    )
    await admin.start()
    try:
        await consumer.start()
        partitions = await topic_partitions(admin, names)
        committed = await admin.list_consumer_group_offsets(group, partitions=partitions)
        ends = await consumer.end_offsets(partitions)
        starts = await consumer.beginning_offsets(partitions)
    finally:
        await consumer.stop()
        await admin.close()
    lag = {}
    for partition in partitions:
        offset = committed.get(partition)
        position = offset.offset if offset is not None and offset.offset >= 0 else None
        lag[partition] = ends[partition] - (starts[partition] if position is None else position)
    return lag


async def topic_partitions(admin: AIOKafkaAdminClient, topics: list[str]) -> list[TopicPartition]:
    """Every partition of the topics that exist, in topic and partition order."""
    described = await admin.describe_topics(topics)
    return sorted(
        TopicPartition(topic["topic"], p["partition"])
        for topic in described
        if not topic["error_code"]
        for p in topic["partitions"]
    )


async def record_consumer_lag(
    service: str, bootstrap_servers: str, topics: Iterable[str], security: KafkaSecurity = PLAINTEXT
) -> None:
    """Sets the lag gauges; leaves them as they were when the broker does not answer."""
    try:
        async with asyncio.timeout(LAG_TIMEOUT_SECONDS):
            lag = await consumer_lag(bootstrap_servers, service, topics, security)
    except Exception as error:
        log.warning("consumer lag not measured", error=repr(error))
        return
    for partition, value in lag.items():
        CONSUMER_LAG.labels(service, partition.topic, str(partition.partition)).set(value)


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
