from shared import reference
from shared.reference import governors
from shared.reference.governors import GovernorOffice


def _office(office_id: str, year: int | None = None) -> GovernorOffice:
    found = governors.office(office_id, year)
    assert found is not None, office_id
    return found


def test_sixteen_offices_in_2018_and_ten_from_2019() -> None:
    assert len(governors.offices(2018)) == 16
    assert len(governors.offices(2019)) == 10
    assert len(governors.offices(2024)) == 10


def test_every_county_of_today_has_exactly_one_office() -> None:
    served = [c for o in governors.offices(2024) for c in o.counties]
    assert sorted(served) == sorted(c.number for c in reference.counties())


def test_troms_finnmark_serves_the_counties_of_each_period() -> None:
    assert _office("troms-finnmark", 2019).counties == {"19", "20"}
    assert _office("troms-finnmark", 2022).counties == {"54"}
    assert governors.counties_served("troms-finnmark") == {"55", "56"}


def test_names_follow_the_2021_rename() -> None:
    assert _office("rogaland", 2018).name == "Fylkesmannen i Rogaland"
    assert _office("rogaland", 2024).name == "Statsforvalteren i Rogaland"


def test_former_offices_serve_nothing_today() -> None:
    assert governors.office("finnmark", 2018) is not None
    assert governors.office("finnmark") is None
    assert governors.counties_served("finnmark") == frozenset()


def test_office_of_a_county_in_its_year() -> None:
    assert _county_office("12", 2018) == "hordaland"
    assert _county_office("12", 2019) == "vestland"
    assert _county_office("03") == "ostfold-buskerud-oslo-akershus"


def _county_office(county: str, year: int | None = None) -> str:
    found = governors.office_of_county(county, year)
    assert found is not None, county
    return found.id
