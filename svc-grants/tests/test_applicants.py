"""Applicants beyond the municipality itself: a state or private employer applies for an
employer grant for its own staff; a municipality applies for project funds acting for its
learning network."""

from __future__ import annotations

import uuid

from shared.contracts.education import ENROLMENTS_TOPIC
from shared.testing import enrolment_registered

DIRECTORATE = ["directorate"]
ALTA = "5601"
BUFETAT, PRIVATE = "986128433", "912345678"  # organisation numbers
EMPLOYER = [f"employer:{BUFETAT}"]
LISTS = """query { grantApplications { id applicant } }"""
MUNICIPALITY_APPS = """query($reps: [_Any!]!) { _entities(representations: $reps) {
  ... on Municipality { grantApplications { id } } } }"""


async def staff_enrolment(grants, employer: str | None = BUFETAT) -> str:
    registered = enrolment_registered(ALTA).model_copy(update={"employer": employer})
    await grants.deliver(ENROLMENTS_TOPIC, registered, ALTA)
    return str(registered.enrolment_id)


async def test_an_employer_applies_for_its_own_staff_and_holds_the_grant(grants) -> None:
    scheme_id = await grants.scheme()
    enrolment_id = await staff_enrolment(grants)
    app = await grants.submit(
        scheme_id, "40000", roles=EMPLOYER, enrolmentId=enrolment_id, employer=BUFETAT
    )
    assert app["status"] == "SUBMITTED"
    assert app["history"][0]["role"] == f"employer:{BUFETAT}"
    one = await grants.call(
        "query($id: ID!) { grantApplication(id: $id) { applicant } }", {"id": app["id"]}, EMPLOYER
    )
    assert one["grantApplication"]["applicant"] == f"employer:{BUFETAT}"
    listed = await grants.call(LISTS, None, EMPLOYER)
    assert listed["grantApplications"] == [{"id": app["id"], "applicant": f"employer:{BUFETAT}"}]
    # Not the municipality's application: Alta neither sees it nor acts for it.
    assert (await grants.call(LISTS, None, [f"municipality:{ALTA}"]))["grantApplications"] == []
    reps = [{"__typename": "Municipality", "number": ALTA}]
    alta = await grants.call(MUNICIPALITY_APPS, {"reps": reps}, [f"municipality:{ALTA}"])
    assert alta["_entities"][0]["grantApplications"] == []
    one_as_alta = await grants.error(
        "query($id: ID!) { grantApplication(id: $id) { id } }",
        {"id": app["id"]},
        [f"municipality:{ALTA}"],
    )
    assert one_as_alta["code"] == "NOT_FOUND"
    await grants.decide(app["id"], roles=DIRECTORATE)
    report = await grants.submit_report(app["id"], "STATUS", EMPLOYER)  # the holder reports
    assert report["status"] == "SUBMITTED"
    refused = await grants.error(
        grants.SUBMIT_REPORT,
        {"input": {"applicationId": app["id"], "kind": "FINAL", "text": "x", "spentNok": "1"}},
        [f"municipality:{ALTA}"],
    )
    assert refused["code"] == "NOT_FOUND"


async def test_an_employer_applies_only_for_its_own_staff(grants) -> None:
    scheme_id = await grants.scheme()
    theirs = await staff_enrolment(grants, PRIVATE)
    municipal = await staff_enrolment(grants, None)
    application = grants.application(scheme_id, "1000", employer=BUFETAT)
    for enrolment_id in (theirs, municipal):
        refused = await grants.error(
            grants.SUBMIT, {"input": application | {"enrolmentId": enrolment_id}}, EMPLOYER
        )
        assert (refused["code"], refused["field"]) == ("BAD_USER_INPUT", "enrolmentId")
    # Nor does the municipality apply for an employer's staff.
    refused = await grants.error(
        grants.SUBMIT,
        {"input": grants.application(scheme_id, "1000", enrolmentId=theirs)},
        [f"municipality:{ALTA}"],
    )
    assert (refused["code"], refused["field"]) == ("BAD_USER_INPUT", "enrolmentId")
    # Another employer's token, a malformed number, project funds: refused, naming why.
    other = await grants.error(
        grants.SUBMIT, {"input": application | {"enrolmentId": theirs}}, [f"employer:{PRIVATE}"]
    )
    assert other["code"] == "FORBIDDEN"
    malformed = await grants.error(
        grants.SUBMIT,
        {"input": application | {"enrolmentId": theirs, "employer": "12345"}},
        EMPLOYER,
    )
    assert (malformed["code"], malformed["field"]) == ("BAD_USER_INPUT", "employer")
    project_scheme = await grants.project_scheme()
    project = await grants.error(
        grants.SUBMIT,
        {
            "input": grants.application(
                project_scheme, "1000", projectId=str(uuid.uuid4()), employer=BUFETAT
            )
        },
        EMPLOYER,
    )
    assert (project["code"], project["field"]) == ("BAD_USER_INPUT", "employer")
    assert (await grants.call(LISTS, None, DIRECTORATE))["grantApplications"] == []


async def test_a_municipality_applies_for_project_funds_acting_for_its_network(grants) -> None:
    network_id = uuid.uuid4()
    members = ["1103", "1108"]  # Stavanger, Sandnes
    await grants.plan(members, network_id)
    project_id = await grants.project(members, network_id)
    scheme_id = await grants.project_scheme("11")
    app = await grants.submit(
        scheme_id, "100000", roles=["municipality:1103"], municipality="1103", projectId=project_id
    )
    one = await grants.call(
        "query($id: ID!) { grantApplication(id: $id) { applicant municipality { number } } }",
        {"id": app["id"]},
        ["municipality:1103"],
    )
    assert one["grantApplication"] == {
        "applicant": f"network:{network_id}",
        "municipality": {"number": "1103"},
    }
