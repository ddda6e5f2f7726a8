"""How the Kafka consumers are set up: what a busy partition may have to wait for.

aiokafka keeps one fetch request in flight per broker and leaves a partition with buffered
records out of it, so after a busy partition's fetch the next request asks only the idle
partitions, and the broker holds it open for the consumer's `fetch_max_wait_ms`. The busy
partition's next records wait that long (at the default 500 ms, a fresh grants replayed a
backlog at under half the rate its CPU allowed). These tests keep that wait short.
"""

from __future__ import annotations

from shared.events import ReceivedEvent
from shared.kafka_security import PLAINTEXT
from shared.live import _EventTopicReader
from shared.messaging import create_broker, subscribe

LONGEST_WAIT_MS = 100


async def _ignore(_topic: str, _events: object) -> None:
    return None


async def _ignore_one(_topic: str, _event: ReceivedEvent) -> bool:
    return False


def test_a_service_consumer_holds_a_busy_partition_back_at_most_a_tenth_of_a_second() -> None:
    broker = create_broker("127.0.0.1:9")  # never connected: only the consumer's options
    subscribe(
        broker,
        topic="education.enrolments.v1",
        group_id="grants",
        handle=_ignore_one,
        handle_batch=_ignore,
        max_records=1000,
    )
    (subscriber,) = broker.subscribers
    assert subscriber._connection_args["fetch_max_wait_ms"] <= LONGEST_WAIT_MS


async def test_the_live_feed_holds_a_busy_partition_back_at_most_a_tenth_of_a_second() -> None:
    reader = _EventTopicReader("127.0.0.1:9", discovery_seconds=5, security=PLAINTEXT)
    assert reader._consumer._fetch_max_wait_ms <= LONGEST_WAIT_MS
