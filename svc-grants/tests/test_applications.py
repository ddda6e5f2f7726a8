"""Grant applications through grants' subgraph and inbox, on SQLite (fast, no Kafka)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

DIRECTORATE = ["directorate"]
ALTA, HAMMERFEST = "5601", "5603"  # Finnmark


async def approved(grants, budget: str = "1000000", amount: str = "50000") -> dict[str, Any]:
    scheme_id = await grants.scheme(budget)
    submitted = await grants.submit(scheme_id, amount, enrolmentId=await grants.enrolment())
    return await grants.decide(submitted["id"], roles=DIRECTORATE)


async def test_an_employer_grant_from_submission_to_settlement(grants) -> None:
    scheme_id = await grants.scheme("1000000")
    enrolment_id = await grants.enrolment()
    app = await grants.submit(scheme_id, "50000", enrolmentId=enrolment_id)
    assert (app["status"], app["requestedNok"], app["approvedNok"]) == (
        "SUBMITTED",
        "50000.00",
        None,
    )
    assert app["municipality"] == {"number": ALTA}
    assert app["history"] == [
        {
            "by": "local-user",
            "role": f"municipality:{ALTA}",
            "from": "DRAFT",
            "to": "SUBMITTED",
            "reason": "Vikar, reise og litteratur",
            "amountNok": "50000.00",
        }
    ]
    started = await grants.call(grants.START, {"id": app["id"]}, DIRECTORATE)
    assert started["startGrantAssessment"]["status"] == "UNDER_ASSESSMENT"
    decided = await grants.decide(app["id"], roles=DIRECTORATE, amountNok="40000")
    assert (decided["status"], decided["approvedNok"]) == ("APPROVED", "40000.00")
    assert decided["scheme"]["committedNok"] == "40000.00"
    assert decided["scheme"]["availableNok"] == "960000.00"
    for amount in ("10000", "20000"):
        paid = await grants.call(grants.PAY, {"id": app["id"], "amount": amount}, DIRECTORATE)
    paid = paid["recordGrantPayment"]
    assert (paid["status"], paid["paidNok"], paid["scheme"]["paidNok"]) == (
        "PAID",
        "30000.00",
        "30000.00",
    )
    refused = await grants.error(grants.SETTLE, {"id": app["id"]}, DIRECTORATE)
    assert refused["code"] == "CONFLICT"  # the course is not completed yet
    await grants.complete(enrolment_id)
    settled = (await grants.call(grants.SETTLE, {"id": app["id"]}, DIRECTORATE))[
        "settleGrantApplication"
    ]
    assert settled["status"] == "SETTLED"
    assert settled["scheme"]["committedNok"] == "30000.00"  # the unpaid 10000 returned
    assert [(h["from"], h["to"], h["role"], h["amountNok"]) for h in settled["history"]] == [
        ("DRAFT", "SUBMITTED", f"municipality:{ALTA}", "50000.00"),
        ("SUBMITTED", "UNDER_ASSESSMENT", "directorate", None),
        ("UNDER_ASSESSMENT", "UNDER_ASSESSMENT", "directorate", None),  # no conflict declared
        ("UNDER_ASSESSMENT", "APPROVED", "directorate", "40000.00"),
        ("APPROVED", "PAID", "directorate", "10000.00"),
        ("PAID", "PAID", "directorate", "20000.00"),
        ("PAID", "SETTLED", "directorate", "10000.00"),
    ]
    assert await grants.outbox_types() == [
        "GrantApplicationSubmitted",
        "GrantAwarded",
        "GrantPaid",
        "GrantPaid",
        "GrantSettled",
    ]


async def test_an_approval_that_does_not_fit_is_a_conflict_and_changes_nothing(grants) -> None:
    scheme_id = await grants.scheme("100000")
    first = await grants.submit(scheme_id, "60000", enrolmentId=await grants.enrolment())
    second = await grants.submit(scheme_id, "60000", enrolmentId=await grants.enrolment())
    await grants.decide(first["id"], roles=DIRECTORATE)
    await grants.declare(second["id"], DIRECTORATE)
    before, events = await grants.one(second["id"]), await grants.outbox_types()
    refused = await grants.error(
        grants.DECIDE,
        {"id": second["id"], "input": {"outcome": "APPROVE", "reason": "good"}},
        DIRECTORATE,
    )
    assert refused["code"] == "CONFLICT"
    after = await grants.one(second["id"])
    assert after == before
    assert (after["status"], len(after["history"])) == ("SUBMITTED", 2)  # and the declaration
    assert after["scheme"]["committedNok"] == "60000.00"
    assert await grants.outbox_types() == events
    # What is left still fits: the budget is used exactly, never more.
    fitted = await grants.decide(second["id"], roles=DIRECTORATE, amountNok="40000")
    assert (fitted["scheme"]["committedNok"], fitted["scheme"]["availableNok"]) == (
        "100000.00",
        "0.00",
    )


async def test_concurrent_approvals_on_sqlite_never_over_commit(grants) -> None:
    scheme_id = await grants.scheme("250000")
    ids = [
        (await grants.submit(scheme_id, "50000", enrolmentId=await grants.enrolment()))["id"]
        for _ in range(12)
    ]
    for application_id in ids:
        await grants.declare(application_id, DIRECTORATE)
    variables = [{"id": i, "input": {"outcome": "APPROVE", "reason": "ok"}} for i in ids]
    results = await asyncio.gather(
        *[grants.error_or_data(grants.DECIDE, v, DIRECTORATE) for v in variables]
    )
    approvals = sum(1 for r in results if "decideGrantApplication" in r)
    assert all(r.get("code", "CONFLICT") == "CONFLICT" for r in results)
    scheme = await grants.scheme_row(scheme_id)
    assert scheme.committed_ore == approvals * 50_000_00 <= scheme.budget_ore


async def test_payments_never_exceed_the_approved_amount(grants) -> None:
    app = await approved(grants, amount="50000")
    too_much = await grants.error(grants.PAY, {"id": app["id"], "amount": "50000.01"}, DIRECTORATE)
    assert (too_much["code"], too_much["field"]) == ("BAD_USER_INPUT", "amountNok")
    await grants.final_report_approved(app["id"])
    await grants.call(grants.PAY, {"id": app["id"], "amount": "50000"}, DIRECTORATE)
    more = await grants.error(grants.PAY, {"id": app["id"], "amount": "0.01"}, DIRECTORATE)
    assert more["field"] == "amountNok"
    after = await grants.one(app["id"])
    assert (after["paidNok"], after["scheme"]["paidNok"]) == ("50000.00", "50000.00")


async def test_a_partial_reclaim_returns_the_money_to_the_budget(grants) -> None:
    app = await approved(grants, amount="50000")
    await grants.final_report_approved(app["id"])
    await grants.call(grants.PAY, {"id": app["id"], "amount": "50000"}, DIRECTORATE)
    reclaim = {"id": app["id"], "amount": "20000", "reason": "costs not documented"}
    reclaimed = (await grants.call(grants.RECLAIM, reclaim, DIRECTORATE))["reclaimGrant"]
    assert (reclaimed["status"], reclaimed["reclaimedNok"]) == ("RECLAIMED", "20000.00")
    assert reclaimed["scheme"]["paidNok"] == reclaimed["scheme"]["committedNok"] == "30000.00"
    assert reclaimed["history"][-1]["reason"] == "costs not documented"
    again = await grants.error(grants.RECLAIM, reclaim, DIRECTORATE)
    assert again["code"] == "CONFLICT"
    assert (await grants.outbox_types())[-1] == "GrantReclaimed"


async def test_a_rejection_commits_nothing(grants) -> None:
    scheme_id = await grants.scheme()
    enrolment_id = await grants.enrolment()
    app = await grants.submit(scheme_id, enrolmentId=enrolment_id)
    rejected = await grants.decide(app["id"], "REJECT", DIRECTORATE, reason="no substitute hired")
    assert (rejected["status"], rejected["scheme"]["committedNok"]) == ("REJECTED", "0.00")
    assert rejected["history"][-1]["reason"] == "no substitute hired"
    again = await grants.error(
        grants.DECIDE,
        {"id": app["id"], "input": {"outcome": "APPROVE", "reason": "changed mind"}},
        DIRECTORATE,
    )
    assert again["code"] == "CONFLICT"
    # A rejected application no longer holds the enrolment: the employer may apply again.
    assert (await grants.submit(scheme_id, enrolmentId=enrolment_id))["status"] == "SUBMITTED"


async def test_one_open_application_per_enrolment(grants) -> None:
    scheme_id = await grants.scheme()
    enrolment_id = await grants.enrolment()
    await grants.submit(scheme_id, enrolmentId=enrolment_id)
    variables = {"input": grants.application(scheme_id, enrolmentId=enrolment_id)}
    second = await grants.error(grants.SUBMIT, variables, [f"municipality:{ALTA}"])
    assert second["code"] == "CONFLICT"


# The enrolment's events drive the application ---------------------------------------------------


@pytest.mark.parametrize(
    ("decide", "pay", "status", "committed", "event"),
    [
        (False, False, "CANCELLED", "0.00", "GrantCancelled"),
        (True, False, "CANCELLED", "0.00", "GrantCancelled"),
        (True, True, "RECLAIMED", "0.00", "GrantReclaimed"),
    ],
)
async def test_a_withdrawn_enrolment_cancels_or_reclaims_once(
    grants, decide: bool, pay: bool, status: str, committed: str, event: str
) -> None:
    scheme_id = await grants.scheme()
    enrolment_id = await grants.enrolment()
    app = await grants.submit(scheme_id, "50000", enrolmentId=enrolment_id)
    if decide:
        await grants.decide(app["id"], roles=DIRECTORATE)
    if pay:
        await grants.call(grants.PAY, {"id": app["id"], "amount": "30000"}, DIRECTORATE)
    raw = grants.withdrawal(enrolment_id)
    assert await grants.redeliver_enrolment(raw) is True
    assert await grants.redeliver_enrolment(raw) is False  # redelivery: no second effect
    after = await grants.one(app["id"])
    assert (after["status"], after["scheme"]["committedNok"]) == (status, committed)
    assert after["scheme"]["paidNok"] == "0.00"
    last = after["history"][-1]
    assert (last["role"], last["reason"]) == ("event", "enrolment withdrawn: moved away")
    assert last["by"].startswith("education:")
    if pay:
        assert (after["reclaimedNok"], last["amountNok"]) == ("30000.00", "30000.00")
    assert (await grants.outbox_types()).count(event) == 1


async def test_a_withdrawn_enrolment_leaves_a_rejected_application_alone(grants) -> None:
    scheme_id = await grants.scheme()
    enrolment_id = await grants.enrolment()
    app = await grants.submit(scheme_id, enrolmentId=enrolment_id)
    await grants.decide(app["id"], "REJECT", DIRECTORATE)
    await grants.withdraw(enrolment_id)
    assert (await grants.one(app["id"]))["status"] == "REJECTED"


async def test_no_application_for_a_withdrawn_or_waitlisted_enrolment(grants) -> None:
    scheme_id = await grants.scheme()
    withdrawn = await grants.enrolment()
    await grants.withdraw(withdrawn)
    for enrolment_id in (withdrawn, await grants.enrolment(status="WAITLISTED")):
        variables = {"input": grants.application(scheme_id, enrolmentId=enrolment_id)}
        error = await grants.error(grants.SUBMIT, variables, [f"municipality:{ALTA}"])
        assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "enrolmentId")


# Bad input names the field ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"schemeId": "not-a-uuid"}, "schemeId"),
        ({"schemeId": str(uuid.uuid4())}, "schemeId"),
        ({"municipality": "9999"}, "municipality"),
        ({"amountNok": "-5"}, "amountNok"),
        ({"amountNok": "0"}, "amountNok"),
        ({"amountNok": "60000.01"}, "amountNok"),  # over the per-enrolment cap
        ({"purpose": "  "}, "purpose"),
        ({"purpose": "Kurs for 15057543873"}, "purpose"),  # a national identity number
        ({"enrolmentId": None}, "enrolmentId"),
        ({"enrolmentId": str(uuid.uuid4())}, "enrolmentId"),
        ({"projectId": str(uuid.uuid4())}, "projectId"),
    ],
)
async def test_bad_applications_name_the_field(grants, change: dict, field: str) -> None:
    scheme_id = await grants.scheme()
    fields = grants.application(scheme_id, enrolmentId=await grants.enrolment()) | change
    error = await grants.error(grants.SUBMIT, {"input": fields}, DIRECTORATE)
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", field)
    assert await grants.call("{ grantApplications { id } }", roles=DIRECTORATE) == {
        "grantApplications": []
    }


async def test_an_enrolment_is_claimed_from_the_scheme_of_its_year(grants) -> None:
    scheme_2019 = await grants.scheme(year=2019)
    variables = {"input": grants.application(scheme_2019, enrolmentId=await grants.enrolment())}
    error = await grants.error(grants.SUBMIT, variables, DIRECTORATE)
    assert error["field"] == "schemeId"


async def test_an_enrolment_of_another_municipality_is_not_revealed(grants) -> None:
    scheme_id = await grants.scheme()
    hammerfest = await grants.enrolment(municipality=HAMMERFEST)
    variables = {"input": grants.application(scheme_id, enrolmentId=hammerfest)}
    error = await grants.error(grants.SUBMIT, variables, [f"municipality:{ALTA}"])
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "enrolmentId")


async def test_a_historical_municipality_number_applies_as_todays(grants) -> None:
    scheme_id = await grants.scheme()
    enrolment_id = await grants.enrolment()
    roles = [f"municipality:{ALTA}"]
    app = await grants.submit(scheme_id, roles=roles, enrolmentId=enrolment_id, municipality="2012")
    assert app["municipality"] == {"number": ALTA}


async def test_the_cap_per_enrolment_is_the_schemes(grants) -> None:
    scheme_id = await grants.scheme(capPerEnrolmentNok="20000")
    variables = {
        "input": grants.application(scheme_id, "20000.01", enrolmentId=await grants.enrolment())
    }
    assert (await grants.error(grants.SUBMIT, variables, DIRECTORATE))["field"] == "amountNok"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "DEVELOPMENT_PROJECT"}, "county"),
        ({"kind": "DEVELOPMENT_PROJECT", "county": "99"}, "county"),
        ({"county": "11"}, "county"),
        ({"capPerEnrolmentNok": "0"}, "capPerEnrolmentNok"),
        ({"name": "x" * 2001}, "name"),
        ({"name": "Tilskudd\x00"}, "name"),
        ({"name": "Tilskudd til 150575-43873"}, "name"),  # a national identity number
        ({"budgetNok": "١٠"}, "budgetNok"),  # digits other than ASCII
    ],
)
async def test_bad_schemes_name_the_field(grants, change: dict, field: str) -> None:
    scheme = {"name": "X", "year": 2018, "kind": "EMPLOYER_FURTHER_EDUCATION", "budgetNok": "10"}
    error = await grants.error(grants.CREATE_SCHEME, {"input": scheme | change}, DIRECTORATE)
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", field)


async def test_a_schemes_county_is_todays_and_its_cap_defaults(grants) -> None:
    await grants.scheme()
    await grants.scheme(kind="DEVELOPMENT_PROJECT", county="20")  # Finnmark before 2020
    data = await grants.call("{ grantSchemes { kind county capPerEnrolmentNok } }")
    assert sorted(data["grantSchemes"], key=lambda s: s["kind"]) == [
        {"kind": "DEVELOPMENT_PROJECT", "county": "56", "capPerEnrolmentNok": None},
        {"kind": "EMPLOYER_FURTHER_EDUCATION", "county": None, "capPerEnrolmentNok": "60000.00"},
    ]
