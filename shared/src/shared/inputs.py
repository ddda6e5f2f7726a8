"""Parsers for what clients send: county and municipality numbers, ids and free text.

A bad value is BAD_USER_INPUT naming the field; the wording of "no such number" lives here only,
so every service answers alike. Numbers from before the 2020 and 2024 reforms are accepted and
give today's county or municipality (`shared.reference`).
"""

from __future__ import annotations

import re
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
    """Today's municipality. A historical number whose area now lies in several municipalities
    (Tysfjord, Snillfjord, the Ålesund of 2020–2023) is refused naming them: picking one would
    file the client's data under a municipality it may not concern."""
    found = reference.successors(number)
    if not found:
        raise BadUserInput(field, no_municipality(number))
    if len(found) > 1:
        named = ", ".join(f"{m.number} {m.name}" for m in found)
        raise BadUserInput(
            field, f"municipality {_shown(number)} was split; send one of today's: {named}"
        )
    return found[0]


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
    """Trimmed text of 1 to `max_length` characters that `text_problem` finds nothing in."""
    text = value.strip()
    problem = text_problem(text, max_length)
    if problem is not None:
        raise BadUserInput(field, problem)
    return text


def text_problem(text: str, max_length: int) -> str | None:
    """Why `text` cannot be stored, or None. NUL is refused since PostgreSQL refuses it in
    text while SQLite stores it; a national identity number since no field may hold one."""
    if not text.strip():
        return "must not be empty"
    if len(text) > max_length:
        return f"at most {max_length} characters"
    if "\x00" in text:
        return "must not contain NUL characters"
    if contains_identity_number(text):
        return "looks like it contains a national identity number; send a pseudonym"
    return None


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


# Eleven ASCII digits, in any spelling a person types: run together, or split by spaces, dots
# or dashes ("150575 43873", "15.05.75-438 73"), after any prefix ("fnr:15057543873").
_ELEVEN_DIGITS = re.compile(r"(?<![0-9])(?:[0-9][ .\-]?){10}[0-9](?![0-9])")
_WITHOUT_DIGITS = str.maketrans("", "", "0123456789")
_UUID = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
_FIRST_CONTROL_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_SECOND_CONTROL_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def contains_identity_number(text: str) -> bool:
    """True when `text` holds a Norwegian national identity number (birth, D- or H-number):
    eleven digits whose two control digits are right. The control digits keep other long
    numbers (an account or an order number) from being taken for one, most of the time."""
    if len(text) - len(text.translate(_WITHOUT_DIGITS)) < 11:
        return False  # most texts: counting digits is far cheaper than the pattern's search
    # A UUID (a partner's own reference, say) is a generated id, not a typed number: its digits
    # across the dashes spelled a valid-looking number in about 1 of 4,000.
    text = _UUID.sub(" ", text)
    return any(
        _has_valid_control_digits(re.sub(r"[^0-9]", "", match.group()))
        for match in _ELEVEN_DIGITS.finditer(text)
    )


def _has_valid_control_digits(number: str) -> bool:
    digits = [int(digit) for digit in number]
    first = _control_digit(digits[:9], _FIRST_CONTROL_WEIGHTS)
    second = _control_digit(digits[:10], _SECOND_CONTROL_WEIGHTS)
    return digits[9] == first and digits[10] == second


def _control_digit(digits: list[int], weights: tuple[int, ...]) -> int:
    """Modulus 11; a remainder giving 10 means no valid number, shown as -1 (never a digit)."""
    control = 11 - sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
    return {11: 0, 10: -1}.get(control, control)


def _shown(number: str) -> str:
    return repr(number.strip() if isinstance(number, str) else number)
