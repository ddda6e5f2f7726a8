"""Workforce competence: a municipality's record, the master requirement, county and national."""

from __future__ import annotations

from typing import Any

import pytest

ALTA = ["municipality:5601"]
RECORD = """mutation($i: WorkforceInput!) { recordWorkforce(input: $i) {
  asOf recordedAt employeeCount leaderCount coreTaskCount coreTaskWithMaster coreTaskWithBachelor
  coreTaskMasterShare completionsSinceRecord creditsSinceRecord projectedCoreTaskMasterShare
  municipality { number } employees { employeeRef position education } } }"""
WORKFORCE = """query($n: String!) { municipality(number: $n) { workforce {
  asOf recordedAt coreTaskMasterShare completionsSinceRecord creditsSinceRecord
  projectedCoreTaskMasterShare } } }"""
REPORT = """query($c: String) { workforceReport(county: $c) {
  county { number } municipalityCount reportingMunicipalityCount employeeCount coreTaskCount
  coreTaskWithMaster coreTaskMasterShare projectedCoreTaskMasterShare
  municipalities { municipality { number } coreTaskMasterShare } } }"""


def staff(core_master: int, core_bachelor: int, leaders: int = 1, other: int = 0) -> list[dict]:
    rows = [("CORE_TASK", "MASTER_5")] * core_master + [("CORE_TASK", "BACHELOR_3")] * core_bachelor
    rows += [("LEADER", "MASTER_5")] * leaders + [("OTHER", "OTHER")] * other
    return [
        {"employeeRef": f"ansatt-{i}", "position": position, "education": education}
        for i, (position, education) in enumerate(rows)
    ]


def workforce(municipality: str = "5601", as_of: str = "2018-08-01", **kwargs: int) -> dict:
    employees = staff(**({"core_master": 2, "core_bachelor": 6} | kwargs))
    return {"municipality": municipality, "asOf": as_of, "employees": employees}


def error_of(errors: list[dict[str, Any]]) -> tuple[str, str | None]:
    return errors[0]["extensions"]["code"], errors[0]["extensions"].get("field")


async def test_a_municipality_records_its_workforce(gql) -> None:
    data, errors = await gql(RECORD, {"i": workforce("2012", other=1)}, ALTA)  # Alta's 2018 number
    assert errors == []
    recorded = data["recordWorkforce"]
    assert recorded["municipality"] == {"number": "5601"}
    assert (recorded["employeeCount"], recorded["leaderCount"], recorded["coreTaskCount"]) == (
        10,
        1,
        8,
    )
    assert (recorded["coreTaskWithMaster"], recorded["coreTaskWithBachelor"]) == (2, 6)
    assert recorded["coreTaskMasterShare"] == 0.25
    assert recorded["projectedCoreTaskMasterShare"] == 0.25
    assert recorded["employees"][0] == {
        "employeeRef": "ansatt-0",
        "position": "CORE_TASK",
        "education": "MASTER_5",
    }


async def test_recording_replaces_the_whole_list_and_a_repeat_changes_nothing(
    gql, row_counts
) -> None:
    first, _ = await gql(RECORD, {"i": workforce()}, ALTA)
    before = await row_counts()
    again, errors = await gql(RECORD, {"i": workforce()}, ALTA)
    assert errors == []
    assert again == first  # recordedAt included: the same list is no new record
    assert await row_counts() == before

    smaller = workforce(as_of="2019-08-01", core_master=3, core_bachelor=1, leaders=0)
    data, errors = await gql(RECORD, {"i": smaller}, ["directorate"])
    assert errors == []
    assert data["recordWorkforce"]["employeeCount"] == 4
    assert data["recordWorkforce"]["coreTaskMasterShare"] == 0.75
    assert (await row_counts())["workforce_members"] == 4

    empty, errors = await gql(RECORD, {"i": {**smaller, "employees": []}}, ALTA)
    assert errors == []
    nobody = empty["recordWorkforce"]
    assert (nobody["employeeCount"], nobody["coreTaskMasterShare"]) == (0, None)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"municipality": "9999"}, "municipality"),
        ({"asOf": "2999-01-01"}, "asOf"),
        ({"asOf": "2016-12-31"}, "asOf"),
        ({"employees": staff(5000, 0)}, "employees"),  # 5,001 with the leader
        (
            {"employees": [{"employeeRef": "a", "position": "OTHER", "education": "OTHER"}] * 2},
            "employees",
        ),
        (
            {
                "employees": [
                    *staff(1, 0),
                    {"employeeRef": "15057543873", "position": "OTHER", "education": "OTHER"},
                ]
            },
            "employees[2].employeeRef",
        ),
    ],
)
async def test_workforce_input_is_checked(gql, row_counts, change: dict, field: str) -> None:
    await gql(RECORD, {"i": workforce()}, ["directorate"])
    before = await row_counts()
    _, errors = await gql(RECORD, {"i": workforce() | change}, ["directorate"])
    assert error_of(errors) == ("BAD_USER_INPUT", field)
    assert await row_counts() == before


@pytest.mark.parametrize(
    ("roles", "code"),
    [
        (None, "UNAUTHENTICATED"),
        (["municipality:5603"], "FORBIDDEN"),
        (["county:56"], "FORBIDDEN"),  # the county governor reads it, the municipality writes it
        (["institution:uis"], "FORBIDDEN"),
    ],
)
async def test_only_the_municipality_itself_records(
    gql, row_counts, roles: list[str] | None, code: str
) -> None:
    before = await row_counts()
    _, errors = await gql(RECORD, {"i": workforce()}, roles)
    assert error_of(errors) == (code, None)
    assert await row_counts() == before


