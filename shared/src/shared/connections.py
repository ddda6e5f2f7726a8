"""Cursor pagination (Relay connections) for lists that grow without bound.

A list field keeps its plain form (the client contract's names) and gets a `...Connection(first,
after)` beside it. A cursor names the last row seen by its sort key, not by its position, so a
row added or removed before it does not shift the next page. Any subgraph uses the same types:

    @strawberry.field
    async def enrolments_connection(
        self, info: strawberry.Info, first: int | None = None, after: str | None = None
    ) -> Connection[Enrolment]:
        rows = await ...                          # the same rows as the plain list
        page = paginate(rows, enrolment_key, first=first, after=after)
        return Connection.of(page, Enrolment.from_row)
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, TypeVar

import strawberry

from shared.errors import BadUserInput

DEFAULT_FIRST = 50
MAX_FIRST = 100

Row = TypeVar("Row")
Node = TypeVar("Node")
Key = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Page(Generic[Row]):
    """One page of rows, each with its cursor, and what lies around it."""

    rows: list[tuple[str, Row]]
    has_next_page: bool
    has_previous_page: bool
    total_count: int


def paginate(
    rows: Sequence[Row],
    key: Callable[[Row], Key],
    *,
    first: int | None,
    after: str | None,
) -> Page[Row]:
    """The `first` rows (50 unless asked, at most 100) after the cursor `after`, in key order.

    `key` gives each row a unique sort key of strings and integers (say its date as ISO text,
    then its id). A malformed `first` or `after` is the client's error, naming the argument.
    """
    size = DEFAULT_FIRST if first is None else first
    if not 0 < size <= MAX_FIRST:
        raise BadUserInput("first", f"must be from 1 to {MAX_FIRST}")
    ordered = sorted(rows, key=key)
    start = 0
    if after is not None:
        last_seen = decode_cursor(after)
        try:
            start = next((i for i, row in enumerate(ordered) if key(row) > last_seen), len(ordered))
        except TypeError as error:  # a cursor of another list, whose keys have other types
            raise BadUserInput("after", "is not a cursor of this list") from error
    chosen = ordered[start : start + size]
    return Page(
        rows=[(encode_cursor(key(row)), row) for row in chosen],
        has_next_page=start + size < len(ordered),
        has_previous_page=start > 0,
        total_count=len(ordered),
    )


def time_key(at: datetime | date, id: object) -> Key:
    """The usual sort key: a time (as text that sorts, to the microsecond), then a unique id."""
    text = f"{at:%Y-%m-%dT%H:%M:%S.%f}" if isinstance(at, datetime) else at.isoformat()
    return (text, str(id))


def encode_cursor(key: Key) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode()


def decode_cursor(cursor: str) -> Key:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, binascii.Error, UnicodeError) as error:
        raise BadUserInput("after", "is not a cursor of this list") from error
    if not isinstance(values, list) or not all(isinstance(v, str | int) for v in values):
        raise BadUserInput("after", "is not a cursor of this list")
    return tuple(values)


# The same in every subgraph, so shareable (Federation 2 needs that for a value type served by
# more than one subgraph).
@strawberry.federation.type(shareable=True)
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[Node]):
    cursor: str
    node: Node


@strawberry.type(description="A page of a list: its items in order, with cursors to go on.")
class Connection(Generic[Node]):
    edges: list[Edge[Node]]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Items in the whole list")

    @classmethod
    def of(cls, page: Page[Row], node: Callable[[Row], Node]) -> Connection[Node]:
        edges = [Edge(cursor=cursor, node=node(row)) for cursor, row in page.rows]
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=page.total_count,
        )
