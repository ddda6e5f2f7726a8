"""Demo data for networks, loaded through the router's public API as the governors and
municipalities would enter it. What the seeds say and what is invented: svc-networks/README.md.

- Rogaland's 2018 learning network. Seed fact: 12 municipalities accepted it (early 2018) and it
  makes a competence plan. Invented: which twelve (the seeds give the count, not the names; the
  network's name says so), the date, the partners, and the plan's approvals.
- Dialogue meetings in every Rogaland municipality. Seed fact: meetings in all of them during
  2018 and 2019 on the five topics. Invented: each date and the participants' roles.
- One network for each other county the seeds name (directly, or through a municipality they
  name), its members the seeds' municipalities of that county: which of them took part in a
  network is invented, and each name says so. No risk assessments: a municipality's risk level
  would be an invented judgement about a real service.

Safe to repeat: networks are found by name, plans and meetings only added where missing.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Protocol

from shared import reference
from shared.reference import governors


class Client(Protocol):
    def call(
        self, query: str, variables: dict[str, Any] | None = None, role: str | None = None
    ) -> Any: ...


ROGALAND_NAME = (
    "Læringsnettverk Rogaland 2018 (demo: kildene oppgir 12 kommuner, ikke hvilke; "
    "medlemmene her er valgt for demoen)"
)
# The seven Rogaland municipalities the seeds name for the 2018 service-support programme,
# Sandnes (Forsand's today), and four more: a demo choice of twelve.
ROGALAND_MEMBERS = [
    "1122", "1114", "1133", "1135", "1134", "1146", "1160", "1108",
    "1103", "1124", "1130", "1121",
]  # fmt: skip
ROGALAND_PARTNERS = ["Universitetet i Stavanger", "RKBU Vest", "KS Rogaland"]
# Counties the seeds name, with the municipalities they name there (guidance teams 2018,
# service-support programme); Trøndelag is named as where such networks began, no municipality.
OTHER_NETWORKS = {
    "56": ["5601", "5612", "5610", "5622"],
    "18": ["1853", "1832", "1837", "1860"],
    "46": ["4647", "4611", "4612"],
    "34": ["3401", "3418"],
    "32": ["3242", "3209"],
    "50": ["5006"],
}
OTHER_LABEL = "(demo: medlemmer valgt blant kommuner kildene nevner)"
ESTABLISHED_ON = "2018-03-01"  # "early 2018", the seeds say; the day is invented
TOPICS = ["PRACTICE", "QUALITY", "ECONOMY", "OWNERSHIP_LEADERSHIP", "INTERNAL_CONTROL"]
PARTICIPANTS = ["Rådmann", "Barnevernleder", "Fylkesmannen i Rogaland"]  # roles, not people


def load_network_demo(client: Client) -> None:
    rogaland = _network(client, "11", ROGALAND_NAME, ROGALAND_MEMBERS, ROGALAND_PARTNERS)
    _plan_in_force(client, rogaland)
    for county, members in OTHER_NETWORKS.items():
        name = f"Læringsnettverk {_county_name(county)} {OTHER_LABEL}"
        _network(client, county, name, members, [])
    _meetings_across_rogaland(client)


def _county_name(county: str) -> str:
    """The Norwegian name alone ("Nordland - Nordlánnda" → "Nordland")."""
    found = reference.county(county)
    assert found is not None, f"county {county} exists"
    return found.name.split(" - ")[0]


def _governor(county: str) -> str:
    office = governors.office_of_county(county)
    assert office is not None, f"county {county} has a governor"
    return f"governor:{office.id}"


def _network(
    client: Client, county: str, name: str, members: list[str], partners: list[str]
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
            """mutation($id: ID!, $title: String!) { draftCompetencePlan(networkId: $id,
              title: $title) { id status missingApprovals { number } } }""",
            {"id": network["id"], "title": "Kompetanse- og kvalitetsplan 2018–2020 (demo)"},
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
        }
        client.call(
            """mutation($i: DialogueMeetingInput!) { recordDialogueMeeting(input: $i) { id } }""",
            {"i": meeting},
            role=governor,
        )