async def test_workforce_is_seen_by_the_municipality_its_county_and_the_directorate(gql) -> None:
    data, _ = await gql(WORKFORCE, {"n": "5601"}, ALTA)
    assert data["municipality"]["workforce"] is None  # not recorded yet
    await gql(RECORD, {"i": workforce()}, ALTA)
    for roles in (ALTA, ["county:56"], ["directorate"]):
        data, errors = await gql(WORKFORCE, {"n": "5601"}, roles)
        assert errors == []
        assert data["municipality"]["workforce"]["coreTaskMasterShare"] == 0.25
    for roles, code in ((["municipality:5603"], "FORBIDDEN"), (None, "UNAUTHENTICATED")):
        _, errors = await gql(WORKFORCE, {"n": "5601"}, roles)
        assert error_of(errors) == (code, None)


async def enrol_and_complete(gql, municipality: str, completions: list[tuple[int, str]]) -> None:
    programmes, _ = await gql("{ programmes { id } }")
    created, _ = await gql(
        "mutation($i: OfferingInput!) { createOffering(input: $i) { id } }",
        {"i": {"programmeId": programmes["programmes"][0]["id"], "term": "2018H", "seats": 50}},
        ["institution:uis"],
    )
    offering = created["createOffering"]["id"]
    rows = [
        {
            "offeringId": offering,
            "municipality": municipality,
            "employeeRef": f"{municipality}-{i}",
            "externalRef": f"{municipality}-{i}",
        }
        for i in range(len(completions))
    ]
    registered, _ = await gql(
        """mutation($i: [EnrolmentInput!]!) { registerEnrolments(input: $i) {
             items { enrolment { id } } } }""",
        {"i": rows},
        ["institution:uis"],
    )
    items = registered["registerEnrolments"]["items"]
    done, errors = await gql(
        "mutation($i: [CompletionInput!]!) { recordCompletions(input: $i) { recorded } }",
        {
            "i": [
                {"enrolmentId": item["enrolment"]["id"], "credits": credits, "completedOn": day}
                for item, (credits, day) in zip(items, completions, strict=True)
            ]
        },
        ["institution:uis"],
    )
    assert (errors, done["recordCompletions"]["recorded"]) == ([], len(completions))


async def test_completions_after_the_record_move_the_projection(gql) -> None:
    await gql(RECORD, {"i": workforce(as_of="2019-01-15")}, ALTA)
    # Two before the record (already in it), four after, one of them without credits.
    await enrol_and_complete(
        gql,
        "5601",
        [
            *[(30, "2019-01-10"), (30, "2019-01-15")],
            *[(30, "2019-06-15"), (30, "2019-06-15"), (30, "2019-12-20"), (0, "2019-12-20")],
        ],
    )
    data, errors = await gql(WORKFORCE, {"n": "5601"}, ALTA)
    assert errors == []
    figures = data["municipality"]["workforce"]
    assert (figures["completionsSinceRecord"], figures["creditsSinceRecord"]) == (3, 90)
    assert figures["projectedCoreTaskMasterShare"] == 0.25  # 90 credits: not yet a master

    await enrol_and_complete(gql, "2012", [(30, "2020-06-15")])
    data, _ = await gql(WORKFORCE, {"n": "5601"}, ALTA)
    figures = data["municipality"]["workforce"]
    assert (figures["creditsSinceRecord"], figures["coreTaskMasterShare"]) == (120, 0.25)
    assert figures["projectedCoreTaskMasterShare"] == 0.375  # 120 credits: one more of eight


async def test_county_and_national_reports(gql) -> None:
    await gql(RECORD, {"i": workforce()}, ALTA)  # 2 of 8 core-task staff with a master
    await gql(RECORD, {"i": workforce("5603", core_master=3, core_bachelor=1)}, ["directorate"])
    await gql(RECORD, {"i": workforce("0301", core_master=10, core_bachelor=0)}, ["directorate"])

    data, errors = await gql(REPORT, {"c": "56"}, ["county:56"])
    assert errors == []
    finnmark = data["workforceReport"]
    assert finnmark["county"] == {"number": "56"}
    assert (finnmark["municipalityCount"], finnmark["reportingMunicipalityCount"]) == (18, 2)
    assert (finnmark["coreTaskCount"], finnmark["coreTaskWithMaster"]) == (12, 5)
    assert finnmark["coreTaskMasterShare"] == 0.4167
    assert [m["municipality"]["number"] for m in finnmark["municipalities"]] == ["5601", "5603"]

    data, errors = await gql(REPORT, {"c": None}, ["directorate"])
    assert errors == []
    national = data["workforceReport"]
    assert (national["county"], national["municipalityCount"]) == (None, 357)
    assert (national["reportingMunicipalityCount"], national["coreTaskWithMaster"]) == (3, 15)
    assert national["coreTaskMasterShare"] == 0.6818


@pytest.mark.parametrize(
    ("county", "roles", "code", "field"),
    [
        ("56", None, "UNAUTHENTICATED", None),
        ("56", ["county:03"], "FORBIDDEN", None),
        ("56", ALTA, "FORBIDDEN", None),
        (None, ["county:56"], "FORBIDDEN", None),  # national figures are the directorate's
        ("5", ["directorate"], "BAD_USER_INPUT", "county"),
    ],
)
async def test_report_refusals(
    gql, county: str | None, roles: list[str] | None, code: str, field: str | None
) -> None:
    _, errors = await gql(REPORT, {"c": county}, roles)
    assert error_of(errors) == (code, field)
