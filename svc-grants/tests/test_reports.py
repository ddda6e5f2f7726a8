"""Reporting duties of an approved grant: due dates, overdue by the scheduler, hand-in and
decision, and the final payment that waits for an approved final report."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest

from svc_grants import scheduler
from svc_grants.service.aftercare import mark_overdue_reports

DIRECTORATE = ["directorate"]
ALTA, HAMMERFEST = "5601", "5603"
HOLDER = [f"municipality:{ALTA}"]
# A 2030 grant ends on 31 December 2030: status report 90 days before, final report 90 after.
STATUS_DUE, FINAL_DUE = date(2030, 10, 2), date(2031, 3, 31)


async def approved_2030(grants, amount: str = "50000") -> dict[str, Any]:
    scheme_id = await grants.scheme("1000000", year=2030)
    enrolment_id = await grants.enrolment(term="2030H")
    submitted = await grants.submit(scheme_id, amount, enrolmentId=enrolment_id)
    return await grants.decide(submitted["id"], roles=DIRECTORATE)


async def test_an_approval_opens_a_status_and_a_final_report(grants) -> None:
    app = await approved_2030(grants)
    reports = await grants.reports(app["id"])
    assert {k: (r["dueOn"], r["status"], r["submittedOn"]) for k, r in reports.items()} == {
        "STATUS": (STATUS_DUE.isoformat(), "DUE", None),
        "FINAL": (FINAL_DUE.isoformat(), "DUE", None),
    }


async def test_a_late_approval_still_leaves_time_to_report(grants) -> None:
    scheme_id = await grants.scheme()  # 2018, approved today: the grant runs 180 days more
    app = await grants.submit(scheme_id, enrolmentId=await grants.enrolment())
    await grants.decide(app["id"], roles=DIRECTORATE)
    reports = await grants.reports(app["id"])
    assert date.fromisoformat(reports["STATUS"]["dueOn"]) > date.today()
    assert date.fromisoformat(reports["FINAL"]["dueOn"]) == date.today() + timedelta(days=270)


async def test_a_report_falls_overdue_once_after_its_due_date(grants) -> None:
    app = await approved_2030(grants)
    assert await mark_overdue_reports(grants.runtime, today=STATUS_DUE) == 0  # due that day
    assert await mark_overdue_reports(grants.runtime, today=STATUS_DUE + timedelta(1)) == 1
    assert await mark_overdue_reports(grants.runtime, today=STATUS_DUE + timedelta(2)) == 0
    reports = await grants.reports(app["id"])
    assert (reports["STATUS"]["status"], reports["FINAL"]["status"]) == ("OVERDUE", "DUE")
    assert (await grants.outbox_types()).count("GrantReportOverdue") == 1


async def test_the_scheduler_marks_overdue_reports_by_its_clock(grants) -> None:
    app = await approved_2030(grants)
    pauses: list[float] = []

    async def pause(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 2:
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await scheduler.overdue_reports(
            grants.runtime, clock=lambda: FINAL_DUE + timedelta(1), pause=pause
        )
    assert pauses == [scheduler.CHECK_EVERY_SECONDS] * 2
    reports = await grants.reports(app["id"])
    assert {r["status"] for r in reports.values()} == {"OVERDUE"}


async def test_reports_are_handed_in_returned_and_approved(grants) -> None:
    app = await approved_2030(grants)
    await mark_overdue_reports(grants.runtime, today=STATUS_DUE + timedelta(1))
    status = await grants.submit_report(app["id"], "STATUS")  # an overdue report still counts
    assert (status["status"], status["submittedOn"]) == ("SUBMITTED", date.today().isoformat())
    returned = await grants.call(
        grants.DECIDE_REPORT,
        {"id": status["id"], "approve": False, "reason": "Mangler regnskap"},
        DIRECTORATE,
    )
    assert returned["decideGrantReport"]["status"] == "RETURNED"
    again = await grants.submit_report(app["id"], "STATUS")
    assert again["status"] == "SUBMITTED"
    variables = {"id": status["id"], "approve": True, "reason": "Godkjent"}
    approved = await grants.call(grants.DECIDE_REPORT, variables, DIRECTORATE)
    assert approved["decideGrantReport"]["status"] == "APPROVED"
    assert (await grants.outbox_types())[-4:] == [
        "GrantReportSubmitted",
        "GrantReportDecided",
        "GrantReportSubmitted",
        "GrantReportDecided",
    ]


async def test_the_final_payment_waits_for_an_approved_final_report(grants) -> None:
    app = await approved_2030(grants, "50000")
    await grants.call(grants.PAY, {"id": app["id"], "amount": "30000"}, DIRECTORATE)  # a part
    final = {"id": app["id"], "amount": "20000"}
    refused = await grants.failure(grants.PAY, final, DIRECTORATE)
    assert refused["extensions"]["code"] == "CONFLICT"
    assert "approved final report" in refused["message"]
    await grants.submit_report(app["id"], "FINAL")
    assert (await grants.error(grants.PAY, final, DIRECTORATE))["code"] == "CONFLICT"
    assert (await grants.one(app["id"]))["paidNok"] == "30000.00"
    await grants.final_report_approved_after_submission(app["id"])
    paid = (await grants.call(grants.PAY, final, DIRECTORATE))["recordGrantPayment"]
    assert paid["paidNok"] == "50000.00"


async def test_who_may_hand_in_and_decide_reports(grants) -> None:
    app = await approved_2030(grants)
    report = {"applicationId": app["id"], "kind": "FINAL", "text": "Ferdig", "spentNok": "10"}
    for roles, code in (
        ([f"municipality:{HAMMERFEST}"], "NOT_FOUND"),
        (["county:56"], "FORBIDDEN"),  # the governor sees it but does not hold the grant
        (None, "UNAUTHENTICATED"),
    ):
        refused = await grants.error(grants.SUBMIT_REPORT, {"input": report}, roles)
        assert refused["code"] == code
    submitted = await grants.submit_report(app["id"], "FINAL")
    decision = {"id": submitted["id"], "approve": True, "reason": "ok"}
    for roles, code in (
        (HOLDER, "FORBIDDEN"),
        ([f"municipality:{HAMMERFEST}"], "NOT_FOUND"),
        (["county:56"], "FORBIDDEN"),  # employer grants are the directorate's
    ):
        assert (await grants.error(grants.DECIDE_REPORT, decision, roles))["code"] == code
    assert (await grants.reports(app["id"]))["FINAL"]["status"] == "SUBMITTED"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"text": " "}, "text"),
        ({"spentNok": "-1"}, "spentNok"),
        ({"spentNok": "ti"}, "spentNok"),
        ({"applicationId": "nope"}, "applicationId"),
    ],
)
async def test_a_bad_report_names_the_field(grants, fields: dict[str, str], field: str) -> None:
    app = await approved_2030(grants)
    report = {"applicationId": app["id"], "kind": "FINAL", "text": "Ferdig", "spentNok": "10"}
    refused = await grants.error(grants.SUBMIT_REPORT, {"input": report | fields}, HOLDER)
    assert (refused["code"], refused["field"]) == ("BAD_USER_INPUT", field)
    assert (await grants.reports(app["id"]))["FINAL"]["status"] == "DUE"


async def test_reports_only_where_they_are_owed(grants) -> None:
    scheme_id = await grants.scheme()
    undecided = await grants.submit(scheme_id, enrolmentId=await grants.enrolment())
    report = {"applicationId": undecided["id"], "kind": "FINAL", "text": "x", "spentNok": "1"}
    refused = await grants.error(grants.SUBMIT_REPORT, {"input": report}, HOLDER)
    assert refused["code"] == "CONFLICT"  # not approved: no reporting duties
    assert await grants.reports(undecided["id"]) == {}
    app = await approved_2030(grants)
    submitted = await grants.submit_report(app["id"], "FINAL")
    twice = {"input": report | {"applicationId": app["id"]}}
    assert (await grants.error(grants.SUBMIT_REPORT, twice, HOLDER))["code"] == "CONFLICT"
    status = (await grants.reports(app["id"]))["STATUS"]
    decision = {"id": status["id"], "approve": True, "reason": "ok"}
    assert (await grants.error(grants.DECIDE_REPORT, decision, DIRECTORATE))["code"] == "CONFLICT"
    unknown = {"id": "00000000-0000-0000-0000-000000000000", "approve": True, "reason": "ok"}
    assert (await grants.error(grants.DECIDE_REPORT, unknown, DIRECTORATE))["code"] == "NOT_FOUND"
    no_reason = {"id": submitted["id"], "approve": True, "reason": " "}
    refused = await grants.error(grants.DECIDE_REPORT, no_reason, DIRECTORATE)
    assert (refused["code"], refused["field"]) == ("BAD_USER_INPUT", "reason")
