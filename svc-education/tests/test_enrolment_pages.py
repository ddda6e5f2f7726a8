"""Enrolments a page at a time (Relay connections), beside the plain lists clients rely on."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

LAW = "6f0b1c2e-2018-4a01-8000-000000000003"
OFFERING = """mutation($i: OfferingInput!) { createOffering(input: $i) { id } }"""
REGISTER = """mutation($i: [EnrolmentInput!]!) { registerEnrolments(input: $i) { accepted } }"""
MUNICIPALITY = """query($after: String) { municipality(number: "5601") {
  enrolments { externalRef }
  enrolmentsConnection(first: 2, after: $after) {
    totalCount edges { cursor node { externalRef } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }"""
INSTITUTION = """query($i: ID, $s: EnrolmentStatus, $after: String) {
  enrolmentsConnection(institution: $i, status: $s, first: 10, after: $after) {
    totalCount edges { node { externalRef status } } } }"""


async def enrol(gql, institution: str, seats: int, refs: list[str]) -> None:
    variables = {"i": {"programmeId": LAW, "term": "2018H", "seats": seats}}
    data, errors = await gql(OFFERING, variables, [f"institution:{institution}"])
    assert errors == []
    rows = [
        {
            "offeringId": data["createOffering"]["id"],
            "municipality": "2012",
            "employeeRef": f"e-{uuid.uuid4().hex}",
            "externalRef": ref,
        }
        for ref in refs
    ]
    for row in rows:  # one call each: registration order is the order of the refs
        _, errors = await gql(REGISTER, {"i": [row]}, [f"institution:{institution}"])
        assert errors == []


async def test_a_municipality_s_enrolments_page_by_page_are_its_whole_list(gql) -> None:
    await enrol(gql, "uis", 10, ["r1", "r2", "r3", "r4", "r5"])
    seen: list[str] = []
    after: str | None = None
    while True:
        data, errors = await gql(MUNICIPALITY, {"after": after}, ["municipality:5601"])
        assert errors == []
        page = data["municipality"]["enrolmentsConnection"]
        assert page["totalCount"] == 5
        assert page["pageInfo"]["hasPreviousPage"] == (after is not None)
        seen += [edge["node"]["externalRef"] for edge in page["edges"]]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [e["externalRef"] for e in data["municipality"]["enrolments"]]
    assert seen == ["r1", "r2", "r3", "r4", "r5"]


async def test_an_institution_pages_its_own_enrolments_and_the_waiting_list(gql) -> None:
    await enrol(gql, "uis", 1, ["s1", "s2"])  # s2 waits for a seat
    await enrol(gql, "uit", 5, ["t1"])
    data, errors = await gql(INSTITUTION, {}, ["institution:uis"])
    assert errors == []
    assert [e["node"]["externalRef"] for e in data["enrolmentsConnection"]["edges"]] == [
        "s1",
        "s2",
    ]
    data, errors = await gql(INSTITUTION, {"s": "WAITLISTED"}, ["institution:uis"])
    assert data["enrolmentsConnection"]["edges"] == [
        {"node": {"externalRef": "s2", "status": "WAITLISTED"}}
    ]
    data, errors = await gql(INSTITUTION, {}, ["directorate"])
    assert data["enrolmentsConnection"]["totalCount"] == 3


@pytest.mark.parametrize(
    ("variables", "roles", "code", "field"),
    [
        ({"i": "uit"}, ["institution:uis"], "FORBIDDEN", None),
        ({}, None, "UNAUTHENTICATED", None),
        ({}, ["municipality:5601"], "FORBIDDEN", None),
        ({"after": "bm90IGEgY3Vyc29y"}, ["institution:uis"], "BAD_USER_INPUT", "after"),
    ],
)
async def test_who_may_page_an_institution_s_enrolments_and_bad_cursors(
    gql, variables: dict[str, Any], roles: list[str] | None, code: str, field: str | None
) -> None:
    await enrol(gql, "uis", 2, ["x1"])
    data, errors = await gql(INSTITUTION, variables, roles)
    assert data is None
    assert errors[0]["extensions"]["code"] == code
    assert errors[0]["extensions"].get("field") == field
