"""Enrolment rules, pure Python: offerings' seats, the waiting list, withdrawals, completions.

The state changes take the rows they change as Protocols (a table row in the service, a plain
object in the tests), change them and say what happened; the service writes history and events.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Protocol, TypeVar

from shared import reference
from shared.errors import BadUserInput, Conflict
from shared.inputs import parse_municipality, required_text
from svc_education.domain.checks import RowRejected, reference_text, term_start

MAX_BATCH = 5000
MAX_REASON_LENGTH = 1000


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
    demo: bool = False
    source: str | None = None


def current_municipality(number: str) -> str:
    """Today's number for a today's or historical one (e.g. 2012 → 5601 Alta)."""
    try:
        return parse_municipality(number).number
    except BadUserInput as error:
        raise RowRejected("municipality", error.reason) from error


def check_references(row: EnrolmentRow) -> None:
    reference_text(row.external_ref, "externalRef")
    reference_text(row.employee_ref, "employeeRef")


class Seats(Protocol):
    """An offering's seats."""

    term: str
    seats: int
    seats_taken: int


class Placed(Protocol):
    """An enrolment as far as its place on the course goes."""

    status: str
    employee_ref: str


def seat_status(seats: int, taken: int) -> EnrolmentStatus:
    return EnrolmentStatus.ACTIVE if taken < seats else EnrolmentStatus.WAITLISTED


def place(offering: Seats, active_in_term: bool) -> EnrolmentStatus:
    """A new enrolment takes a free seat (ACTIVE) or waits for one (WAITLISTED).

    An employee holds one active enrolment per term: `active_in_term` refuses a second seat.
    """
    status = seat_status(offering.seats, offering.seats_taken)
    if status is EnrolmentStatus.ACTIVE:
        if active_in_term:
            raise RowRejected(
                "employeeRef", f"already holds an active enrolment in {offering.term}"
            )
        offering.seats_taken += 1
    return status


def withdrawal_reason(reason: str) -> str:
    return required_text(reason, "reason", MAX_REASON_LENGTH)


def withdraw(enrolment: Placed, offering: Seats) -> EnrolmentStatus:
    """Withdraws an active or waitlisted enrolment, freeing its seat; returns its former status."""
    if enrolment.status not in (EnrolmentStatus.ACTIVE, EnrolmentStatus.WAITLISTED):
        raise Conflict(f"a {enrolment.status.lower()} enrolment cannot be withdrawn")
    previous = EnrolmentStatus(enrolment.status)
    enrolment.status = EnrolmentStatus.WITHDRAWN
    if previous is EnrolmentStatus.ACTIVE:
        offering.seats_taken -= 1
    return previous


P = TypeVar("P", bound=Placed)


def give_freed_seat(offering: Seats, waiting: Sequence[P], active: Collection[str]) -> P | None:
    """The first on the waiting list who holds no active enrolment in the term (`active`: the
    employees who do) takes the freed seat; None when nobody can."""
    for candidate in waiting:
        if candidate.employee_ref not in active:
            candidate.status = EnrolmentStatus.ACTIVE
            offering.seats_taken += 1
            return candidate
    return None


@dataclass(frozen=True, slots=True)
class CompletionRow:
    enrolment_id: str
    credits: int
    completed_on: date


class Completable(Protocol):
    status: str
    term: str
    credits: int | None
    completed_on: date | None


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


def complete(enrolment: Completable, row: CompletionRow, today: date) -> bool:
    """Records the credits earned; False when this very completion was recorded before."""
    if enrolment.status == EnrolmentStatus.COMPLETED and (
        enrolment.credits,
        enrolment.completed_on,
    ) == (row.credits, row.completed_on):
        return False
    check_completion(row, enrolment.status, enrolment.term, today)
    enrolment.status = EnrolmentStatus.COMPLETED
    enrolment.credits, enrolment.completed_on = row.credits, row.completed_on
    return True


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
