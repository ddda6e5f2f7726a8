"""Change requests of an approved grant: an extension moves the end date and the open reports'
due dates, a budget move is recorded; each with its own assessment and history rows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from svc_grants.service.aftercare import mark_overdue_reports

DIRECTORATE = ["directorate"]
HOLDER = ["municipality:5601"]
REQUEST = """mutation($input: ChangeRequestInput!) {
  requestGrantChange(input: $input) { id kind status reason newEndDate amountNok } }"""
DECIDE = """mutation($id: ID!, $approve: Boolean!, $reason: String!) {
  decideGrantChange(id: $id, approve: $approve, reason: $reason) { id kind status } }"""
GRANT = """query($id: ID!) { grantApplication(id: $id) {
  endsOn changeRequests { id kind status reason newEndDate amountNok }
  reports { kind dueOn status } history { role from to reason amountNok } } }"""


async def approved_2030(grants) -> str:
    scheme_id = await grants.scheme("1000000", year=2030)
    enrolment_id = await grants.enrolment(term="2030H")
    submitted = await grants.submit(scheme_id, "50000", enrolmentId=enrolment_id)
    return (await grants.decide(submitted["id"], roles=DIRECTORATE))["id"]


async def grant(grants, application_id: str) -> dict[str, Any]:
    return (await grants.call(GRANT, {"id": application_id}, DIRECTORATE))["grantApplication"]


async def request(grants, application_id: str, **fields: Any) -> dict[str, Any]:
    change = {"applicationId": application_id, "reason": "Kurset ble forskjøvet", **fields}
    return (await grants.call(REQUEST, {"input": change}, HOLDER))["requestGrantChange"]


async def test_an_approved_extension_moves_the_end_date_and_the_owed_reports(grants) -> None:
    app_id = await approved_2030(grants)
    await mark_overdue_reports(grants.runtime, today=date(2030, 10, 3))  # STATUS overdue
    await grants.submit_report(app_id, "FINAL")  # handed in early: its date stays
    asked = await request(grants, app_id, kind="EXTENSION", newEndDate="2031-06-30")
    assert (asked["status"], asked["newEndDate"], asked["amountNok"]) == (
        "SUBMITTED",
        "2031-06-30",
        None,
    )
    assert (await grant(grants, app_id))["endsOn"] == "2030-12-31"  # not before the decision
    variables = {"id": asked["id"], "approve": True, "reason": "Godt begrunnet"}
    decided = await grants.call(DECIDE, variables, DIRECTORATE)
    assert decided["decideGrantChange"]["status"] == "APPROVED"
    after = await grant(grants, app_id)
    assert after["endsOn"] == "2031-06-30"
    assert {r["kind"]: (r["dueOn"], r["status"]) for r in after["reports"]} == {
        "STATUS": ("2031-04-01", "DUE"),  # overdue no longer: its new date lies ahead
        "FINAL": ("2031-03-31", "SUBMITTED"),
    }
    assert [c["status"] for c in after["changeRequests"]] == ["APPROVED"]
    assert [(h["role"], h["from"], h["to"], h["reason"]) for h in after["history"][-2:]] == [
        (
            "municipality:5601",
            "APPROVED",
            "APPROVED",
            "extension to 2031-06-30: Kurset ble forskjøvet",
        ),
        ("directorate", "APPROVED", "APPROVED", "extension to 2031-06-30 approved: Godt begrunnet"),
    ]
    assert (await grants.outbox_types())[-2:] == ["GrantChangeRequested", "GrantChangeDecided"]


async def test_a_rejected_extension_changes_no_date(grants) -> None:
    app_id = await approved_2030(grants)
    before = await grant(grants, app_id)
    asked = await request(grants, app_id, kind="EXTENSION", newEndDate="2031-06-30")
    variables = {"id": asked["id"], "approve": False, "reason": "Ikke begrunnet"}
    assert (await grants.call(DECIDE, variables, DIRECTORATE))["decideGrantChange"][
        "status"
    ] == "REJECTED"
    after = await grant(grants, app_id)
    assert (after["endsOn"], after["reports"]) == (before["endsOn"], before["reports"])
    again = await grants.error(DECIDE, variables | {"approve": True}, DIRECTORATE)
    assert again["code"] == "CONFLICT"  # decided once


async def test_a_budget_move_is_assessed_and_recorded(grants) -> None:
    app_id = await approved_2030(grants)
    asked = await request(grants, app_id, kind="BUDGET_MOVE", amountNok="10000")
    assert (asked["amountNok"], asked["newEndDate"]) == ("10000.00", None)
    variables = {"id": asked["id"], "approve": True, "reason": "Fra reise til litteratur"}
    await grants.call(DECIDE, variables, DIRECTORATE)
    after = await grant(grants, app_id)
    assert after["endsOn"] == "2030-12-31"
    assert after["history"][-1]["reason"] == "budget move approved: Fra reise til litteratur"
    assert after["history"][-1]["amountNok"] == "10000.00"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "EXTENSION"}, "newEndDate"),
        ({"kind": "EXTENSION", "newEndDate": "2030-12-31"}, "newEndDate"),  # not later
        ({"kind": "EXTENSION", "newEndDate": "2033-01-01"}, "newEndDate"),  # over two years
        ({"kind": "EXTENSION", "newEndDate": "2031-06-30", "amountNok": "1"}, "amountNok"),
        ({"kind": "BUDGET_MOVE"}, "amountNok"),
        ({"kind": "BUDGET_MOVE", "amountNok": "50000.01"}, "amountNok"),  # more than granted
        ({"kind": "BUDGET_MOVE", "amountNok": "10", "newEndDate": "2031-06-30"}, "newEndDate"),
        ({"kind": "BUDGET_MOVE", "amountNok": "10", "reason": " "}, "reason"),
    ],
)
async def test_a_change_request_needs_the_fields_of_its_kind(grants, fields, field) -> None:
    app_id = await approved_2030(grants)
    change = {"applicationId": app_id, "reason": "Grunn", **fields}
    refused = await grants.error(REQUEST, {"input": change}, HOLDER)
    assert (refused["code"], refused["field"]) == ("BAD_USER_INPUT", field)
    assert (await grant(grants, app_id))["changeRequests"] == []


async def test_who_may_ask_and_decide_and_when(grants) -> None:
    scheme_id = await grants.scheme()
    undecided = await grants.submit(scheme_id, enrolmentId=await grants.enrolment())
    change = {
        "applicationId": undecided["id"],
        "kind": "BUDGET_MOVE",
        "amountNok": "1",
        "reason": "Grunn",
    }
    refused = await grants.error(REQUEST, {"input": change}, HOLDER)
    assert refused["code"] == "CONFLICT"  # not approved: nothing to change
    app_id = await approved_2030(grants)
    change["applicationId"] = app_id
    for roles, code in ((["municipality:5603"], "NOT_FOUND"), (["county:56"], "FORBIDDEN")):
        assert (await grants.error(REQUEST, {"input": change}, roles))["code"] == code
    asked = await request(grants, app_id, kind="BUDGET_MOVE", amountNok="1")
    decision = {"id": asked["id"], "approve": True, "reason": "ok"}
    for roles, code in (
        (HOLDER, "FORBIDDEN"),
        (["municipality:5603"], "NOT_FOUND"),
        (["county:56"], "FORBIDDEN"),
    ):
        assert (await grants.error(DECIDE, decision, roles))["code"] == code
    unknown = decision | {"id": "00000000-0000-0000-0000-000000000000"}
    assert (await grants.error(DECIDE, unknown, DIRECTORATE))["code"] == "NOT_FOUND"
    assert [c["status"] for c in (await grant(grants, app_id))["changeRequests"]] == ["SUBMITTED"]
