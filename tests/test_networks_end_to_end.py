"""Issue 10 end to end: a learning network's plan and project reach grants through Kafka, and
grants' award comes back as a FUNDED project. Every process is real and separate: Kafka, the four
services on PostgreSQL, the router; everything goes through the router's public API."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Client, eventually

pytestmark = pytest.mark.integration

GOVERNOR = "governor:rogaland"
STAVANGER, SANDNES = "1103", "1108"
HA, KLEPP = "1119", "1120"  # not among the demo data's network members
SCHEME = """mutation($i: GrantSchemeInput!) { createGrantScheme(input: $i) { id } }"""
NETWORK = """mutation($i: LearningNetworkInput!) { createLearningNetwork(input: $i) { id } }"""
DRAFT = """mutation($id: ID!) { draftCompetencePlan(networkId: $id, title: "Kompetanseplan") {
  id } }"""
APPROVE = """mutation($i: PlanApprovalInput!) { approveCompetencePlan(input: $i) {
  status missingApprovals { number } } }"""
PROPOSE = """mutation($i: DevelopmentProjectInput!) { proposeDevelopmentProject(input: $i) {
  id status } }"""
SUBMIT = """mutation($i: GrantApplicationInput!) { submitGrantApplication(input: $i) {
  id status priority } }"""
DECLARE = """mutation($id: ID!) { declareGrantImpartiality(id: $id, recuse: false) { id } }"""
DECIDE = """mutation($id: ID!) { decideGrantApplication(id: $id,
  input: {outcome: APPROVE, reason: "Forankret i kompetanseplanen"}) { status } }"""
HA_VIEW = """{ municipality(number: "1119") { name
  learningNetwork { name currentPlan { status } }
  developmentProjects { id status municipalities { number name } } } }"""


def data(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body["errors"]
    return body["data"]


def in_force_network(gateway: Client) -> str:
    """Rogaland's governor creates a network; it and both members approve the plan."""
    network = data(
        gateway.call(
            NETWORK,
            {"i": {"county": "11", "name": "Nord-Jæren (e2e)", "members": [HA, KLEPP]}},
            role=GOVERNOR,
        )
    )["createLearningNetwork"]["id"]
    plan_id = data(gateway.call(DRAFT, {"id": network}, role=GOVERNOR))["draftCompetencePlan"]["id"]
    data(gateway.call(APPROVE, {"i": {"planId": plan_id}}, role=GOVERNOR))
    for number in (HA, KLEPP):
        approval = {"i": {"planId": plan_id, "municipality": number}}
        last = data(gateway.call(APPROVE, approval, role=f"municipality:{number}"))
    assert last["approveCompetencePlan"] == {"status": "IN_FORCE", "missingApprovals": []}
    return network


