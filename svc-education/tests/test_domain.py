from __future__ import annotations

from datetime import date

import pytest

from svc_education.domain import (
    EnrolmentRow,
    EnrolmentStatus,
    RowRejected,
    check_references,
    current_municipality,
    parse_term,
    seat_status,
)
from svc_education.domain.support import add_months, cohort_term
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
        check_references(row(employee_ref="01017012345"))
    assert error.value.field == "employeeRef"


def test_empty_external_reference_is_refused() -> None:
    with pytest.raises(RowRejected) as error:
        check_references(row(external_ref=" "))
    assert error.value.field == "externalRef"


def test_full_offering_waitlists() -> None:
    assert seat_status(seats=2, taken=1) is EnrolmentStatus.ACTIVE
    assert seat_status(seats=2, taken=2) is EnrolmentStatus.WAITLISTED


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
