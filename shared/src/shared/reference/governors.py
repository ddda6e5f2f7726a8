"""The county governors' offices and the counties each serves, by year.

Sixteen offices (Fylkesmannen) in 2018, ten from 1 January 2019; renamed Statsforvalteren in
2021. An office keeps its id through renames and county reforms: `troms-finnmark` served
Troms (19) and Finnmark (20) in 2019, Troms og Finnmark (54) in 2020–2023 and Troms (55) and
Finnmark (56) from 2024. A `governor:<id>` role names one of today's offices.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files

from shared import reference


@dataclass(frozen=True, slots=True)
class GovernorOffice:
    id: str
    name: str  # the name of that year
    year: int
    counties: frozenset[str]  # the county numbers of that year


@dataclass(frozen=True, slots=True)
class _Period:
    first: int
    last: int | None  # None: still so
    name: str
    counties: frozenset[str]

    def covers(self, year: int) -> bool:
        return self.first <= year and (self.last is None or year <= self.last)


@cache
def _periods() -> dict[str, tuple[_Period, ...]]:
    text = files(__package__).joinpath("data/governors.json").read_text(encoding="utf-8")
    return {
        office["id"]: tuple(
            _Period(p["from"], p["to"], p["name"], frozenset(p["counties"]))
            for p in office["periods"]
        )
        for office in json.loads(text)["offices"]
    }


def _this_year() -> int:
    return date.today().year


def offices(year: int | None = None) -> list[GovernorOffice]:
    """The offices of a year (today's without one), in a stable order."""
    year = _this_year() if year is None else year
    found = (office(office_id, year) for office_id in _periods())
    return sorted((o for o in found if o is not None), key=lambda o: o.id)


def office(office_id: str, year: int | None = None) -> GovernorOffice | None:
    year = _this_year() if year is None else year
    for period in _periods().get(office_id, ()):
        if period.covers(year):
            return GovernorOffice(office_id, period.name, year, period.counties)
    return None


def office_of_county(county: str, year: int | None = None) -> GovernorOffice | None:
    """The office that served a county number of that year."""
    return next((o for o in offices(year) if county in o.counties), None)


def counties_served(office_id: str) -> frozenset[str]:
    """Today's counties of one of today's offices; none for an unknown or former office."""
    found = office(office_id)
    return found.counties if found is not None else frozenset()


def offices_of_area(county: str, year: int) -> list[GovernorOffice]:
    """The offices that served a county number's area in `year` (today's 46 Vestland in 2018:
    Fylkesmannen i Hordaland and Fylkesmannen i Sogn og Fjordane), in county order."""
    found = (office_of_county(c.number, year) for c in reference.counties_in(county, year))
    return list({o.id: o for o in found if o is not None}.values())
