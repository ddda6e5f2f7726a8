"""The project's image (infra/Dockerfile) runs a service as an operator would: the migrate step
as a one-shot container, then the service answering health and readiness against real PostgreSQL
and Kafka. Run by `make test-containers` (KL_CONTAINERS=1); skipped elsewhere."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from localinfra.containers import PROJECT_IMAGE as IMAGE
from localinfra.docker import docker_available
from localinfra.ports import free_port
from shared.db import create_engine, head_revisions
from svc_grants.app import SERVICE


def image_built() -> bool:
    probe = ["docker", "image", "inspect", IMAGE]
    return subprocess.run(probe, capture_output=True).returncode == 0


pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        os.environ.get("KL_CONTAINERS") != "1" or not docker_available() or not image_built(),
        reason=f"make test-containers: KL_CONTAINERS=1, a Docker engine and the image {IMAGE}",
    ),
]


def docker_run(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    # The host's network: the databases and brokers of the fixtures listen on 127.0.0.1, whether
    # they are local processes or containers published there.
    command = ["docker", "run", "--rm", "--network", "host", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def grants_database(postgres: Any) -> str:
    return str(postgres.create_database(f"image_grants_{uuid.uuid4().hex[:8]}"))


@pytest.fixture
def grants_service(grants_database: str, kafka_bootstrap: str) -> Iterator[str]:
    """The grants service in a container of the image, migrated first; yields its base URL."""
    migrated = docker_run(
        "-e", f"GRANTS_DATABASE_URL={grants_database}", IMAGE, "python", "-m", "svc_grants",
        "migrate",
    )  # fmt: skip
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    port = free_port()
    name = f"kl-image-grants-{uuid.uuid4().hex[:8]}"
    started = docker_run(
        "-d", "--name", name,
        "-e", f"GRANTS_DATABASE_URL={grants_database}",
        "-e", f"GRANTS_PORT={port}",
        "-e", f"KAFKA_BOOTSTRAP_SERVERS={kafka_bootstrap}",
        IMAGE, "python", "-m", "svc_grants",
    )  # fmt: skip
    assert started.returncode == 0, started.stderr
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        logs = subprocess.run(["docker", "logs", name], capture_output=True, text=True)
        print(logs.stdout[-3000:], logs.stderr[-3000:])  # shown when the test fails
        subprocess.run(["docker", "rm", "-f", name], capture_output=True)


async def revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.scalar(text("SELECT version_num FROM alembic_version"))
    finally:
        await engine.dispose()


def answer(url: str, deadline: float) -> httpx.Response:
    """The first answer from `url` before `deadline` (the process needs a moment to listen)."""
    while True:
        try:
            return httpx.get(url, timeout=5)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_the_migrate_step_and_the_service_run_from_the_image(
    grants_service: str, grants_database: str
) -> None:
    [head] = head_revisions(SERVICE.migrations_dir)
    assert asyncio.run(revision(grants_database)) == head

    deadline = time.monotonic() + 120
    health = answer(f"{grants_service}/healthz", deadline)
    assert health.json() == {"status": "ok", "service": "grants"}
    # Ready means the container reached its database and the broker.
    while (ready := answer(f"{grants_service}/readyz", deadline)).status_code != 200:
        assert time.monotonic() < deadline, ready.json()
        time.sleep(0.5)
    assert ready.json() == {"ready": True, "database": "ok", "kafka": "ok", "outbox": "ok"}


def test_the_service_refuses_an_unmigrated_database_from_the_image(grants_database: str) -> None:
    done = docker_run(
        "-e", f"GRANTS_DATABASE_URL={grants_database}", "-e", "GRANTS_PORT=0", IMAGE,
        "python", "-m", "svc_grants",
    )  # fmt: skip
    assert done.returncode != 0
    assert "run `python -m svc_grants migrate` first" in done.stdout + done.stderr
