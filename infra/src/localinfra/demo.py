"""Demo data, loaded through the gateway's public API as real clients would.

Two kinds, told apart in what the API returns (`demo` and `source` on every record written;
localinfra.demo_sources, docs/decisions/demo-data-provenance.md):

- Facts from the source documents, each record naming the document and the figure: the
  service-support programme's totals (166 employees in 39 municipalities in 2017, about 400 in
  2018), about 280 study places from autumn 2018, Rogaland's 2018 cohort of the municipalities
  the county governor named (Etne and Sveio, in Hordaland then, across the county border), the
  learning network of 12 in Rogaland, the guidance team of 11 and the 13 municipalities of its
  2018 round (demo_networks, demo_guidance).
- Invented figures, labelled `demo: true`: how the study places are split, who enrolled, the
  cohort's dates and head counts, every budget (the documents give NOK 80 million for 2018 in
  all, no scheme budgets), names, dates and texts.

Records of 2018 are posted under the numbers of 2018 (Alta 2012, Førde 1432, Hordaland 12), so
the API shows the name of the time beside today's. Safe to repeat: enrolments and cohort joins
are idempotent, and existing offerings, schemes and cohorts are reused.
"""

from __future__ import annotations

from typing import Any

import httpx

from localinfra.demo_guidance import load_guidance_demo
from localinfra.demo_networks import load_network_demo
from localinfra.demo_sources import (
    NIFU_NEWS,
    PRESS_RELEASE,
    ROGALAND_NEWS,
    STRATEGY,
    Provenance,
    county_name_2018,
    fact,
    invented,
    partly,
)
from shared.auth import issue_token
from shared.settings import AuthSettings

TERM = "2018H"
# (programme name, institution id, seats): 280 seats in all, as the strategy says; the split
# between institutions is invented.
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
STUDY_PLACES = "about 280 study places in further education from autumn 2018"
# Who enrolled is invented; the municipalities are ones the documents name (the Rogaland
# cohort, the guidance round of 2018), under their numbers of 2018.
ENROLMENTS = [
    ("Juss i barnevernet", "uis", ["1122", "1114", "1133", "1134", "1146", "1160"]),
    (
        "Relasjonskompetanse og samarbeid med barn og familier",
        "uit",
        ["2012", "2011", "2021", "2020", "1853", "1832"],
    ),
    ("Vurdering av barnets beste", "nord", ["1837", "1860", "1853"]),
    ("Barnevernsledelse", "usn", ["0402", "0425"]),  # Kongsvinger, Åsnes
    ("Relasjonskompetanse og samarbeid med barn og familier", "oslomet", ["0235", "0239"]),
    ("Vurdering av barnets beste", "hvl", ["1432", "1216"]),  # Førde, Sveio
]
ENROLMENT_SOURCE = invented(
    "each enrolment and its employee; the municipality is one the source documents name"
)
GRANT_TOTAL = "the government granted NOK 80 million to competence measures in 2018"
# Development-project funds of 2018 for counties of 2018 where the demo has networks.
PROJECT_COUNTIES_2018 = ["02", "04", "11", "12", "14", "18", "20", "50"]
PROJECT_FUNDS = "Stimuleringsmidler til utviklingsprosjekter 2018"


def _schemes_2018() -> list[dict[str, Any]]:
    employer: dict[str, Any] = {
        "name": "Tilskudd til arbeidsgivere med ansatte i videreutdanning 2018",
        "year": 2018,
        "kind": "EMPLOYER_FURTHER_EDUCATION",
        "budgetNok": "25000000.00",
        **partly(PRESS_RELEASE, GRANT_TOTAL, "this scheme's budget"),
    }
    projects = [
        {
            "name": f"{PROJECT_FUNDS} – {county_name_2018(county)}",
            "year": 2018,
            "kind": "DEVELOPMENT_PROJECT",
            "budgetNok": "1000000.00",
            "county": county,
            **partly(
                STRATEGY,
                "stimulation funds for development projects of the learning networks; "
                f"{PRESS_RELEASE}: {GRANT_TOTAL}",
                "this scheme's budget",
            ),
        }
        for county in PROJECT_COUNTIES_2018
    ]
    return [employer, *projects]


