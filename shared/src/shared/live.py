"""The platform's live event feed behind the `platformEvents` subscription (docs/live-events.md).

One Kafka consumer per process reads every event topic (`<service>.<aggregate>.v<N>`, never the
dead letters) without a consumer group: every replica sees every event, nothing is committed, and
it starts at the end of the topics it finds — a live feed, not a replay. Each event goes to the
subscribers that may read it through bounded queues; a subscriber that falls a whole queue behind
is ended (its client learns that it missed events) rather than slowing the consumer or the others.

The consumer starts with the first subscriber: a service that hosts the subscription reads the
whole platform's traffic only while somebody is listening, and a Kafka outage then fails that
subscriber with UNAVAILABLE instead of the process's start. It stops with the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import strawberry
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from shared import reference
from shared.auth import Principal
from shared.errors import BadUserInput, DomainError, Forbidden, Unavailable
from shared.events import InvalidEvent, ReceivedEvent, parse_event
from shared.kafka_security import PLAINTEXT, KafkaSecurity
from shared.messaging import FETCH_MAX_WAIT_MS
from shared.observability import get_logger

if TYPE_CHECKING:
    from shared.subgraph import ServiceContext

log = get_logger(__name__)

EVENT_TOPIC = re.compile(r"^[\w-]+(\.[\w-]+)*\.v[0-9]+$")
QUEUE_CAPACITY = 256
DISCOVERY_SECONDS = 10.0

EventTest = Callable[[ReceivedEvent], bool]


def is_event_topic(name: str) -> bool:
    return EVENT_TOPIC.match(name) is not None


# Who sees what


def may_read_event(principal: Principal, event: ReceivedEvent) -> bool:
    """The one rule of who sees a live event.

    Whoever may read its municipality's data (so sensitive events, such as risk assessments,
    follow the municipality rule too), and a partner institution the events that name it.
    New roles extend `Principal.may_see_municipality`, and this rule follows.
    """
    named = event.envelope.payload.get("institution_id")
    return (
        principal.is_directorate  # even an event whose municipality number is unknown
        or principal.may_see_municipality(event.envelope.municipality)
        or named in principal.institutions
    )


@dataclass(frozen=True, slots=True)
class Narrowing:
    """A subscriber's own filter: one municipality and/or one county, by today's numbers."""

    municipality: str | None = None
    county: str | None = None

    def matches(self, event: ReceivedEvent) -> bool:
        found = reference.municipality(event.envelope.municipality)
        if found is None:
            return self.municipality is None and self.county is None
        return self.municipality in (None, found.number) and self.county in (None, found.county)


def narrowing(principal: Principal, municipality: str | None, county: str | None) -> Narrowing:
    """The filter a subscriber asked for, refused when nothing it could match is visible to it."""
    return Narrowing(
        municipality=None if municipality is None else _municipality_asked(principal, municipality),
        county=None if county is None else _county_asked(principal, county),
    )


def _municipality_asked(principal: Principal, number: str) -> str:
    found = reference.municipality(number)
    if found is None:
        raise BadUserInput("municipality", f"no municipality has the number {number!r}")
    if not _may_read_any(principal, [found.number]):
        raise Forbidden(f"no access to municipality {found.number}")
    return found.number


def _county_asked(principal: Principal, number: str) -> str:
    found = reference.county(number)
    if found is None:
        raise BadUserInput("county", f"no county has the number {number!r}")
    members = [m.number for m in reference.municipalities(found.number)]
    if not _may_read_any(principal, members):
        raise Forbidden(f"no access to county {found.number}")
    return found.number


def _may_read_any(principal: Principal, municipalities: Iterable[str]) -> bool:
    # An institution's own events (those naming it) may be about any municipality.
    return bool(principal.institutions) or any(
        principal.may_see_municipality(number) for number in municipalities
    )


# Fan-out


class EventStream:
    """One subscriber's queue of the events it wants, at most `capacity` waiting."""

    def __init__(self, wants: EventTest, capacity: int) -> None:
        self.wants = wants
        self._capacity = capacity
        # One slot beyond the capacity, so the ending always fits.
        self._queue: asyncio.Queue[ReceivedEvent | DomainError] = asyncio.Queue(capacity + 1)
        self._ended = False

    def offer(self, event: ReceivedEvent) -> bool:
        """Queues the event if wanted; False when the subscriber is a full queue behind."""
        if not self.wants(event):
            return True
        if self._queue.qsize() >= self._capacity:
            return False
        self._queue.put_nowait(event)
        return True

    def end(self, error: DomainError) -> None:
        """The subscriber receives what is queued, then `error`."""
        if not self._ended:
            self._ended = True
            self._queue.put_nowait(error)

    def __aiter__(self) -> EventStream:
        return self

    async def __anext__(self) -> ReceivedEvent:
        item = await self._queue.get()
        if isinstance(item, DomainError):
            raise item
        return item


