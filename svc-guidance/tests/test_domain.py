"""Guidance's rules on plain objects: no database, no event loop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from shared.errors import BadUserInput, Conflict
from svc_guidance.domain import (
    CaseStatus,
    EngagementStatus,
    accept,
    assign,
    check_adviser_count,
    check_capacity,
    check_milestone,
    check_round,
    check_visit,
    close,
    complete,
    covered,
    decline,
    end_early,
    engage,
    queue_key,
    reach,
    release,
    supersedes,
    two_years_after,
)

TODAY = date(2026, 12, 1)


@dataclass
class Case:
    status: str = CaseStatus.AWAITING_RESPONSE
    committed_hours_per_month: int | None = None


@dataclass
class Adviser:
    name: str = "A"
    capacity: int = 2
    active_engagements: int = 0


@dataclass
class Engagement:
    status: str = EngagementStatus.ACTIVE
    starts_on: date = date(2018, 9, 1)
    ends_on: date = date(2020, 9, 1)
    closed_on: date | None = None


@dataclass
class Milestone:
    reached_on: date | None = None


@dataclass
class Risk:
    level: str
    assessed_on: date


# The case's state machine ---------------------------------------------------------------------


def test_a_case_is_accepted_engaged_and_closed() -> None:
    case = Case()
    assert accept(case, 40).to_status == CaseStatus.ACCEPTED
    assert case.committed_hours_per_month == 40
    assert engage(case).to_status == CaseStatus.ENGAGED
    change = close(case)
    assert (change.from_status, change.to_status) == (CaseStatus.ENGAGED, CaseStatus.CLOSED)


@pytest.mark.parametrize("hours", [None, 0, -5, 10_001])
def test_accepting_needs_committed_hours(hours: int | None) -> None:
    case = Case()
    with pytest.raises(BadUserInput) as raised:
        accept(case, hours)
    assert raised.value.field == "committedHoursPerMonth"
    assert case.status == CaseStatus.AWAITING_RESPONSE


def test_declining_needs_no_hours_and_refuses_them() -> None:
    assert decline(Case(), None).to_status == CaseStatus.DECLINED
    with pytest.raises(BadUserInput) as raised:
        decline(Case(), 10)
    assert raised.value.field == "committedHoursPerMonth"


@pytest.mark.parametrize(
    "status", [CaseStatus.ACCEPTED, CaseStatus.DECLINED, CaseStatus.ENGAGED, CaseStatus.CLOSED]
)
def test_only_a_case_awaiting_response_is_answered(status: CaseStatus) -> None:
    for answer in (lambda c: accept(c, 10), lambda c: decline(c, None)):
        with pytest.raises(Conflict):
            answer(Case(status=status))


@pytest.mark.parametrize(
    "status",
    [CaseStatus.AWAITING_RESPONSE, CaseStatus.DECLINED, CaseStatus.ENGAGED, CaseStatus.CLOSED],
)
def test_no_engagement_before_acceptance(status: CaseStatus) -> None:
    case = Case(status=status)
    with pytest.raises(Conflict, match="cannot start an engagement"):
        engage(case)
    assert case.status == status


def test_only_an_engaged_case_closes() -> None:
    with pytest.raises(Conflict):
        close(Case(status=CaseStatus.ACCEPTED))


# The queue and risk -----------------------------------------------------------------------


def test_the_queue_puts_higher_risk_first_then_the_oldest() -> None:
    old, new = datetime(2018, 1, 1, tzinfo=UTC), datetime(2018, 6, 1, tzinfo=UTC)
    waiting = [
        ("unknown-old", None, old),
        ("low", "LOW", old),
        ("high-new", "HIGH", new),
        ("critical", "CRITICAL", new),
        ("high-old", "HIGH", old),
        ("moderate", "MODERATE", old),
    ]
    ordered = sorted(waiting, key=lambda w: queue_key(w[1], w[2]))
    assert [w[0] for w in ordered] == [
        "critical",
        "high-old",
        "high-new",
        "moderate",
        "low",
        "unknown-old",
    ]


def test_a_risk_assessment_supersedes_an_older_or_same_day_one_only() -> None:
    known = Risk("HIGH", date(2018, 6, 1))
    assert supersedes(None, date(2018, 1, 1))
    assert supersedes(known, date(2018, 6, 2))
    assert supersedes(known, date(2018, 6, 1))  # same day: the later arrival wins
    assert not supersedes(known, date(2018, 5, 31))


# The date rule ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts_on", "ends_on"),
    [
        (date(2018, 9, 1), date(2020, 9, 1)),
        (date(2018, 12, 31), date(2020, 12, 31)),
        (date(2019, 2, 28), date(2021, 2, 28)),
        (date(2018, 3, 1), date(2020, 3, 1)),  # across 29 February 2020
        (date(2020, 2, 29), date(2022, 2, 28)),  # no 29 February in 2022: its last day
        (date(2022, 2, 28), date(2024, 2, 28)),  # not 29 February, though 2024 has one
    ],
)
def test_an_engagement_ends_two_years_after_it_starts(starts_on: date, ends_on: date) -> None:
    assert two_years_after(starts_on) == ends_on


def test_a_round_is_the_year_its_engagements_start() -> None:
    check_round(2018, date(2018, 9, 1))
    with pytest.raises(BadUserInput) as raised:
        check_round(2018, date(2019, 1, 2))
    assert raised.value.field == "startsOn"
    with pytest.raises(BadUserInput) as raised:
        check_round(2017, date(2017, 9, 1))
    assert raised.value.field == "round"


# Advisers and capacity --------------------------------------------------------------------


@pytest.mark.parametrize("count", [0, 4])
def test_an_engagement_has_one_to_three_advisers(count: int) -> None:
    check_adviser_count(3)
    with pytest.raises(BadUserInput) as raised:
        check_adviser_count(count)
    assert raised.value.field == "advisers"


@pytest.mark.parametrize("capacity", [0, 11])
def test_capacity_is_one_to_ten(capacity: int) -> None:
    with pytest.raises(BadUserInput) as raised:
        check_capacity(capacity)
    assert raised.value.field == "capacity"


def test_assigning_within_capacity_and_releasing() -> None:
    team = [Adviser("A", 2, 1), Adviser("B", 1, 0)]
    assign(team)
    assert [a.active_engagements for a in team] == [2, 1]
    release(team)
    assert [a.active_engagements for a in team] == [1, 0]


def test_an_adviser_at_capacity_is_a_conflict_and_nobody_changes() -> None:
    team = [Adviser("A", 2, 0), Adviser("B", 1, 1)]
    with pytest.raises(Conflict, match=r"B \(1 of 1\)"):
        assign(team)
    assert [a.active_engagements for a in team] == [0, 1]


def test_a_shared_service_covers_the_host_first_each_once() -> None:
    assert covered("3418", ["3419", "3417", "3419"]) == ["3418", "3419", "3417"]
    assert covered("4647", ["4647"]) == ["4647"]  # Førde and Gaular are both Sunnfjord now
    with pytest.raises(BadUserInput) as raised:
        covered("3418", [f"{n:04d}" for n in range(11)])
    assert raised.value.field == "alsoCovers"


# The engagement's state machine -----------------------------------------------------------


def test_completing_an_active_engagement() -> None:
    engagement = Engagement()
    change = complete(engagement, date(2020, 9, 1), TODAY)
    assert change.to_status == EngagementStatus.COMPLETED
    assert engagement.closed_on == date(2020, 9, 1)
    with pytest.raises(Conflict, match="completed"):
        complete(engagement, date(2020, 9, 2), TODAY)
    with pytest.raises(Conflict):
        end_early(engagement, date(2019, 1, 1), TODAY)


@pytest.mark.parametrize("on", [date(2018, 8, 31), TODAY.replace(day=2)])
def test_completion_is_dated_within_the_engagement_and_not_ahead(on: date) -> None:
    engagement = Engagement(ends_on=date(2030, 9, 1))
    with pytest.raises(BadUserInput) as raised:
        complete(engagement, on, TODAY)
    assert raised.value.field == "completedOn"
    assert engagement.status == EngagementStatus.ACTIVE


def test_ending_early_is_before_the_planned_end() -> None:
    engagement = Engagement()
    with pytest.raises(BadUserInput, match="2020-09-01") as raised:
        end_early(engagement, date(2020, 9, 1), TODAY)
    assert raised.value.field == "endedOn"
    assert end_early(engagement, date(2019, 3, 1), TODAY).to_status == EngagementStatus.ENDED_EARLY


def test_visits_are_by_its_advisers_within_its_period() -> None:
    engagement = Engagement()
    check_visit(engagement, True, date(2018, 10, 1), TODAY)
    with pytest.raises(BadUserInput) as raised:
        check_visit(engagement, False, date(2018, 10, 1), TODAY)
    assert raised.value.field == "adviserId"
    with pytest.raises(BadUserInput) as raised:
        check_visit(engagement, True, date(2020, 9, 2), TODAY)
    assert raised.value.field == "visitedOn"
    with pytest.raises(Conflict):
        check_visit(Engagement(status=EngagementStatus.COMPLETED), True, date(2018, 10, 1), TODAY)


def test_milestones_fall_within_the_two_years_and_are_reached_once() -> None:
    engagement = Engagement()
    check_milestone(engagement, date(2020, 9, 1))
    with pytest.raises(BadUserInput) as raised:
        check_milestone(engagement, date(2020, 9, 2))
    assert raised.value.field == "dueOn"
    milestone = Milestone()
    reach(milestone, engagement, date(2019, 1, 1), TODAY)
    assert milestone.reached_on == date(2019, 1, 1)
    with pytest.raises(Conflict):
        reach(milestone, engagement, date(2019, 2, 1), TODAY)
    with pytest.raises(BadUserInput) as raised:
        reach(Milestone(), engagement, date(2018, 1, 1), TODAY)
    assert raised.value.field == "reachedOn"