def test_grants_accepts_a_project_only_after_networks_events_and_its_award_funds_it(
    gateway: Client,
) -> None:
    scheme = {
        "name": "Stimuleringsmidler Rogaland (e2e)",
        "year": 2018,
        "kind": "DEVELOPMENT_PROJECT",
        "budgetNok": "1000000",
        "county": "11",
    }
    scheme_id = data(gateway.call(SCHEME, {"i": scheme}, role="directorate"))["createGrantScheme"]
    network_id = in_force_network(gateway)
    proposal = {
        "networkId": network_id,
        "title": "Felles fagteam",
        "municipalities": [HA, KLEPP],
        "partner": "Universitetet i Stavanger",
        "budgetNok": "300000",
    }
    project = data(gateway.call(PROPOSE, {"i": proposal}, role=f"municipality:{HA}"))
    project_id = project["proposeDevelopmentProject"]["id"]
    application = {
        "schemeId": scheme_id["id"],
        "municipality": HA,
        "amountNok": "300000",
        "purpose": "Prosjektledelse og ekstern veiledning",
        "projectId": project_id,
    }

    def submitted() -> dict[str, Any] | None:
        """Grants knows the project and its plan only from networks' events: until both have
        arrived it refuses the application (and stores nothing)."""
        body = gateway.call(SUBMIT, {"i": application}, role=f"municipality:{HA}")
        if body.get("errors"):
            assert body["errors"][0]["extensions"]["field"] == "projectId", body
            return None
        return body["data"]["submitGrantApplication"]

    accepted = eventually(submitted, timeout=60)
    assert accepted is not None, "grants never learnt the project and its plan"
    assert (accepted["status"], accepted["priority"]) == ("SUBMITTED", 2)

    data(gateway.call(DECLARE, {"id": accepted["id"]}, role=GOVERNOR))  # no conflict of interest
    decided = data(gateway.call(DECIDE, {"id": accepted["id"]}, role=GOVERNOR))
    assert decided["decideGrantApplication"]["status"] == "APPROVED"

    def funded() -> dict[str, Any] | None:
        view = data(gateway.call(HA_VIEW, role=f"municipality:{HA}"))
        projects = view["municipality"]["developmentProjects"]
        mine = [p for p in projects if p["id"] == project_id and p["status"] == "FUNDED"]
        return view["municipality"] if mine else None

    municipality = eventually(funded, timeout=60)
    assert municipality is not None, "networks never learnt grants' award"
    assert municipality["learningNetwork"] == {
        "name": "Nord-Jæren (e2e)",
        "currentPlan": {"status": "IN_FORCE"},
    }
    assert municipality["developmentProjects"][0]["municipalities"] == [
        {"number": HA, "name": "Hå"},
        {"number": KLEPP, "name": "Klepp"},
    ]


def test_risk_assessments_through_the_router_are_for_the_municipality_and_its_governor(
    gateway: Client,
) -> None:
    assessment = {
        "municipality": SANDNES,
        "assessedOn": "2018-11-01",
        "level": "MODERATE",
        "concerns": ["Sårbar bemanning"],
    }
    mutation = """mutation($i: RiskAssessmentInput!) { recordRiskAssessment(input: $i) {
      level } }"""
    data(gateway.call(mutation, {"i": assessment}, role=f"municipality:{SANDNES}"))
    query = '{ municipality(number: "1108") { riskAssessment { level concerns } } }'
    for role in (f"municipality:{SANDNES}", GOVERNOR, "directorate"):
        seen = data(gateway.call(query, role=role))["municipality"]["riskAssessment"]
        assert seen == {"level": "MODERATE", "concerns": ["Sårbar bemanning"]}
    for role in (f"municipality:{STAVANGER}", "governor:troms-finnmark"):
        body = gateway.call(query, role=role)
        assert body["data"]["municipality"]["riskAssessment"] is None
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert "Sårbar" not in str(body)


def test_demo_networks_load_through_the_router_and_a_second_load_changes_nothing(
    platform: Any, gateway: Client
) -> None:
    from localinfra.demo import load_demo_data

    load_demo_data(platform.gateway_url)
    query = """{ learningNetworks { name county { number } demo
      members { municipality { number } } currentPlan { status } } }"""
    networks = data(gateway.call(query))["learningNetworks"]
    demo = [n for n in networks if n["demo"]]
    # Hordaland's and Sogn og Fjordane's networks of 2018 both lie in Vestland (46) today.
    counties = ["11", "18", "32", "34", "46", "46", "50", "56"]
    assert sorted(n["county"]["number"] for n in demo) == counties
    rogaland = next(n for n in demo if n["county"]["number"] == "11")
    assert len(rogaland["members"]) == 12
    assert rogaland["currentPlan"] == {"status": "IN_FORCE"}
    overview = '{ dialogueOverview(county: "11") { hadMeeting } }'
    met = data(gateway.call(overview, role=GOVERNOR))["dialogueOverview"]
    assert all(row["hadMeeting"] for row in met)

    load_demo_data(platform.gateway_url)
    assert data(gateway.call(query))["learningNetworks"] == networks
    again = data(gateway.call('{ dialogueOverview(county: "11") { meetings } }', role=GOVERNOR))
    assert {row["meetings"] for row in again["dialogueOverview"]} == {1}
