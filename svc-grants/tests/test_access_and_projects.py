"""Who sees and decides what, development-project funds, queues and budget positions (SQLite)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import event

DIRECTORATE = ["directorate"]
ALTA, HAMMERFEST, OSLO = "5601", "5603", "0301"
STAVANGER, SANDNES, SOLA = "1103", "1108", "1124"
ROGALAND = "11"
APPLICATIONS = """
query($county: String, $schemeId: ID, $status: GrantApplicationStatus) {
  grantApplications(county: $county, schemeId: $schemeId, status: $status) {
    id status municipality { number } } }"""
QUEUE = """query($county: String!) { grantAssessmentQueue(county: $county) {
  id priority municipality { number } } }"""
ENTITIES = """query($reps: [_Any!]!) { _entities(representations: $reps) {
  ... on Municipality { number grantApplications { id status history { to } } } } }"""


async def employer_application(grants, municipality: str = ALTA) -> dict[str, Any]:
    scheme_id = await grants.scheme()
    enrolment_id = await grants.enrolment(municipality=municipality)
    return await grants.submit(scheme_id, municipality=municipality, enrolmentId=enrolment_id)


async def project_application(
    grants, municipalities: list[str], scheme_id: str | None = None, amount: str = "200000"
) -> dict[str, Any]:
    network_id = uuid.uuid4()
    await grants.plan(municipalities, network_id)
    project_id = await grants.project(municipalities, network_id)
    scheme_id = scheme_id or await grants.project_scheme(ROGALAND)
    return await grants.submit(
        scheme_id, amount, municipality=municipalities[0], projectId=project_id
    )


# A municipality's own applications -----------------------------------------------------------


async def test_another_municipality_never_sees_the_application(grants) -> None:
    app = await employer_application(grants)
    other = [f"municipality:{OSLO}"]
    error = await grants.error(grants.ONE, {"id": app["id"]}, other)
    assert error["code"] == "NOT_FOUND"
    reps = [{"__typename": "Municipality", "number": ALTA}]
    data, errors = await grants.raw(ENTITIES, {"reps": reps}, other)
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    assert data["_entities"] == [None]
    listed = await grants.call(APPLICATIONS, {}, other)
    assert listed == {"grantApplications": []}
    for roles, code in ((other, "FORBIDDEN"), (None, "UNAUTHENTICATED")):
        refused = await grants.error(grants.ONE, {"id": app["id"]}, roles)
        assert refused["code"] in ("NOT_FOUND", code)


async def test_a_municipality_applies_only_for_itself(grants) -> None:
    scheme_id = await grants.scheme()
    fields = grants.application(scheme_id, enrolmentId=await grants.enrolment())
    for roles, code in (
        ([f"municipality:{OSLO}"], "FORBIDDEN"),
        (["county:56"], "FORBIDDEN"),
        (None, "UNAUTHENTICATED"),
    ):
        assert (await grants.error(grants.SUBMIT, {"input": fields}, roles))["code"] == code
    by_directorate = await grants.call(grants.SUBMIT, {"input": fields}, DIRECTORATE)
    assert by_directorate["submitGrantApplication"]["history"][0]["role"] == "directorate"


async def test_the_municipality_sees_its_applications_and_their_history(grants) -> None:
    app = await employer_application(grants)
    for roles in ([f"municipality:{ALTA}"], ["county:56"], DIRECTORATE):
        reps = [{"__typename": "Municipality", "number": ALTA}]  # strawberry consumes them
        data = await grants.call(ENTITIES, {"reps": reps}, roles)
        assert data["_entities"][0]["grantApplications"] == [
            {"id": app["id"], "status": "SUBMITTED", "history": [{"to": "SUBMITTED"}]}
        ]


async def test_municipalities_applications_are_one_query_for_many_municipalities(grants) -> None:
    for municipality in (ALTA, HAMMERFEST, OSLO):
        await employer_application(grants, municipality)
    statements: list[str] = []
    engine = grants.runtime.engine.sync_engine
    listen = (engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    event.listen(*listen)
    try:
        reps = [{"__typename": "Municipality", "number": n} for n in (ALTA, HAMMERFEST, OSLO)]
        data = await grants.call(ENTITIES, {"reps": reps}, DIRECTORATE)
    finally:
        event.remove(*listen)
    assert [len(m["grantApplications"]) for m in data["_entities"]] == [1, 1, 1]
    assert sum("FROM grant_applications" in s for s in statements) == 1
    assert sum("FROM grant_application_transitions" in s for s in statements) == 1


# Who decides ------------------------------------------------------------------------------------


async def test_only_the_directorate_decides_employer_grants(grants) -> None:
    app = await employer_application(grants)
    decision = {"id": app["id"], "input": {"outcome": "APPROVE", "reason": "ok"}}
    for roles, code in (
        ([f"municipality:{ALTA}"], "FORBIDDEN"),  # may see it, may not decide it
        (["county:56"], "FORBIDDEN"),
        (["county:03"], "NOT_FOUND"),
        ([f"municipality:{OSLO}"], "NOT_FOUND"),
        (None, "UNAUTHENTICATED"),
    ):
        assert (await grants.error(grants.DECIDE, decision, roles))["code"] == code
    for mutation, variables in (
        (grants.START, {"id": app["id"]}),
        (grants.PAY, {"id": app["id"], "amount": "1"}),
        (grants.SETTLE, {"id": app["id"]}),
        (grants.RECLAIM, {"id": app["id"], "amount": "1", "reason": "x"}),
    ):
        error = await grants.error(mutation, variables, [f"municipality:{ALTA}"])
        assert error["code"] == "FORBIDDEN"
    assert (await grants.one(app["id"]))["status"] == "SUBMITTED"


async def test_the_county_governor_decides_its_own_countys_project_funds_only(grants) -> None:
    app = await project_application(grants, [STAVANGER, SANDNES])
    decision = {"id": app["id"], "input": {"outcome": "APPROVE", "reason": "ok"}}
    for roles, code in (
        (["county:46"], "NOT_FOUND"),
        (DIRECTORATE, "FORBIDDEN"),
        ([f"municipality:{STAVANGER}"], "FORBIDDEN"),
    ):
        assert (await grants.error(grants.DECIDE, decision, roles))["code"] == code
    decided = await grants.decide(app["id"], roles=[f"county:{ROGALAND}"])
    assert decided["status"] == "APPROVED"
    assert decided["history"][-1]["role"] == f"county:{ROGALAND}"
    # Project funds are settled once paid: there is no course to complete.
    await grants.final_report_approved(
        app["id"], [f"municipality:{STAVANGER}"], [f"county:{ROGALAND}"]
    )
    await grants.call(grants.PAY, {"id": app["id"], "amount": "200000"}, [f"county:{ROGALAND}"])
    settled = await grants.call(grants.SETTLE, {"id": app["id"]}, [f"county:{ROGALAND}"])
    assert settled["settleGrantApplication"]["status"] == "SETTLED"


async def test_a_governor_office_decides_the_project_funds_of_a_county_it_serves(grants) -> None:
    app = await project_application(grants, [STAVANGER, SANDNES])
    decision = {"id": app["id"], "input": {"outcome": "APPROVE", "reason": "ok"}}
    refused = await grants.error(grants.DECIDE, decision, ["governor:troms-finnmark"])
    assert refused["code"] == "NOT_FOUND"  # another office does not even see it
    decided = await grants.decide(app["id"], roles=["governor:rogaland"])
    assert (decided["status"], decided["history"][-1]["role"]) == ("APPROVED", "governor:rogaland")


# Development projects ---------------------------------------------------------------------------


async def test_project_funds_need_a_plan_of_every_participant_and_a_partner(grants) -> None:
    scheme_id = await grants.project_scheme(ROGALAND)
    network_id = uuid.uuid4()
    await grants.plan([STAVANGER], network_id)  # Sandnes has not approved the plan
    unanchored = await grants.project([STAVANGER, SANDNES], network_id)
    no_partner = await grants.project([STAVANGER], network_id, partner=None)
    other_network = uuid.uuid4()
    await grants.plan([STAVANGER, SANDNES], other_network)
    for project_id, field in (
        (unanchored, "projectId"),
        (no_partner, "projectId"),
        (await grants.project([SANDNES], other_network), "municipality"),
        (str(uuid.uuid4()), "projectId"),
    ):
        fields = grants.application(scheme_id, municipality=STAVANGER, projectId=project_id)
        error = await grants.error(grants.SUBMIT, {"input": fields}, DIRECTORATE)
        assert (error["code"], error["field"]) == ("BAD_USER_INPUT", field)
    # Once Sandnes's approval is in force, the first project qualifies.
    await grants.plan([STAVANGER, SANDNES], network_id)
    app = await grants.submit(scheme_id, municipality=STAVANGER, projectId=unanchored)
    assert (app["status"], app["priority"]) == ("SUBMITTED", 2)


async def test_a_withdrawn_plan_takes_no_new_applications(grants) -> None:
    scheme_id = await grants.project_scheme(ROGALAND)
    network_id = uuid.uuid4()
    plan_id = await grants.plan([STAVANGER], network_id)
    first = await grants.project([STAVANGER], network_id)
    applied = await grants.submit(scheme_id, municipality=STAVANGER, projectId=first)
    await grants.withdraw_plan(plan_id, network_id)
    second = await grants.project([STAVANGER], network_id)
    fields = grants.application(scheme_id, municipality=STAVANGER, projectId=second)
    error = await grants.error(grants.SUBMIT, {"input": fields}, DIRECTORATE)
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "projectId")
    assert (await grants.one(applied["id"]))["status"] == "SUBMITTED"  # made before: it stands


async def test_project_funds_come_from_the_projects_county(grants) -> None:
    vestland = await grants.project_scheme("46")
    with pytest.raises(AssertionError, match="schemeId"):
        await project_application(grants, [STAVANGER], vestland)
    employer = await grants.scheme()
    with pytest.raises(AssertionError, match="enrolmentId"):
        await project_application(grants, [STAVANGER], employer)


async def test_the_assessment_queue_puts_projects_of_more_municipalities_first(grants) -> None:
    scheme_id = await grants.project_scheme(ROGALAND)
    one = await project_application(grants, [STAVANGER], scheme_id)
    three = await project_application(grants, [SANDNES, STAVANGER, SOLA], scheme_id)
    two = await project_application(grants, [SOLA, SANDNES], scheme_id)
    decided = await project_application(grants, [STAVANGER, SANDNES, SOLA], scheme_id)
    await grants.decide(decided["id"], "REJECT", [f"county:{ROGALAND}"])
    await employer_application(grants)  # the directorate's, never in a county's queue
    queue = await grants.call(QUEUE, {"county": ROGALAND}, [f"county:{ROGALAND}"])
    assert [(a["id"], a["priority"]) for a in queue["grantAssessmentQueue"]] == [
        (three["id"], 3),
        (two["id"], 2),
        (one["id"], 1),
    ]
    for roles, code in ((["county:46"], "FORBIDDEN"), ([f"municipality:{SOLA}"], "FORBIDDEN")):
        assert (await grants.error(QUEUE, {"county": ROGALAND}, roles))["code"] == code
    assert (await grants.error(QUEUE, {"county": "99"}, DIRECTORATE))["field"] == "county"


async def test_one_open_application_per_project(grants) -> None:
    app = await project_application(grants, [STAVANGER])
    project_id = app["projectId"]
    fields = grants.application(app["scheme"]["id"], municipality=STAVANGER, projectId=project_id)
    error = await grants.error(grants.SUBMIT, {"input": fields}, DIRECTORATE)
    assert error["code"] == "CONFLICT"


# Lists and budget positions ---------------------------------------------------------------------


async def test_applications_by_county_scheme_and_status(grants) -> None:
    alta = await employer_application(grants)
    project = await project_application(grants, [STAVANGER])
    await grants.decide(project["id"], roles=[f"county:{ROGALAND}"])
    everything = await grants.call(APPLICATIONS, {}, DIRECTORATE)
    assert {a["id"] for a in everything["grantApplications"]} == {alta["id"], project["id"]}
    for variables, roles, expected in (
        ({}, [f"county:{ROGALAND}"], [project["id"]]),
        ({"county": "56"}, DIRECTORATE, [alta["id"]]),
        ({"status": "APPROVED"}, DIRECTORATE, [project["id"]]),
        ({"schemeId": alta["scheme"]["id"]}, DIRECTORATE, [alta["id"]]),
        ({}, [f"municipality:{ALTA}"], [alta["id"]]),
    ):
        listed = await grants.call(APPLICATIONS, variables, roles)
        assert [a["id"] for a in listed["grantApplications"]] == expected
    other = await grants.error(APPLICATIONS, {"county": "56"}, [f"county:{ROGALAND}"])
    assert other["code"] == "FORBIDDEN"


async def test_budget_positions_per_county(grants) -> None:
    first = await grants.project_scheme(ROGALAND, "300000")
    await grants.project_scheme(ROGALAND, "200000")
    await grants.project_scheme("46", "100000")
    app = await project_application(grants, [STAVANGER], first, amount="120000")
    await grants.decide(app["id"], roles=[f"county:{ROGALAND}"])
    await grants.call(grants.PAY, {"id": app["id"], "amount": "20000"}, [f"county:{ROGALAND}"])
    data = await grants.call(
        """{ countyGrantBudgets(year: 2018) { county { number } year
             budgetNok committedNok paidNok availableNok } }"""
    )
    assert data["countyGrantBudgets"] == [
        {
            "county": {"number": ROGALAND},
            "year": 2018,
            "budgetNok": "500000.00",
            "committedNok": "120000.00",
            "paidNok": "20000.00",
            "availableNok": "380000.00",
        },
        {
            "county": {"number": "46"},
            "year": 2018,
            "budgetNok": "100000.00",
            "committedNok": "0.00",
            "paidNok": "0.00",
            "availableNok": "100000.00",
        },
    ]
