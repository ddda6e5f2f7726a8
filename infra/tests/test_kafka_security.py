"""Production's Kafka shape on a real broker: SASL_SSL with SCRAM-SHA-512, and the ACLs of
`localinfra.acls` (what `infra/k8s/kafka-users.yaml` grants) enforced by the broker itself."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import certifi
import httpx
import pytest
import uvicorn
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import (
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    TopicAuthorizationFailedError,
)
from pydantic import SecretStr

from localinfra.acls import apply_acls, platform_acls
from localinfra.kafka import LocalKafka
from localinfra.ports import free_port
from shared.contracts.education import ENROLMENTS_TOPIC
from shared.contracts.grants import APPLICATIONS_TOPIC, GrantRejected
from shared.events import parse_event
from shared.health import consumer_lag
from shared.inbox import recorded
from shared.kafka_security import PLAINTEXT, KafkaSecurity
from shared.live import LiveFeed
from shared.messaging import create_broker, dead_letter_topic, ensure_topics
from shared.settings import ServiceSettings
from shared.testing import enrolment_registered, event_bytes, sqlite_url
from shared.topology import SERVICE_NAMES
from tests.test_kl_ops import kl_ops

pytestmark = pytest.mark.integration
ARRIVAL = 60  # seconds: only a bound on waiting for what must arrive


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalKafka]:
    broker = LocalKafka(
        port=free_port(), data_dir=tmp_path_factory.mktemp("kafka"), users=SERVICE_NAMES
    )
    broker.start()
    asyncio.run(apply_acls(broker.connection(), platform_acls()))
    yield broker
    broker.stop()


async def test_a_service_publishes_on_its_own_topic_and_its_consumer_reads_it(
    secured: LocalKafka,
) -> None:
    grants, education = secured.security("grants"), secured.security("education")
    await ensure_topics(secured.bootstrap_servers, [APPLICATIONS_TOPIC], 1, grants)
    # The FastStream broker, as a service builds it.
    publisher = create_broker(secured.bootstrap_servers, grants)
    await publisher.start()
    try:
        marker = uuid.uuid4().hex.encode()
        await publisher.publish(marker, APPLICATIONS_TOPIC)
    finally:
        await publisher.stop()
    assert marker in await _read(secured, education, APPLICATIONS_TOPIC, group="education")


async def test_a_consumer_writes_the_dead_letters_of_the_topic_it_consumes(
    secured: LocalKafka,
) -> None:
    grants = secured.security("grants")
    await ensure_topics(secured.bootstrap_servers, [ENROLMENTS_TOPIC], 1, grants)
    dlq = dead_letter_topic(ENROLMENTS_TOPIC)
    await _produce(secured, grants, dlq, b"not an event")
    assert b"not an event" in await _read(secured, secured.security(), dlq, group=None)


async def test_a_service_may_not_publish_on_another_services_topic(secured: LocalKafka) -> None:
    await ensure_topics(
        secured.bootstrap_servers, [ENROLMENTS_TOPIC], 1, secured.security("education")
    )
    with pytest.raises(TopicAuthorizationFailedError):
        await _produce(secured, secured.security("grants"), ENROLMENTS_TOPIC, b"forged")


async def test_a_service_may_not_read_in_another_services_group(secured: LocalKafka) -> None:
    await ensure_topics(
        secured.bootstrap_servers, [APPLICATIONS_TOPIC], 1, secured.security("grants")
    )
    with pytest.raises(GroupAuthorizationFailedError):
        await _read(secured, secured.security("education"), APPLICATIONS_TOPIC, group="networks")


async def test_a_wrong_password_is_refused(
    secured: LocalKafka, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = secured.security("grants", password="not-the-password")
    with pytest.raises(KafkaConnectionError):
        await _produce(secured, wrong, APPLICATIONS_TOPIC, b"never sent")
    assert "Authentication failed during authentication due to invalid credentials" in caplog.text


async def test_a_client_that_does_not_trust_the_brokers_certificate_is_refused(
    secured: LocalKafka, caplog: pytest.LogCaptureFixture
) -> None:
    grants = secured.security("grants")
    other_ca = replace(grants, cafile=Path(certifi.where()))  # real CAs, not this broker's
    with pytest.raises(KafkaConnectionError):
        await _produce(secured, other_ca, APPLICATIONS_TOPIC, b"never sent")
    assert "CERTIFICATE_VERIFY_FAILED" in caplog.text


async def test_a_plaintext_client_gets_nothing(secured: LocalKafka) -> None:
    with pytest.raises(KafkaConnectionError):
        await _produce(secured, PLAINTEXT, APPLICATIONS_TOPIC, b"never sent")


async def test_a_service_runs_on_its_own_grants_alone(secured: LocalKafka, tmp_path: Path) -> None:
    """grants as it runs in production: topics ensured, its consumer group, a dead letter, its
    lag measured, its readiness and its outbox relay, all as the user `grants`, with a broker
    that denies the rest."""
    from svc_grants.app import SERVICE

    grants = secured.security("grants")
    port = free_port()
    settings = ServiceSettings(
        service="grants",
        port=port,
        database_url=sqlite_url(tmp_path, "grants"),
        migrate_on_start=True,
        kafka_bootstrap_servers=secured.bootstrap_servers,
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_username="grants",
        kafka_sasl_password=SecretStr(grants.password or ""),
        kafka_ssl_cafile=secured.ca_path,
    )
    runtime = SERVICE.runtime(settings)
    server = uvicorn.Server(
        uvicorn.Config(SERVICE.app(runtime), host="127.0.0.1", port=port, log_config=None)
    )
    serving = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(ARRIVAL):
            while not server.started:
                await asyncio.sleep(0.05)
        event = event_bytes(enrolment_registered(), "5601")
        education = secured.security("education")
        await _produce(secured, education, ENROLMENTS_TOPIC, event)
        marker = f"not an event {uuid.uuid4()}".encode()
        await _produce(secured, education, ENROLMENTS_TOPIC, marker)

        dlq = dead_letter_topic(ENROLMENTS_TOPIC)
        async with asyncio.timeout(ARRIVAL):
            while not await recorded(runtime.sessions, runtime.inbox, parse_event(event)):
                await asyncio.sleep(0.2)
            while marker not in await _read(secured, secured.security(), dlq, group=None):
                await asyncio.sleep(0.2)
            lag = await consumer_lag(
                secured.bootstrap_servers, "grants", [ENROLMENTS_TOPIC], grants
            )
            while sum(lag.values()):  # both offsets committed
                await asyncio.sleep(0.2)
                lag = await consumer_lag(
                    secured.bootstrap_servers, "grants", [ENROLMENTS_TOPIC], grants
                )
        async with httpx.AsyncClient() as http:
            ready = await http.get(f"http://127.0.0.1:{port}/readyz")
        assert ready.status_code == 200, ready.text

        # What grants emits goes out through its outbox relay's own producer.
        async with runtime.unit_of_work() as uow:
            rejected = GrantRejected(
                application_id=uuid.uuid4(), scheme_id=uuid.uuid4(), municipality="5601", reason="x"
            )
            emitted = uow.emit(rejected, municipality="5601")
        async with asyncio.timeout(ARRIVAL):
            while not any(
                str(emitted.event_id).encode() in value
                for value in await _read(secured, education, APPLICATIONS_TOPIC, group=None)
            ):
                await asyncio.sleep(0.2)
    finally:
        server.should_exit = True
        await serving


async def test_the_live_feeds_host_follows_another_services_topic(secured: LocalKafka) -> None:
    education = secured.security("education")
    await ensure_topics(secured.bootstrap_servers, [ENROLMENTS_TOPIC], 1, education)
    feed = LiveFeed(
        secured.bootstrap_servers, discovery_seconds=0.5, security=secured.security("guidance")
    )
    event = parse_event(event_bytes(enrolment_registered(), "5601"))
    async with feed.subscribe(lambda _: True) as stream:
        await _produce(
            secured, education, ENROLMENTS_TOPIC, event.envelope.model_dump_json().encode()
        )
        async with asyncio.timeout(ARRIVAL):
            async for received in stream:
                if received.envelope.event_id == event.envelope.event_id:
                    break
    await feed.stop()


async def test_kl_ops_moves_dead_letters_back_as_the_operator_and_not_as_a_service(
    secured: LocalKafka, tmp_path: Path
) -> None:
    grants = secured.security("grants")
    await ensure_topics(secured.bootstrap_servers, [ENROLMENTS_TOPIC], 1, grants)
    letter = event_bytes(enrolment_registered(), "5601")
    letter_id = await _produce(secured, grants, dead_letter_topic(ENROLMENTS_TOPIC), letter)

    code, refused = await _kl_ops(secured, "grants", tmp_path, "dlq", "list", "--service", "grants")
    assert code != 0  # a service cannot read dead letters, let alone move them
    assert "kl-ops: Kafka refused user grants: [Error 29] TopicAuthorization" in refused

    code, moved = await _kl_ops(
        secured, "admin", tmp_path, "dlq", "redrive", "--service", "grants", "--id", letter_id
    )
    assert code == 0, moved
    assert f"moved {letter_id} back to {ENROLMENTS_TOPIC}" in moved


async def _kl_ops(broker: LocalKafka, user: str, cwd: Path, *args: str) -> tuple[int, str]:
    """The console script with a user's Kafka settings, as an operator would run it."""
    security = broker.security(user)
    return await kl_ops(
        cwd,
        *args,
        KAFKA_BOOTSTRAP_SERVERS=broker.bootstrap_servers,
        KAFKA_SECURITY_PROTOCOL=security.protocol,
        KAFKA_SASL_USERNAME=user,
        KAFKA_SASL_PASSWORD=security.password or "",
        KAFKA_SSL_CAFILE=str(broker.ca_path),
    )


async def _produce(broker: LocalKafka, security: KafkaSecurity, topic: str, value: bytes) -> str:
    """The message's `topic:partition:offset`."""
    producer = AIOKafkaProducer(
        bootstrap_servers=broker.bootstrap_servers,
        enable_idempotence=True,
        **security.client_options(),
    )
    await producer.start()
    try:
        sent = await producer.send_and_wait(topic, value)
    finally:
        await producer.stop()
    return f"{topic}:{sent.partition}:{sent.offset}"


async def _read(
    broker: LocalKafka, security: KafkaSecurity, topic: str, group: str | None
) -> list[bytes]:
    """Everything on the topic so far."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=broker.bootstrap_servers,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        **security.client_options(),
    )
    await consumer.start()
    try:
        values: list[bytes] = []
        while not values:  # the first fetch may come back empty while the group settles
            batches = await consumer.getmany(timeout_ms=5000)
            values += [r.value or b"" for records in batches.values() for r in records]
        return values
    finally:
        await consumer.stop()
