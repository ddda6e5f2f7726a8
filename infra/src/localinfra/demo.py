"""Demo data from the seeds, loaded through the gateway's public API as real clients would.

Autumn 2018: about 280 study places in the six programmes at partner institutions, enrolments
from municipalities named in the strategy documents (Alta posted under its 2018 number 2012),
the 2018 grant schemes within the NOK 80 million competence grant, and the service-support
programme's Rogaland 2018 cohort with the municipalities the county governor named (their
head counts are demo figures; Etne and Sveio, in Hordaland then, are left out because a
cohort is run per county). Safe to repeat: enrolments and cohort joins are idempotent, and
existing offerings, schemes and cohorts are reused.
"""

from __future__ import annotations

from typing import Any

import httpx

from localinfra.demo_guidance import load_guidance_demo
from localinfra.demo_networks import load_network_demo
from shared.auth import issue_token
from shared.settings import AuthSettings

TERM = "2018H"
# (programme name, institution id, seats): 280 seats in all.
OFFERINGS = [
    ("Relasjonskompetanse og samarbeid med barn og familier", "oslomet", 50),
    ("Relasjonskompetanse og samarbeid med barn og familier", "uit", 30),
    ("Vurdering av barnets beste", "hvl", 40),
    ("Vurdering av barnets beste", "nord", 25),
    ("Juss i barnevernet", "uis", 45),
    ("Barnevernsledelse", "usn", 30),
    ("Barnevernsfaglig veiledning", "vid", 30),
    ("Barnevern i et minoritetsperspektiv", "uit", 30),
]
# Employing municipalities (historical numbers where the documents used them).
ENROLMENTS = [
    ("Juss i barnevernet", "uis", ["1122", "1114", "1133", "1134", "1146", "1160"]),
    (
        "Relasjonskompetanse og samarbeid med barn og familier",
        "uit",
        ["2012", "2011", "2021", "2020", "1853", "1832"],
    ),
    ("Vurdering av barnets beste", "nord", ["1837", "1860", "1853"]),
    ("Barnevernsledelse", "usn", ["0301", "3401", "3419"]),
    ("Relasjonskompetanse og samarbeid med barn og familier", "oslomet", ["0301", "3033", "3036"]),
    ("Vurdering av barnets beste", "hvl", ["1432", "4647"]),
]
SCHEMES: list[dict[str, str | int]] = [
    {
        "name": "Tilskudd til arbeidsgivere med ansatte i videreutdanning",
        "year": 2018,
        "kind": "EMPLOYER_FURTHER_EDUCATION",
        "budgetNok": "25000000.00",
    },
    *[
        {
            "name": f"Stimuleringsmidler til utviklingsprosjekter – fylke {county}",
            "year": 2018,
            "kind": "DEVELOPMENT_PROJECT",
            "budgetNok": "1000000.00",
            "county": county,
        }
        for county in (
            "03",
            "11",
            "15",
            "18",
            "31",
            "32",
            "33",
            "34",
            "39",
            "40",
            "42",
            "46",
            "50",
            "55",
            "56",
        )
    ],
]


# Rogaland 2018 (Fylkesmannen i Rogaland): Forsand is 1129 from then, Sandnes today.
ROGALAND_2018 = {
    "1122": 9,
    "1114": 5,
    "1129": 4,
    "1133": 5,
    "1135": 7,
    "1134": 6,
    "1146": 10,
    "1160": 8,
}
COHORT = {
    "county": "11",
    "knowledgeCentre": "RKBU_VEST",
    "startsOn": "2018-09-03",
    "endsOn": "2018-12-14",
}


class DemoClient:
    def __init__(self, gateway_url: str, settings: AuthSettings) -> None:
        self.url = gateway_url
        self.settings = settings
        self.http = httpx.Client(timeout=60)

    def call(
        self, query: str, variables: dict[str, Any] | None = None, role: str | None = None
    ) -> Any:
        headers = {"Authorization": f"Bearer {issue_token([role], self.settings)}"} if role else {}
        body = self.http.post(
            self.url, json={"query": query, "variables": variables or {}}, headers=headers
        ).json()
        if body.get("errors"):
            raise RuntimeError(f"demo data refused: {body['errors']}")
        return body["data"]


