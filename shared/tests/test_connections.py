"""Cursor pagination: pages in key order, cursors that survive insertions, clear errors."""

from __future__ import annotations

import pytest

from shared.connections import Connection, encode_cursor, paginate
from shared.errors import BadUserInput


def key(row: tuple[str, int]) -> tuple[str, int]:
    return row


ROWS = [("2018-09-0" + str(day), day) for day in range(1, 8)]


def test_pages_follow_one_another_to_the_end_in_key_order() -> None:
    seen, after, pages = [], None, 0
    while True:
        page = paginate(list(reversed(ROWS)), key, first=3, after=after)
        pages += 1
        seen += [row for _, row in page.rows]
        assert page.total_count == 7 and page.has_previous_page == (after is not None)
        if not page.has_next_page:
            break
        after = page.rows[-1][0]
    assert (seen, pages) == (ROWS, 3)


def test_a_row_added_before_the_cursor_does_not_shift_the_next_page() -> None:
    first = paginate(ROWS, key, first=2, after=None)
    more = [("2018-08-31", 0), *ROWS]
    second = paginate(more, key, first=2, after=first.rows[-1][0])
    assert [row for _, row in second.rows] == ROWS[2:4]


def test_the_connection_carries_the_page_and_its_cursors() -> None:
    connection = Connection.of(paginate(ROWS, key, first=2, after=None), lambda row: row[1])
    assert [e.node for e in connection.edges] == [1, 2]
    assert connection.page_info.end_cursor == encode_cursor(ROWS[1])
    assert connection.page_info.has_next_page and not connection.page_info.has_previous_page
    empty = Connection.of(paginate([], key, first=None, after=None), lambda row: row[1])
    assert (empty.edges, empty.page_info.start_cursor, empty.total_count) == ([], None, 0)


@pytest.mark.parametrize(
    ("first", "after", "field"),
    [
        (0, None, "first"),
        (101, None, "first"),
        (5, "not base64 json!", "after"),
        (5, encode_cursor((1, 2)), "after"),  # another list's cursor: other key types
    ],
)
def test_a_bad_first_or_cursor_names_the_argument(
    first: int, after: str | None, field: str
) -> None:
    with pytest.raises(BadUserInput) as error:
        paginate(ROWS, key, first=first, after=after)
    assert error.value.field == field
