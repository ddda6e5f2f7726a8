"""Test helpers every service uses: migrated databases, and a GraphQL call as a given role.

Also a pytest plugin (the root conftest.py loads it). A service's tests/conftest.py names its
service with a `service_definition` fixture; then `runtime` is that service's runtime on a copy
of its SQLite database, migrated once per test session (migrating is what makes tests slow),
and `gql` runs a query on its subgraph as a token with given roles.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol

import pytest
import strawberry
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.auth import issue_token
from shared.contracts.education import EnrolmentRegistered
from shared.db import migrate
from shared.events import Contract, contract_of, new_event, owner
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings
from shared.subgraph import ServiceContext
from shared.web import ServiceDefinition

ServiceRuntimeOf = Callable[[ServiceDefinition], Awaitable[ServiceRuntime]]
Result = tuple[dict[str, Any] | None, list[dict[str, Any]]]


class GraphQLCall(Protocol):
    def __call__(
        self, query: str, variables: dict[str, Any] | None = None, roles: list[str] | None = None
    ) -> Awaitable[Result]: ...


async def migrated_runtime(service: ServiceDefinition, database_url: str) -> ServiceRuntime:
    """A service's runtime on `database_url` with its Alembic migrations applied."""
    settings = ServiceSettings(service=service.name, port=0, database_url=database_url)
    runtime = service.runtime(settings)
    await migrate(runtime.migrations_dir, database_url)
    return runtime


def sqlite_url(folder: Path, service: str) -> str:
    return f"sqlite+aiosqlite:///{folder / f'{service}.db'}"


class MigratedTemplates:
    """Each service's SQLite database file, migrated on first use; later uses copy it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._files: dict[str, Path] = {}

    async def copy(self, service: ServiceDefinition, folder: Path) -> str:
        """A migrated database of `service` in `folder`; returns its URL."""
        if service.name not in self._files:
            url = sqlite_url(self.folder, service.name)
            await migrate(service.migrations_dir, url)
            self._files[service.name] = self.folder / f"{service.name}.db"
        shutil.copy(self._files[service.name], folder / f"{service.name}.db")
        return sqlite_url(folder, service.name)


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory: pytest.TempPathFactory) -> MigratedTemplates:
    return MigratedTemplates(tmp_path_factory.mktemp("migrated"))


@pytest.fixture
async def service_runtime(
    migrated_templates: MigratedTemplates, tmp_path: Path
) -> AsyncIterator[ServiceRuntimeOf]:
    """`await service_runtime(SERVICE)`: its runtime on a fresh copy of its migrated database."""
    made: list[ServiceRuntime] = []

    async def make(service: ServiceDefinition) -> ServiceRuntime:
        folder = tmp_path / f"db-{len(made)}"
        folder.mkdir()
        url = await migrated_templates.copy(service, folder)
        made.append(
            service.runtime(ServiceSettings(service=service.name, port=0, database_url=url))
        )
        return made[-1]

    yield make
    for runtime in made:
        await runtime.engine.dispose()


@pytest.fixture
async def runtime(
    service_definition: ServiceDefinition, service_runtime: ServiceRuntimeOf
) -> ServiceRuntime:
    return await service_runtime(service_definition)


@pytest.fixture
def gql(service_definition: ServiceDefinition, runtime: ServiceRuntime) -> GraphQLCall:
    """Runs a query on the service's subgraph as a token with `roles` (anonymous when None)."""

    def call(
        query: str, variables: dict[str, Any] | None = None, roles: list[str] | None = None
    ) -> Awaitable[Result]:
        return execute(service_definition.schema, runtime, query, variables, roles)

    return call


def enrolment_registered(
    municipality: str = "5601", status: str = "ACTIVE", term: str = "2018H"
) -> EnrolmentRegistered:
    """Education's event of a new enrolment, with fresh ids and references."""
    enrolment_id = uuid.uuid4()
    return EnrolmentRegistered(
        enrolment_id=enrolment_id,
        offering_id=uuid.uuid4(),
        programme_id=uuid.uuid4(),
        institution_id="uis",
        term=term,
        municipality=municipality,
        employee_ref=f"e-{enrolment_id}",
        external_ref=enrolment_id.hex,
        status=status,
    )


def event_bytes(payload: Contract, municipality: str) -> bytes:
    """An event as it arrives from Kafka, from the service that owns its topic: its envelope as
    JSON."""
    producer = owner(contract_of(type(payload)).topic)
    return (
        new_event(payload, municipality=municipality, producer=producer).model_dump_json().encode()
    )


async def execute(
    schema: strawberry.federation.Schema,
    runtime: ServiceRuntime,
    query: str,
    variables: dict[str, Any] | None = None,
    roles: list[str] | None = None,
) -> Result:
    """Runs `query` as a token with `roles` (anonymous when None); returns data and errors."""
    header = f"Bearer {issue_token(roles, runtime.settings)}" if roles is not None else None
    result = await schema.execute(
        query, variable_values=variables, context_value=ServiceContext(runtime, header)
    )
    errors = [dict(error.formatted) for error in result.errors or []]
    return result.data, errors


class CallFailed(AssertionError):
    """A call that had to succeed answered with errors."""


class SubgraphDriver:
    """The base of each service's test driver: runs its subgraph as a given role."""

    schema: strawberry.federation.Schema

    def __init__(self, runtime: ServiceRuntime) -> None:
        self.runtime = runtime

    async def raw(
        self, query: str, variables: dict[str, Any] | None = None, roles: list[str] | None = None
    ) -> Result:
        return await execute(self.schema, self.runtime, query, variables, roles)

    async def call(
        self, query: str, variables: dict[str, Any] | None = None, roles: list[str] | None = None
    ) -> dict[str, Any]:
        """The data of a call that must succeed."""
        data, errors = await self.raw(query, variables, roles)
        if errors:
            raise CallFailed(errors)
        assert data is not None
        return data

    async def failure(
        self, query: str, variables: dict[str, Any] | None = None, roles: list[str] | None = None
    ) -> dict[str, Any]:
        """The one error of a call that must fail."""
        _, errors = await self.raw(query, variables, roles)
        assert len(errors) == 1, errors
        return errors[0]

    async def error(
        self, query: str, variables: dict[str, Any] | None = None, roles: list[str] | None = None
    ) -> dict[str, Any]:
        """The extensions of the one error of a call that must fail."""
        return dict((await self.failure(query, variables, roles))["extensions"])


async def sqlite_read_plans(
    engine: AsyncEngine, action: Callable[[], Awaitable[object]]
) -> list[tuple[str, list[str]]]:
    """SQLite's plan of each SELECT that `action` runs on `engine`: (statement, its steps)."""
    reads: list[tuple[str, Any]] = []

    def record(*args: Any) -> None:  # before_cursor_execute(conn, cursor, statement, params, ...)
        statement, parameters = args[2], args[3]
        if statement.lstrip().upper().startswith("SELECT"):
            reads.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        await action()
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    plans = []
    async with engine.connect() as connection:
        for statement, parameters in reads:
            plan = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            plans.append((statement, [row.detail for row in plan]))
    return plans


@contextlib.asynccontextmanager
async def relay_running(runtime: ServiceRuntime) -> AsyncIterator[None]:
    """The runtime's outbox relay publishing in this event loop; stopped on leaving, its pending
    marks written."""
    relay = asyncio.create_task(runtime.relay.run())
    try:
        yield
    finally:
        relay.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await relay
        await runtime.relay.close()
