"""Development projects: proposals on the plan in force, grants' decisions through the inbox,
start and completion by the lead municipality (SQLite)."""

from __future__ import annotations

import uuid

ROGALAND = ["governor:rogaland"]
STAVANGER, SANDNES, SOLA = "1103", "1108", "1124"


async def test_a_project_is_refused_until_the_plan_is_in_force(networks) -> None:
    network = await networks.network([STAVANGER, SANDNES])
    proposal = {"input": networks.proposal(network["id"], [STAVANGER, SANDNES])}
    as_stavanger = [f"municipality:{STAVANGER}"]
    no_plan = await networks.error(networks.PROPOSE, proposal, as_stavanger)
    assert (no_plan["code"], "no competence plan" in no_plan["message"]) == ("CONFLICT", True)
    plan = await networks.draft(network["id"])
    undecided = await networks.error(networks.PROPOSE, proposal, as_stavanger)
    assert "decision on version 1" in undecided["message"]
    await networks.decide(plan["id"])
    await networks.approve(plan["id"], STAVANGER)
    awaiting = await networks.error(networks.PROPOSE, proposal, as_stavanger)
    assert awaiting["code"] == "CONFLICT"
    assert f"approval of plan version 1 by {SANDNES}" in awaiting["message"]
    await networks.approve(plan["id"], SANDNES)
    project = await networks.propose(network["id"], [STAVANGER, SANDNES])
    assert (project["status"], project["planVersion"], project["budgetNok"]) == (
        "PROPOSED",
        1,
        "300000.00",
    )
    proposed = (await networks.outbox())[-1]
    assert (proposed["type"], proposed["key"]) == ("DevelopmentProjectProposed", STAVANGER)
    assert proposed["payload"]["municipalities"] == [STAVANGER, SANDNES]
    assert proposed["payload"]["partner"] == "Universitetet i Stavanger"


async def test_a_project_spans_members_only(networks) -> None:
    network_id, _ = await networks.network_in_force([STAVANGER])
    proposal = {"input": networks.proposal(network_id, [STAVANGER, SOLA])}
    error = await networks.error(networks.PROPOSE, proposal, [f"municipality:{STAVANGER}"])
    assert error["code"] == "CONFLICT"
    assert f"membership of the network for {SOLA}" in error["message"]


async def test_the_proposer_is_a_participant_and_leads_the_project(networks) -> None:
    network_id, _ = await networks.network_in_force([STAVANGER, SANDNES])
    proposal = {"input": networks.proposal(network_id, [STAVANGER, SANDNES])}
    for roles, code in (
        ([f"municipality:{SOLA}"], "FORBIDDEN"),
        (ROGALAND, "FORBIDDEN"),
        (None, "UNAUTHENTICATED"),
    ):
        assert (await networks.error(networks.PROPOSE, proposal, roles))["code"] == code
    by_sandnes = await networks.call(networks.PROPOSE, proposal, [f"municipality:{SANDNES}"])
    lead_first = by_sandnes["proposeDevelopmentProject"]["municipalities"]
    assert lead_first == [{"number": SANDNES}, {"number": STAVANGER}]
    unknown = {"input": networks.proposal(str(uuid.uuid4()), [STAVANGER])}
    error = await networks.error(networks.PROPOSE, unknown, [f"municipality:{STAVANGER}"])
    assert error["code"] == "NOT_FOUND"


async def test_cost_lines_break_the_budget_down(networks) -> None:
    network_id, _ = await networks.network_in_force([STAVANGER])
    lines = [
        {"kind": "EXTERNAL_SUPPORT", "amountNok": "200000"},
        {"kind": "PROJECT_MANAGEMENT", "amountNok": "100000.00"},
    ]
    project = await networks.propose(network_id, [STAVANGER], costLines=lines)
    assert project["costLines"] == [
        {"kind": "PROJECT_MANAGEMENT", "amountNok": "100000.00"},
        {"kind": "EXTERNAL_SUPPORT", "amountNok": "200000.00"},
    ]
    as_stavanger = [f"municipality:{STAVANGER}"]
    for fields, field in (
        ({"costLines": lines[:1]}, "costLines"),
        ({"costLines": [{"kind": "OTHER", "amountNok": "-1"}]}, "costLines"),
        ({"costLines": [lines[0], {**lines[0], "amountNok": "100000"}]}, "costLines"),
        ({"budgetNok": "0"}, "budgetNok"),
        ({"budgetNok": "12,5"}, "budgetNok"),
        ({"title": " "}, "title"),
        ({"title": "x" * 501}, "title"),
        ({"partner": ""}, "partner"),
        ({"partner": "x" * 201}, "partner"),
        ({"municipalities": []}, "municipalities"),
        ({"municipalities": ["99"]}, "municipalities"),
    ):
        proposal = {"input": {**networks.proposal(network_id, [STAVANGER]), **fields}}
        error = await networks.error(networks.PROPOSE, proposal, as_stavanger)
        assert (error["code"], error["field"]) == ("BAD_USER_INPUT", field)


