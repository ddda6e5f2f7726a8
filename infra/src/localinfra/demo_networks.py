"""Demo data for networks, loaded through the router's public API as the governors and
municipalities would enter it; every record says what is sourced and what is invented
(localinfra.demo_sources).

- Rogaland's 2018 learning network. Source: 12 municipalities accepted it (Fylkesmannen i
  Rogaland, 2018) and it makes a competence plan. Invented: which twelve (the source gives the
  count, not the names), the date, the partners, and the plan's title and approvals.
- Dialogue meetings in every Rogaland municipality. Source: meetings in all of them during 2018
  and 2019 on the five topics. Invented: each date and the participants' roles.
- One network for each other county of 2018 where the sources name a municipality (the guidance
  round of 2018, the Rogaland cohort's Etne and Sveio), created under the county number and the
  municipality numbers of 2018 (Hordaland 12, Sogn og Fjordane 14, Hedmark 04, Akershus 02,
  Finnmark 20): that they joined a network is invented. No risk assessments: a municipality's
  risk level would be an invented judgement about a real service.

Safe to repeat: networks are found by name, plans and meetings only added where missing.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Protocol

from localinfra.demo_sources import (
    ROGALAND_NEWS,
    Provenance,
    county_name_2018,
    invented,
    partly,
)
from shared import reference
from shared.reference import governors


class Client(Protocol):
    def call(
        self, query: str, variables: dict[str, Any] | None = None, role: str | None = None
    ) -> Any: ...


ROGALAND_NAME = "Læringsnettverk Rogaland 2018"
ROGALAND_SOURCE = partly(
    ROGALAND_NEWS,
    "12 municipalities have accepted the learning network",
    "which twelve (the source names none), the date and the partners",
)
# The eight Rogaland municipalities the source names for the 2018 service-support programme
# (Forsand under its number of 2018) and four more: a demo choice of twelve.
ROGALAND_MEMBERS = [
    "1122", "1114", "1133", "1135", "1134", "1146", "1160", "1129",
    "1103", "1124", "1130", "1121",
]  # fmt: skip
ROGALAND_PARTNERS = ["Universitetet i Stavanger", "RKBU Vest", "KS Rogaland"]
# Counties of 2018 with the municipalities the sources name there, under the numbers of 2018
# (the guidance round of 2018; Etne and Sveio of the Rogaland cohort); Steinkjer for Trøndelag.
OTHER_NETWORKS = {
    "20": ["2012", "2011", "2021", "2020"],
    "18": ["1853", "1832", "1837", "1860"],
    "14": ["1432"],
    "12": ["1211", "1216"],
    "04": ["0402", "0425"],
    "02": ["0239", "0235"],
    "50": ["5004"],
}
OTHER_SOURCE = invented(
    "that these municipalities, which the source documents name, formed a network, and when"
)
ESTABLISHED_ON = "2018-03-01"  # "early 2018", the seeds say; the day is invented
TOPICS = ["PRACTICE", "QUALITY", "ECONOMY", "OWNERSHIP_LEADERSHIP", "INTERNAL_CONTROL"]
PARTICIPANTS = ["Rådmann", "Barnevernleder", "Fylkesmannen i Rogaland"]  # roles, not people
PLAN = {
    "source": partly(
        ROGALAND_NEWS, "the learning network makes a competence plan", "its title and approvals"
    )["source"]
}
MEETING = partly(
    ROGALAND_NEWS,
    "dialogue meetings in all municipalities during 2018 and 2019 on practice, quality, "
    "economy, ownership/leadership and internal control",
    "the date and the participants' roles",
)


def load_network_demo(client: Client) -> None:
    rogaland = _network(
        client, "11", ROGALAND_NAME, ROGALAND_MEMBERS, ROGALAND_PARTNERS, ROGALAND_SOURCE
    )
    _plan_in_force(client, rogaland)
    for county, members in OTHER_NETWORKS.items():
        name = f"Læringsnettverk {county_name_2018(county)} 2018"
        _network(client, county, name, members, [], OTHER_SOURCE)
    _meetings_across_rogaland(client)


def _governor(county: str) -> str:
    """Today's office serving the county (a number of 2018 stands for today's county)."""
    today = reference.county(county)
    office = governors.office_of_county(today.number) if today else None
    assert office is not None, f"county {county} has a governor"
    return f"governor:{office.id}"


def _network(
    client: Client,
    county: str,
    name: str,
    members: list[str],
    partners: list[str],
    provenance: Provenance,
) -> dict[str, Any]:
    query = """query($county: String) { learningNetworks(county: $county) {
      id name currentPlan { id status missingApprovals { number } } } }"""
    existing = client.call(query, {"county": county})["learningNetworks"]
    found = next((n for n in existing if n["name"] == name), None)
    if found is not None:
        return found
    network = {
        "county": county,
        "name": name,
        "members": members,
        "partners": partners,
        "establishedOn": ESTABLISHED_ON,
        **provenance,
    }
    created = client.call(
        """mutation($i: LearningNetworkInput!) { createLearningNetwork(input: $i) {
          id name currentPlan { id status missingApprovals { number } } } }""",
        {"i": network},
        role=_governor(county),
    )
    return created["createLearningNetwork"]


def _plan_in_force(client: Client, network: dict[str, Any]) -> None:
    """Drafted, decided by the network, approved by each member: whatever is still missing."""
    governor = _governor("11")
    approve = """mutation($i: PlanApprovalInput!) { approveCompetencePlan(input: $i) {
      id status missingApprovals { number } } }"""
    plan = network["currentPlan"]
    if plan is None:
        plan = client.call(
            """mutation($id: ID!, $title: String!, $source: String) { draftCompetencePlan(
              networkId: $id, title: $title, demo: true, source: $source) {
              id status missingApprovals { number } } }""",
            {"id": network["id"], "title": "Kompetanse- og kvalitetsplan 2018–2020"} | PLAN,
            role=governor,
        )["draftCompetencePlan"]
    if plan["status"] == "DRAFT":
        plan = client.call(approve, {"i": {"planId": plan["id"]}}, role=governor)[
            "approveCompetencePlan"
        ]
    for member in plan["missingApprovals"]:
        number = member["number"]
        client.call(
            approve,
            {"i": {"planId": plan["id"], "municipality": number}},
            role=f"municipality:{number}",
        )


def _meetings_across_rogaland(client: Client) -> None:
    governor = _governor("11")
    overview = client.call(
        """{ dialogueOverview(county: "11") { municipality { number } hadMeeting } }""",
        role=governor,
    )["dialogueOverview"]
    first = date(2018, 3, 5)
    for i, row in enumerate(overview):
        if row["hadMeeting"]:
            continue
        meeting = {
            "municipality": row["municipality"]["number"],
            "heldOn": (first + timedelta(weeks=3 * i)).isoformat(),  # across 2018 and 2019
            "topics": TOPICS,
            "participants": PARTICIPANTS,
            **MEETING,
        }
        client.call(
            """mutation($i: DialogueMeetingInput!) { recordDialogueMeeting(input: $i) { id } }""",
            {"i": meeting},
            role=governor,
        )
