"""Crashes mid-stream, with every process real: 10,000 enrolments posted through the router while
education is SIGKILLed and restarted, then grants, then the broker is restarted. Nothing is lost
(grants learns every enrolment) and nothing is applied twice (the offering's seats and the
enrolments match what was posted once). The client does what a real one does: it retries a
batch that got no answer with the same Idempotency-Key; when the service had committed a batch
but died before storing its answer, the retry is told so (CONFLICT) and nothing is applied
again.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from shared.auth import issue_token
from shared.db import create_engine
from shared.idempotency import RECLAIM_AFTER
from shared.settings import AuthSettings
from tests.conftest import eventually

# Restarting processes and the broker takes minutes on a loaded 2-core machine.
pytestmark = [pytest.mark.integration, pytest.mark.timeout(1800)]

TOTAL, BATCH = 10_000, 500
LAW = "6f0b1c2e-2018-4a01-8000-000000000003"
CREATE_OFFERING = "mutation($i: OfferingInput!) { createOffering(input: $i) { id } }"
REGISTER = """mutation($i: [EnrolmentInput!]!) { registerEnrolments(input: $i) {
  accepted replayed waitlisted rejected } }"""


@pytest.fixture
def platform(private_kafka: Any, postgres: Any, tmp_path: Path) -> Iterator[Any]:
    from localinfra.platform import SERVICES, build_platform
    from localinfra.ports import free_port

    run = uuid.uuid4().hex[:8]
    running = build_platform(
        kafka_bootstrap=private_kafka.bootstrap_servers,
        database_urls={n: postgres.create_database(f"fault_{n}_{run}") for n in SERVICES},
        log_dir=tmp_path / "logs",
        ports={name: free_port() for name in [*SERVICES, "gateway"]},
        extra_env={"GATEWAY_SUBGRAPH_TIMEOUT_MS": "60000", "REQUEST_TIMEOUT_SECONDS": "55"},
    )
    running.start()
    try:
        yield running
    finally:
        running.stop()


class AppliedButAnswerLost(Exception):
    """The service committed the request but died before storing its answer (CONFLICT)."""


class Institution:
    """A partner institution's machine client that retries until each batch is answered."""

    def __init__(self, url: str) -> None:
        token = issue_token(["institution:uis"], AuthSettings())
        self.url = url
        self.http = httpx.Client(timeout=90, headers={"Authorization": f"Bearer {token}"})
        self.posted = 0
        self.answers: list[dict[str, int]] = []
        self.answers_lost = 0

    def call(self, query: str, variables: dict[str, Any], key: str) -> dict[str, Any]:
        # A claim left "in progress" by the killed process is taken over after
        # shared.idempotency.RECLAIM_AFTER: wait longer than that.
        deadline = time.monotonic() + RECLAIM_AFTER.total_seconds() + 120
        while time.monotonic() < deadline:
            try:
                response = self.http.post(
                    self.url,
                    json={"query": query, "variables": variables},
                    headers={"Idempotency-Key": key},
                )
                body = response.json()
                if "errors" not in body:
                    return body["data"]
                if any("was applied" in e["message"] for e in body["errors"]):
                    raise AppliedButAnswerLost(key)
            except (httpx.HTTPError, ValueError):
                pass  # no answer, or not one to trust: the same request again, later
            time.sleep(0.5)
        raise TimeoutError(f"{key} unanswered")

    def post_all(self, offering: str) -> None:
        for index in range(TOTAL // BATCH):
            rows = [
                {
                    "offeringId": offering,
                    "municipality": "5601",
                    "employeeRef": f"e-{index}-{i}",
                    "externalRef": f"r-{index}-{i}",
                }
                for i in range(BATCH)
            ]
            try:
                answer = self.call(REGISTER, {"i": rows}, key=f"batch-{index}")
                self.answers.append(answer["registerEnrolments"])
            except AppliedButAnswerLost:
                self.answers_lost += 1  # applied once: the database below says so
            self.posted += BATCH


def count(url: str, sql: str) -> int:
    async def query() -> int:
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                return int(await connection.scalar(text(sql)) or 0)
        finally:
            await engine.dispose()

    return asyncio.run(query())


def when_posted(client: Institution, at_least: int, then: Callable[[], None]) -> None:
    assert eventually(lambda: client.posted >= at_least, timeout=600), client.posted
    then()


def test_killed_services_and_a_restarted_broker_lose_and_double_nothing(
    platform: Any, private_kafka: Any
) -> None:
    client = Institution(platform.gateway_url)
    offering = client.call(
        CREATE_OFFERING, {"i": {"programmeId": LAW, "term": "2018H", "seats": TOTAL}}, "offering"
    )["createOffering"]["id"]
    poster = threading.Thread(target=client.post_all, args=(offering,), daemon=True)
    poster.start()

    def kill_and_restart(name: str) -> Callable[[], None]:
        def crash() -> None:
            process = platform[name]
            process.popen.kill()  # SIGKILL: no shutdown hook runs
            process.popen.wait()
            process.start()
            process.wait_ready(120)

        return crash

    def restart_broker() -> None:
        private_kafka.stop()
        private_kafka.start()

    when_posted(client, 2_000, kill_and_restart("education"))
    when_posted(client, 5_000, kill_and_restart("grants"))
    when_posted(client, 7_500, restart_broker)
    poster.join(timeout=900)
    assert not poster.is_alive(), f"posted {client.posted} of {TOTAL}"

    education = platform["education"].env["EDUCATION_DATABASE_URL"]
    grants = platform["grants"].env["GRANTS_DATABASE_URL"]
    learnt = eventually(
        lambda: count(grants, "SELECT count(*) FROM eligibility") >= TOTAL, timeout=300
    )
    assert learnt, count(grants, "SELECT count(*) FROM eligibility")
    assert count(grants, "SELECT count(*) FROM eligibility") == TOTAL
    assert count(education, "SELECT count(*) FROM enrolments WHERE status = 'ACTIVE'") == TOTAL
    assert count(education, "SELECT sum(seats_taken) FROM offerings") == TOTAL
    answered = sum(a["accepted"] + a["replayed"] for a in client.answers)
    assert answered + BATCH * client.answers_lost == TOTAL
    assert sum(a["waitlisted"] + a["rejected"] for a in client.answers) == 0
