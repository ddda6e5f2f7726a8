"""Test helpers every service uses: a migrated runtime, and a GraphQL call as a given role."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import strawberry

from shared.auth import issue_token
from shared.db import migrate
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings
from shared.subgraph import ServiceContext


async def migrated_runtime(
    create_runtime: Callable[[ServiceSettings], ServiceRuntime], service: str, database_url: str
) -> ServiceRuntime:
    """A service's runtime on `database_url` with its Alembic migrations applied."""
    runtime = create_runtime(ServiceSettings(service=service, port=0, database_url=database_url))
    await migrate(runtime.migrations_dir, database_url)
    return runtime


def sqlite_url(tmp_path: Path, service: str) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / f'{service}.db'}"


async def execute(
    schema: strawberry.federation.Schema,
    runtime: ServiceRuntime,
    query: str,
    variables: dict[str, Any] | None = None,
    roles: list[str] | None = None,
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """Runs `query` as a token with `roles` (anonymous when None); returns data and errors."""
    header = f"Bearer {issue_token(roles, runtime.settings)}" if roles is not None else None
    result = await schema.execute(
        query, variable_values=variables, context_value=ServiceContext(runtime, header)
    )
    errors = [error.formatted for error in result.errors or []]
    return result.data, errors
