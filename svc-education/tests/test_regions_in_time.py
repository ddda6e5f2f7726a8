"""Municipalities and counties as they were in a year, and historical views showing those names."""

from __future__ import annotations

from typing import Any

DIRECTORATE = ["directorate"]


def error_of(errors: list[dict[str, Any]]) -> tuple[str, str | None]:
    return errors[0]["extensions"]["code"], errors[0]["extensions"].get("field")


async def test_a_municipality_names_its_area_in_a_year(gql) -> None:
    data, errors = await gql(
        """{ sunnfjord: municipality(number: "4647") { name then: nameIn(year: 2018)
               numbersIn(year: 2018) countyNumbersIn(year: 2018) now: nameIn(year: 2024) }
             alta: municipality(number: "2012") { number numbersIn(year: 2021)
               countyNumbersIn(year: 2021) } }"""
    )
    assert errors == []
    assert data["sunnfjord"] == {
        "name": "Sunnfjord",
        "then": "Gaular / Jølster / Førde / Naustdal",
        "numbersIn": ["1430", "1431", "1432", "1433"],
        "countyNumbersIn": ["14"],
        "now": "Sunnfjord",
    }
    assert data["alta"] == {"number": "5601", "numbersIn": ["5403"], "countyNumbersIn": ["54"]}


async def test_a_county_names_its_area_and_its_governors_in_a_year(gql) -> None:
    data, errors = await gql(
        """{ county(number: "46") { name nameIn(year: 2018) numbersIn(year: 2018)
               governorsIn(year: 2018) later: governorsIn(year: 2021) } }"""
    )
    assert errors == []
    assert data["county"] == {
        "name": "Vestland",
        "nameIn": "Hordaland / Sogn og Fjordane",
        "numbersIn": ["12", "14"],
        "governorsIn": ["Fylkesmannen i Hordaland", "Fylkesmannen i Sogn og Fjordane"],
        "later": ["Statsforvalteren i Vestland"],
    }


async def test_a_year_before_the_reference_data_is_bad_user_input(gql) -> None:
    for query in (
        '{ municipality(number: "1108") { nameIn(year: 2017) } }',
        '{ county(number: "11") { governorsIn(year: 1999) } }',
    ):
        _, errors = await gql(query)
        assert error_of(errors) == ("BAD_USER_INPUT", "year")
        assert "2018" in errors[0]["message"]


async def test_a_2018_cohort_shows_the_names_of_its_time_beside_todays(gql) -> None:
    cohort = {
        "county": "11",
        "knowledgeCentre": "RKBU_VEST",
        "startsOn": "2018-09-03",
        "endsOn": "2018-12-14",
    }
    data, errors = await gql(
        "mutation($i: SupportCohortInput!) {"
        " createSupportCohort(input: $i) { id countyNameThen } }",
        {"i": cohort},
        DIRECTORATE,
    )
    assert errors == []
    assert data["createSupportCohort"]["countyNameThen"] == "Rogaland"
    join = {
        "cohortId": data["createSupportCohort"]["id"],
        "municipality": "1129",  # Forsand, in Sandnes since 2020
        "headCount": 2,
        "participants": [{"employeeRef": "forsand-1", "role": "LEADER"}],
    }
    data, errors = await gql(
        """mutation($i: CohortJoinInput!) { joinSupportCohort(input: $i) {
          municipality { number name } municipalityNameThen } }""",
        {"i": join},
        DIRECTORATE,
    )
    assert errors == []
    assert data["joinSupportCohort"] == {
        "municipality": {"number": "1108", "name": "Sandnes"},
        "municipalityNameThen": "Forsand",
    }


async def test_a_cohort_of_2017_shows_the_names_of_2018_the_oldest_the_data_holds(gql) -> None:
    cohort = {
        "county": "20",  # Finnmark, today 56
        "knowledgeCentre": "RKBU_NORD",
        "startsOn": "2017-09-04",
        "endsOn": "2017-12-15",
    }
    data, errors = await gql(
        "mutation($i: SupportCohortInput!) { createSupportCohort(input: $i) { countyNameThen } }",
        {"i": cohort},
        DIRECTORATE,
    )
    assert errors == []
    assert data["createSupportCohort"]["countyNameThen"] == "Finnmark - Finnmárku"
