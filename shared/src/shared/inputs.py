"""Parsers for what clients send: county and municipality numbers, ids and free text.

A bad value is BAD_USER_INPUT naming the field; the wording of "no such number" lives here only,
so every service answers alike. Numbers from before the 2020 and 2024 reforms are accepted and
give today's county or municipality (`shared.reference`).
"""

from __future__ import annotations

import uuid

from shared import reference
from shared.errors import BadUserInput, NotFound


def no_county(number: str) -> str:
    return f"no county has number {_shown(number)}"


def no_municipality(number: str) -> str:
    return f"no municipality has number {_shown(number)}"


def parse_county(number: str, field: str = "county") -> reference.County:
    found = reference.county(number)
    if found is None:
        raise BadUserInput(field, no_county(number))
    return found


def parse_municipality(number: str, field: str = "municipality") -> reference.Municipality:
    found = reference.municipality(number)
    if found is None:
        raise BadUserInput(field, no_municipality(number))
    return found


def existing_county(number: str) -> reference.County:
    """A county an entity reference names: an unknown one is NOT_FOUND, not the client's input."""
    found = reference.county(number)
    if found is None:
        raise NotFound(no_county(number))
    return found


def existing_municipality(number: str) -> reference.Municipality:
    found = reference.municipality(number)
    if found is None:
        raise NotFound(no_municipality(number))
    return found


def parse_reference_year(year: int, field: str = "year") -> int:
    """A year the reference data has a division for (`reference.as_of`)."""
    if year < reference.FIRST_YEAR:
        raise BadUserInput(field, f"must be {reference.FIRST_YEAR} or later")
    return year


def parse_uuid(value: str, field: str) -> uuid.UUID:
    parsed = maybe_uuid(value)
    if parsed is None:
        raise BadUserInput(field, "must be a UUID")
    return parsed


def parse_optional_uuid(value: str | None, field: str) -> uuid.UUID | None:
    return None if value is None else parse_uuid(value, field)


def maybe_uuid(value: object) -> uuid.UUID | None:
    """The id, or None for a malformed one: a look-up by it then simply finds nothing."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def required_text(value: str, field: str, max_length: int) -> str:
    """Trimmed text of 1 to `max_length` characters. NUL is refused here, since PostgreSQL
    refuses it in text while SQLite stores it."""
    text = value.strip()
    if not text:
        raise BadUserInput(field, "must not be empty")
    if len(text) > max_length:
        raise BadUserInput(field, f"at most {max_length} characters")
    if "\x00" in text:
        raise BadUserInput(field, "must not contain NUL characters")
    return text


def optional_text(value: str | None, field: str, max_length: int) -> str | None:
    """None for no text or only blanks; else `required_text`."""
    if value is None or not value.strip():
        return None
    return required_text(value, field, max_length)


def text_list(values: list[str], field: str, *, max_length: int, max_items: int) -> list[str]:
    """At most `max_items` texts, each `required_text`; repeats dropped, first order kept."""
    if len(values) > max_items:
        raise BadUserInput(field, f"at most {max_items} entries")
    return list(dict.fromkeys(required_text(v, field, max_length) for v in values))


def _shown(number: str) -> str:
    return repr(number.strip() if isinstance(number, str) else number)
