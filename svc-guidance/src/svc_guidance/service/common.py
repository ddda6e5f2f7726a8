"""What several use cases need: who acted, today's date, a flush that reports a lost race."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.errors import Conflict


def subject(principal: Principal) -> str:
    return principal.subject or ""


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return now().date()


async def flush(session: AsyncSession, conflict: str) -> None:
    """Writes pending rows; a unique index or CHECK constraint that refuses them is CONFLICT.

    The use cases check first and explain; this is the backstop for a concurrent writer.
    """
    try:
        await session.flush()
    except IntegrityError as error:
        raise Conflict(conflict) from error
