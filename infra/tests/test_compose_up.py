"""infra/docker-compose.yml brought up with Debian's docker-compose on the images built here:
the same file, with its two pulled images (apache/kafka, postgres) swapped for kl/kafka and
kl/postgres and the gateway published on a free port; the router answers through a service.
Run by `make test-containers` (KL_CONTAINERS=1); skipped elsewhere."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from localinfra.containers import KAFKA_IMAGE, POSTGRES_IMAGE, PROJECT_IMAGE
from localinfra.docker import docker_available
from localinfra.ports import free_port

INFRA = Path(__file__).resolve().parents[1]
LOCAL_IMAGES = {"kafka": KAFKA_IMAGE, "postgres": POSTGRES_IMAGE}


def images_built() -> bool:
    probe = ["docker", "image", "inspect", KAFKA_IMAGE, POSTGRES_IMAGE, PROJECT_IMAGE]
    return subprocess.run(probe, capture_output=True).returncode == 0


pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        os.environ.get("KL_CONTAINERS") != "1"
        or shutil.which("docker-compose") is None
        or not docker_available()
        or not images_built(),
        reason="make test-containers: KL_CONTAINERS=1, docker-compose, an engine, the images",
    ),
]


@pytest.fixture
def gateway_url(tmp_path: Path) -> Iterator[str]:
    """The platform up through compose; yields the gateway's URL, and takes it all down."""
    spec: dict[str, Any] = yaml.safe_load((INFRA / "docker-compose.yml").read_text())
    for name, image in LOCAL_IMAGES.items():
        spec["services"][name]["image"] = image
    port = free_port()
    spec["services"]["gateway"]["ports"] = [f"127.0.0.1:{port}:8000"]
    compose_file = tmp_path / "docker-compose.yml"
    compose_file.write_text(yaml.safe_dump(spec))
    # infra/ stays the project directory: the file's relative paths (build context, the init
    # script) mean the same as in the committed file.
    compose = ["docker-compose", "--project-directory", str(INFRA), "-f", str(compose_file)]
    compose += ["-p", f"kltest{uuid.uuid4().hex[:8]}"]
    up = subprocess.run([*compose, "up", "-d", "--no-build"], capture_output=True, text=True)
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        logs = subprocess.run([*compose, "logs", "--no-color"], capture_output=True, text=True)
        print(logs.stdout[-6000:])  # shown when the test fails
        subprocess.run([*compose, "down", "-v", "--remove-orphans"], capture_output=True)


def first_data(url: str, query: str, deadline: float) -> dict[str, Any]:
    """The data of the first answer without errors: the router starts once the services have
    migrated and started, and restarts (compose's on-failure) until it composed the supergraph."""
    while True:
        try:
            answer = httpx.post(url, json={"query": query}, timeout=10).json()
            if answer.get("data") and not answer.get("errors"):
                return dict(answer["data"])
        except (httpx.TransportError, ValueError) as error:
            answer = {"error": repr(error)}
        assert time.monotonic() < deadline, answer
        time.sleep(1)


def test_compose_brings_up_the_platform_and_the_gateway_answers(gateway_url: str) -> None:
    data = first_data(gateway_url, "{ programmes { name } }", time.monotonic() + 300)
    # The catalogue education's migrations seed, read from PostgreSQL through the router.
    assert data["programmes"] and all(p["name"] for p in data["programmes"]), data
