"""Transactional outbox: events are written with the state change, then relayed to Kafka.

A use case calls `add_to_outbox` inside its transaction, so nothing is published that was not
committed. `OutboxRelay` publishes pending rows in id order with an idempotent producer and
marks them sent only after the broker acknowledged, so nothing committed is lost when Kafka
or the service is down (a crash between the two re-sends; consumers dedupe on `event_id`).

A row whose envelope is larger than the broker takes (`OUTBOX_MAX_MESSAGE_BYTES`) would fail on
every attempt and hold back every row after it: it is set aside instead (`set_aside_at`, with
the reason), logged as an error and counted, and the rows after it flow, those of its key too.

Rows are marked sent beside the sending, not before the next round: on SQLite a mark waits
its writer's turn behind every use case queued, and publishing must not wait with it. A crash
before the mark re-sends, as before.

A commit wakes the relay at once: in the process by `wake()`, and on PostgreSQL in any process
by a NOTIFY that the leading relay LISTENs to. Both are hints; the poll is the guarantee.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from aiokafka.partitioner import DefaultPartitioner
from aiokafka.producer.message_accumulator import BatchBuilder
from prometheus_client import Counter
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    Row,
    String,
    Table,
    Text,
    TypeDecorator,
    bindparam,
    cast,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from shared.db import WRITE_TRANSACTION, SessionFactory, WriterTurns, is_sqlite
from shared.events import Envelope, registered
from shared.kafka_security import PLAINTEXT, KafkaSecurity
from shared.observability import CORRELATION_HEADER, get_logger

log = get_logger(__name__)

# NOTIFY is delivered at commit to listeners of the same database: one channel name serves all.
OUTBOX_CHANNEL = "outbox_pending"

# Under the broker's default message.max.bytes (1 MiB), with room for the key, headers and batch.
DEFAULT_MAX_MESSAGE_BYTES = 900_000

# Within the broker's default message.max.bytes (1 MiB), which bounds a record batch too.
MAX_RECORD_BATCH_BYTES = 512 * 1024

# The longest a relay round waits for the previous one's mark before it reads again.
GATHER_SECONDS = 0.05

ROWS_SET_ASIDE = Counter(
    "outbox_rows_set_aside", "Outbox rows the relay could never publish", ["service", "topic"]
)

# A pending row as the relay reads it: id, topic, key, type, correlation id, envelope text.
_Pending = Row[tuple[int, str, str, str, str | None, str]]

_PARTITIONER = DefaultPartitioner()

# SQLite has no BIGSERIAL: an INTEGER PRIMARY KEY there is the rowid, which autoincrements.
_Id = BigInteger().with_variant(Integer(), "sqlite")


# The relay reads pending rows in id order; sent rows stay in the table. An index of only the
# pending rows keeps that read as cheap with a million sent rows as with none (on SQLite the
# index covered every row, so each relay round scanned all sent rows before the pending ones).
PENDING_INDEX = "ix_outbox_pending"
PENDING = text("sent_at IS NULL")


def outbox_table(metadata: MetaData) -> Table:
    return Table(
        "outbox",
        metadata,
        Column("id", _Id, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("topic", String(200), nullable=False),
        Column("key", String(20), nullable=False),
        Column("type", String(100), nullable=False),
        Column("envelope", JSON, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("sent_at", DateTime(timezone=True), nullable=True),
        Column("set_aside_at", DateTime(timezone=True), nullable=True),
        Column("set_aside_reason", String(500), nullable=True),
        Index(PENDING_INDEX, "id", postgresql_where=PENDING, sqlite_where=PENDING),
    )


def index_only_pending_rows() -> None:
    """A migration step for every service: SQLite's pending index made partial, as
    PostgreSQL's always was."""
    from alembic import op

    if op.get_bind().dialect.name == "sqlite":
        op.drop_index(PENDING_INDEX, table_name="outbox")
        op.create_index(PENDING_INDEX, "outbox", ["id"], sqlite_where=PENDING)


def index_every_row() -> None:
    """`index_only_pending_rows` undone."""
    from alembic import op

    if op.get_bind().dialect.name == "sqlite":
        op.drop_index(PENDING_INDEX, table_name="outbox")
        op.create_index(PENDING_INDEX, "outbox", ["id"])


