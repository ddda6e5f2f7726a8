"""Guidance demo data, loaded through the gateway's public API as real clients would; every
record says what is sourced and what is invented (localinfra.demo_sources).

Source (Bufdir's press release of 6 June 2018): the directorate's team of 11 advisers for
2018–2020, and the 2018 round's 13 municipalities, here opened under their numbers of 2018
(Alta 2012, Førde 1432 with its Førde/Gaular service, Kongsvinger 0402, Åsnes 0425 hosting the
Solør service, Hurdal 0239, Ullensaker 0235). Invented, and labelled so: the advisers' names,
backgrounds, regions and capacities; which advisers worked where; the Solør service's other
participants (Våler and Grue); the dates, hours and texts; and the whole 2019 round (the source
says only that a new round follows each year).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from localinfra.demo_sources import PRESS_RELEASE, Provenance, invented, partly
from shared import reference
from shared.reference import governors

if TYPE_CHECKING:
    from localinfra.demo import DemoClient

DIRECTORATE = "directorate"
DEMO = "Demo data (invented)"
ADVISER = partly(
    PRESS_RELEASE,
    "a team of 11 experienced child-welfare and municipal leaders for 2018–2020",
    "this adviser's name, background, region and capacity",
)
ROUND_2018_SOURCE = partly(
    PRESS_RELEASE,
    "13 municipalities accepted guidance in 2018: Alta, Kautokeino, Karasjok, Porsanger, "
    "Evenes, Hemnes, Meløy, Vestvågøy, Førde (Førde/Gaular), Kongsvinger, Åsnes (Solør), "
    "Hurdal and Ullensaker",
    "the dates, the reason, the hours and the advisers",
)
ROUND_2019_SOURCE = invented("the whole 2019 round (the source says a new round follows)")
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
# The 2018 round: (the number of 2018, the other municipalities its service covers, team by
# index).
ROUND_2018 = [
    ("2012", [], [0, 1]),  # Alta
    ("2011", [], [0, 2]),  # Kautokeino
    ("2021", [], [1, 2]),  # Karasjok
    ("2020", [], [3]),  # Porsanger
    ("1853", [], [3, 4]),  # Evenes
    ("1832", [], [4, 5]),  # Hemnes
    ("1837", [], [5]),  # Meløy
    ("1860", [], [4, 6]),  # Vestvågøy
    ("1432", [], [6, 7]),  # Førde (Førde/Gaular service; both in Sunnfjord today)
    ("0402", [], [8, 9]),  # Kongsvinger
    ("0425", ["0426", "0423"], [8, 10]),  # Åsnes: Solør child-welfare service with Våler, Grue
    ("0239", [], [9, 10]),  # Hurdal
    ("0235", [], [7, 10]),  # Ullensaker
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
                **ADVISER,
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
        case = case or _open(client, number, "NOMINATED", ROUND_2018_SOURCE)
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
                    **ROUND_2018_SOURCE,
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
    case = _open(client, number, origin, ROUND_2019_SOURCE)
    if hours is not None:
        _answer(client, number, case["id"], hours)


def _cases(client: DemoClient, number: str) -> list[dict[str, Any]]:
    return client.call(
        "query($m: String!) { guidanceCases(municipality: $m) {"
        " id status engagement { id round status } } }",
        {"m": number},
        role=DIRECTORATE,
    )["guidanceCases"]


def _open(client: DemoClient, number: str, origin: str, provenance: Provenance) -> dict[str, Any]:
    """A nomination by the county governor's office serving the county, or the own request."""
    reason = {
        "municipality": number,
        "reason": f"{DEMO}: high risk of failing its services",
        **provenance,
    }
    if origin == "REQUESTED":
        return client.call(
            "mutation($i: GuidanceRequestInput!) { requestGuidance(input: $i) { id status } }",
            {"i": reason},
            role=_itself(number),
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
        role=_itself(number),
    )


def _itself(number: str) -> str:
    """The municipality's own role, under today's number (the demo posts those of 2018)."""
    today = reference.municipality(number)
    assert today is not None, f"municipality {number} exists"
    return f"municipality:{today.number}"