# Rogaland 2018 (the county governor's list), under the numbers of 2018: Gjesdal, Bjerkreim,
# Forsand, Hjelmeland, Sauda and Suldal (Indre Ryfylke), Tysvær, Vindafjord, and Etne and Sveio
# of Hordaland across the county border. Head counts are invented.
ROGALAND_2018 = {
    "1122": 9,
    "1114": 5,
    "1129": 4,
    "1133": 5,
    "1135": 7,
    "1134": 6,
    "1146": 10,
    "1160": 8,
    "1211": 6,
    "1216": 7,
}
ACROSS_THE_BORDER = {"1211", "1216"}
ROGALAND_LIST = (
    "in Rogaland in 2018: Gjesdal, Bjerkreim, Forsand, Hjelmeland and Indre Ryfylke (Sauda and "
    "Suldal), Tysvær, Vindafjord/Etne and Sveio"
)
COHORT = {
    "county": "11",
    "knowledgeCentre": "RKBU_VEST",
    "startsOn": "2018-09-03",
    "endsOn": "2018-12-14",
    **partly(ROGALAND_NEWS, ROGALAND_LIST, "the dates and the knowledge centre"),
}
PARTICIPATION = partly(ROGALAND_NEWS, ROGALAND_LIST, "the service's head count and participants")
# The programme's totals as reported: 2017 is known only so.
SUPPORT_YEARS: list[dict[str, Any]] = [
    {
        "year": 2017,
        "employees": 166,
        "municipalities": 39,
        "counties": 5,
        "approximate": False,
        **fact(
            NIFU_NEWS,
            "«166 ansatte i 39 kommuner i 2017»; "
            f"{STRATEGY}: about 40 municipalities from five counties from autumn 2017",
        ),
    },
    {
        "year": 2018,
        "employees": 400,
        "approximate": True,
        **fact(NIFU_NEWS, "«I 2018 deltar omlag 400 barnevernsledere og ansatte i programmet»"),
    },
]


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
    years = _support_years(client)
    load_network_demo(client)
    return {
        "offerings": len(offerings),
        "enrolments": enrolled,
        "grantSchemes": schemes,
        "supportProgrammeMunicipalities": joined,
        "supportProgrammeYears": years,
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
            offering = {"programmeId": ids[name], "term": TERM, "seats": seats}
            created = client.call(
                "mutation($i: OfferingInput!) { createOffering(input: $i) { id } }",
                {"i": offering | _offering_source(name, institution, seats)},
                role=f"institution:{institution}",
            )
            existing[(name, institution)] = created["createOffering"]["id"]
    return existing


def _offering_source(name: str, institution: str, seats: int) -> Provenance:
    figure = STUDY_PLACES
    if (name, institution) == ("Juss i barnevernet", "uis"):
        figure += f"; {ROGALAND_NEWS}: Juss i barnevernet at the University of Stavanger"
    return partly(STRATEGY, figure, f"how they are split: these {seats} seats")


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
            **ENROLMENT_SOURCE,
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
    # The year's appropriation is a fact (GRANT_TOTAL); the schemes' budgets fit within it.
    client.call(
        'mutation { setAppropriation(year: 2018, amountNok: "80000000.00") { amountNok } }',
        role="directorate",
    )
    existing = {
        s["name"] for s in client.call("{ grantSchemes(year: 2018) { name } }")["grantSchemes"]
    }
    schemes = _schemes_2018()
    for scheme in schemes:
        if scheme["name"] not in existing:
            client.call(
                "mutation($i: GrantSchemeInput!) { createGrantScheme(input: $i) { id } }",
                {"i": scheme},
                role="directorate",
            )
    return len(schemes)


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
                    "acrossCountyBorder": number in ACROSS_THE_BORDER,
                    **PARTICIPATION,
                }
            },
            role="directorate",
        )
    return len(ROGALAND_2018)


def _support_years(client: DemoClient) -> int:
    recorded = {
        y["year"]
        for y in client.call("{ supportProgrammeYears { year } }")["supportProgrammeYears"]
    }
    for year in SUPPORT_YEARS:
        if year["year"] in recorded:
            continue
        client.call(
            "mutation($i: SupportProgrammeYearInput!) { recordSupportProgrammeYear(input: $i) {"
            " year } }",
            {"i": year},
            role="directorate",
        )
    return len(SUPPORT_YEARS)
