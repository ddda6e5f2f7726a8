"""Checks every part of education uses: terms, clients' references, pseudonyms, shares."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from datetime import date

from shared.errors import BadUserInput
from shared.inputs import text_problem

TERM = re.compile(r"^(?P<year>[0-9]{4})(?P<season>[HV])$")
MAX_REFERENCE_LENGTH = 200


class RowRejected(Exception):
    """One row of a batch is refused; the other rows go on (a whole call fails with bad_input)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def bad_input(error: RowRejected, prefix: str = "") -> BadUserInput:
    """A row's rejection as the error of a whole call, its field under `prefix` (`rows[3].`)."""
    return BadUserInput(prefix + error.field, error.reason)


def parse_term(term: str) -> str:
    """'2018H' (autumn) or '2019V' (spring), years of the programme's lifetime and after."""
    match = TERM.match(term.strip())
    if match is None or not 2017 <= int(match["year"]) <= 2100:
        raise RowRejected("term", "must look like 2018H (autumn) or 2019V (spring)")
    return match.group(0)


def term_filter(term: str) -> str:
    """A term as a query filter: a malformed one is the client's error."""
    try:
        return parse_term(term)
    except RowRejected as error:
        raise bad_input(error) from error


def term_start(term: str) -> date:
    year, season = int(term[:4]), term[4]
    return date(year, 8, 1) if season == "H" else date(year, 1, 1)


def reference_text(ref: str, field: str) -> str:
    """A client's own reference (to a row, a submission or a person): at most 200 characters,
    and never a national identity number, so a person is always named by a pseudonym."""
    problem = text_problem(ref, MAX_REFERENCE_LENGTH)
    if problem is not None:
        raise RowRejected(field, problem)
    return ref


def first_duplicate(values: Iterable[str]) -> str | None:
    counts = Counter(values)
    return next((value for value, n in counts.items() if n > 1), None)


def share(part: int, whole: int) -> float | None:
    """part / whole to four decimals; None when there is no whole to share."""
    return round(part / whole, 4) if whole else None
