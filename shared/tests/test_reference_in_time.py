"""The division of a year: numbers and names of the time, checked against SSB's counts."""

import pytest

from shared import reference
from shared.reference import governors


@pytest.mark.parametrize(
    ("year", "municipalities", "counties"),
    [(2018, 422, 18), (2019, 422, 18), (2020, 356, 11), (2023, 356, 11), (2024, 357, 15)],
)
def test_counts_of_each_year(year: int, municipalities: int, counties: int) -> None:
    division = reference.as_of(year)
    assert len(division.municipalities) == municipalities
    assert len(division.counties) == counties


def test_every_municipality_of_a_year_is_in_a_county_of_that_year() -> None:
    for year in range(2018, 2025):
        division = reference.as_of(year)
        assert {m.county for m in division.municipalities.values()} == set(division.counties)


def test_after_2024_the_division_is_todays() -> None:
    assert reference.as_of(2026).municipalities == reference.as_of(2024).municipalities
    assert reference.as_of(10**9) is reference.as_of(2024)  # one cached division for all


def test_before_2018_is_refused() -> None:
    with pytest.raises(ValueError, match="2018"):
        reference.as_of(2017)


def test_alta_number_and_county_of_each_year() -> None:
    assert [m.number for m in reference.municipalities_in("5601", 2018)] == ["2012"]
    assert reference.municipalities_in("5601", 2021)[0].county == "54"
    assert reference.county_name_in("54", 2021) == "Troms og Finnmark - Romsa ja Finnmárku"
    assert reference.municipalities_in("2012", 2024) == [reference.municipality("5601")]


def test_forsand_was_its_own_municipality_in_rogaland_in_2018() -> None:
    assert reference.name_in("1129", 2018) == "Forsand"
    assert reference.name_in("1108", 2018) == "Sandnes / Forsand"
    assert reference.name_in("1129", 2020) == "Sandnes"


def test_a_merger_shows_every_part_of_its_time() -> None:
    assert reference.name_in("4647", 2018) == "Gaular / Jølster / Førde / Naustdal"
    assert reference.name_in("4647", 2020) == "Sunnfjord"


def test_etne_was_in_hordaland_until_2019() -> None:
    etne_2018 = reference.municipalities_in("4611", 2018)
    assert [(m.number, m.county) for m in etne_2018] == [("1211", "12")]
    assert reference.county_name_in("12", 2018) == "Hordaland"
    assert reference.county_name_in("46", 2018) == "Hordaland / Sogn og Fjordane"
    assert reference.county_name_in("46", 2019) == "Hordaland / Sogn og Fjordane"
    assert reference.county_name_in("46", 2020) == "Vestland"


def test_a_split_shows_the_municipality_it_was_part_of() -> None:
    assert reference.name_in("1580", 2018) == "Haram"
    assert reference.name_in("1580", 2022) == "Ålesund"
    assert reference.name_in("1580", 2024) == "Haram"


def test_a_renaming_without_a_new_number() -> None:
    assert reference.name_in("1833", 2023) == "Rana"
    assert reference.name_in("1833", 2024) == "Rana - Raane"
    assert reference.name_in("5061", 2018) == "Rindal"  # 1567 in Møre og Romsdal then
    assert reference.municipalities_in("5061", 2018)[0].county == "15"


def test_unknown_numbers_have_no_name() -> None:
    assert reference.name_in("9999", 2018) is None
    assert reference.name_in("x", 2018) is None
    assert reference.county_name_in("99", 2018) is None


def test_governor_offices_of_an_area_by_year() -> None:
    def names(county: str, year: int) -> list[str]:
        return [o.name for o in governors.offices_of_area(county, year)]

    assert names("46", 2018) == ["Fylkesmannen i Hordaland", "Fylkesmannen i Sogn og Fjordane"]
    assert names("46", 2019) == ["Fylkesmannen i Vestland"]
    assert names("46", 2024) == ["Statsforvalteren i Vestland"]
    assert names("56", 2018) == ["Fylkesmannen i Finnmark"]


def test_neighbouring_counties() -> None:
    assert reference.are_neighbours("11", "46")  # Rogaland and Vestland
    assert reference.are_neighbours("11", "12")  # and Hordaland, by its number of 2018
    assert reference.are_neighbours("46", "11")
    assert not reference.are_neighbours("11", "11")
    assert not reference.are_neighbours("11", "56")
    assert not reference.are_neighbours("11", "99")
