"""Education's rules, pure Python: terms, enrolment rows, seats and the waiting list."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from shared import reference
from shared.errors import BadUserInput, Conflict

TERM = re.compile(r"^(?P<year>\d{4})(?P<season>[HV])$")
MAX_BATCH = 5000


class StudyLevel(StrEnum):
    MASTER = "MASTER"


class EnrolmentStatus(StrEnum):
    ACTIVE = "ACTIVE"
    WAITLISTED = "WAITLISTED"
    WITHDRAWN = "WITHDRAWN"
    COMPLETED = "COMPLETED"


class RowOutcome(StrEnum):
    ACCEPTED = "ACCEPTED"
    REPLAYED = "REPLAYED"
    WAITLISTED = "WAITLISTED"
    REJECTED = "REJECTED"


class RowRejected(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def parse_term(term: str) -> str:
    """'2018H' (autumn) or '2019V' (spring), years of the programme's lifetime and after."""
    match = TERM.match(term.strip())
    if match is None or not 2017 <= int(match["year"]) <= 2100:
        raise RowRejected("term", "must look like 2018H (autumn) or 2019V (spring)")
    return match.group(0)


def validate_seats(seats: int) -> int:
    if not 1 <= seats <= 10_000:
        raise RowRejected("seats", "must be between 1 and 10000")
    return seats


@dataclass(frozen=True, slots=True)
class EnrolmentRow:
    offering_id: str
    municipality: str
    employee_ref: str
    external_ref: str
    role: str | None


def current_municipality(number: str) -> str:
    """Today's number for a today's or historical one (e.g. 2012 → 5601 Alta)."""
    found = reference.municipality(number)
    if found is None:
        raise RowRejected("municipality", f"no municipality has number {number.strip()!r}")
    return found.number


def check_references(row: EnrolmentRow) -> None:
    reference_text(row.external_ref, "externalRef")
    pseudonym(row.employee_ref, "employeeRef")


def reference_text(ref: str, field: str) -> str:
    """A client's own reference: not blank, at most 200 characters."""
    if not ref.strip():
        raise RowRejected(field, "must not be empty")
    if len(ref) > 200:
        raise RowRejected(field, "references are at most 200 characters")
    return ref


def pseudonym(ref: str, field: str) -> str:
    """A reference to a person, which must never be a national identity number."""
    reference_text(ref, field)
    if re.fullmatch(r"\d{11}", ref.strip()):
        raise RowRejected(field, "looks like a national identity number; send a pseudonym")
    return ref


def bad_input(error: RowRejected, prefix: str = "") -> BadUserInput:
    """A row's rejection as the error of a whole call, its field under `prefix` (`rows[3].`)."""
    return BadUserInput(prefix + error.field, error.reason)


def seat_status(seats: int, taken: int) -> EnrolmentStatus:
    return EnrolmentStatus.ACTIVE if taken < seats else EnrolmentStatus.WAITLISTED


def withdrawable(status: str) -> EnrolmentStatus:
    """The status a withdrawal leaves; only active and waitlisted enrolments can be withdrawn."""
    if status not in (EnrolmentStatus.ACTIVE, EnrolmentStatus.WAITLISTED):
        raise Conflict(f"a {status.lower()} enrolment cannot be withdrawn")
    return EnrolmentStatus(status)


def withdrawal_reason(reason: str) -> str:
    if not reason.strip():
        raise BadUserInput("reason", "a withdrawal needs a reason")
    if len(reason) > 1000:
        raise BadUserInput("reason", "at most 1000 characters")
    return reason.strip()


@dataclass(frozen=True, slots=True)
class CompletionRow:
    enrolment_id: str
    credits: int
    completed_on: date


def check_completion(row: CompletionRow, status: str, term: str, today: date) -> None:
    """Credits earned (0–30) on a date within the course's lifetime, for an active enrolment."""
    if status != EnrolmentStatus.ACTIVE:
        raise RowRejected("enrolmentId", f"a {status.lower()} enrolment cannot be completed")
    if not 0 <= row.credits <= 30:
        raise RowRejected("credits", "must be between 0 and 30")
    if row.completed_on > today:
        raise RowRejected("completedOn", "cannot be in the future")
    if row.completed_on < term_start(term):
        raise RowRejected("completedOn", f"is before the course started ({term})")


def term_start(term: str) -> date:
    year, season = int(term[:4]), term[4]
    return date(year, 8, 1) if season == "H" else date(year, 1, 1)


def first_duplicate(values: Iterable[str]) -> str | None:
    counts = Counter(values)
    return next((value for value, n in counts.items() if n > 1), None)


def share(part: int, whole: int) -> float | None:
    """part / whole to four decimals; None when there is no whole to share."""
    return round(part / whole, 4) if whole else None


@dataclass
class EducationTotals:
    """Enrolments of one county's municipalities, by status; credits earned by completions."""

    enrolments: Counter[EnrolmentStatus] = field(default_factory=Counter)
    credits: int = 0
    municipalities: set[str] = field(default_factory=set)  # with an active or completed one

    def add(self, municipality: str, status: str, enrolments: int, credits: int) -> None:
        self.enrolments[EnrolmentStatus(status)] += enrolments
        self.credits += credits
        if status in (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED):
            self.municipalities.add(municipality)


def totals_by_county(
    counts: Iterable[tuple[str, str, int, int]], counties: Iterable[str]
) -> dict[str, EducationTotals]:
    """(municipality, status, enrolments, credits) rows summed per county, every county shown."""
    totals = {county: EducationTotals() for county in counties}
    for municipality, status, enrolments, credits in counts:
        found = reference.municipality(municipality)  # a later reform may have renumbered it
        if found is not None and found.county in totals:
            totals[found.county].add(found.number, status, enrolments, credits)
    return totals
