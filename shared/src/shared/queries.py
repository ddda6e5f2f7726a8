"""Batched reads for DataLoaders: many keys in few queries, answers in the keys' order.

`one_by` and `many_by` make the batch functions of the usual shapes (`shared.loaders`):

    offerings_by_programme = many_by(Offering, Offering.programme_id, order_by=Offering.term)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from shared.db import SessionFactory
from shared.runtime import ServiceRuntime

Row = TypeVar("Row")
CHUNK = 1000  # SQLite and asyncpg both limit the number of bound parameters


async def rows_where_in(
    session: AsyncSession,
    model: type[Row],
    column: InstrumentedAttribute[Any],
    keys: Iterable[Hashable],
    *where: ColumnElement[bool],
    order_by: InstrumentedAttribute[Any] | None = None,
) -> list[Row]:
    """`column IN keys` (and `where`), in chunks."""
    ordered, rows = sorted(set(keys), key=str), list[Row]()
    for start in range(0, len(ordered), CHUNK):
        query = select(model).where(column.in_(ordered[start : start + CHUNK]), *where)
        if order_by is not None:
            query = query.order_by(order_by)
        rows.extend(await session.scalars(query))
    return rows


async def one_per_key(
    sessions: SessionFactory,
    model: type[Row],
    column: InstrumentedAttribute[Any],
    keys: Sequence[Hashable],
) -> list[Row | None]:
    async with sessions() as session:
        rows = await rows_where_in(session, model, column, keys)
    found = {getattr(row, column.key): row for row in rows}
    return [found.get(key) for key in keys]


async def many_per_key(
    sessions: SessionFactory,
    model: type[Row],
    column: InstrumentedAttribute[Any],
    keys: Sequence[Hashable],
    order_by: InstrumentedAttribute[Any] | None = None,
) -> list[list[Row]]:
    async with sessions() as session:
        rows = await rows_where_in(session, model, column, keys, order_by=order_by)
    groups: dict[Hashable, list[Row]] = defaultdict(list)
    for row in rows:
        groups[getattr(row, column.key)].append(row)
    return [groups.get(key, []) for key in keys]


def one_by(
    model: type[Row], column: InstrumentedAttribute[Any]
) -> Callable[[ServiceRuntime, Sequence[Hashable]], Awaitable[list[Row | None]]]:
    """A batch function: the row whose `column` is each key, or None."""

    async def batch(runtime: ServiceRuntime, keys: Sequence[Hashable]) -> list[Row | None]:
        return await one_per_key(runtime.sessions, model, column, keys)

    return batch


def many_by(
    model: type[Row],
    column: InstrumentedAttribute[Any],
    order_by: InstrumentedAttribute[Any] | None = None,
) -> Callable[[ServiceRuntime, Sequence[Hashable]], Awaitable[list[list[Row]]]]:
    """A batch function: the rows whose `column` is each key, in `order_by` order."""

    async def batch(runtime: ServiceRuntime, keys: Sequence[Hashable]) -> list[list[Row]]:
        return await many_per_key(runtime.sessions, model, column, keys, order_by)

    return batch
