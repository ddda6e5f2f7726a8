"""Kafka and PostgreSQL as containers of the images `infra/containers/build-images.sh` builds
on this machine (`kl/kafka`, `kl/postgres`), started through testcontainers.

The test fixtures use them instead of LocalKafka and LocalPostgres when `KL_CONTAINERS=1`
(`make test-containers`). They answer what the tests ask of those: `bootstrap_servers`,
`create_database`. testcontainers is a development dependency: import this module from tests.
"""

from __future__ import annotations

import os
import re
import time

from testcontainers.core.container import DockerContainer
from testcontainers.core.wait_strategies import LogMessageWaitStrategy

from localinfra.lifecycle import Server
from localinfra.ports import free_port
from localinfra.postgres import DATABASE_NAME, SETTINGS

KAFKA_IMAGE = "kl/kafka"
POSTGRES_IMAGE = "kl/postgres"
PROJECT_IMAGE = "kompetanseloftet:latest"
# No registry is reachable here: testcontainers' reaper (Ryuk) would have to be pulled. Each
# container is removed by the code that started it instead.
os.environ.setdefault("TESTCONTAINERS_RYUK_DISABLED", "true")


class KafkaContainer(Server):
    """A single-node KRaft broker in a `kl/kafka` container, published on 127.0.0.1:`port`."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.started_in_seconds: float | None = None
        self._container: DockerContainer | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 120) -> float:
        began = time.monotonic()
        # The same port inside and outside: the address the broker advertises works from the host.
        self._container = (
            DockerContainer(KAFKA_IMAGE)
            .with_bind_ports(self.port, self.port)
            .with_envs(
                KAFKA_LISTENERS=f"PLAINTEXT://:{self.port},CONTROLLER://127.0.0.1:9093",
                KAFKA_ADVERTISED_LISTENERS=f"PLAINTEXT://{self.bootstrap_servers}",
            )
            .waiting_for(
                LogMessageWaitStrategy("Kafka Server started").with_startup_timeout(int(timeout))
            )
        )
        start_or_remove(self._container)
        self.started_in_seconds = time.monotonic() - began
        return self.started_in_seconds

    def stop(self) -> None:
        if self._container is not None:
            self._container.stop()
            self._container = None


class PostgresContainer(Server):
    """PostgreSQL 15 in a `kl/postgres` container, tuned for tests like LocalPostgres."""

    password = "postgres"

    def __init__(self) -> None:
        self._container: DockerContainer | None = None
        self.port = 0  # the published port, known once started

    def start(self, timeout: float = 120) -> None:
        settings = [arg for key, value in SETTINGS.items() for arg in ("-c", f"{key}={value}")]
        self._container = (
            DockerContainer(POSTGRES_IMAGE)
            .with_exposed_ports(5432)
            .with_env("POSTGRES_PASSWORD", self.password)
            .with_command(settings)
            .waiting_for(
                LogMessageWaitStrategy(
                    re.compile("database system is ready to accept connections")
                ).with_startup_timeout(int(timeout))
            )
        )
        start_or_remove(self._container)
        self.port = int(self._container.get_exposed_port(5432))

    def stop(self) -> None:
        if self._container is not None:
            self._container.stop()
            self._container = None

    def url(self, name: str) -> str:
        """The SQLAlchemy async URL of database `name`, from the host."""
        return f"postgresql+asyncpg://postgres:{self.password}@127.0.0.1:{self.port}/{name}"

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database, empty or a copy of database `template` (which nobody may be using)."""
        for given in (name, template or name):
            if not DATABASE_NAME.fullmatch(given):
                raise ValueError(f"database names here are letters, digits and _: {given!r}")
        copy = f' TEMPLATE "{template}"' if template else ""
        self.psql(f'CREATE DATABASE "{name}"{copy}')
        return self.url(name)

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Runs `sql` as the superuser with the container's own psql; returns its output."""
        if self._container is None:
            raise RuntimeError("the PostgreSQL container has not been started")
        command = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "/tmp"]
        result = self._container.exec([*command, "-U", "postgres", "-d", database, "-c", sql])
        if result.exit_code != 0:
            raise RuntimeError(f"psql failed ({sql}): {result.output.decode().strip()}")
        return str(result.output.decode())


def start_or_remove(container: DockerContainer) -> None:
    """Starts `container`; one that fails to become ready is removed, not left behind."""
    try:
        container.start()
    except BaseException:
        container.stop()
        raise
