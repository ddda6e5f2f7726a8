"""Norwegian counties and municipalities of 2024-01-01, with older numbers mapped to today's.

Reports and grant applications still carry numbers from before the 2020 and 2024 reforms, so every
look-up accepts a historical number too. The data is our own file, data/regions.json (see SOURCE).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files


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
class _Data:
    source: str
    counties: dict[str, County]  # by number, sorted
    municipalities: dict[str, Municipality]  # by number, sorted
    county_history: dict[str, tuple[str, ...]]  # old number → today's, main successor first
    history: dict[str, tuple[str, ...]]  # old number → today's, main successor first


@cache
def _data() -> _Data:
    raw = json.loads(files(__package__).joinpath("data/regions.json").read_text(encoding="utf-8"))
    return _Data(
        source=raw["source"],
        counties={c["number"]: County(**c) for c in sorted(raw["counties"], key=_number)},
        municipalities={
            m["number"]: Municipality(**m) for m in sorted(raw["municipalities"], key=_number)
        },
        county_history={h["number"]: tuple(h["current"]) for h in raw["historical_counties"]},
        history={h["number"]: tuple(h["current"]) for h in raw["historical"]},
    )


def _number(entry: dict[str, str]) -> str:
    return entry["number"]


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


SOURCE: str = _data().source