class Fanout:
    """Hands each event to every open stream without ever waiting for one."""

    def __init__(self, capacity: int = QUEUE_CAPACITY) -> None:
        self.capacity = capacity
        self._streams: set[EventStream] = set()

    def __len__(self) -> int:
        return len(self._streams)

    def open(self, wants: EventTest) -> EventStream:
        stream = EventStream(wants, self.capacity)
        self._streams.add(stream)
        return stream

    def close(self, stream: EventStream) -> None:
        self._streams.discard(stream)

    def publish(self, event: ReceivedEvent) -> None:
        for stream in list(self._streams):
            if not stream.offer(event):
                self.close(stream)
                stream.end(
                    Unavailable(
                        f"this subscription fell {self.capacity} events behind and was ended "
                        "(events were missed); subscribe again"
                    )
                )

    def end_all(self, error: DomainError) -> None:
        for stream in self._streams:
            stream.end(error)
        self._streams.clear()


# Kafka


class _EventTopicReader:
    """A consumer without a group, assigned every partition of every event topic.

    Topics are looked for again every `discovery_seconds`. Partitions present at start are read
    from their end; partitions that appear later are read from their beginning, since everything
    in them was written after the feed started. Manual assignment keeps the positions of the
    partitions already read (a pattern subscription would reset them on every new topic).
    """

    def __init__(
        self, bootstrap_servers: str, discovery_seconds: float, security: KafkaSecurity
    ) -> None:
        options = security.client_options()
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="latest",
            fetch_max_wait_ms=FETCH_MAX_WAIT_MS,  # most partitions are idle: see its comment
            **options,
        )
        self._admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, **options)
        self._discovery_seconds = discovery_seconds
        self._next_discovery = 0.0

    async def start(self) -> None:
        await self._consumer.start()
        await self._admin.start()
        await self._follow_new_partitions(from_start=False)

    async def stop(self) -> None:
        await self._consumer.stop()
        await self._admin.close()

    async def read(self) -> list[ConsumerRecord[bytes, bytes]]:
        if time.monotonic() >= self._next_discovery:
            await self._follow_new_partitions(from_start=True)
        if not self._consumer.assignment():
            await asyncio.sleep(self._discovery_seconds)
            return []
        batches = await self._consumer.getmany(timeout_ms=int(self._discovery_seconds * 1000))
        return [record for records in batches.values() for record in records]

    async def _follow_new_partitions(self, *, from_start: bool) -> None:
        self._next_discovery = time.monotonic() + self._discovery_seconds
        found = await self._event_partitions()
        new = found - self._consumer.assignment()
        if not new:
            return
        kept = {tp: await self._consumer.position(tp) for tp in self._consumer.assignment() & found}
        self._consumer.assign(sorted(found))
        for partition, offset in kept.items():
            self._consumer.seek(partition, offset)
        seek = self._consumer.seek_to_beginning if from_start else self._consumer.seek_to_end
        await seek(*new)
        log.info("live feed follows new partitions", partitions=len(new), total=len(found))

    async def _event_partitions(self) -> set[TopicPartition]:
        return {
            TopicPartition(topic["topic"], partition["partition"])
            for topic in await self._admin.describe_topics()
            if is_event_topic(topic["topic"])
            for partition in topic["partitions"]
        }


