"""The whole platform as separate real processes on PostgreSQL and Kafka, for end-to-end tests."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.auth import issue_token
from shared.settings import AuthSettings


class Client:
    """A GraphQL client of the gateway, as a given role."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = httpx.Client(timeout=30)

    def call(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        role: str | None = None,
        token: str | None = None,
    ) -> dict[str, Any]:
        if role is not None:
            token = issue_token([role], AuthSettings())
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.http.post(
            self.url, json={"query": query, "variables": variables or {}}, headers=headers
        )
        return response.json()


@pytest.fixture(scope="session")
def migrated_templates(
    kafka_bootstrap: str, postgres: Any, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """Each service's database after its real migrate step, run once per session: each module's
    platform starts on copies (CREATE DATABASE … TEMPLATE) instead of migrating four again."""
    from localinfra.platform import MIGRATE_TIMEOUT_SECONDS, SERVICES, build_platform

    run = uuid.uuid4().hex[:8]
    templates = {name: f"template_{name}_{run}" for name in SERVICES}
    steps = build_platform(
        kafka_bootstrap=kafka_bootstrap,
        database_urls={name: postgres.create_database(t) for name, t in templates.items()},
        log_dir=tmp_path_factory.mktemp("migrate-templates"),
    )
    steps.migrate(steps.services, MIGRATE_TIMEOUT_SECONDS)
    return templates


@pytest.fixture(scope="module")
def platform(
    kafka_bootstrap: str,
    postgres: Any,
    migrated_templates: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Any]:
    from localinfra.platform import SERVICES, build_platform
    from localinfra.ports import free_port

    run = uuid.uuid4().hex[:8]
    databases = {
        name: postgres.create_database(f"e2e_{name}_{run}", template=migrated_templates[name])
        for name in SERVICES
    }
    log_dir: Path = tmp_path_factory.mktemp("platform-logs")
    running = build_platform(
        kafka_bootstrap=kafka_bootstrap,
        database_urls=databases,
        log_dir=log_dir,
        ports={name: free_port() for name in [*SERVICES, "gateway"]},
        extra_env={"OUTBOX_POLL_SECONDS": "0.2"},
    )
    try:
        running.start(migrate=False)
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def gateway(platform: Any) -> Client:
    return Client(platform.gateway_url)


def subgraph_calls(platform: Any, service: str) -> float:
    """POSTs to a subgraph's /graphql so far, from its Prometheus metrics."""
    text = httpx.get(f"{platform[service].url}/metrics", timeout=5).text
    for line in text.splitlines():
        if line.startswith("subgraph_graphql_requests_total{") and 'method="POST"' in line:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def eventually(check: Callable[[], Any], timeout: float = 30, interval: float = 0.3) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(interval)
