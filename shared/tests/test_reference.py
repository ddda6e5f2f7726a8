"""The reference data of counties and municipalities, checked against known facts of SSB's codes."""

import json
from importlib.resources import files

import pytest

from shared import reference


def _raw() -> dict:
    return json.loads(
        files("shared.reference").joinpath("data/regions.json").read_text(encoding="utf-8")
    )


def test_counts_and_uniqueness() -> None:
    counties = reference.counties()
    municipalities = reference.municipalities()
    assert len(counties) == 15
    assert len(municipalities) == 357
    assert len({c.number for c in counties}) == 15
    assert len({m.number for m in municipalities}) == 357
    assert [c.number for c in counties] == sorted(c.number for c in counties)
    assert [m.number for m in municipalities] == sorted(m.number for m in municipalities)


def test_every_municipality_is_in_an_existing_county() -> None:
    numbers = {c.number for c in reference.counties()}
    for m in reference.municipalities():
        assert len(m.number) == 4 and m.number.isdigit()
        assert m.county == m.number[:2]
        assert m.county in numbers
        assert reference.is_current(m.number)


def test_no_garbled_names() -> None:
    raw = _raw()
    entries = [
        *raw["counties"],
        *raw["municipalities"],
        *raw["historical"],
        *raw["historical_counties"],
    ]
    for entry in entries:
        assert "?" not in entry["name"] and "\ufffd" not in entry["name"], entry


def test_official_multilingual_names() -> None:
    assert reference.municipality("5610").name == "Kárášjohka - Karasjok"
    evenes = next(m for m in reference.municipalities() if m.name.startswith("Evenes"))
    assert evenes.name == "Evenes - Evenášši"
    assert reference.municipality("5612").name == "Guovdageaidnu - Kautokeino"
    assert reference.county("55").name == "Troms - Romsa - Tromssa"


@pytest.mark.parametrize("number", ["2012", "5403", "5601", " 5403\n"])
def test_alta_through_the_reforms(number: str) -> None:
    assert reference.municipality(number) == reference.Municipality("5601", "Alta", "56")


def test_split_municipality_has_all_successors_main_first() -> None:
    assert [(m.number, m.name) for m in reference.successors("1507")] == [
        ("1508", "Ålesund"),
        ("1580", "Haram"),
    ]
    assert reference.municipality("1507").number == "1508"
    assert not reference.is_current("1507")


def test_oslo() -> None:
    assert reference.municipality("0301") == reference.Municipality("0301", "Oslo", "03")
    assert reference.county("03") == reference.County("03", "Oslo")


def test_every_historical_number_resolves_to_current_ones() -> None:
    raw = _raw()
    current = {m.number for m in reference.municipalities()}
    county_numbers = {c.number for c in reference.counties()}
    assert raw["historical"]
    for entry in raw["historical"]:
        assert entry["number"] not in current
        assert entry["current"] and set(entry["current"]) <= current, entry
        assert [m.number for m in reference.successors(entry["number"])] == entry["current"]
    for entry in raw["historical_counties"]:
        assert entry["current"] and set(entry["current"]) <= county_numbers, entry


def test_historical_counties() -> None:
    assert reference.county("20") == reference.County("56", "Finnmark - Finnmárku - Finmarkku")
    assert reference.county("54").number == "55"
    assert reference.county("07").number == "39"
    assert reference.county("46").name == "Vestland"


def test_municipalities_of_a_county() -> None:
    finnmark = {m.number: m.name for m in reference.municipalities("56")}
    assert finnmark["5601"] == "Alta"
    assert finnmark["5603"].startswith("Hammerfest")
    assert {m.number for m in reference.municipalities("20")} == set(finnmark)
    assert all(m.county == "56" for m in reference.municipalities("56"))


@pytest.mark.parametrize("bad", ["", "   ", "abcd", "12a4", "20123", "123", "9999", "٠٣٠١"])
def test_unknown_or_malformed_municipality(bad: str) -> None:
    assert reference.municipality(bad) is None
    assert reference.successors(bad) == []
    assert not reference.is_current(bad)


@pytest.mark.parametrize("bad", ["", "x", "99", "1", "003", "٠٣"])
def test_unknown_or_malformed_county(bad: str) -> None:
    assert reference.county(bad) is None
    assert reference.municipalities(bad) == []


def test_source_names_ssb() -> None:
    assert "KLASS" in reference.SOURCE and "131" in reference.SOURCE
