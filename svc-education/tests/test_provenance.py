"""Demo records say so and name their source; a year's reported totals of the support programme."""

from __future__ import annotations

from typing import Any

import pytest

DIRECTORATE = ["directorate"]
LAW = "6f0b1c2e-2018-4a01-8000-000000000003"
OFFERING = """mutation($i: OfferingInput!) { createOffering(input: $i) { demo source } }"""
YEAR = """mutation($i: SupportProgrammeYearInput!) { recordSupportProgrammeYear(input: $i) {
  year employees municipalities counties approximate demo source } }"""
SOURCE_2017 = "Bufdir (2019), NIFU evaluation: 166 employees in 39 municipalities in 2017"


def error_of(errors: list[dict[str, Any]]) -> tuple[str, str | None]:
    return errors[0]["extensions"]["code"], errors[0]["extensions"].get("field")


async def test_a_demo_offering_says_so_and_an_ordinary_one_has_no_label(gql) -> None:
    offering = {"programmeId": LAW, "term": "2018H", "seats": 45}
    demo = offering | {"demo": True, "source": "Demo: the seat split is invented"}
    data, errors = await gql(OFFERING, {"i": demo}, ["institution:uis"])
    assert errors == []
    assert data["createOffering"] == {"demo": True, "source": "Demo: the seat split is invented"}
    data, errors = await gql(OFFERING, {"i": offering | {"term": "2019V"}}, ["institution:uis"])
    assert errors == []
    assert data["createOffering"] == {"demo": False, "source": None}


@pytest.mark.parametrize("source", [None, "   ", "x" * 501])
async def test_a_demo_record_must_say_what_is_invented(gql, row_counts, source) -> None:
    before = await row_counts()
    offering = {"programmeId": LAW, "term": "2018H", "seats": 45, "demo": True, "source": source}
    _, errors = await gql(OFFERING, {"i": offering}, ["institution:uis"])
    assert error_of(errors) == ("BAD_USER_INPUT", "source")
    assert await row_counts() == before


async def test_a_years_reported_totals_are_recorded_and_replaced(gql) -> None:
    year = {
        "year": 2017,
        "employees": 166,
        "municipalities": 39,
        "counties": 5,
        "source": SOURCE_2017,
    }
    data, errors = await gql(YEAR, {"i": year}, DIRECTORATE)
    assert errors == []
    about_400 = {"year": 2018, "employees": 400, "approximate": True, "source": "about 400"}
    await gql(YEAR, {"i": about_400}, DIRECTORATE)
    await gql(YEAR, {"i": year}, DIRECTORATE)  # again: replaced, not added
    data, errors = await gql(
        "{ supportProgrammeYears { year employees municipalities approximate } }"
    )
    assert errors == []
    assert data["supportProgrammeYears"] == [
        {"year": 2017, "employees": 166, "municipalities": 39, "approximate": False},
        {"year": 2018, "employees": 400, "municipalities": None, "approximate": True},
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [({"year": 2016}, "year"), ({"employees": 0}, "employees"), ({"counties": -1}, "counties")],
)
async def test_reported_totals_are_checked(gql, row_counts, change, field) -> None:
    before = await row_counts()
    year = {"year": 2017, "employees": 166} | change
    _, errors = await gql(YEAR, {"i": year}, DIRECTORATE)
    assert error_of(errors) == ("BAD_USER_INPUT", field)
    assert await row_counts() == before


async def test_only_the_directorate_records_reported_totals(gql) -> None:
    year = {"i": {"year": 2017, "employees": 166}}
    _, errors = await gql(YEAR, year, ["county:11"])
    assert error_of(errors)[0] == "FORBIDDEN"
    _, errors = await gql(YEAR, year)
    assert error_of(errors)[0] == "UNAUTHENTICATED"


REGISTER = """mutation($i: [EnrolmentInput!]!) { registerEnrolments(input: $i) {
  items { status field enrolment { demo source municipality { number } municipalityNameThen } }
} }"""


async def test_demo_enrolments_say_so_and_show_the_name_they_were_posted_with(gql) -> None:
    created, _ = await gql(
        """mutation($i: OfferingInput!) { createOffering(input: $i) { id } }""",
        {"i": {"programmeId": LAW, "term": "2018H", "seats": 5}},
        ["institution:uis"],
    )
    row = {"offeringId": created["createOffering"]["id"], "employeeRef": "e-1"}
    rows = [
        row | {"municipality": "1432", "externalRef": "r-1", "demo": True, "source": "Demo"},
        row | {"municipality": "4647", "externalRef": "r-2", "employeeRef": "e-2"},
        row | {"municipality": "1432", "externalRef": "r-3", "employeeRef": "e-3", "demo": True},
    ]
    data, errors = await gql(REGISTER, {"i": rows}, ["institution:uis"])
    assert errors == []
    first, second, third = data["registerEnrolments"]["items"]
    assert first["enrolment"] == {
        "demo": True,
        "source": "Demo",
        "municipality": {"number": "4647"},
        "municipalityNameThen": "Førde",
    }
    assert second["enrolment"]["demo"] is False
    assert second["enrolment"]["municipalityNameThen"] == "Gaular / Jølster / Førde / Naustdal"
    assert (third["status"], third["field"], third["enrolment"]) == ("REJECTED", "source", None)
