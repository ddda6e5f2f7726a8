"""What one service process is made of: database, outbox relay, Kafka broker, unit of work."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from faststream.kafka import KafkaBroker
from prometheus_client import Counter
from sqlalchemy import MetaData, Table
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from shared.db import (
    WRITE_TRANSACTION,
    SessionFactory,
    WriterTurns,
    create_engine,
    session_factory,
)
from shared.events import Contract, Envelope, ReceivedEvent, new_event
from shared.idempotency import mark_committed
from shared.inbox import claim, recorded
from shared.live import LiveFeed
from shared.messaging import create_broker, subscribe
from shared.observability import correlation_id
from shared.outbox import OutboxRelay, add_to_outbox
from shared.settings import ServiceSettings

EVENTS_HANDLED = Counter(
    "events_handled",
    "Events whose effect this service applied (redeliveries not counted)",
    ["service", "topic", "type"],
)


class UnitOfWork:
    """One use case's transaction; events it emits are written to the outbox in the same commit."""

    def __init__(self, runtime: ServiceRuntime) -> None:
        self._runtime = runtime
        self._events: list[Envelope] = []
        self.session: AsyncSession = runtime.sessions()

    def emit(self, payload: Contract, *, municipality: str) -> Envelope:
        event = new_event(payload, municipality=municipality, producer=self._runtime.service)
        self._events.append(event)
        return event

    async def __aenter__(self) -> UnitOfWork:
        await self._runtime.writer_turns.take()
        try:
            await self.session.begin()
            await self.session.connection(execution_options=WRITE_TRANSACTION)
        except BaseException:
            await self._end()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                await add_to_outbox(self.session, self._runtime.outbox, *self._events)
                idempotency_claim = await mark_committed(self.session)
                await self.session.commit()
                if idempotency_claim is not None:
                    idempotency_claim.committed = True
                if self._events:
                    self._runtime.relay.wake()
            else:
                await self.session.rollback()
        finally:
            await self._end()

    async def _end(self) -> None:
        try:
            await self.session.close()
        finally:
            self._runtime.writer_turns.give_back()


@dataclass
class ServiceRuntime:
    settings: ServiceSettings
    metadata: MetaData
    migrations_dir: Path
    engine: AsyncEngine = field(init=False)
    sessions: SessionFactory = field(init=False)
    writer_turns: WriterTurns = field(init=False)
    broker: KafkaBroker = field(init=False)
    relay: OutboxRelay = field(init=False)
    live: LiveFeed = field(init=False)
    effects: dict[str, BatchEffect] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.engine = create_engine(self.settings.database_url)
        self.sessions = session_factory(self.engine)
        self.writer_turns = WriterTurns(self.engine)
        security = self.settings.kafka_security()
        self.broker = create_broker(self.settings.kafka_bootstrap_servers, security)
        self.relay = OutboxRelay(
            engine=self.engine,
            sessions=self.sessions,
            writer_turns=self.writer_turns,
            outbox=self.outbox,
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            security=security,
            service=self.service,
            poll_seconds=self.settings.outbox_poll_seconds,
            batch_size=self.settings.outbox_batch_size,
            max_message_bytes=self.settings.outbox_max_message_bytes,
        )
        self.live = LiveFeed(self.settings.kafka_bootstrap_servers, security=security)

    @property
    def service(self) -> str:
        return self.settings.service

    @property
    def outbox(self) -> Table:
        return self.metadata.tables["outbox"]

    @property
    def inbox(self) -> Table:
        return self.metadata.tables["inbox"]

    @property
    def idempotency(self) -> Table | None:
        """The table of claimed `Idempotency-Key`s, where the service has one."""
        return self.metadata.tables.get("idempotency_keys")

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self)

    def on_event(
        self, topic: str, effect: Effect, *, batch_effect: BatchEffect | None = None
    ) -> None:
        """Consumes `topic` in this service's consumer group, each event's effect at most once.

        Kafka hands the consumer batches; `batch_effect` applies one batch's new events in order
        (a bulk insert, say), by default `effect` on each in turn. Both must have the same effect.
        """
        self.effects[topic] = batch_effect or each(effect)
        subscribe(
            self.broker,
            topic=topic,
            group_id=self.service,
            handle=self.handle,
            handle_batch=self.handle_batch,
            max_records=self.settings.consumer_batch_size,
        )

    async def handle(self, topic: str, event: ReceivedEvent) -> bool:
        """Applies the topic's effect unless the event was handled before; True if it was applied.

        Inbox record, effect and the events the effect emits commit in one transaction.
        """
        try:
            return await self.handle_batch(topic, [event]) == 1
        except IntegrityError:
            if await recorded(self.sessions, self.inbox, event):
                return False  # a concurrent delivery of the same event won; its effect stands
            raise

    async def handle_batch(self, topic: str, events: Sequence[ReceivedEvent]) -> int:
        """Applies the events not handled before in one transaction, in order; returns how many.

        All or nothing: when it raises, nothing of the batch was applied (the consumer then
        applies the events one by one, so one bad event does not hold back the others).
        """
        async with self.unit_of_work() as uow:
            fresh = await claim(uow.session, self.inbox, topic, events)
            if fresh:
                await self.effects[topic](uow, fresh)
        for event in fresh:  # after the commit: what counts is what was applied
            EVENTS_HANDLED.labels(self.service, topic, event.envelope.type).inc()
        return len(fresh)

    def topics(self, published: Iterable[str]) -> list[str]:
        return sorted({*published, *self.effects})


Effect = Callable[[UnitOfWork, ReceivedEvent], Awaitable[None]]
BatchEffect = Callable[[UnitOfWork, Sequence[ReceivedEvent]], Awaitable[None]]


def each(effect: Effect) -> BatchEffect:
    """The batch effect that applies `effect` to each event in turn."""

    async def apply(uow: UnitOfWork, events: Sequence[ReceivedEvent]) -> None:
        for event in events:
            # The events an effect emits carry the correlation id of the event that caused them.
            correlation_id.set(event.envelope.correlation_id)
            await effect(uow, event)

    return apply
