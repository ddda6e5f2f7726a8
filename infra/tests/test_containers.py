"""localinfra.containers' failure paths: a bad database name or a failing statement is refused
with the reason, and a container that never becomes ready is removed, not left behind. The
Docker ones run under `make test-containers` (KL_CONTAINERS=1)."""

from __future__ import annotations

import os
import uuid

import pytest
from testcontainers.core.container import DockerContainer
from testcontainers.core.wait_strategies import LogMessageWaitStrategy

from localinfra.containers import PostgresContainer, start_or_remove
from localinfra.docker import docker_available

with_docker = pytest.mark.skipif(
    os.environ.get("KL_CONTAINERS") != "1" or not docker_available(),
    reason="make test-containers: KL_CONTAINERS=1 and a Docker engine",
)


def test_a_database_name_that_is_not_letters_digits_and_underscores_is_refused() -> None:
    with pytest.raises(ValueError, match="letters, digits and _"):
        PostgresContainer().create_database('x"; DROP DATABASE postgres; --')


def test_a_template_name_that_is_not_letters_digits_and_underscores_is_refused() -> None:
    with pytest.raises(ValueError, match="letters, digits and _"):
        PostgresContainer().create_database("copy", template='x" OWNER "postgres')


def test_sql_before_the_container_started_is_refused() -> None:
    with pytest.raises(RuntimeError, match="has not been started"):
        PostgresContainer().psql("SELECT 1")


@with_docker
@pytest.mark.integration
def test_a_failing_statement_names_the_statement_and_the_server_s_reason(
    postgres: PostgresContainer,
) -> None:
    name = f"twice_{uuid.uuid4().hex[:8]}"
    postgres.create_database(name)
    with pytest.raises(RuntimeError, match=rf'CREATE DATABASE "{name}".*already exists'):
        postgres.create_database(name)


@with_docker
@pytest.mark.integration
def test_a_container_that_exits_before_it_is_ready_is_removed() -> None:
    name = f"kl-never-ready-{uuid.uuid4().hex[:8]}"
    container = (
        DockerContainer("kl/debian:bookworm")
        .with_name(name)
        .with_command("false")
        .waiting_for(LogMessageWaitStrategy("never printed").with_startup_timeout(60))
    )
    with pytest.raises(RuntimeError):
        start_or_remove(container)
    client = container.get_docker_client().client
    assert client.containers.list(all=True, filters={"name": name}) == []