class _JSONText(TypeDecorator[str]):
    """JSON written as the text it already is. The envelope is serialized once, by pydantic,
    and the relay sends the stored text as it is: the JSON type would encode a dict on the way
    in and decode it on the way out, a third of the relay's CPU per event (BENCHMARKS.md)."""

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> None:
        return None


def topic_of(envelope: Envelope) -> str:
    info = registered(envelope.type, envelope.version)
    if info is None:
        raise KeyError(f"no contract for {envelope.type} v{envelope.version}")
    return info.topic


async def add_to_outbox(session: AsyncSession, outbox: Table, *envelopes: Envelope) -> None:
    rows = [
        {
            "event_id": str(e.event_id),
            "topic": topic_of(e),
            "key": e.municipality,
            "type": e.type,
            "envelope": e.model_dump_json(),
            "created_at": e.occurred_at,
        }
        for e in envelopes
    ]
    if rows:
        await session.execute(
            outbox.insert().values(envelope=type_coerce(bindparam("envelope"), _JSONText())),
            rows,
        )
        if session.get_bind().dialect.name == "postgresql":
            await session.execute(text(f"NOTIFY {OUTBOX_CHANNEL}"))


class OutboxRelay:
    """Publishes pending outbox rows; one active relay per service database.

    On PostgreSQL a session advisory lock elects the one relay among replicas (several relays
    would reorder one municipality's events); SQLite is one process by construction.
    """

    def __init__(
        self,
        *,
        engine: AsyncEngine,
        sessions: SessionFactory,
        writer_turns: WriterTurns,
        outbox: Table,
        bootstrap_servers: str,
        security: KafkaSecurity = PLAINTEXT,
        service: str,
        poll_seconds: float = 0.5,
        batch_size: int = 500,
        max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    ) -> None:
        self._engine = engine
        self._sessions = sessions
        self._writer_turns = writer_turns
        self._outbox = outbox
        self._bootstrap = bootstrap_servers
        self._security = security
        self._service = service
        self._lock_key = _advisory_key(service)
        self._max_bytes = max_message_bytes
        self._poll = poll_seconds
        self._batch = batch_size
        self._wake = asyncio.Event()
        self._producer: AIOKafkaProducer | None = None
        # Sent and acknowledged, their sent_at not written yet: never read as pending again.
        self._unmarked: set[int] = set()
        self._marks_due = asyncio.Event()
        self._all_marked = asyncio.Event()
        # While rows await their mark, the next round reads after the last row sent instead of
        # through them all; once a mark is written, a round reads from the start again, so a
        # row committed late with a lower id (PostgreSQL) waits at most one mark.
        self._after: int | None = None
        self.published = 0

    def wake(self) -> None:
        """A hint that rows were committed; the poll is the delivery guarantee."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            try:
                async with self._leadership():
                    await self._relay_forever()
            except asyncio.CancelledError:
                raise
            except KafkaError as error:
                log.warning("Kafka unavailable; outbox rows stay pending", error=repr(error))
            except Exception:
                log.exception("outbox relay failed; retrying")
            await self._close_producer()
            await asyncio.sleep(self._poll)

    async def close(self) -> None:
        """Writes what is still to be marked sent (a restart would send it again), then stops."""
        with contextlib.suppress(Exception):  # at worst the rows are sent again, and deduped
            await self._mark_sent()
        await self._close_producer()

    async def publish_pending(self) -> int:
        """Publishes one batch and marks it sent; returns how many rows it dealt with (sent or
        set aside)."""
        dealt = await self._send_round()
        await self._mark_sent()
        return dealt

    async def _send_round(self) -> int:
        """Sends the next pending rows; they are marked sent later (`_mark_sent`)."""
        skip = set(self._unmarked)  # taken before the read: a mark may land while it runs
        rows = [row for row in await self._read_pending(len(skip)) if row.id not in skip]
        rows = rows[: self._batch]
        sized = [(row, row.envelope.encode()) for row in rows]
        sendable = [item for item in sized if len(item[1]) <= self._max_bytes]
        oversized = [item for item in sized if len(item[1]) > self._max_bytes]
        if oversized:
            await self._set_aside(oversized)
        if sendable:
            await self._send(sendable)
            self._unmarked.update(row.id for row, _ in sendable)
            self._after = rows[-1].id
            self._all_marked.clear()
            self._marks_due.set()
            self.published += len(sendable)
        return len(rows)

    async def _read_pending(self, skipped: int) -> Sequence[_Pending]:
        pending: list[ColumnElement[bool]] = [
            self._outbox.c.sent_at.is_(None),
            self._outbox.c.set_aside_at.is_(None),
        ]
        if self._after is not None:
            pending.append(self._outbox.c.id > self._after)
            skipped = 0  # every row awaiting its mark is at or before `_after`
        async with self._sessions() as session:
            return (
                await session.execute(
                    select(
                        self._outbox.c.id,
                        self._outbox.c.topic,
                        self._outbox.c.key,
                        self._outbox.c.type,
                        self._outbox.c.envelope["correlation_id"].as_string().label("correlation"),
                        cast(self._outbox.c.envelope, Text).label("envelope"),
                    )
                    .where(*pending)
                    .order_by(self._outbox.c.id)
                    .limit(self._batch + skipped)
                )
            ).all()

    async def _mark_sent(self) -> None:
        ids = list(self._unmarked)
        if ids:
            await self._mark(sent_at=datetime.now(UTC), ids=ids)
            self._unmarked.difference_update(ids)
        self._after = None
        if not self._unmarked:
            self._all_marked.set()

    async def _mark_sent_forever(self) -> None:
        while True:
            if not self._unmarked:  # left over from a failed mark: written without waiting
                await self._marks_due.wait()
            self._marks_due.clear()
            await self._mark_sent()

    async def _set_aside(self, oversized: Sequence[tuple[_Pending, bytes]]) -> None:
        for row, value in oversized:
            ROWS_SET_ASIDE.labels(self._service, row.topic).inc()
            log.error(
                "outbox row set aside: larger than the broker takes",
                outbox_id=row.id,
                topic=row.topic,
                key=row.key,
                size=len(value),
                max_bytes=self._max_bytes,
            )
        reason = f"envelope larger than {self._max_bytes} bytes"
        await self._mark(
            set_aside_at=datetime.now(UTC),
            set_aside_reason=reason,
            ids=[row.id for row, _ in oversized],
        )

    async def _mark(self, *, ids: list[int], **values: object) -> None:
        async with self._writer_turns, self._sessions() as session, session.begin():
            await session.connection(execution_options=WRITE_TRANSACTION)
            await session.execute(
                update(self._outbox).where(self._outbox.c.id.in_(ids)).values(**values)
            )

    async def _relay_forever(self) -> None:
        """Sends rounds while marking the previous ones sent beside them: a mark waits for its
        writer's turn (on SQLite behind every registration queued), and sending need not."""
        try:
            async with asyncio.TaskGroup() as tasks:
                tasks.create_task(self._mark_sent_forever())
                await self._send_forever()
        except ExceptionGroup as failed:  # the one failure that stopped both, as it was raised
            raise failed.exceptions[0] from None

    async def _send_forever(self) -> None:
        while True:
            # Cleared before reading, not after: a commit while rows are being sent must still
            # wake the next round, or its rows would wait for the poll.
            self._wake.clear()
            dealt = await self._send_round()
            if dealt == self._batch:
                continue
            if dealt:
                # Commits arriving one by one would each make a round of their own (and a fetch
                # and a transaction for every consumer); waiting for the round's mark, as long
                # as it is quick, gathers them (BENCHMARKS.md).
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._all_marked.wait(), GATHER_SECONDS)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll)

    async def _send(self, rows: Sequence[tuple[_Pending, bytes]]) -> None:
        """Rows of (id, topic, key, envelope) with their serialized envelope, sent in order."""
        producer = await self._ready_producer()
        try:
            # Whole record batches rather than a send() per row: aiokafka's send() costs a
            # future and a partition lookup per message (8 % of education's samples under bulk
            # load). Batches of one partition are queued in row order; the idempotent producer
            # keeps that order.
            futures = [
                await producer.send_batch(batch, topic, partition=partition)
                for topic, partition, batch in await _record_batches(producer, rows)
            ]
            await asyncio.gather(*futures)
        except KafkaError:
            # A stuck idempotent producer (aiokafka#1017) only recovers when recreated.
            await self._close_producer()
            raise

    async def _ready_producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            producer = AIOKafkaProducer(
                bootstrap_servers=self._bootstrap,
                **self._security.client_options(),
                enable_idempotence=True,
                linger_ms=5,
                # A relay round sends up to `batch_size` envelopes at once: one record batch
                # per partition instead of aiokafka's 16 KiB ones (~20 envelopes each) means
                # fewer produce requests for the broker to handle.
                max_batch_size=MAX_RECORD_BATCH_BYTES,
                request_timeout_ms=15000,
            )
            await producer.start()
            self._producer = producer
        return self._producer

    async def _close_producer(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            with contextlib.suppress(Exception):
                await producer.stop()

    @contextlib.asynccontextmanager
    async def _leadership(self) -> AsyncIterator[None]:
        if is_sqlite(self._engine):
            yield
            return
        async with self._engine.connect() as connection:
            await self._await_lock(connection)
            # The advisory lock is the session's; ending the transaction keeps the connection
            # from idling in one, where notifications would wait until it ended.
            await connection.commit()
            try:
                async with self._notifications(connection):
                    yield
            finally:
                await connection.execute(
                    text("SELECT pg_advisory_unlock(:k)"), {"k": self._lock_key}
                )

    @contextlib.asynccontextmanager
    async def _notifications(self, connection: AsyncConnection) -> AsyncIterator[None]:
        """Other processes' commits wake this relay through PostgreSQL's LISTEN."""
        listener: Any = (await connection.get_raw_connection()).driver_connection  # asyncpg's
        await listener.add_listener(OUTBOX_CHANNEL, self._notified)
        try:
            yield
        finally:
            with contextlib.suppress(Exception):  # the connection may be gone; nothing to undo
                await listener.remove_listener(OUTBOX_CHANNEL, self._notified)

    def _notified(self, *_: object) -> None:
        self.wake()

    async def _await_lock(self, connection: AsyncConnection) -> None:
        # Another replica holds it; the database has no event to wait on, so poll.
        while not (  # noqa: ASYNC110
            await connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self._lock_key})
        ).scalar():
            await asyncio.sleep(self._poll * 4)


