"""`Idempotency-Key` on mutations: the same key from the same principal returns the first answer
and changes nothing again, so a client may retry after a timeout without paying twice.

A key is claimed in its own short transaction before the mutation runs. Every unit of work the
mutation commits marks the claim `committed` in its own transaction, so after a crash the row
tells whether anything was applied: an uncommitted claim older than `RECLAIM_AFTER` may run
again, a committed one never does. The answer is stored once the mutation returns.

The claim's time is its fence: a retry that takes a key over writes a new time, and every later
write of the request that held it (its commit, its answer) finds the row no longer its own and
fails. So a request that stalls past `RECLAIM_AFTER` and resumes cannot apply a second time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any, cast

from graphql import ExecutionResult, GraphQLError, SourceLocation
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    CursorResult,
    DateTime,
    MetaData,
    String,
    Table,
    Update,
    delete,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from shared.db import WRITE_TRANSACTION, SessionFactory
from shared.errors import BadUserInput, Conflict, DomainError

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
# Longer than the subgraph's deadline (REQUEST_TIMEOUT_SECONDS, 8 s by default): an uncommitted
# claim this old belongs to a request that died, so a retry may take the key over. Should the
# request only have stalled, the fence above makes it fail at its commit instead.
RECLAIM_AFTER = timedelta(minutes=1)
_MASKED = "Internal server error"


def idempotency_table(metadata: MetaData) -> Table:
    return Table(
        "idempotency_keys",
        metadata,
        Column("principal", String(200), primary_key=True),
        Column("key", String(MAX_KEY_LENGTH), primary_key=True),
        Column("fingerprint", String(64), nullable=False),
        Column("committed", Boolean, nullable=False),
        Column("response", JSON, nullable=True),
        Column("created_at", DateTime(timezone=True), nullable=False),
    )


@dataclass
class Claim:
    table: Table
    principal: str
    key: str
    claimed_at: datetime | None = None  # the fence, once claimed
    committed: bool = False

    def where(self) -> Any:
        return (self.table.c.principal == self.principal) & (self.table.c.key == self.key)

    def held(self) -> Any:
        """The row, as long as no retry has taken it over."""
        return self.where() & (self.table.c.created_at == self.claimed_at)


class ClaimTakenOver(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "a retry of this request took over its Idempotency-Key while it ran; "
            "this attempt changed nothing"
        )


_current: ContextVar[Claim | None] = ContextVar("idempotency_claim", default=None)


async def mark_committed(session: AsyncSession) -> Claim | None:
    """In a unit of work's transaction: the running mutation's claim, if any, is now applied."""
    claim = _current.get()
    if claim is not None:
        marked = update(claim.table).where(claim.held()).values(committed=True)
        if await _rows_changed(session, marked) != 1:
            raise ClaimTakenOver()  # the unit of work rolls back: nothing of it is applied
    return claim


class _Outcome(Enum):
    NEW = "new"
    REPLAY = "replay"


@dataclass(frozen=True)
class _Claimed:
    outcome: _Outcome
    response: dict[str, Any] | None = None


def fingerprint(query: str, variables: dict[str, Any] | None, operation: str | None) -> str:
    body = json.dumps([query, variables or {}, operation], sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def parse_key(raw: str) -> str:
    key = raw.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise BadUserInput(HEADER, f"must be 1–{MAX_KEY_LENGTH} printable ASCII characters")
    return key


async def _claim(sessions: SessionFactory, claim: Claim, print_: str) -> _Claimed:
    now = datetime.now(UTC)
    row = {"principal": claim.principal, "key": claim.key, "fingerprint": print_}
    claim.claimed_at = now
    try:
        async with _write(sessions) as session:
            await session.execute(
                claim.table.insert().values(**row, committed=False, created_at=now)
            )
        return _Claimed(_Outcome.NEW)
    except IntegrityError:
        return await _existing(sessions, claim, print_, now)


async def _existing(sessions: SessionFactory, claim: Claim, print_: str, now: datetime) -> _Claimed:
    async with _write(sessions) as session:
        found = (await session.execute(select(claim.table).where(claim.where()))).one()
        if found.fingerprint != print_:
            raise BadUserInput(HEADER, "was already used for a different request")
        if found.response is not None:
            return _Claimed(_Outcome.REPLAY, found.response)
        if found.committed:
            raise Conflict(
                "the request with this Idempotency-Key was applied, but its answer was lost; "
                "read the result instead of retrying"
            )
        if _as_utc(found.created_at) > now - RECLAIM_AFTER:
            raise Conflict("a request with this Idempotency-Key is still in progress; retry later")
        claim.claimed_at = found.created_at
        taken = update(claim.table).where(claim.held()).values(created_at=now)
        if await _rows_changed(session, taken) != 1:  # another retry took it over first
            raise Conflict("a request with this Idempotency-Key is still in progress; retry later")
        claim.claimed_at = now
        return _Claimed(_Outcome.NEW)


async def _rows_changed(session: AsyncSession, statement: Update) -> int:
    return cast(CursorResult[Any], await session.execute(statement)).rowcount


def _as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite drops the zone


class _write:
    """A short writing transaction of its own (SQLite: BEGIN IMMEDIATE)."""

    def __init__(self, sessions: SessionFactory) -> None:
        self._session = sessions()

    async def __aenter__(self) -> AsyncSession:
        await self._session.begin()
        await self._session.connection(execution_options=WRITE_TRANSACTION)
        return self._session

    async def __aexit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        try:
            if exc_type is None:
                await self._session.commit()
            else:
                await self._session.rollback()
        finally:
            await self._session.close()


def _stored(result: ExecutionResult) -> dict[str, Any]:
    errors = [_stored_error(error) for error in result.errors or []]
    return {"data": result.data, "errors": errors}


def _stored_error(error: GraphQLError) -> dict[str, Any]:
    formatted = dict(error.formatted)
    if error.original_error is not None and not isinstance(error.original_error, DomainError):
        formatted = {"message": _MASKED, "path": formatted.get("path")}
    return formatted


def _replayed(response: dict[str, Any]) -> ExecutionResult:
    errors = [_replayed_error(e) for e in response["errors"]]
    return ExecutionResult(data=response["data"], errors=errors or None)


def _replayed_error(stored: dict[str, Any]) -> GraphQLError:
    error = GraphQLError(
        stored["message"], path=stored.get("path"), extensions=stored.get("extensions")
    )
    if "locations" in stored:
        error.locations = [SourceLocation(**location) for location in stored["locations"]]
    return error


def _failed(error: DomainError) -> ExecutionResult:
    return ExecutionResult(data=None, errors=[GraphQLError(error.message, original_error=error)])


def _internal_failure(result: ExecutionResult) -> bool:
    return any(
        e.original_error is not None and not isinstance(e.original_error, DomainError)
        for e in result.errors or []
    )


class IdempotentMutations(SchemaExtension):
    """Honours the `Idempotency-Key` header on mutations of an authenticated principal."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context.context
        raw_key = getattr(context, "idempotency_key", None)
        if raw_key is None or self.execution_context.operation_type != OperationType.MUTATION:
            yield
            return
        try:
            claim = await self._begin(context, raw_key)
        except DomainError as error:
            self.execution_context.result = _failed(error)
            yield
            return
        if claim is None:  # replayed, or not a principal's request
            yield
            return
        token = _current.set(claim)
        try:
            yield
        finally:
            _current.reset(token)
        await self._finish(context.runtime.sessions, claim)

    async def _begin(self, context: Any, raw_key: str) -> Claim | None:
        principal = context.principal
        table = context.runtime.idempotency
        if not principal.authenticated or table is None:
            return None
        claim = Claim(table=table, principal=principal.subject, key=parse_key(raw_key))
        execution = self.execution_context
        print_ = fingerprint(execution.query or "", execution.variables, execution.operation_name)
        claimed = await _claim(context.runtime.sessions, claim, print_)
        if claimed.outcome is _Outcome.REPLAY:
            assert claimed.response is not None
            execution.result = _replayed(claimed.response)
            return None
        return claim

    async def _finish(self, sessions: SessionFactory, claim: Claim) -> None:
        result = self.execution_context.result
        assert isinstance(result, ExecutionResult)
        async with _write(sessions) as session:
            # Held only: a request whose key a retry took over leaves the retry's row alone.
            if _internal_failure(result) and not claim.committed:
                await session.execute(delete(claim.table).where(claim.held()))  # may run again
            else:
                await session.execute(
                    update(claim.table).where(claim.held()).values(response=_stored(result))
                )
