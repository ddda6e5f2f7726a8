"""Norwegian counties and municipalities of 2024-01-01, with older numbers mapped to today's,
and the division of any year from 2018 (`as_of`, `municipalities_in`, `name_in`).

Reports and grant applications still carry numbers from before the 2020 and 2024 reforms, so every
look-up accepts a historical number too. The data is our own file, data/regions.json (see SOURCE).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any, TypeVar

FIRST_YEAR = 2018  # the programme's first year, and the oldest division the data holds


@dataclass(frozen=True, slots=True)
class County:
    number: str  # 2-digit fylkesnummer
    name: str


@dataclass(frozen=True, slots=True)
class Municipality:
    number: str  # 4-digit kommunenummer
    name: str
    county: str  # 2-digit fylkesnummer


@dataclass(frozen=True, slots=True)
class _Entry:
    """A municipality or county number over the years it was valid, and where it lies today."""

    number: str
    name: str  # its latest name
    first: int  # FIRST_YEAR when it was already valid then
    last: int | None  # None: still valid
    today: frozenset[str]  # today's numbers its area lies in
    earlier_names: tuple[tuple[int, str], ...]  # (last year, name), oldest first

    def valid_in(self, year: int) -> bool:
        return self.first <= year and (self.last is None or year <= self.last)

    def name_in(self, year: int) -> str:
        return next((name for until, name in self.earlier_names if year <= until), self.name)


@dataclass(frozen=True, slots=True)
class _Data:
    source: str
    counties: dict[str, County]  # by number, sorted
    municipalities: dict[str, Municipality]  # by number, sorted
    county_history: dict[str, tuple[str, ...]]  # old number → today's, main successor first
    history: dict[str, tuple[str, ...]]  # old number → today's, main successor first
    entries: dict[str, _Entry]  # every municipality number, current and historical
    county_entries: dict[str, _Entry]  # every county number; years filled in by as_of
    neighbours: dict[str, frozenset[str]]  # today's county → today's counties bordering it


@cache
def _data() -> _Data:
    raw = json.loads(files(__package__).joinpath("data/regions.json").read_text(encoding="utf-8"))
    current = sorted(raw["municipalities"], key=_number)
    return _Data(
        source=raw["source"],
        counties={c["number"]: County(**c) for c in sorted(raw["counties"], key=_number)},
        municipalities={
            m["number"]: Municipality(m["number"], m["name"], m["county"]) for m in current
        },
        county_history={h["number"]: tuple(h["current"]) for h in raw["historical_counties"]},
        history={h["number"]: tuple(h["current"]) for h in raw["historical"]},
        entries=_entries(current, raw["historical"]),
        county_entries=_entries(raw["counties"], raw["historical_counties"]),
        neighbours={c: frozenset(n) for c, n in raw["county_neighbours"].items()},
    )


def _entries(current: list[dict[str, Any]], historical: list[dict[str, Any]]) -> dict[str, _Entry]:
    entries = [
        _Entry(
            e["number"],
            e["name"],
            e.get("since", FIRST_YEAR),
            None,
            frozenset([e["number"]]),
            tuple((n["until"], n["name"]) for n in e.get("earlier_names", ())),
        )
        for e in current
    ]
    for h in historical:
        first, _, last = h["valid"].partition("–")  # "–2019": from before 2018 to 2019
        entries.append(
            _Entry(
                h["number"],
                h["name"],
                int(first or FIRST_YEAR),
                int(last),
                frozenset(h["current"]),
                (),
            )
        )
    return {e.number: e for e in sorted(entries, key=lambda e: e.number)}


def _number(entry: dict[str, Any]) -> str:
    return str(entry["number"])


def _clean(number: str, length: int) -> str | None:
    """The number stripped, or None if it is not `length` ASCII digits (callers pass user input)."""
    number = number.strip() if isinstance(number, str) else ""
    return number if len(number) == length and number.isascii() and number.isdigit() else None


def counties() -> list[County]:
    return list(_data().counties.values())


def county(number: str) -> County | None:
    """Today's county; a historical number gives its main successor (e.g. 20 Finnmark → 56)."""
    return _county(number)


def _county(number: str) -> County | None:
    # Separate so municipalities(), whose parameter is named `county`, can call it.
    data = _data()
    if (n := _clean(number, 2)) is None:
        return None
    if n in data.counties:
        return data.counties[n]
    newer = data.county_history.get(n)
    return data.counties[newer[0]] if newer else None


