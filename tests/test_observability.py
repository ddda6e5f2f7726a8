"""A running service's /metrics and /readyz tell an operator what the issue promises.

One grants process on its own broker (so the counts are exact), fed a good and a malformed
event; the alert rules and the dashboard name only metrics it exports.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import delete

from localinfra.observability import named_metrics
from shared.contracts.education import ENROLMENTS_TOPIC
from shared.db import create_engine
from shared.testing import enrolment_registered, event_bytes, sqlite_url
from svc_grants.models import outbox

if TYPE_CHECKING:
    from localinfra.kafka import LocalKafka
    from localinfra.platform import Process

pytestmark = pytest.mark.integration

ENROLMENTS = f'topic="{ENROLMENTS_TOPIC}"'


@dataclass
class Running:
    process: Process
    database_url: str
    bootstrap: str

    @property
    def url(self) -> str:
        return self.process.url


@pytest.fixture
def grants(private_kafka: LocalKafka, tmp_path: Path) -> Iterator[Running]:
    from localinfra.platform import Process
    from localinfra.ports import free_port

    port = free_port()
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": private_kafka.bootstrap_servers,
        "GRANTS_PORT": str(port),
        "GRANTS_DATABASE_URL": sqlite_url(tmp_path, "grants"),
        "OUTBOX_POLL_SECONDS": "0.2",
    }
    process = Process("grants", [sys.executable, "-m", "svc_grants"], port, env, tmp_path / "log")
    assert process.migrate().wait(120) == 0, process.log_tail()
    process.start()
    try:
        process.wait_ready(120)
        yield Running(process, env["GRANTS_DATABASE_URL"], private_kafka.bootstrap_servers)
    finally:
        process.stop()


def samples(text: str) -> dict[str, float]:
    """`name{labels}` → value, from Prometheus' text format."""
    found = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            series, value = line.rsplit(" ", 1)
            found[series] = float(value)
    return found


def value(found: dict[str, float], name: str, *labels: str) -> float | None:
    """The one series of `name` whose labels include all of `labels` (`key="value"`)."""
    matches = [
        v
        for series, v in found.items()
        if series.split("{", 1)[0] == name and all(label in series for label in labels)
    ]
    assert len(matches) <= 1, (name, labels, matches)
    return matches[0] if matches else None


async def scrape(http: httpx.AsyncClient, running: Running) -> dict[str, float]:
    return samples((await http.get(f"{running.url}/metrics")).text)


async def until(check: Callable[[], Awaitable[bool]], timeout: float = 60) -> None:
    async with asyncio.timeout(timeout):
        while not await check():
            await asyncio.sleep(0.3)


async def test_metrics_show_events_dead_letters_lag_outbox_and_latency(grants: Running) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=grants.bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        await producer.send_and_wait(
            ENROLMENTS_TOPIC, event_bytes(enrolment_registered(), "5601"), key=b"5601"
        )
        await producer.send_and_wait(ENROLMENTS_TOPIC, b"{not an envelope", key=b"5601")
    finally:
        await producer.stop()

    async with httpx.AsyncClient(timeout=10) as http:

        async def handled_both() -> bool:
            found = await scrape(http, grants)
            lag = [
                v
                for series, v in found.items()
                if series.startswith("kafka_consumer_lag{") and ENROLMENTS in series
            ]
            return (
                value(found, "events_handled_total", ENROLMENTS, 'type="EnrolmentRegistered"') == 1
                and value(found, "dead_letters_published_total", ENROLMENTS) == 1
                and len(lag) == 3  # one gauge per partition
                and sum(lag) == 0  # both offsets committed
            )

        await until(handled_both)
        response = await http.post(f"{grants.url}/graphql", json={"query": "{ _service { sdl } }"})
        assert response.status_code == 200
        found = await scrape(http, grants)

    graphql = ('path="/graphql"', 'method="POST"', 'status="200"', 'service="grants"')
    assert value(found, "http_request_duration_seconds_count", *graphql) == 1
    assert value(found, "http_request_duration_seconds_bucket", *graphql, 'le="+Inf"') == 1
    assert value(found, "outbox_backlog", 'service="grants"') == 0
    assert value(found, "outbox_oldest_pending_age_seconds", 'service="grants"') == 0
    assert value(found, "outbox_set_aside_rows", 'service="grants"') == 0

    exported = {series.split("{", 1)[0] for series in found}
    named = named_metrics()
    assert named <= exported, f"named but not exported: {sorted(named - exported)}"


async def test_readiness_turns_false_while_an_outbox_row_is_set_aside(grants: Running) -> None:
    engine = create_engine(grants.database_url)
    async with httpx.AsyncClient(timeout=10) as http:
        try:
            async with engine.begin() as connection:
                await connection.execute(
                    outbox.insert().values(
                        event_id="set-aside-by-the-test",
                        topic=ENROLMENTS_TOPIC,
                        key="5601",
                        type="EnrolmentRegistered",
                        envelope={},
                        created_at=datetime.now(UTC),
                        set_aside_at=datetime.now(UTC),
                        set_aside_reason="envelope larger than 900000 bytes",
                    )
                )
            ready = await http.get(f"{grants.url}/readyz")
            assert ready.status_code == 503
            assert ready.json()["outbox"] == "stuck: 1 outbox row(s) set aside"
            assert ready.json()["database"] == ready.json()["kafka"] == "ok"
            assert value(await scrape(http, grants), "outbox_set_aside_rows") == 1

            async with engine.begin() as connection:  # the operator repaired it
                await connection.execute(delete(outbox))
            ready = await http.get(f"{grants.url}/readyz")
            assert (ready.status_code, ready.json()["outbox"]) == (200, "ok")
        finally:
            await engine.dispose()
