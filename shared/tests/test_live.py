"""The live feed: who sees which event, filters and the fan-out; then against real Kafka."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiokafka import AIOKafkaProducer

from shared.auth import Principal
from shared.contracts.education import EnrolmentRegistered
from shared.errors import BadUserInput, Forbidden, Unavailable
from shared.events import ReceivedEvent, new_event, parse_event
from shared.live import Fanout, LiveFeed, is_event_topic, may_read_event, narrowing
from shared.messaging import dead_letter_topic, ensure_topics


def enrolment(municipality: str, institution: str = "uis") -> ReceivedEvent:
    payload = EnrolmentRegistered(
        enrolment_id=uuid.uuid4(),
        offering_id=uuid.uuid4(),
        programme_id=uuid.uuid4(),
        institution_id=institution,
        term="2018H",
        municipality=municipality,
        employee_ref="e-1",
        external_ref=uuid.uuid4().hex,
        status="ACTIVE",
    )
    envelope = new_event(payload, municipality=municipality, producer="education")
    return parse_event(envelope.model_dump_json().encode())


def principal(*roles: str) -> Principal:
    return Principal(subject="someone", roles=frozenset(roles))


ALTA, OSLO = "5601", "0301"  # Alta is in county 56 (Finnmark), Oslo in 03


@pytest.mark.parametrize(
    ("roles", "alta", "oslo"),
    [
        (["directorate"], True, True),
        (["county:56"], True, False),
        (["municipality:5601"], True, False),
        (["municipality:0301"], False, True),
        (["institution:oslomet"], False, False),
        ([], False, False),
    ],
)
def test_an_event_is_seen_by_whoever_may_read_its_municipality(
    roles: list[str], alta: bool, oslo: bool
) -> None:
    assert may_read_event(principal(*roles), enrolment(ALTA)) is alta
    assert may_read_event(principal(*roles), enrolment(OSLO)) is oslo


def test_an_institution_sees_the_events_that_name_it_wherever_they_are() -> None:
    uis = principal("institution:uis")
    assert may_read_event(uis, enrolment(ALTA, institution="uis"))
    assert may_read_event(uis, enrolment(OSLO, institution="uis"))
    assert not may_read_event(uis, enrolment(ALTA, institution="uit"))


def test_the_directorate_sees_even_an_event_of_an_unknown_municipality() -> None:
    unknown = enrolment("0000")
    assert may_read_event(principal("directorate"), unknown)
    assert not may_read_event(principal("county:03"), unknown)


def test_an_event_under_a_historical_number_is_its_successors() -> None:
    # 2012 was Alta's number before 2020; its county governor today is county 56's.
    assert may_read_event(principal("county:56"), enrolment("2012"))
    assert may_read_event(principal("municipality:5601"), enrolment("2012"))


def test_filters_narrow_by_todays_numbers() -> None:
    directorate = principal("directorate")
    by_old_number = narrowing(directorate, "2012", None)
    assert by_old_number.municipality == ALTA
    assert by_old_number.matches(enrolment(ALTA))
    assert not by_old_number.matches(enrolment(OSLO))
    by_county = narrowing(directorate, None, "56")
    assert by_county.matches(enrolment(ALTA))
    assert not by_county.matches(enrolment(OSLO))
    assert narrowing(directorate, None, None).matches(enrolment(OSLO))


def test_a_filter_for_what_the_principal_may_not_read_is_forbidden() -> None:
    with pytest.raises(Forbidden, match="0301"):
        narrowing(principal("municipality:5601"), OSLO, None)
    with pytest.raises(Forbidden, match="county 56"):
        narrowing(principal("county:03"), None, "56")
    with pytest.raises(Forbidden):
        narrowing(principal("county:03"), ALTA, None)
    # What may be read passes: its own municipality, a municipality of its county, its county.
    narrowing(principal("municipality:5601"), "2012", "56")
    narrowing(principal("county:56"), ALTA, None)
    # An institution's own events may be about any municipality.
    narrowing(principal("institution:uis"), OSLO, "03")


def test_an_unknown_number_is_bad_user_input_naming_the_argument() -> None:
    with pytest.raises(BadUserInput) as municipality:
        narrowing(principal("directorate"), "9999", None)
    assert municipality.value.field == "municipality"
    with pytest.raises(BadUserInput) as county:
        narrowing(principal("directorate"), None, "99")
    assert county.value.field == "county"


def test_event_topics_are_versioned_topics_and_never_dead_letters() -> None:
    assert is_event_topic("education.enrolments.v1")
    assert is_event_topic("grants.applications.v2")
    assert not is_event_topic("education.enrolments.v1.dlq")
    assert not is_event_topic("__consumer_offsets")
    assert not is_event_topic("test.enrolments.1a2b3c4d")


async def test_a_slow_subscriber_is_ended_without_holding_up_the_others() -> None:
    fanout = Fanout(capacity=3)
    slow = fanout.open(lambda _: True)
    fast = fanout.open(lambda _: True)
    events = [enrolment(ALTA) for _ in range(5)]
    received: list[ReceivedEvent] = []
    for event in events:
        fanout.publish(event)  # never awaits: the consumer cannot be held up
        received.append(await anext(fast))
    assert received == events
    assert len(fanout) == 1  # the slow one is no longer fed

    # The slow subscriber still gets what was queued, then learns that it missed events.
    assert [await anext(slow) for _ in range(3)] == events[:3]
    with pytest.raises(Unavailable, match="fell 3 events behind"):
        await anext(slow)


async def test_a_subscriber_gets_only_the_events_it_wants() -> None:
    fanout = Fanout(capacity=2)
    alta_only = fanout.open(lambda e: e.envelope.municipality == ALTA)
    oslo, alta = enrolment(OSLO), enrolment(ALTA)
    for _ in range(5):
        fanout.publish(oslo)  # unwanted events never fill its queue
    fanout.publish(alta)
    assert await anext(alta_only) == alta


async def test_ending_all_subscribers_tells_each_why() -> None:
    fanout = Fanout()
    streams = [fanout.open(lambda _: True) for _ in range(2)]
    fanout.end_all(Unavailable("the service is stopping"))
    for stream in streams:
        with pytest.raises(Unavailable, match="stopping"):
            await asyncio.wait_for(anext(stream), timeout=5)
    assert len(fanout) == 0


# Against real Kafka


@pytest.fixture
async def producer(kafka_bootstrap: str) -> AsyncIterator[Callable[[str, bytes], Awaitable[None]]]:
    kafka = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await kafka.start()

    async def send(topic: str, raw: bytes) -> None:
        # One partition, so the order of what is sent is the order of what is read.
        await kafka.send_and_wait(topic, raw, key=b"5601", partition=0)

    yield send
    await kafka.stop()


def raw(event: ReceivedEvent) -> bytes:
    return event.envelope.model_dump_json().encode()


@pytest.mark.integration
async def test_a_topic_created_after_the_start_is_followed_from_its_beginning(
    kafka_bootstrap: str, producer
) -> None:
    feed = LiveFeed(kafka_bootstrap, discovery_seconds=0.5)
    async with feed.subscribe(lambda _: True) as stream:
        topic = f"livetest{uuid.uuid4().hex[:8]}.things.v1"
        await ensure_topics(kafka_bootstrap, [topic], partitions=1)
        first, second = enrolment("5601"), enrolment("0301")
        # Found now or at the next look, the new topic is read from its beginning.
        await producer(topic, raw(first))
        await producer(dead_letter_topic(topic), raw(enrolment("5601")))  # never shown
        await producer(topic, b'{"not": "an envelope"}')  # skipped, not fatal
        await producer(topic, raw(second))
        received = [await asyncio.wait_for(anext(stream), timeout=60) for _ in range(2)]
    await feed.stop()
    assert [e.envelope.event_id for e in received] == [
        first.envelope.event_id,
        second.envelope.event_id,
    ]


@pytest.mark.integration
async def test_events_from_before_the_start_are_not_replayed(
    kafka_bootstrap: str, producer
) -> None:
    topic = f"livetest{uuid.uuid4().hex[:8]}.things.v1"
    await ensure_topics(kafka_bootstrap, [topic], partitions=1)
    earlier, later = enrolment("5601"), enrolment("5601")
    await producer(topic, raw(earlier))
    feed = LiveFeed(kafka_bootstrap)
    async with feed.subscribe(lambda _: True) as stream:
        await producer(topic, raw(later))
        received = await asyncio.wait_for(anext(stream), timeout=60)
    await feed.stop()
    assert received.envelope.event_id == later.envelope.event_id


@pytest.mark.integration
async def test_stopping_the_feed_ends_its_subscribers(kafka_bootstrap: str) -> None:
    feed = LiveFeed(kafka_bootstrap)
    async with feed.subscribe(lambda _: True) as stream:
        await feed.stop()
        with pytest.raises(Unavailable, match="stopping"):
            await asyncio.wait_for(anext(stream), timeout=10)


@pytest.mark.integration
async def test_without_kafka_subscribing_is_unavailable() -> None:
    from localinfra.ports import free_port

    feed = LiveFeed(f"127.0.0.1:{free_port()}")  # nothing listens there
    with pytest.raises(Unavailable, match="Kafka cannot be reached"):
        await feed.start()
    assert feed.subscribers == 0


@pytest.mark.integration
async def test_losing_kafka_ends_the_subscribers_and_a_new_subscriber_starts_afresh(
    private_kafka,
) -> None:
    bootstrap = private_kafka.bootstrap_servers
    topic = f"livetest{uuid.uuid4().hex[:8]}.things.v1"
    await ensure_topics(bootstrap, [topic], partitions=1)
    feed = LiveFeed(bootstrap, discovery_seconds=0.5)
    async with feed.subscribe(lambda _: True) as stream:
        private_kafka.stop()
        with pytest.raises(Unavailable, match="interrupted"):
            await asyncio.wait_for(anext(stream), timeout=120)

    private_kafka.start()
    kafka = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await kafka.start()
    try:
        async with feed.subscribe(lambda _: True) as stream:
            event = enrolment("5601")
            await kafka.send_and_wait(topic, raw(event), key=b"5601")
            received = await asyncio.wait_for(anext(stream), timeout=60)
    finally:
        await kafka.stop()
        await feed.stop()
    assert received.envelope.event_id == event.envelope.event_id
