from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from shared.errors import BadUserInput, Conflict
from svc_education.domain import coverage, progress
from svc_education.domain.checks import RowRejected, parse_term
from svc_education.domain.enrolments import (
    CompletionRow,
    EnrolmentRow,
    EnrolmentStatus,
    check_references,
    complete,
    current_municipality,
    give_freed_seat,
    place,
    seat_status,
    withdraw,
)
from svc_education.domain.support import add_months, check_county, cohort_term
from svc_education.domain.workforce import Education, Figures, Position, count


def row(**overrides: str) -> EnrolmentRow:
    values = {
        "offering_id": "x",
        "municipality": "5601",
        "employee_ref": "e1",
        "external_ref": "r1",
    }
    return EnrolmentRow(role=None, **(values | overrides))


def test_terms_are_autumn_or_spring() -> None:
    assert parse_term("2018H") == "2018H"
    assert parse_term(" 2019V ") == "2019V"
    for bad in ("2018", "2018S", "18H", "1990H"):
        with pytest.raises(RowRejected) as error:
            parse_term(bad)
        assert error.value.field == "term"


def test_historical_municipality_numbers_map_to_todays() -> None:
    assert current_municipality("2012") == "5601"
    assert current_municipality("5403") == "5601"
    with pytest.raises(RowRejected) as error:
        current_municipality("9999")
    assert error.value.field == "municipality"


def test_national_identity_numbers_are_refused() -> None:
    with pytest.raises(RowRejected) as error:
        check_references(row(employee_ref="15057543873"))
    assert error.value.field == "employeeRef"


def test_empty_external_reference_is_refused() -> None:
    with pytest.raises(RowRejected) as error:
        check_references(row(external_ref=" "))
    assert error.value.field == "externalRef"


def test_full_offering_waitlists() -> None:
    assert seat_status(seats=2, taken=1) is EnrolmentStatus.ACTIVE
    assert seat_status(seats=2, taken=2) is EnrolmentStatus.WAITLISTED


@dataclass
class Offering:
    seats: int
    seats_taken: int = 0
    term: str = "2018H"


@dataclass
class Enrolment:
    status: str = EnrolmentStatus.ACTIVE
    employee_ref: str = "e1"
    term: str = "2018H"
    credits: int | None = None
    completed_on: date | None = None


def test_a_new_enrolment_takes_a_free_seat_or_waits() -> None:
    offering = Offering(seats=1)
    assert place(offering, active_in_term=False) is EnrolmentStatus.ACTIVE
    assert place(offering, active_in_term=False) is EnrolmentStatus.WAITLISTED
    assert offering.seats_taken == 1


def test_an_employee_holds_one_seat_per_term() -> None:
    offering = Offering(seats=5)
    with pytest.raises(RowRejected) as error:
        place(offering, active_in_term=True)
    assert (error.value.field, offering.seats_taken) == ("employeeRef", 0)
    # Waiting for a seat while holding another is allowed: the seat is checked on promotion.
    assert place(Offering(seats=0), active_in_term=True) is EnrolmentStatus.WAITLISTED


def test_withdrawing_an_active_enrolment_frees_its_seat() -> None:
    offering, enrolment = Offering(seats=2, seats_taken=2), Enrolment()
    assert withdraw(enrolment, offering) is EnrolmentStatus.ACTIVE
    assert (enrolment.status, offering.seats_taken) == (EnrolmentStatus.WITHDRAWN, 1)
    waiting = Enrolment(status=EnrolmentStatus.WAITLISTED)
    assert withdraw(waiting, offering) is EnrolmentStatus.WAITLISTED
    assert offering.seats_taken == 1  # a waitlisted enrolment held no seat
    with pytest.raises(Conflict):
        withdraw(enrolment, offering)


def test_a_freed_seat_goes_to_the_first_waiting_without_a_seat_that_term() -> None:
    offering = Offering(seats=2, seats_taken=1)
    first, second = (Enrolment(EnrolmentStatus.WAITLISTED, ref) for ref in ("e1", "e2"))
    assert give_freed_seat(offering, [first, second], active={"e1"}) is second
    assert (first.status, second.status) == (EnrolmentStatus.WAITLISTED, EnrolmentStatus.ACTIVE)
    assert offering.seats_taken == 2
    assert give_freed_seat(Offering(seats=1), [first], active={"e1"}) is None


def test_a_completion_records_credits_once() -> None:
    enrolment = Enrolment()
    done = CompletionRow("id", credits=30, completed_on=date(2019, 6, 15))
    assert complete(enrolment, done, today=date(2020, 1, 1)) is True
    assert (enrolment.status, enrolment.credits) == (EnrolmentStatus.COMPLETED, 30)
    assert complete(enrolment, done, today=date(2020, 1, 1)) is False  # the same again: replay
    with pytest.raises(RowRejected) as error:
        complete(enrolment, CompletionRow("id", 20, date(2019, 6, 15)), date(2020, 1, 1))
    assert error.value.field == "enrolmentId"  # completed already, with other credits
    with pytest.raises(RowRejected) as error:
        complete(Enrolment(), CompletionRow("id", 30, date(2018, 7, 1)), date(2020, 1, 1))
    assert error.value.field == "completedOn"


def test_months_are_added_on_the_calendar() -> None:
    assert add_months(date(2018, 9, 1), 3) == date(2018, 12, 1)
    assert add_months(date(2018, 11, 30), 3) == date(2019, 2, 28)
    assert add_months(date(2019, 10, 31), 4) == date(2020, 2, 29)


