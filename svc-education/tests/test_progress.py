"""Progress against the strategy's goals, 2018–2024, per county and nation."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

LAW = "6f0b1c2e-2018-4a01-8000-000000000003"
GJESDAL, EIGERSUND, STAVANGER = "1122", "1101", "1103"  # Rogaland (11)
DIRECTORATE = ["directorate"]
WORKFORCE = """mutation($i: WorkforceInput!) { recordWorkforce(input: $i) { employeeCount } }"""
OFFERING = """mutation($i: OfferingInput!) { createOffering(input: $i) { id } }"""
REGISTER = """mutation($i: [EnrolmentInput!]!) { registerEnrolments(input: $i) { accepted } }"""
COHORT = """mutation($i: SupportCohortInput!) { createSupportCohort(input: $i) { id } }"""
JOIN = """mutation($i: CohortJoinInput!) { joinSupportCohort(input: $i) { participantCount } }"""
PROGRESS = """query($c: String) { goalProgress(county: $c) { year workforce reportingMunicipalities
  supportProgrammeEmployees supportProgrammeShare supportProgrammeTarget
  furtherEducationEmployees furtherEducationShare furtherEducationTarget } }"""


async def ok(gql, query: str, variables: dict[str, Any], roles: list[str]) -> dict[str, Any]:
    data, errors = await gql(query, variables, roles)
    assert errors == [], errors
    return data


async def workforce(gql, municipality: str, employees: int) -> None:
    people = [
        {"employeeRef": f"w-{municipality}-{i}", "position": "CORE_TASK", "education": "BACHELOR_3"}
        for i in range(employees)
    ]
    variables = {"i": {"municipality": municipality, "asOf": "2019-01-01", "employees": people}}
    await ok(gql, WORKFORCE, variables, DIRECTORATE)


async def enrol(gql, term: str, rows: list[tuple[str, str]]) -> None:
    variables = {"i": {"programmeId": LAW, "term": term, "seats": 10}}
    offering = (await ok(gql, OFFERING, variables, ["institution:uis"]))["createOffering"]["id"]
    enrolments = [
        {
            "offeringId": offering,
            "municipality": m,
            "employeeRef": e,
            "externalRef": uuid.uuid4().hex,
        }
        for m, e in rows
    ]
    await ok(gql, REGISTER, {"i": enrolments}, ["institution:uis"])


@pytest.fixture
async def rogaland(gql) -> None:
    await workforce(gql, GJESDAL, 6)
    await workforce(gql, EIGERSUND, 4)
    cohort = {
        "county": "11",
        "knowledgeCentre": "RKBU_VEST",
        "startsOn": "2018-09-01",
        "endsOn": "2018-12-14",
    }
    cohort_id = (await ok(gql, COHORT, {"i": cohort}, DIRECTORATE))["createSupportCohort"]["id"]
    people = [{"employeeRef": f"p-{i}", "role": "EMPLOYEE"} for i in range(3)]
    join = {"cohortId": cohort_id, "municipality": GJESDAL, "headCount": 6, "participants": people}
    await ok(gql, JOIN, {"i": join}, DIRECTORATE)
    await enrol(gql, "2018H", [(GJESDAL, "a"), (EIGERSUND, "b")])
    # "a" again in spring (counted once); Stavanger has recorded no workforce.
    await enrol(gql, "2019V", [(GJESDAL, "a"), (STAVANGER, "c")])


async def test_a_county_s_progress_year_by_year_against_the_goals(gql, rogaland: None) -> None:
    series = (await ok(gql, PROGRESS, {"c": "11"}, ["county:11"]))["goalProgress"]
    assert [y["year"] for y in series] == list(range(2018, 2025))
    first, second, last = series[0], series[1], series[-1]
    assert (first["workforce"], first["reportingMunicipalities"]) == (10, 2)
    assert (first["supportProgrammeEmployees"], first["supportProgrammeShare"]) == (3, 0.3)
    assert (first["furtherEducationEmployees"], first["furtherEducationShare"]) == (2, 0.2)
    # Stavanger's employee counts as reached, not in the share: no workforce to measure against.
    assert (second["furtherEducationEmployees"], second["furtherEducationShare"]) == (3, 0.2)
    assert (first["supportProgrammeTarget"], first["furtherEducationTarget"]) == (0.1429, 0.0476)
    assert (last["supportProgrammeTarget"], last["furtherEducationTarget"]) == (1.0, 0.3333)
    assert last["supportProgrammeEmployees"] == 3

    national = (await ok(gql, PROGRESS, {"c": None}, DIRECTORATE))["goalProgress"]
    assert national[1]["furtherEducationEmployees"] == 3 and national[0]["workforce"] == 10
    counties = await ok(
        gql, "{ counties { number goalProgress { year workforce } } }", {}, DIRECTORATE
    )
    by_county = {c["number"]: c["goalProgress"] for c in counties["counties"]}
    assert len(by_county) == 15 and by_county["11"][0]["workforce"] == 10
    assert by_county["03"][0]["workforce"] == 0


async def test_a_series_without_any_workforce_record_has_no_shares(gql) -> None:
    series = (await ok(gql, PROGRESS, {"c": "56"}, DIRECTORATE))["goalProgress"]
    assert {(y["supportProgrammeShare"], y["furtherEducationShare"]) for y in series} == {
        (None, None)
    }


@pytest.mark.parametrize(
    ("county", "roles", "code"),
    [
        ("11", None, "UNAUTHENTICATED"),
        ("11", ["county:03"], "FORBIDDEN"),
        ("11", ["municipality:1122"], "FORBIDDEN"),
        (None, ["county:11"], "FORBIDDEN"),
        ("99", DIRECTORATE, "BAD_USER_INPUT"),
    ],
)
async def test_progress_is_for_the_county_s_governor_and_the_directorate(
    gql, county: str | None, roles: list[str] | None, code: str
) -> None:
    data, errors = await gql(PROGRESS, {"c": county}, roles)
    assert data is None
    assert errors[0]["extensions"]["code"] == code