def are_neighbours(county: str, other: str) -> bool:
    """Whether two counties (today's, or historical numbers via county()) share a land border."""
    first, second = _county(county), _county(other)
    if first is None or second is None:
        return False
    return second.number in _data().neighbours.get(first.number, frozenset())


def municipalities(county: str | None = None) -> list[Municipality]:
    """All of today's municipalities, or those in one county (a historical one via county())."""
    everything = list(_data().municipalities.values())
    if county is None:
        return everything
    found = _county(county)
    return [m for m in everything if found is not None and m.county == found.number]


def successors(number: str) -> list[Municipality]:
    """Every municipality of today that a (current or historical) number's area now lies in."""
    data = _data()
    if (n := _clean(number, 4)) is None:
        return []
    if n in data.municipalities:
        return [data.municipalities[n]]
    return [data.municipalities[s] for s in data.history.get(n, ())]


def municipality(number: str) -> Municipality | None:
    """Today's municipality; a historical number gives its main successor (2012 Alta → 5601)."""
    found = successors(number)
    return found[0] if found else None


def is_current(number: str) -> bool:
    n = _clean(number, 4)
    return n is not None and n in _data().municipalities


_Region = TypeVar("_Region", County, Municipality)


@dataclass(frozen=True, slots=True)
class Division:
    """The counties and municipalities of one year, under that year's numbers and names."""

    year: int  # the year asked for, or the year of the last change before it
    counties: dict[str, County]  # by number, sorted
    municipalities: dict[str, Municipality]  # by number, sorted


def as_of(year: int) -> Division:
    """The division valid in `year` (FIRST_YEAR or later; from 2024 today's, until a reform)."""
    if year < FIRST_YEAR:
        raise ValueError(f"the reference data starts in {FIRST_YEAR}")
    # Every later year is the latest change's: a bounded cache, whatever years callers ask for.
    return _division(min(year, _last_change()))


@cache
def _last_change() -> int:
    entries = _data().entries.values()
    starts = [e.first for e in entries] + [e.last + 1 for e in entries if e.last is not None]
    return max(starts)


@cache
def _division(year: int) -> Division:
    data = _data()
    municipalities = {
        e.number: Municipality(e.number, e.name_in(year), e.number[:2])
        for e in data.entries.values()
        if e.valid_in(year)
    }
    # A county number is valid in a year when that year's municipality numbers begin with it.
    used = {number[:2] for number in municipalities}
    counties = {
        e.number: County(e.number, e.name) for e in data.county_entries.values() if e.number in used
    }
    return Division(year, counties, municipalities)


def record_year(year: int) -> int:
    """The year whose names a record of `year` shows: its own, or FIRST_YEAR's for an older one
    (a 2017 cohort shows the names of 2018, the oldest the data holds; few changed between)."""
    return max(year, FIRST_YEAR)


def municipalities_in(number: str, year: int) -> list[Municipality]:
    """The municipalities of `year` that a (current or historical) number's area was part of:
    itself if it was valid then; for a merger all its parts (4647 Sunnfjord in 2018: Gaular,
    Jølster, Førde, Naustdal); none for an unknown number."""
    return _of_year(number, 4, _data().entries, as_of(year).municipalities)


def counties_in(number: str, year: int) -> list[County]:
    """The counties of `year` that a county number's area was part of (46 in 2018: 12, 14)."""
    return _of_year(number, 2, _data().county_entries, as_of(year).counties)


def name_in(number: str, year: int) -> str | None:
    """The name of that year: one name, or its parts' names joined by " / " (None: unknown)."""
    return _joined([m.name for m in municipalities_in(number, year)])


def county_name_in(number: str, year: int) -> str | None:
    return _joined([c.name for c in counties_in(number, year)])


def _joined(names: list[str]) -> str | None:
    return " / ".join(names) if names else None


def _of_year(
    number: str, length: int, entries: dict[str, _Entry], valid: Mapping[str, _Region]
) -> list[_Region]:
    if (n := _clean(number, length)) is None or n not in entries:
        return []
    if n in valid:
        return [valid[n]]
    today = entries[n].today
    return [found for key, found in valid.items() if entries[key].today & today]


SOURCE: str = _data().source
