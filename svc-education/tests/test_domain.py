from __future__ import annotations

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
