"""What one service process is made of: database, outbox relay, Kafka broker, unit of work."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from faststream.kafka import KafkaBroker
from sqlalchemy import MetaData, Table
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from shared.db import WRITE_TRANSACTION, SessionFactory, create_engine, session_factory
from shared.events import Contract, Envelope, ReceivedEvent, new_event
from shared.idempotency import mark_committed
from shared.inbox import claim, recorded
from shared.live import LiveFeed
from shared.messaging import create_broker, subscribe
from shared.outbox import OutboxRelay, add_to_outbox
from shared.settings import ServiceSettings


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
        await self.session.begin()
        await self.session.connection(execution_options=WRITE_TRANSACTION)
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
            await self.session.close()


@dataclass
class ServiceRuntime:
    settings: ServiceSettings
    metadata: MetaData
    migrations_dir: Path
    engine: AsyncEngine = field(init=False)
    sessions: SessionFactory = field(init=False)
    broker: KafkaBroker = field(init=False)
    relay: OutboxRelay = field(init=False)
    live: LiveFeed = field(init=False)
    effects: dict[str, Effect] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.engine = create_engine(self.settings.database_url)
        self.sessions = session_factory(self.engine)
        self.broker = create_broker(self.settings.kafka_bootstrap_servers)
        self.relay = OutboxRelay(
            engine=self.engine,
            sessions=self.sessions,
            outbox=self.outbox,
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            service=self.service,
            poll_seconds=self.settings.outbox_poll_seconds,
            batch_size=self.settings.outbox_batch_size,
        )
        self.live = LiveFeed(self.settings.kafka_bootstrap_servers)

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

    def on_event(self, topic: str, effect: Effect) -> None:
        """Consumes `topic` in this service's consumer group, each event's effect at most once."""
        self.effects[topic] = effect
        subscribe(self.broker, topic=topic, group_id=self.service, handler=self.handle)

    async def handle(self, topic: str, event: ReceivedEvent) -> bool:
        """Applies the topic's effect unless the event was handled before; True if it was applied.

        Inbox record, effect and the events the effect emits commit in one transaction.
        """
        try:
            async with self.unit_of_work() as uow:
                if not await claim(uow.session, self.inbox, topic, event):
                    return False
                await self.effects[topic](uow, event)
        except IntegrityError:
            if await recorded(self.sessions, self.inbox, event):
                return False  # a concurrent delivery of the same event won; its effect stands
            raise
        return True

    def topics(self, published: Iterable[str]) -> list[str]:
        return sorted({*published, *self.effects})


Effect = Callable[[UnitOfWork, ReceivedEvent], Awaitable[None]]
