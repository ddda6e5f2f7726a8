"""The local KRaft broker: messages go through, and survive a stop and a start on the same data."""

from __future__ import annotations

import socket
import time
import uuid
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from localinfra.kafka import LocalKafka
from localinfra.ports import free_port

pytestmark = pytest.mark.integration


async def test_a_message_survives_a_broker_restart(private_kafka: LocalKafka) -> None:
    print(f"\nKafka accepted connections after {private_kafka.started_in_seconds:.1f} s")
    topic = f"infra-test-{uuid.uuid4().hex[:8]}"
    await _produce(private_kafka.bootstrap_servers, topic, b"hello")
    assert await _first_message(private_kafka.bootstrap_servers, topic) == b"hello"

    private_kafka.stop()
    private_kafka.start()
    print(f"Kafka on the same data again after {private_kafka.started_in_seconds:.1f} s")

    assert await _first_message(private_kafka.bootstrap_servers, topic) == b"hello"


def test_a_broker_that_dies_reports_its_log(tmp_path: Path) -> None:
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        broker = LocalKafka(port=port, data_dir=tmp_path / "kafka")
        with pytest.raises(RuntimeError, match="Address already in use"):
            broker.start()
    assert not broker.running


async def _produce(bootstrap_servers: str, topic: str, value: bytes) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic, value)
    finally:
        await producer.stop()


async def _first_message(bootstrap_servers: str, topic: str, timeout: float = 30) -> bytes | None:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap_servers, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                return records[0].value
        return None
    finally:
        await consumer.stop()