def test_a_cohort_runs_three_to_four_months_and_belongs_to_its_start_term() -> None:
    assert cohort_term(date(2018, 9, 1), date(2018, 11, 30)) == "2018H"
    assert cohort_term(date(2018, 9, 1), date(2018, 12, 31)) == "2018H"
    assert cohort_term(date(2019, 1, 7), date(2019, 4, 30)) == "2019V"
    assert cohort_term(date(2018, 7, 31), date(2018, 11, 15)) == "2018V"


def test_every_120_credits_lift_one_core_task_employee_of_that_municipality() -> None:
    staff = [
        (Position.CORE_TASK, Education.MASTER_5, 1),
        (Position.CORE_TASK, Education.BACHELOR_3, 2),
        (Position.LEADER, Education.OTHER, 1),
    ]
    figures = count(staff)
    assert (figures.employees, figures.core_task, figures.master_share) == (4, 3, 0.3333)
    assert figures.with_completions(3, 90).projected_master_share == 0.3333
    assert figures.with_completions(8, 240).projected_master_share == 1.0
    assert figures.with_completions(20, 600).projected_master_share == 1.0  # never above all
    # Summed over municipalities, one's credits never lift another's staff.
    done = count([(Position.CORE_TASK, Education.MASTER_5, 1)]).with_completions(4, 120)
    assert (done + figures).projected_core_task_master == 2
    assert Figures().master_share is None


def test_a_cohort_takes_its_own_county_or_a_marked_neighbour() -> None:
    check_county("11", "11", across_county_border=False)
    check_county("11", "46", across_county_border=True)  # Vestland borders Rogaland
    for municipality_county, across, field in [
        ("46", False, "municipality"),
        ("56", True, "municipality"),
        ("11", True, "acrossCountyBorder"),
    ]:
        with pytest.raises(BadUserInput) as refused:
            check_county("11", municipality_county, across_county_border=across)
        assert refused.value.field == field


# Coverage -----------------------------------------------------------------------------------


@dataclass
class Money:
    committed_ore: int = 0
    paid_ore: int = 0


def test_a_grant_s_money_follows_grants_rules_to_its_end() -> None:
    settled, reclaimed, cancelled = Money(), Money(), Money()
    for grant in (settled, reclaimed, cancelled):
        coverage.awarded(grant, 1000)
    coverage.paid(settled, 600)
    coverage.released(settled, 400)
    assert settled == Money(600, 600)
    coverage.paid(reclaimed, 700)
    coverage.reclaimed(reclaimed, 200)  # the unpaid 300 is released, 200 is owed back
    assert reclaimed == Money(500, 500)
    coverage.released(cancelled, 1000)
    assert cancelled == Money(0, 0)


def test_the_nation_reached_is_exactly_the_municipalities_with_a_measure() -> None:
    period = coverage.parse_period(2018, date(2026, 12, 1))
    found = coverage.reach(
        period,
        {
            coverage.Measure.FURTHER_EDUCATION: ["5601", "0301"],
            coverage.Measure.GUIDANCE: ["5601", "5614"],
        },
    )
    assert found.coverage("5601").measures == {
        coverage.Measure.FURTHER_EDUCATION,
        coverage.Measure.GUIDANCE,
    }
    assert found.coverage("1122").measures == frozenset()
    national = coverage.overview(
        found, {"56": ["5601", "5614", "5603"], "03": ["0301"], "11": ["1122"]}, coverage.Totals()
    )
    assert (national.municipalities_total, national.municipalities_reached) == (5, 3)
    assert national.by_measure[coverage.Measure.GUIDANCE] == 2
    assert national.counties[0].by_measure[coverage.Measure.FURTHER_EDUCATION] == 1
    assert [(c.county, c.municipalities_reached) for c in national.counties] == [
        ("56", 2),
        ("03", 1),
        ("11", 0),
    ]


def test_a_year_is_from_the_first_cohorts_to_next_year() -> None:
    today = date(2026, 12, 1)
    assert coverage.parse_period(None, today).terms is None
    assert coverage.parse_period(2017, today).terms == ("2017V", "2017H")
    assert coverage.parse_period(2027, today).year == 2027
    for bad in (2016, 2028):
        with pytest.raises(BadUserInput) as error:
            coverage.parse_period(bad, today)
        assert error.value.field == "year"


def test_the_target_is_the_straight_line_to_the_goal_in_2024() -> None:
    assert [progress.target(1.0, y) for y in (2017, 2018, 2021, 2024, 2030)] == [
        0.0,
        0.1429,
        0.5714,
        1.0,
        1.0,
    ]


def test_progress_counts_each_employee_from_the_year_first_reached() -> None:
    reached = [progress.Reached("1122", 2018), progress.Reached("1103", 2019)]
    series = progress.progress(["1122", "1103", "1101"], {"1122": 4, "9999": 50}, reached, [])
    assert [(y.year, y.support_programme_employees) for y in series[:3]] == [
        (2018, 1),
        (2019, 2),
        (2020, 2),
    ]
    # Only the recorded municipality is measured: 1 of its 4; 9999 is not in the area.
    assert (series[1].workforce, series[1].support_programme_share) == (4, 0.25)
    assert series[1].further_education_share == 0.0
