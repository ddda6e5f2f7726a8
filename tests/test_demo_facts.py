"""The demo platform tells the truth: each figure of the source documents, asked through the
router's public API, comes back as the documents state it, and whatever is invented says so."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Client

pytestmark = pytest.mark.integration
DIRECTORATE = "directorate"


@pytest.fixture(scope="module")
def demo(platform: Any) -> dict[str, int]:
    from localinfra.demo import load_demo_data

    return load_demo_data(platform.gateway_url)


def data(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body
    return body["data"]


def test_2017_support_programme_166_employees_in_39_municipalities(
    demo: Any, gateway: Client
) -> None:
    query = "{ supportProgrammeYears { year employees municipalities counties demo source } }"
    years = {y["year"]: y for y in data(gateway.call(query))["supportProgrammeYears"]}
    year = years[2017]
    assert (year["employees"], year["municipalities"], year["counties"]) == (166, 39, 5)
    assert year["demo"] is False
    assert "166 ansatte i 39 kommuner i 2017" in year["source"]
    assert "NIFU" in year["source"]


def test_2018_support_programme_about_400_leaders_and_employees(demo: Any, gateway: Client) -> None:
    query = "{ supportProgrammeYears { year employees approximate demo source } }"
    years = {y["year"]: y for y in data(gateway.call(query))["supportProgrammeYears"]}
    assert years[2018]["employees"] == 400
    assert years[2018]["approximate"] is True
    assert years[2018]["demo"] is False
    assert "omlag 400" in years[2018]["source"]


def test_about_280_study_places_from_autumn_2018_split_as_a_demo(
    demo: Any, gateway: Client
) -> None:
    query = "{ programmes { offerings { term seats demo source } } }"
    programmes = data(gateway.call(query, role=DIRECTORATE))["programmes"]
    autumn = [o for p in programmes for o in p["offerings"] if o["term"] == "2018H"]
    assert sum(o["seats"] for o in autumn) == 280
    assert all(o["demo"] and "about 280 study places" in o["source"] for o in autumn)


def test_nok_80_million_for_2018_named_and_every_budget_labelled_invented(
    demo: Any, gateway: Client
) -> None:
    query = "{ grantSchemes(year: 2018) { name county countyNameThen demo source } }"
    schemes = data(gateway.call(query))["grantSchemes"]
    assert schemes
    for scheme in schemes:
        assert scheme["demo"] is True
        assert "NOK 80 million" in scheme["source"]
        assert "Invented for the demo: this scheme's budget" in scheme["source"]
    # 2018 schemes name the counties of 2018: Vestland (46) did not exist until 2020.
    names_then = {s["countyNameThen"] for s in schemes if s["county"]}
    assert {"Hordaland", "Sogn og Fjordane", "Hedmark", "Akershus"} <= names_then
    assert "Vestland" not in names_then


def test_nok_80_million_is_2018_s_appropriation_and_holds_every_scheme(
    demo: Any, gateway: Client
) -> None:
    query = "{ appropriation(year: 2018) { amountNok allocatedNok } }"
    appropriation = data(gateway.call(query))["appropriation"]
    assert appropriation["amountNok"] == "80000000.00"
    assert 0 < float(appropriation["allocatedNok"]) <= 80_000_000


def test_a_guidance_team_of_11_advisers(demo: Any, gateway: Client) -> None:
    query = "{ guidanceAdvisers { name demo source } }"
    advisers = data(gateway.call(query, role=DIRECTORATE))["guidanceAdvisers"]
    assert len(advisers) == 11
    assert all(a["demo"] and "a team of 11" in a["source"] for a in advisers)


def test_the_13_municipalities_of_the_2018_guidance_round_by_their_names_of_2018(
    demo: Any, gateway: Client
) -> None:
    query = """{ guidanceEngagements(round: 2018) { municipality { name }
      municipalityNameThen demo source } }"""
    engagements = data(gateway.call(query, role=DIRECTORATE))["guidanceEngagements"]
    assert len(engagements) == 13
    names = {e["municipalityNameThen"] for e in engagements}
    seeds = [
        "Alta", "Kautokeino", "Karasjok", "Porsanger", "Evenes", "Hemnes", "Meløy",
        "Vestvågøy", "Førde", "Kongsvinger", "Åsnes", "Hurdal", "Ullensaker",
    ]  # fmt: skip
    for seed in seeds:
        assert any(seed in name for name in names), seed
    forde = next(e for e in engagements if e["municipalityNameThen"] == "Førde")
    assert forde["municipality"] == {"name": "Sunnfjord"}
    assert all(e["demo"] and "13 municipalities" in e["source"] for e in engagements)


def test_rogalands_learning_network_of_12(demo: Any, gateway: Client) -> None:
    query = """{ learningNetworks(county: "11") { name countyNameThen demo source
      members { municipality { number } } } }"""
    networks = data(gateway.call(query))["learningNetworks"]
    [rogaland] = [n for n in networks if n["demo"]]
    assert len(rogaland["members"]) == 12
    assert rogaland["countyNameThen"] == "Rogaland"
    assert "12 municipalities have accepted" in rogaland["source"]
    assert "Invented for the demo: which twelve" in rogaland["source"]


def test_rogalands_2018_cohort_with_etne_and_sveio_across_the_county_border(
    demo: Any, gateway: Client
) -> None:
    query = """{ supportCohorts(county: "11", term: "2018H") { countyNameThen demo source
      participations { municipalityNameThen acrossCountyBorder demo
        municipality { county { number } } } } }"""
    [cohort] = data(gateway.call(query, role=DIRECTORATE))["supportCohorts"]
    assert cohort["countyNameThen"] == "Rogaland"
    assert cohort["demo"] is True
    assert "Vindafjord/Etne and Sveio" in cohort["source"]
    then = {p["municipalityNameThen"]: p for p in cohort["participations"]}
    assert set(then) == {
        "Gjesdal", "Bjerkreim", "Forsand", "Hjelmeland", "Sauda", "Suldal", "Tysvær",
        "Vindafjord", "Etne", "Sveio",
    }  # fmt: skip
    across = {name for name, p in then.items() if p["acrossCountyBorder"]}
    assert across == {"Etne", "Sveio"}
    assert {then[n]["municipality"]["county"]["number"] for n in across} == {"46"}
    assert all(p["demo"] for p in cohort["participations"])  # head counts are invented


def test_records_of_2018_show_the_names_of_their_time(demo: Any, gateway: Client) -> None:
    # Åsnes and Kongsvinger (Hedmark then), not Våler (3419) or Nannestad (3036).
    query = """{ municipality(number: "0425") { name nameIn(year: 2018)
      county { nameIn(year: 2018) governorsIn(year: 2018) }
      enrolments { municipalityNameThen demo } } }"""
    asnes = data(gateway.call(query, role=DIRECTORATE))["municipality"]
    assert (asnes["name"], asnes["nameIn"]) == ("Åsnes", "Åsnes")
    assert asnes["county"]["nameIn"] == "Hedmark / Oppland"
    assert asnes["enrolments"] and all(
        e == {"municipalityNameThen": "Åsnes", "demo": True} for e in asnes["enrolments"]
    )
    valer = '{ municipality(number: "3419") { enrolments { id } } }'
    assert data(gateway.call(valer, role=DIRECTORATE))["municipality"]["enrolments"] == []
