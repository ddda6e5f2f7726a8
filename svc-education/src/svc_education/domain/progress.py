"""Progress against the strategy's goals, year by year (2018–2024), pure Python.

The goals (docs/decisions/coverage-projection.md, "Progress"): every child-welfare employee and
leader offered the service-support programme by 2024; about a third of the employees in further
education over the period. Measured per area (a county, or the nation) and year as:

- employees reached so far: distinct employees (per municipality, by the pseudonym they were
  posted under) who joined a cohort, or held an ACTIVE or COMPLETED enrolment, in a term up to
  and including the year (the 2017 pilots count from 2018);
- the share of the workforce: of the employees the area's municipalities recorded in their
  workforce records, counting reached employees of those municipalities only (a municipality
  that has not recorded its workforce cannot be measured); null without any record. The records
  are today's: the same denominator serves every year;
- the target: the straight line from nothing before 2018 to the goal in 2024.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from svc_education.domain.checks import share

FIRST_YEAR, LAST_YEAR = 2018, 2024
SUPPORT_PROGRAMME_GOAL = 1.0  # every employee and leader by 2024
FURTHER_EDUCATION_GOAL = 1 / 3  # "close to a third of municipal child-welfare employees"


def target(goal: float, year: int) -> float:
    """Where the straight line to `goal` in 2024 stands at the end of `year`."""
    done = min(max(year - FIRST_YEAR + 1, 0), LAST_YEAR - FIRST_YEAR + 1)
    return round(goal * done / (LAST_YEAR - FIRST_YEAR + 1), 4)


@dataclass(frozen=True, slots=True)
class Reached:
    """An employee of a municipality and the year they were first reached by a measure."""

    municipality: str
    first_year: int


@dataclass(frozen=True, slots=True)
class YearProgress:
    year: int
    workforce: int
    reporting_municipalities: int
    support_programme_employees: int
    support_programme_share: float | None
    further_education_employees: int
    further_education_share: float | None

    @property
    def support_programme_target(self) -> float:
        return target(SUPPORT_PROGRAMME_GOAL, self.year)

    @property
    def further_education_target(self) -> float:
        return target(FURTHER_EDUCATION_GOAL, self.year)


def progress(
    municipalities: Iterable[str],
    workforce: Mapping[str, int],
    support_programme: Iterable[Reached],
    further_education: Iterable[Reached],
) -> list[YearProgress]:
    """The area's series, 2018–2024. `workforce`: recorded employees per municipality."""
    area = set(municipalities)
    recorded = {m: n for m, n in workforce.items() if m in area}
    support = [r for r in support_programme if r.municipality in area]
    education = [r for r in further_education if r.municipality in area]
    whole = sum(recorded.values())

    def reached(rows: list[Reached], year: int, *, recorded_only: bool) -> int:
        return sum(
            1
            for r in rows
            if r.first_year <= year and (not recorded_only or r.municipality in recorded)
        )

    return [
        YearProgress(
            year=year,
            workforce=whole,
            reporting_municipalities=len(recorded),
            support_programme_employees=reached(support, year, recorded_only=False),
            support_programme_share=share(reached(support, year, recorded_only=True), whole),
            further_education_employees=reached(education, year, recorded_only=False),
            further_education_share=share(reached(education, year, recorded_only=True), whole),
        )
        for year in range(FIRST_YEAR, LAST_YEAR + 1)
    ]
