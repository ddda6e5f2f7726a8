"""Coverage: which of the programme's five measures each municipality took part in, and when.

The rules of the overview (docs/decisions/coverage-projection.md), pure Python:

- further education: an employee of the municipality enrolled (ACTIVE or COMPLETED; a waiting
  list or a withdrawal is no participation) on an offering of a term in the year;
- employer grant: it holds money from an employer-grant scheme of the year (committed after
  releases and reclaims: a grant cancelled or reclaimed in full no longer counts);
- learning network: a membership of its county's learning network overlapped the year;
- service-support programme: its service joined a cohort of a term in the year;
- guidance: a guidance engagement covering it overlapped the year (to its actual end).

A municipality's coverage without a year means any year (the nation's overview always has one).
A record is counted under today's municipality number, so Alta's 2018 records (number 2012) are
Alta's (5601), and the nation's reached count is exactly the number of municipalities whose own
coverage shows a measure: both come from one `Reach`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Protocol

from shared.errors import BadUserInput

FIRST_YEAR = 2017  # the service-support programme's first cohorts, autumn 2017


class Measure(StrEnum):
    FURTHER_EDUCATION = "FURTHER_EDUCATION"
    EMPLOYER_GRANT = "EMPLOYER_GRANT"
    LEARNING_NETWORK = "LEARNING_NETWORK"
    SUPPORT_PROGRAMME = "SUPPORT_PROGRAMME"
    GUIDANCE = "GUIDANCE"


@dataclass(frozen=True, slots=True)
class Period:
    """One calendar year, or all time (`year` None)."""

    year: int | None

    @property
    def terms(self) -> tuple[str, str] | None:
        """The year's spring and autumn terms; None for all time."""
        return None if self.year is None else (f"{self.year}V", f"{self.year}H")

    @property
    def first_day(self) -> date:
        return date(self.year or 1, 1, 1)

    @property
    def last_day(self) -> date:
        return date(self.year or 9999, 12, 31)


def parse_period(year: int | None, today: date) -> Period:
    """A client's year: from the first cohorts (2017) to next year; None is all time."""
    if year is not None and not FIRST_YEAR <= year <= today.year + 1:
        raise BadUserInput("year", f"must be from {FIRST_YEAR} to {today.year + 1}")
    return Period(year)


@dataclass(frozen=True, slots=True)
class Coverage:
    """One municipality's measures in a period."""

    year: int | None
    measures: frozenset[Measure]

    def has(self, measure: Measure) -> bool:
        return measure in self.measures


@dataclass(frozen=True, slots=True)
class Reach:
    """Per measure, the (today's) municipalities that took part in a period."""

    period: Period
    by_measure: Mapping[Measure, frozenset[str]]

    def coverage(self, municipality: str) -> Coverage:
        return Coverage(
            self.period.year,
            frozenset(m for m, reached in self.by_measure.items() if municipality in reached),
        )

    def reached(self) -> frozenset[str]:
        """Municipalities with at least one measure."""
        return frozenset().union(*self.by_measure.values())


def reach(period: Period, by_measure: Mapping[Measure, Iterable[str]]) -> Reach:
    return Reach(period, {m: frozenset(by_measure.get(m, ())) for m in Measure})


@dataclass(frozen=True, slots=True)
class Totals:
    """The nation's (or a county's) figures in a period, besides who was reached."""

    seats_offered: int = 0
    seats_taken: int = 0
    grants_committed_ore: int = 0
    grants_paid_ore: int = 0
    support_programme_employees: int = 0
    active_guidance_engagements: int = 0


@dataclass(frozen=True, slots=True)
class CountyReach:
    county: str
    municipalities_total: int
    municipalities_reached: int
    by_measure: Mapping[Measure, int]  # municipalities that took part in each measure


@dataclass(frozen=True, slots=True)
class Overview:
    year: int
    municipalities_total: int
    municipalities_reached: int
    by_measure: Mapping[Measure, int]
    counties: list[CountyReach]
    totals: Totals = field(default_factory=Totals)


def overview(found: Reach, counties: Mapping[str, Iterable[str]], totals: Totals) -> Overview:
    """The nation's overview: `counties` maps each county to its municipalities (today's)."""
    reached = found.reached()
    rows = []
    for county, municipalities in counties.items():
        numbers = set(municipalities)
        rows.append(
            CountyReach(
                county,
                len(numbers),
                len(numbers & reached),
                {m: len(numbers & found.by_measure[m]) for m in Measure},
            )
        )
    assert found.period.year is not None, "the nation's overview is of one year"
    return Overview(
        year=found.period.year,
        municipalities_total=sum(r.municipalities_total for r in rows),
        municipalities_reached=sum(r.municipalities_reached for r in rows),
        by_measure={m: sum(r.by_measure[m] for r in rows) for m in Measure},
        counties=rows,
        totals=totals,
    )


# What grants' events do to one application's money (mirroring grants' own rules: a scheme's
# committed money is an open grant's approved amount, a closed one's paid less reclaimed) -----


class GrantMoney(Protocol):
    committed_ore: int
    paid_ore: int


def awarded(grant: GrantMoney, amount_ore: int) -> None:
    grant.committed_ore = amount_ore


def paid(grant: GrantMoney, paid_total_ore: int) -> None:
    grant.paid_ore = paid_total_ore


def released(grant: GrantMoney, released_ore: int) -> None:
    """Settled or cancelled: the unpaid rest returns to the budget."""
    grant.committed_ore -= released_ore


def reclaimed(grant: GrantMoney, amount_ore: int) -> None:
    """The unpaid rest is released and the reclaimed part leaves both committed and paid."""
    grant.paid_ore -= amount_ore
    grant.committed_ore = grant.paid_ore
