"""Session-wide real infrastructure for integration tests: Kafka and PostgreSQL.

`KAFKA_BOOTSTRAP_SERVERS` set means: use that broker. Otherwise a local KRaft broker starts from
the Apache Kafka jars (no Docker needed), and a throwaway PostgreSQL cluster from initdb/pg_ctl.
With `KL_CONTAINERS=1` (`make test-containers`) both run instead as containers of the locally
built images `kl/kafka` and `kl/postgres`, through testcontainers (localinfra.containers).
Nothing starts unless a test asks for it, so unit tests stay fast.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

# `service_runtime`: a service's runtime on a copy of its database, migrated once per session.
pytest_plugins = ("shared.testing",)

if TYPE_CHECKING:
    from localinfra.containers import PostgresContainer
    from localinfra.kafka import LocalKafka
    from localinfra.postgres import LocalPostgres


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from localinfra.kafka import LocalKafka
    from localinfra.ports import free_port

    configured = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if configured:
        yield configured
        return
    if os.environ.get("KL_CONTAINERS") == "1":
        from localinfra.containers import KafkaContainer

        with KafkaContainer() as container:
            print(f"\nKafka container ready after {container.started_in_seconds:.1f} s")
            yield container.bootstrap_servers
        return
    broker = LocalKafka(port=free_port(), data_dir=tmp_path_factory.mktemp("kafka"))
    broker.start()
    print(f"\nlocal Kafka accepted connections after {broker.started_in_seconds:.1f} s")
    yield broker.bootstrap_servers
    broker.stop()


@pytest.fixture
def private_kafka(tmp_path: Path) -> Iterator[LocalKafka]:
    """A broker of the test's own, for tests that stop and restart Kafka."""
    from localinfra.kafka import LocalKafka
    from localinfra.ports import free_port

    broker = LocalKafka(port=free_port(), data_dir=tmp_path / "kafka")
    broker.start()
    yield broker
    broker.stop()


@pytest.fixture(scope="session")
def postgres() -> Iterator[LocalPostgres | PostgresContainer]:
    if os.environ.get("KL_CONTAINERS") == "1":
        from localinfra.containers import PostgresContainer

        with PostgresContainer() as container:
            yield container
        return
    from localinfra.ports import free_port
    from localinfra.postgres import LocalPostgres

    cluster = LocalPostgres(port=free_port())
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture
def new_database(postgres: LocalPostgres | PostgresContainer) -> Callable[[str], str]:
    """Creates a fresh PostgreSQL database per call; returns its SQLAlchemy URL."""

    def create(prefix: str) -> str:
        return postgres.create_database(f"{prefix}_{uuid.uuid4().hex[:10]}")

    return create
