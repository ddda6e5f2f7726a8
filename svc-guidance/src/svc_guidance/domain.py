"""Guidance's rules, pure Python: intake of cases, two-year engagements, advisers' capacity.

A case is opened by a nomination (the county governor) or a request (the municipality itself);
taking part is voluntary, so only the municipality answers, and accepting commits time. An
accepted case waits in the queue until the directorate starts its engagement with 1–3 advisers,
each within their capacity. Every function that changes state takes that state as a Protocol
(a table row in the service, a plain object in tests) and returns what changed.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from shared.errors import BadUserInput, Conflict

FIRST_ROUND = 2018  # the guidance teams started with the 2018 round (pulje)
LAST_ROUND = 2100
ENGAGEMENT_YEARS = 2
MAX_ADVISERS = 3
MAX_CAPACITY = 10  # concurrent engagements; well above what one adviser can carry
MAX_ALSO_COVERS = 10  # municipalities a shared service serves besides its host
MAX_COMMITTED_HOURS = 10_000  # per month, all of the municipality's people together

# Text limits: what a form could reasonably hold; also keeps every event and row small.
MAX_NAME = 200
MAX_REGION = 100
MAX_TITLE = 500
MAX_REASON = 2000
MAX_BACKGROUND = 2000
MAX_EVIDENCE = 4000
MAX_NOTE = 4000
MAX_REPORT = 20_000


class GuidanceOrigin(StrEnum):
    NOMINATED = "NOMINATED"  # by the county governor
    REQUESTED = "REQUESTED"  # by the municipality itself


class CaseStatus(StrEnum):
    AWAITING_RESPONSE = "AWAITING_RESPONSE"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    ENGAGED = "ENGAGED"
    CLOSED = "CLOSED"


class EngagementStatus(StrEnum):
    ACTIVE = "ACTIVE"
    COMPLETED = "COMPLETED"
    ENDED_EARLY = "ENDED_EARLY"


class RiskLevel(StrEnum):
    LOW = "LOW"
    MODERATE = "MODERATE"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"


# A municipality has at most one case in these at a time (also a unique index).
OPEN_CASE = (CaseStatus.AWAITING_RESPONSE, CaseStatus.ACCEPTED, CaseStatus.ENGAGED)


# Cases ------------------------------------------------------------------------------------


class Case(Protocol):
    status: str
    committed_hours_per_month: int | None


@dataclass(frozen=True, slots=True)
class Change:
    from_status: str
    to_status: str


def _move(case: Case, sources: Sequence[CaseStatus], target: CaseStatus, doing: str) -> Change:
    source = CaseStatus(case.status)
    if source not in sources:
        raise Conflict(f"cannot {doing} a case that is {_said(source)}")
    case.status = target
    return Change(source, target)


def _said(status: StrEnum) -> str:
    return status.value.lower().replace("_", " ")


def accept(case: Case, committed_hours_per_month: int | None) -> Change:
    """AWAITING_RESPONSE → ACCEPTED; accepting commits time: hours per month > 0."""
    hours = committed_hours_per_month
    if hours is None or not 0 < hours <= MAX_COMMITTED_HOURS:
        raise BadUserInput(
            "committedHoursPerMonth",
            f"accepting commits time: between 1 and {MAX_COMMITTED_HOURS} hours per month",
        )
    change = _move(case, [CaseStatus.AWAITING_RESPONSE], CaseStatus.ACCEPTED, "accept")
    case.committed_hours_per_month = hours
    return change


def decline(case: Case, committed_hours_per_month: int | None) -> Change:
    if committed_hours_per_month is not None:
        raise BadUserInput("committedHoursPerMonth", "only accepting commits hours")
    return _move(case, [CaseStatus.AWAITING_RESPONSE], CaseStatus.DECLINED, "decline")


def engage(case: Case) -> Change:
    """ACCEPTED → ENGAGED: an engagement starts only for a case the municipality accepted."""
    return _move(case, [CaseStatus.ACCEPTED], CaseStatus.ENGAGED, "start an engagement for")


def close(case: Case) -> Change:
    """ENGAGED → CLOSED when its engagement is completed or ended early."""
    return _move(case, [CaseStatus.ENGAGED], CaseStatus.CLOSED, "close")


# The intake queue -------------------------------------------------------------------------

RISK_RANK = {RiskLevel.CRITICAL: 4, RiskLevel.HIGH: 3, RiskLevel.MODERATE: 2, RiskLevel.LOW: 1}


def queue_key(risk_level: str | None, opened_at: datetime) -> tuple[int, datetime]:
    """Sorts the queue: highest risk first (an unknown risk last), then the longest waiting."""
    rank = RISK_RANK[RiskLevel(risk_level)] if risk_level else 0
    return (-rank, opened_at)


class Risk(Protocol):
    level: str
    assessed_on: date


def supersedes(current: Risk | None, assessed_on: date) -> bool:
    """A newer assessment replaces the one known; one of the same day too (it arrived later)."""
    return current is None or assessed_on >= current.assessed_on


# Engagements ------------------------------------------------------------------------------


def two_years_after(starts_on: date) -> date:
    """The same day two years later; from 29 February, 28 February (there is no 29th then).

    A period of years that would end on a day the month lacks ends on the month's last day,
    as Norwegian deadlines do (domstolloven § 148).
    """
    year = starts_on.year + ENGAGEMENT_YEARS
    last_day = calendar.monthrange(year, starts_on.month)[1]
    return starts_on.replace(year=year, day=min(starts_on.day, last_day))


def validate_round(round_year: int) -> int:
    """A round (pulje) is a year from the first, 2018."""
    if not FIRST_ROUND <= round_year <= LAST_ROUND:
        raise BadUserInput("round", f"rounds are years from {FIRST_ROUND}")
    return round_year


def check_round(round_year: int, starts_on: date) -> None:
    """A round (pulje) is a year: its engagements start in that year."""
    validate_round(round_year)
    if starts_on.year != round_year:
        raise BadUserInput("startsOn", f"an engagement of round {round_year} starts that year")


def check_adviser_count(count: int) -> None:
    if not 1 <= count <= MAX_ADVISERS:
        raise BadUserInput("advisers", f"an engagement has 1 to {MAX_ADVISERS} advisers")


def check_capacity(capacity: int) -> None:
    if not 1 <= capacity <= MAX_CAPACITY:
        raise BadUserInput("capacity", f"between 1 and {MAX_CAPACITY} concurrent engagements")


def covered(host: str, also_covers: Sequence[str]) -> list[str]:
    """Every municipality an engagement covers: the host first, each once.

    Two old numbers may now be one municipality (Førde and Gaular are Sunnfjord): once, then.
    """
    if len(also_covers) > MAX_ALSO_COVERS:
        raise BadUserInput("alsoCovers", f"at most {MAX_ALSO_COVERS} municipalities")
    return list(dict.fromkeys([host, *also_covers]))


class Adviser(Protocol):
    name: str
    capacity: int
    active_engagements: int


def assign(advisers: Sequence[Adviser]) -> None:
    """Each adviser takes one more active engagement; CONFLICT (and no change) if one is full."""
    full = [a for a in advisers if a.active_engagements >= a.capacity]
    if full:
        names = ", ".join(f"{a.name} ({a.active_engagements} of {a.capacity})" for a in full)
        raise Conflict(f"advisers at capacity: {names}")
    for adviser in advisers:
        adviser.active_engagements += 1


def release(advisers: Sequence[Adviser]) -> None:
    """An engagement ended: each of its advisers has room for another."""
    for adviser in advisers:
        adviser.active_engagements = max(0, adviser.active_engagements - 1)


class Engagement(Protocol):
    status: str
    starts_on: date
    ends_on: date
    closed_on: date | None


def complete(engagement: Engagement, on: date, today: date) -> Change:
    """ACTIVE → COMPLETED, with the final report: on a day from its start until today."""
    _check_day(engagement, on, today, "completedOn")
    return _close(engagement, EngagementStatus.COMPLETED, on, "complete")


def end_early(engagement: Engagement, on: date, today: date) -> Change:
    """ACTIVE → ENDED_EARLY: before its planned end, from its start until today."""
    _check_day(engagement, on, today, "endedOn")
    if on >= engagement.ends_on:
        raise BadUserInput("endedOn", f"ending early is before {engagement.ends_on.isoformat()}")
    return _close(engagement, EngagementStatus.ENDED_EARLY, on, "end")


def _close(engagement: Engagement, target: EngagementStatus, on: date, doing: str) -> Change:
    require_active(engagement, doing)
    engagement.status = target
    engagement.closed_on = on
    return Change(EngagementStatus.ACTIVE, target)


def require_active(engagement: Engagement, doing: str) -> None:
    status = EngagementStatus(engagement.status)
    if status is not EngagementStatus.ACTIVE:
        raise Conflict(f"cannot {doing} an engagement that is {_said(status)}")


def _check_day(engagement: Engagement, on: date, today: date, field: str) -> None:
    if not engagement.starts_on <= on <= today:
        raise BadUserInput(
            field, f"must be from {engagement.starts_on.isoformat()} and not in the future"
        )


def check_visit(engagement: Engagement, on_engagement: bool, visited_on: date, today: date) -> None:
    """A visit of an active engagement, by one of its advisers, within its period, not ahead."""
    require_active(engagement, "log a visit to")
    if not on_engagement:
        raise BadUserInput("adviserId", "the adviser is not on this engagement")
    if not engagement.starts_on <= visited_on <= min(engagement.ends_on, today):
        raise BadUserInput("visitedOn", "must lie within the engagement and not in the future")


def check_milestone(engagement: Engagement, due_on: date) -> None:
    require_active(engagement, "plan")
    if not engagement.starts_on <= due_on <= engagement.ends_on:
        raise BadUserInput("dueOn", "must lie within the engagement's two years")


class Milestone(Protocol):
    reached_on: date | None


def reach(milestone: Milestone, engagement: Engagement, on: date, today: date) -> None:
    require_active(engagement, "update the plan of")
    if milestone.reached_on is not None:
        raise Conflict(f"the milestone was reached on {milestone.reached_on.isoformat()}")
    if not engagement.starts_on <= on <= today:
        raise BadUserInput("reachedOn", "must be from the engagement's start and not ahead")
    milestone.reached_on = on
