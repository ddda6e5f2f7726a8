"""Guidance demo data, loaded through the gateway's public API as real clients would.

Seed facts: the directorate's team of 11 advisers for 2018–2020, and the 2018 round's 13
municipalities (here under today's numbers: Førde, with Gaular, is Sunnfjord 4647 since 2020),
Åsnes as host of the Solør child-welfare service. Invented for the demo, and labelled so: the
advisers' names, backgrounds, regions and capacities; which advisers worked where; the Solør
service's other participants (Våler and Grue); the dates, hours and texts; and the whole 2019
round of requests. Safe to repeat: what exists is found and reused, nothing is made twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shared import reference
from shared.reference import governors

if TYPE_CHECKING:
    from localinfra.demo import DemoClient

DIRECTORATE = "directorate"
DEMO = "Demo data (invented)"
# (name, region): demo names, not the real team's.
ADVISERS = [
    ("Astrid Berg", "Nord"),
    ("Bjørn Dahl", "Nord"),
    ("Camilla Eide", "Nord"),
    ("Daniel Foss", "Nord"),
    ("Eli Grande", "Nord"),
    ("Frode Hauge", "Nord"),
    ("Guro Isaksen", "Vest"),
    ("Håkon Johansen", "Øst"),
    ("Ingrid Krog", "Øst"),
    ("Jon Lie", "Øst"),
    ("Kristin Moe", "Øst"),
]
ADVISER_CAPACITY = 3
# The 2018 round: (today's number, the other municipalities its service covers, team by index).
ROUND_2018 = [
    ("5601", [], [0, 1]),  # Alta
    ("5612", [], [0, 2]),  # Kautokeino
    ("5610", [], [1, 2]),  # Karasjok
    ("5622", [], [3]),  # Porsanger
    ("1853", [], [3, 4]),  # Evenes
    ("1832", [], [4, 5]),  # Hemnes
    ("1837", [], [5]),  # Meløy
    ("1860", [], [4, 6]),  # Vestvågøy
    ("4647", [], [6, 7]),  # Sunnfjord: Førde/Gaular child-welfare service, one municipality now
    ("3401", [], [8, 9]),  # Kongsvinger
    ("3418", ["3419", "3417"], [8, 10]),  # Åsnes: Solør child-welfare service with Våler, Grue
    ("3242", [], [9, 10]),  # Hurdal
    ("3209", [], [7, 10]),  # Ullensaker
]
STARTS_ON, COMPLETED_ON = "2018-09-03", "2020-09-03"
# The 2019 round, all invented: (number, how the case opened, committed hours; 0 declines,
# None has not answered yet).
ROUND_2019 = [
    ("5634", "REQUESTED", 30),  # Vardø
    ("5603", "NOMINATED", 40),  # Hammerfest
    ("3414", "REQUESTED", 25),  # Nord-Odal
    ("1836", "NOMINATED", None),  # Rødøy
    ("4646", "NOMINATED", 0),  # Fjaler
]


def load_guidance_demo(client: DemoClient) -> dict[str, int]:
    advisers = _advisers(client)
    for number, also_covers, team in ROUND_2018:
        _round_2018_engagement(client, number, also_covers, [advisers[i] for i in team])
    for number, origin, hours in ROUND_2019:
        _round_2019_case(client, number, origin, hours)
    return {
        "guidanceAdvisers": len(ADVISERS),
        "guidanceEngagements2018": len(ROUND_2018),
        "guidanceCases2019": len(ROUND_2019),
    }


def _advisers(client: DemoClient) -> list[str]:
    existing = {
        a["name"]: a["id"]
        for a in client.call("{ guidanceAdvisers { id name } }", role=DIRECTORATE)[
            "guidanceAdvisers"
        ]
    }
    for name, region in ADVISERS:
        if name not in existing:
            adviser = {
                "name": name,
                "capacity": ADVISER_CAPACITY,
                "region": region,
                "background": f"{DEMO}: experienced child-welfare and municipal leader",
            }
            existing[name] = client.call(
                "mutation($i: GuidanceAdviserInput!) { registerGuidanceAdviser(input: $i) { id } }",
                {"i": adviser},
                role=DIRECTORATE,
            )["registerGuidanceAdviser"]["id"]
    return [existing[name] for name, _ in ADVISERS]


def _round_2018_engagement(
    client: DemoClient, number: str, also_covers: list[str], team: list[str]
) -> None:
    cases = _cases(client, number)
    engaged = [c for c in cases if c["engagement"] and c["engagement"]["round"] == 2018]
    if engaged:
        engagement = engaged[0]["engagement"]
    else:
        case = next((c for c in cases if c["status"] in ("AWAITING_RESPONSE", "ACCEPTED")), None)
        case = case or _open(client, number, "NOMINATED")
        if case["status"] == "AWAITING_RESPONSE":
            _answer(client, number, case["id"], 40)
        engagement = client.call(
            "mutation($i: GuidanceEngagementInput!) { startGuidanceEngagement(input: $i) {"
            " id status } }",
            {
                "i": {
                    "caseId": case["id"],
                    "round": 2018,
                    "startsOn": STARTS_ON,
                    "advisers": team,
                    "alsoCovers": also_covers,
                }
            },
            role=DIRECTORATE,
        )["startGuidanceEngagement"]
    if engagement["status"] == "ACTIVE":
        client.call(
            "mutation($id: ID!, $r: String!, $on: Date!) { completeGuidanceEngagement("
            "id: $id, finalReport: $r, completedOn: $on) { id } }",
            {"id": engagement["id"], "r": f"{DEMO}: final report", "on": COMPLETED_ON},
            role=DIRECTORATE,
        )


def _round_2019_case(client: DemoClient, number: str, origin: str, hours: int | None) -> None:
    if _cases(client, number):
        return  # its 2019 case exists already (none of these was in the 2018 round)
    case = _open(client, number, origin)
    if hours is not None:
        _answer(client, number, case["id"], hours)


def _cases(client: DemoClient, number: str) -> list[dict[str, Any]]:
    return client.call(
        "query($m: String!) { guidanceCases(municipality: $m) {"
        " id status engagement { id round status } } }",
        {"m": number},
        role=DIRECTORATE,
    )["guidanceCases"]


def _open(client: DemoClient, number: str, origin: str) -> dict[str, Any]:
    """A nomination by the county governor's office serving the county, or the own request."""
    reason = {"municipality": number, "reason": f"{DEMO}: high risk of failing its services"}
    if origin == "REQUESTED":
        return client.call(
            "mutation($i: GuidanceRequestInput!) { requestGuidance(input: $i) { id status } }",
            {"i": reason},
            role=f"municipality:{number}",
        )["requestGuidance"]
    return client.call(
        "mutation($i: GuidanceNominationInput!) { nominateForGuidance(input: $i) { id status } }",
        {"i": reason},
        role=f"governor:{_governor_office(number)}",
    )["nominateForGuidance"]


def _governor_office(number: str) -> str:
    municipality = reference.municipality(number)
    office = governors.office_of_county(municipality.county) if municipality else None
    if office is None:
        raise RuntimeError(f"no county governor's office serves municipality {number}")
    return office.id


def _answer(client: DemoClient, number: str, case_id: str, hours: int) -> None:
    client.call(
        "mutation($id: ID!, $accept: Boolean!, $hours: Int) { respondToGuidance(caseId: $id,"
        " accept: $accept, committedHoursPerMonth: $hours) { id } }",
        {"id": case_id, "accept": hours > 0, "hours": hours or None},
        role=f"municipality:{number}",
    )
