"""Service-support programme rules, pure Python: cohort periods, gatherings, joins, evaluations."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from shared import reference
from shared.errors import BadUserInput, Conflict
from shared.inputs import parse_county
from svc_education.domain.checks import (
    RowRejected,
    bad_input,
    first_duplicate,
    reference_text,
)

MAX_HEAD_COUNT = 10_000
MAX_RESPONSES = 5_000
MIN_RESPONSES_SHOWN = 3  # fewer answers than this would let a reader guess who said what
SCALE = range(1, 6)


class KnowledgeCentre(StrEnum):
    RKBU_VEST = "RKBU_VEST"
    RKBU_MIDT_NORGE = "RKBU_MIDT_NORGE"
    RKBU_NORD = "RKBU_NORD"
    RBUP_OST_OG_SOR = "RBUP_OST_OG_SOR"
    NUBU = "NUBU"
    RVTS_SOR = "RVTS_SOR"

    @property
    def display_name(self) -> str:
        return _CENTRE_NAMES[self]

    @property
    def client_id(self) -> str:
        """The id in the centre's machine-client role, `institution:<client_id>`."""
        return self.value.lower().replace("_", "-")


_CENTRE_NAMES = {
    KnowledgeCentre.RKBU_VEST: "RKBU Vest",
    KnowledgeCentre.RKBU_MIDT_NORGE: "RKBU Midt-Norge",
    KnowledgeCentre.RKBU_NORD: "RKBU Nord",
    KnowledgeCentre.RBUP_OST_OG_SOR: "RBUP Øst og Sør",
    KnowledgeCentre.NUBU: "NUBU",
    KnowledgeCentre.RVTS_SOR: "RVTS Sør",
}


class CohortStatus(StrEnum):
    OPEN = "OPEN"
    COMPLETED = "COMPLETED"


class GatheringKind(StrEnum):
    JOINT = "JOINT"
    LEADERS_ONLY = "LEADERS_ONLY"
    SUPERVISION = "SUPERVISION"


class ParticipantRole(StrEnum):
    LEADER = "LEADER"
    EMPLOYEE = "EMPLOYEE"


def cohort_county(number: str) -> str:
    return parse_county(number).number


def cohort_term(starts_on: date, ends_on: date) -> str:
    """The term a cohort starts in; it runs 3–4 months, both dates included."""
    if not 2017 <= starts_on.year <= 2100:
        raise BadUserInput("startsOn", "must be between 2017 and 2100")
    after_end = ends_on + timedelta(days=1)
    if not add_months(starts_on, 3) <= after_end <= add_months(starts_on, 4):
        raise BadUserInput("endsOn", "a cohort runs 3–4 months from its start")
    return term_of(starts_on)


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def term_of(day: date) -> str:
    """Autumn terms start 1 August (as `checks.term_start`), spring terms 1 January."""
    return f"{day.year}{'H' if day.month >= 8 else 'V'}"


def require_open(status: str) -> None:
    if status != CohortStatus.OPEN:
        raise Conflict("the cohort is completed")


def check_gathering_date(held_on: date, starts_on: date, ends_on: date) -> None:
    if not starts_on <= held_on <= ends_on:
        raise BadUserInput("date", f"must be within the cohort, {starts_on} to {ends_on}")


def check_cohort_ended(ends_on: date, today: date) -> None:
    if today < ends_on:
        raise Conflict(f"the cohort runs until {ends_on}")


@dataclass(frozen=True, slots=True)
class Participant:
    employee_ref: str
    role: ParticipantRole


def check_county(county: str, municipality_county: str, across_county_border: bool) -> None:
    """A service joins its own county's cohort, or, recorded as across the county border, one of
    a neighbouring county where the programme enrolled it (Etne and Sveio, Hordaland then, in
    Rogaland's 2018 cohort). Anything else is a mistake, not a choice."""
    if municipality_county == county:
        if across_county_border:
            raise BadUserInput("acrossCountyBorder", f"the municipality is in county {county}")
        return
    if not reference.are_neighbours(county, municipality_county):
        raise BadUserInput(
            "municipality",
            f"the cohort is for county {county}, which county {municipality_county} "
            "does not border",
        )
    if not across_county_border:
        raise BadUserInput(
            "municipality",
            f"the cohort is for county {county}; a service of the neighbouring county "
            f"{municipality_county} joins with acrossCountyBorder: true",
        )


def check_join(head_count: int, participants: Sequence[Participant]) -> None:
    """The service's head count carries the commitment; participants are counted against it."""
    if not 1 <= head_count <= MAX_HEAD_COUNT:
        raise BadUserInput("headCount", f"must be between 1 and {MAX_HEAD_COUNT}")
    if not participants:
        raise BadUserInput("participants", "at least one participant")
    if len(participants) > head_count:
        raise BadUserInput("participants", "more participants than the service's head count")
    for index, participant in enumerate(participants):
        try:
            reference_text(participant.employee_ref, "employeeRef")
        except RowRejected as error:
            raise bad_input(error, f"participants[{index}].") from error
    duplicate = first_duplicate(p.employee_ref for p in participants)
    if duplicate is not None:
        raise BadUserInput("participants", f"employeeRef {duplicate!r} appears twice")


def submission_ref(ref: str) -> str:
    try:
        return reference_text(ref, "submissionRef")
    except RowRejected as error:
        raise bad_input(error) from error


@dataclass(frozen=True, slots=True, order=True)
class Scores:
    """One anonymous evaluation form, each answer on a 1–5 scale."""

    satisfaction: int
    relevance: int
    learning_outcome: int


def check_responses(responses: Sequence[Scores]) -> None:
    if not 1 <= len(responses) <= MAX_RESPONSES:
        raise BadUserInput("responses", f"between 1 and {MAX_RESPONSES} forms per call")
    for index, scores in enumerate(responses):
        for field, value in (
            ("satisfaction", scores.satisfaction),
            ("relevance", scores.relevance),
            ("learningOutcome", scores.learning_outcome),
        ):
            if value not in SCALE:
                raise BadUserInput(f"responses[{index}].{field}", "must be between 1 and 5")


@dataclass(frozen=True, slots=True)
class ScoreSums:
    responses: int
    satisfaction: int
    relevance: int
    learning_outcome: int

    def mean(self, total: int) -> float | None:
        """The mean of one scale, or None while too few answered to stay anonymous."""
        if self.responses < MIN_RESPONSES_SHOWN:
            return None
        return round(total / self.responses, 2)