def load_demo_data(gateway_url: str, settings: AuthSettings | None = None) -> dict[str, int]:
    client = DemoClient(gateway_url, settings or AuthSettings())
    offerings = _offerings(client)
    enrolled = sum(_enrol(client, offerings, *row) for row in ENROLMENTS)
    schemes = _schemes(client)
    joined = _support_cohort(client)
    load_network_demo(client)
    return {
        "offerings": len(offerings),
        "enrolments": enrolled,
        "grantSchemes": schemes,
        "supportProgrammeMunicipalities": joined,
        **load_guidance_demo(client),
    }


def _offerings(client: DemoClient) -> dict[tuple[str, str], str]:
    # With a token: an anonymous read of the catalogue may be the router's cached answer (up
    # to 10 s old), and what exists decides what is created here.
    catalogue = client.call(
        "{ programmes { id name offerings { id term institution { id } } } }", role="directorate"
    )["programmes"]
    ids = {p["name"]: p["id"] for p in catalogue}
    existing = {
        (p["name"], o["institution"]["id"]): o["id"]
        for p in catalogue
        for o in p["offerings"]
        if o["term"] == TERM
    }
    for name, institution, seats in OFFERINGS:
        if (name, institution) not in existing:
            created = client.call(
                "mutation($i: OfferingInput!) { createOffering(input: $i) { id } }",
                {"i": {"programmeId": ids[name], "term": TERM, "seats": seats}},
                role=f"institution:{institution}",
            )
            existing[(name, institution)] = created["createOffering"]["id"]
    return existing


def _enrol(
    client: DemoClient,
    offerings: dict[tuple[str, str], str],
    programme: str,
    institution: str,
    municipalities: list[str],
) -> int:
    rows = [
        {
            "offeringId": offerings[(programme, institution)],
            "municipality": number,
            "employeeRef": f"{institution}-emp-{number}-{i}",
            "externalRef": f"{institution}-{TERM}-{number}-{i}",
            "role": "leader" if i == 0 else "caseworker",
        }
        for number in municipalities
        for i in range(2)
    ]
    result = client.call(
        "mutation($i: [EnrolmentInput!]!) { registerEnrolments(input: $i) { rejected } }",
        {"i": rows},
        role=f"institution:{institution}",
    )["registerEnrolments"]
    if result["rejected"]:
        raise RuntimeError(f"demo enrolments rejected at {institution}: {result}")
    return len(rows)


def _schemes(client: DemoClient) -> int:
    existing = {
        s["name"] for s in client.call("{ grantSchemes(year: 2018) { name } }")["grantSchemes"]
    }
    for scheme in SCHEMES:
        if scheme["name"] not in existing:
            client.call(
                "mutation($i: GrantSchemeInput!) { createGrantScheme(input: $i) { id } }",
                {"i": scheme},
                role="directorate",
            )
    return len(SCHEMES)


def _support_cohort(client: DemoClient) -> int:
    cohorts = client.call('{ supportCohorts(county: "11", term: "2018H") { id } }')[
        "supportCohorts"
    ]
    cohort_id = (
        cohorts[0]["id"]
        if cohorts
        else client.call(
            "mutation($i: SupportCohortInput!) { createSupportCohort(input: $i) { id } }",
            {"i": COHORT},
            role="directorate",
        )["createSupportCohort"]["id"]
    )
    for number, head_count in ROGALAND_2018.items():
        participants = [
            {"employeeRef": f"{number}-{i}", "role": "LEADER" if i == 0 else "EMPLOYEE"}
            for i in range(head_count)
        ]
        client.call(
            "mutation($i: CohortJoinInput!) { joinSupportCohort(input: $i) { headCount } }",
            {
                "i": {
                    "cohortId": cohort_id,
                    "municipality": number,
                    "headCount": head_count,
                    "participants": participants,
                }
            },
            role="directorate",
        )
    return len(ROGALAND_2018)