class LiveFeed:
    """The process's one consumer of the platform's events and its subscribers."""

    def __init__(
        self,
        bootstrap_servers: str,
        *,
        capacity: int = QUEUE_CAPACITY,
        discovery_seconds: float = DISCOVERY_SECONDS,
        security: KafkaSecurity = PLAINTEXT,
    ) -> None:
        self._bootstrap_servers = bootstrap_servers
        self._security = security
        self._discovery_seconds = discovery_seconds
        self._fanout = Fanout(capacity)
        self._starting = asyncio.Lock()
        self._pump: asyncio.Task[None] | None = None

    @property
    def subscribers(self) -> int:
        return len(self._fanout)

    async def start(self) -> None:
        """Starts the consumer unless it runs; again after it failed. UNAVAILABLE without Kafka."""
        async with self._starting:
            if self._pump is not None and not self._pump.done():
                return
            reader = _EventTopicReader(
                self._bootstrap_servers, self._discovery_seconds, self._security
            )
            try:
                await reader.start()
            except KafkaError as error:
                await reader.stop()
                log.warning("live feed cannot reach Kafka", error=repr(error))
                raise Unavailable("live events are unavailable: Kafka cannot be reached") from error
            self._pump = asyncio.create_task(self._deliver_from(reader), name="live-feed")

    @contextlib.asynccontextmanager
    async def subscribe(self, wants: EventTest) -> AsyncIterator[EventStream]:
        await self.start()
        stream = self._fanout.open(wants)
        try:
            yield stream
        finally:
            self._fanout.close(stream)

    async def stop(self) -> None:
        if self._pump is not None:
            self._pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pump
        self._fanout.end_all(Unavailable("the service is stopping; subscribe again"))

    async def _deliver_from(self, reader: _EventTopicReader) -> None:
        try:
            while True:
                for record in await reader.read():
                    self._deliver(record.value or b"")
        except Exception as error:
            # Kafka gone for longer than the client retries (or a bug): no subscriber may wait
            # forever on a feed that stopped; the next subscriber starts a new one.
            log.error("live feed stopped", error=repr(error))
            self._fanout.end_all(Unavailable("live events were interrupted; subscribe again"))
        finally:
            await reader.stop()

    def _deliver(self, raw: bytes) -> None:
        try:
            event = parse_event(raw)
        except InvalidEvent as error:
            # The owning consumers dead-letter it; a live feed just has nothing to show.
            log.warning("live feed skipped an invalid message", reason=str(error))
            return
        self._fanout.publish(event)


# GraphQL


@strawberry.type(description="An event of the platform, as it happens.")
class PlatformEvent:
    type: str
    occurred_at: str = strawberry.field(description="ISO 8601, UTC.")
    municipality: str | None = strawberry.field(description="Today's municipality number.")
    payload: str = strawberry.field(description="The event's contract payload as JSON.")

    @classmethod
    def of(cls, event: ReceivedEvent) -> PlatformEvent:
        found = reference.municipality(event.envelope.municipality)
        return cls(
            type=event.envelope.type,
            occurred_at=event.envelope.occurred_at.isoformat(),
            municipality=found.number if found else event.envelope.municipality,
            payload=json.dumps(event.envelope.payload, ensure_ascii=False),
        )


@strawberry.type(name="Subscription")
class LiveEventsSubscription:
    """The `platformEvents` subscription; a service hosts it by passing this as `subscription`."""

    # strawberry.subscription carries no type hints (strawberry.field does, via its mypy plugin).
    @strawberry.subscription(  # type: ignore[untyped-decorator]
        description="The platform's events as they happen, only those the caller may read; "
        "municipality (today's or an older number) and county narrow them. Live only: "
        "nothing from before the subscription, and events are missed when the stream breaks."
    )
    async def platform_events(
        self,
        info: strawberry.Info,
        municipality: str | None = None,
        county: str | None = None,
    ) -> AsyncGenerator[PlatformEvent, None]:
        # A plain coroutine returning the stream, so refusals arrive as the protocol's `error`.
        context: ServiceContext = info.context
        principal = context.principal
        principal.require_authenticated()
        asked = narrowing(principal, municipality, county)
        feed = context.runtime.live
        await feed.start()
        return _platform_events(feed, lambda e: may_read_event(principal, e) and asked.matches(e))


async def _platform_events(feed: LiveFeed, wants: EventTest) -> AsyncGenerator[PlatformEvent, None]:
    async with feed.subscribe(wants) as stream:
        async for event in stream:
            yield PlatformEvent.of(event)
