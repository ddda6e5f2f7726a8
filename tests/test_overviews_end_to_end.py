"""The overviews through the router, on the demo data: coverage per municipality and the nation's,
public and consistent with the records beneath them, for one call to one subgraph.

Every process is real and separate: Kafka, four services on PostgreSQL, the gateway. Education
learns grants, memberships and guidance engagements from the services' events, so the checks
wait until those have arrived.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import Client, eventually, subgraph_calls

pytestmark = pytest.mark.integration

SUBGRAPHS = ("education", "grants", "networks", "guidance")
COVERAGE = """query($n: String!, $y: Int) { municipality(number: $n) { number
  coverage(year: $y) { furtherEducation guidance measures } } }"""
COUNTRY = """query($y: Int) {
  nationalOverview(year: $y) { municipalitiesTotal municipalitiesReached
    counties { county { number name } municipalitiesTotal municipalitiesReached }
    seatsOffered seatsTaken grantsCommittedNok grantsPaidNok supportProgrammeEmployees
    activeGuidanceEngagements }
  municipalities { number county { number } coverage(year: $y) { measures } } }"""


@pytest.fixture(scope="module")
def demo(platform: Any) -> None:
    from localinfra.demo import load_demo_data

    load_demo_data(platform.gateway_url)


@pytest.fixture(scope="module")
def awarded(gateway: Client, demo: None) -> str:
    """An employer grant for Alta's 2018 enrolment (posted under 2012), approved and part paid."""
    eligibility = """{ municipality(number: "5601") { grantEligibility {
      enrolmentId status scheme { id } } } }"""

    def eligible() -> list[dict[str, Any]]:
        found = gateway.call(eligibility, role="municipality:5601")["data"]["municipality"]
        return [e for e in found["grantEligibility"] if e["status"] == "ELIGIBLE"]

    first = eventually(eligible)[0]
    submitted = gateway.call(
        """mutation($i: GrantApplicationInput!) { submitGrantApplication(input: $i) { id } }""",
        {
            "i": {
                "schemeId": first["scheme"]["id"],
                "municipality": "5601",
                "amountNok": "40000.00",
                "purpose": "Vikar under videreutdanning",
                "enrolmentId": first["enrolmentId"],
            }
        },
        role="municipality:5601",
    )
    application = submitted["data"]["submitGrantApplication"]["id"]
    decided = gateway.call(
        """mutation($id: ID!) { decideGrantApplication(id: $id,
             input: { outcome: APPROVE, amountNok: "30000.00", reason: "Innvilget" }) {
               status } }""",
        {"id": application},
        role="directorate",
    )
    assert decided["data"]["decideGrantApplication"]["status"] == "APPROVED", decided
    return application


def alta_coverage(gateway: Client, number: str, year: int | None) -> dict[str, Any]:
    body = gateway.call(COVERAGE, {"n": number, "y": year})  # no token
    assert "errors" not in body, body
    return body["data"]["municipality"]


def test_alta_shows_its_2018_further_education_and_guidance_under_both_numbers(
    gateway: Client, demo: None
) -> None:
    def shown(number: str) -> dict[str, Any] | None:
        found = alta_coverage(gateway, number, 2018)
        wanted = {"furtherEducation": True, "guidance": True}
        return found if found["coverage"].items() >= wanted.items() else None

    for number in ("2012", "5601"):
        found = eventually(lambda n=number: shown(n))
        assert found is not None, alta_coverage(gateway, number, 2018)
        assert found["number"] == "5601"
    assert alta_coverage(gateway, "2012", 2017)["coverage"]["measures"] == 0


def test_the_country_s_coverage_costs_one_call_to_one_subgraph_and_agrees_with_itself(
    platform: Any, gateway: Client, demo: None
) -> None:
    before = {s: subgraph_calls(platform, s) for s in SUBGRAPHS}
    body = gateway.call(COUNTRY, {"y": 2018})  # the directorate's national page, no token
    calls = {s: subgraph_calls(platform, s) - before[s] for s in SUBGRAPHS}
    assert "errors" not in body, body
    assert calls == {"education": 1, "grants": 0, "networks": 0, "guidance": 0}
    national, municipalities = body["data"]["nationalOverview"], body["data"]["municipalities"]
    assert len(municipalities) == national["municipalitiesTotal"] == 357
    reached = [m for m in municipalities if m["coverage"]["measures"] > 0]
    assert national["municipalitiesReached"] == len(reached) > 0
    for county in national["counties"]:
        mine = [m for m in reached if m["county"]["number"] == county["county"]["number"]]
        assert county["municipalitiesReached"] == len(mine), county


def test_the_nation_s_2018_totals_agree_with_the_services_own_figures(
    gateway: Client, awarded: str
) -> None:
    own = gateway.call(
        """{ a: offerings(term: "2018H") { seats seatsTaken }
             b: offerings(term: "2018V") { seats seatsTaken }
             autumn: supportCohorts(term: "2018H") { participantCount }
             spring: supportCohorts(term: "2018V") { participantCount }
             grantSchemes(year: 2018) { committedNok paidNok }
             guidanceEngagements(round: 2018) { id } }""",
        role="directorate",
    )["data"]
    offerings = own["a"] + own["b"]
    committed = sum(Decimal(s["committedNok"]) for s in own["grantSchemes"])
    assert committed >= Decimal("30000.00")  # the award above
    expected = {
        "seatsOffered": sum(o["seats"] for o in offerings),
        "seatsTaken": sum(o["seatsTaken"] for o in offerings),
        "supportProgrammeEmployees": sum(
            c["participantCount"] for c in own["autumn"] + own["spring"]
        ),
        "grantsCommittedNok": f"{committed:.2f}",
        "grantsPaidNok": f"{sum(Decimal(s['paidNok']) for s in own['grantSchemes']):.2f}",
        # Every engagement of the 2018 round went on during 2018 (later rounds start later).
        "activeGuidanceEngagements": len(own["guidanceEngagements"]),
    }

    def national() -> dict[str, Any]:
        found = gateway.call(COUNTRY, {"y": 2018})["data"]["nationalOverview"]
        return {key: found[key] for key in expected}

    assert eventually(lambda: national() == expected), (national(), expected)
    assert expected["seatsOffered"] >= 280 and expected["activeGuidanceEngagements"] == 13


def test_an_overview_is_public_but_never_reveals_a_risk_assessment(gateway: Client) -> None:
    gateway.call(
        """mutation($i: RiskAssessmentInput!) { recordRiskAssessment(input: $i) { level } }""",
        {
            "i": {
                "municipality": "5601",
                "assessedOn": "2018-11-01",
                "level": "HIGH",
                "concerns": ["Høy turnover"],
            }
        },
        role="municipality:5601",
    )
    body = gateway.call(
        """{ municipality(number: "5601") { coverage { measures } riskAssessment { level } }
             nationalOverview { municipalitiesReached } }"""
    )
    assert body["data"]["municipality"]["coverage"]["measures"] >= 0
    assert body["data"]["nationalOverview"]["municipalitiesReached"] >= 0
    assert body["data"]["municipality"]["riskAssessment"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]
    assert "HIGH" not in str(body) and "turnover" not in str(body)