async def test_grant_awarded_marks_the_project_funded_once(networks) -> None:
    network_id, _ = await networks.network_in_force([STAVANGER])
    project = await networks.propose(network_id, [STAVANGER])
    application_id = await networks.grant_application(project["id"], STAVANGER)
    awarded = networks.awarded(application_id, STAVANGER)
    assert await networks.deliver(awarded, STAVANGER)
    assert (await networks.project(project["id"]))["status"] == "FUNDED"
    changed = (await networks.outbox())[-1]
    assert (changed["type"], changed["payload"]["status"]) == (
        "DevelopmentProjectStatusChanged",
        "FUNDED",
    )
    # A late rejection of another application changes nothing.
    other = await networks.grant_application(project["id"], STAVANGER)
    await networks.deliver(networks.rejected(other, STAVANGER), STAVANGER)
    assert (await networks.project(project["id"]))["status"] == "FUNDED"
    assert (await networks.outbox_types()).count("DevelopmentProjectStatusChanged") == 1


async def test_grant_rejected_marks_the_project_rejected(networks) -> None:
    network_id, _ = await networks.network_in_force([STAVANGER])
    project = await networks.propose(network_id, [STAVANGER])
    application_id = await networks.grant_application(project["id"], STAVANGER)
    await networks.deliver(networks.rejected(application_id, STAVANGER), STAVANGER)
    assert (await networks.project(project["id"]))["status"] == "REJECTED"


async def test_decisions_on_applications_of_no_project_of_ours_change_nothing(networks) -> None:
    employer = await networks.grant_application(None, STAVANGER)
    assert await networks.deliver(networks.awarded(employer, STAVANGER), STAVANGER)
    never_seen = networks.awarded(uuid.uuid4(), STAVANGER)
    assert await networks.deliver(never_seen, STAVANGER)
    unknown_project = await networks.grant_application(str(uuid.uuid4()), STAVANGER)
    assert await networks.deliver(networks.awarded(unknown_project, STAVANGER), STAVANGER)
    assert await networks.outbox_types() == []


async def test_the_lead_municipality_starts_and_completes_a_funded_project(networks) -> None:
    network_id, _ = await networks.network_in_force([STAVANGER, SANDNES])
    project = await networks.propose(network_id, [STAVANGER, SANDNES])
    lead, other = [f"municipality:{STAVANGER}"], [f"municipality:{SANDNES}"]
    started = await networks.error(networks.START, {"id": project["id"]}, lead)
    assert started["code"] == "CONFLICT"  # not funded yet
    application_id = await networks.grant_application(project["id"], STAVANGER)
    await networks.deliver(networks.awarded(application_id, STAVANGER), STAVANGER)
    for roles, code in ((other, "FORBIDDEN"), (ROGALAND, "FORBIDDEN"), (None, "UNAUTHENTICATED")):
        assert (await networks.error(networks.START, {"id": project["id"]}, roles))["code"] == code
    assert (await networks.error(networks.START, {"id": "nope"}, lead))["code"] == "NOT_FOUND"
    running = await networks.call(networks.START, {"id": project["id"]}, lead)
    assert running["startDevelopmentProject"]["status"] == "RUNNING"
    empty = {"id": project["id"], "report": " "}
    assert (await networks.error(networks.COMPLETE, empty, lead))["field"] == "finalReport"
    report = {"id": project["id"], "report": "Felles fagteam etablert; evaluert av UiS."}
    done = (await networks.call(networks.COMPLETE, report, lead))["completeDevelopmentProject"]
    assert (done["status"], done["finalReport"]) == ("COMPLETED", report["report"])
    statuses = [e["payload"]["status"] for e in await networks.outbox() if "status" in e["payload"]]
    assert statuses == ["FUNDED", "RUNNING", "COMPLETED"]


async def test_projects_per_network_and_per_municipality(networks) -> None:
    network_id, _ = await networks.network_in_force([STAVANGER, SANDNES, SOLA])
    both = await networks.propose(network_id, [STAVANGER, SANDNES])
    alone = await networks.propose(network_id, [SOLA])
    query = """query($id: ID!) { developmentProject(id: $id) {
      network { projects { id } } plan { version status } } }"""
    found = (await networks.call(query, {"id": both["id"]}))["developmentProject"]
    assert [p["id"] for p in found["network"]["projects"]] == [both["id"], alone["id"]]
    assert found["plan"] == {"version": 1, "status": "IN_FORCE"}
    rows = await networks.entities(
        "developmentProjects { id }", [STAVANGER, SOLA, "1101"], ["directorate"]
    )
    assert [[p["id"] for p in m["developmentProjects"]] for m in rows] == [
        [both["id"]],
        [alone["id"]],
        [],
    ]
