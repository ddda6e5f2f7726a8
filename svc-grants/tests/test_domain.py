from __future__ import annotations

import pytest

from shared.errors import BadUserInput
from svc_grants.domain import (
    EligibilityStatus,
    SchemeKind,
    eligibility_for,
    term_year,
    validate_scheme,
)


def test_only_an_active_enrolment_makes_the_employer_eligible() -> None:
    assert eligibility_for("ACTIVE") is EligibilityStatus.ELIGIBLE
    assert eligibility_for("WAITLISTED") is EligibilityStatus.AWAITING_SEAT


def test_an_enrolments_year_is_its_terms() -> None:
    assert term_year("2018H") == 2018
    assert term_year("2019V") == 2019


@pytest.mark.parametrize(
    ("name", "year", "budget", "kind", "county", "field"),
    [
        (" ", 2018, 100, SchemeKind.DEVELOPMENT_PROJECT, None, "name"),
        ("X", 2017, 100, SchemeKind.DEVELOPMENT_PROJECT, None, "year"),
        ("X", 2018, 0, SchemeKind.DEVELOPMENT_PROJECT, None, "budgetNok"),
        ("X", 2018, 100, SchemeKind.EMPLOYER_FURTHER_EDUCATION, "11", "county"),
    ],
)
def test_invalid_schemes_name_the_field(
    name: str, year: int, budget: int, kind: SchemeKind, county: str | None, field: str
) -> None:
    with pytest.raises(BadUserInput) as error:
        validate_scheme(name, year, budget, kind, county)
    assert error.value.field == field