async def _record_batches(
    producer: AIOKafkaProducer, rows: Sequence[tuple[_Pending, bytes]]
) -> list[tuple[str, int, BatchBuilder]]:
    """The rows as record batches of (topic, partition), each partition's in row order. A row
    goes to the partition Kafka's default partitioner gives its key, as send() would."""
    partitions = {
        topic: sorted(await producer.partitions_for(topic)) for topic in {r.topic for r, _ in rows}
    }
    open_batches: dict[tuple[str, int], BatchBuilder] = {}
    full: list[tuple[str, int, BatchBuilder]] = []
    for row, value in rows:
        key = row.key.encode()
        record = {"timestamp": None, "key": key, "value": value, "headers": _headers(row)}
        target = (row.topic, _PARTITIONER(key, partitions[row.topic], partitions[row.topic]))
        batch = open_batches.get(target)
        if batch is None or batch.append(**record) is None:
            if batch is not None:
                full.append((*target, batch))
            # An empty batch takes any record (larger ones were set aside before).
            batch = open_batches[target] = producer.create_batch()
            batch.append(**record)
    return full + [(*target, batch) for target, batch in open_batches.items()]


def _headers(row: _Pending) -> list[tuple[str, bytes]]:
    headers = [("event_type", row.type.encode())]
    if row.correlation:
        headers.append((CORRELATION_HEADER, row.correlation.encode()))
    return headers


def _advisory_key(service: str) -> int:
    # A stable 63-bit key per service name (Python's hash() is salted per process).
    return int.from_bytes(service.encode().ljust(8, b"\0")[:8], "big") & 0x7FFF_FFFF_FFFF_FFFF
