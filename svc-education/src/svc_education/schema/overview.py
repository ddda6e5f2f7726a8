"""The overviews in education's subgraph: coverage per municipality, county and nation.

Public aggregates: counts and sums only, never a person, a risk assessment or one grant.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated

import strawberry

from shared.money import format_nok
from shared.subgraph import context_of
from svc_education.domain.coverage import CountyReach, Measure
from svc_education.domain.coverage import Coverage as CoverageRow
from svc_education.domain.coverage import Overview as OverviewRow
from svc_education.service import coverage

if TYPE_CHECKING:
    from svc_education.schema.regions import County

_REGIONS = "svc_education.schema.regions"


@strawberry.type(
    description="Which of the programme's five measures a municipality took part in, in a year "
    "(or any year): further education (an employee enrolled on an offering of the year), "
    "employer grant (money of a grant of that year's schemes), learning network (a membership "
    "during the year), service-support programme (a cohort of the year), guidance (an "
    "engagement during the year). Records under a pre-2024 number count for today's municipality."
)
class Coverage:
    year: int | None
    further_education: bool
    employer_grant: bool
    learning_network: bool
    support_programme: bool
    guidance: bool
    measures: int = strawberry.field(description="How many of the five")

    @classmethod
    def of(cls, row: CoverageRow) -> Coverage:
        return cls(
            year=row.year,
            further_education=row.has(Measure.FURTHER_EDUCATION),
            employer_grant=row.has(Measure.EMPLOYER_GRANT),
            learning_network=row.has(Measure.LEARNING_NETWORK),
            support_programme=row.has(Measure.SUPPORT_PROGRAMME),
            guidance=row.has(Measure.GUIDANCE),
            measures=len(row.measures),
        )


@strawberry.type(description="How many municipalities took part in each of the five measures.")
class MeasureReach:
    further_education: int
    employer_grant: int
    learning_network: int
    support_programme: int
    guidance: int

    @classmethod
    def of(cls, counts: Mapping[Measure, int]) -> MeasureReach:
        return cls(
            further_education=counts[Measure.FURTHER_EDUCATION],
            employer_grant=counts[Measure.EMPLOYER_GRANT],
            learning_network=counts[Measure.LEARNING_NETWORK],
            support_programme=counts[Measure.SUPPORT_PROGRAMME],
            guidance=counts[Measure.GUIDANCE],
        )


@strawberry.type(description="A county's municipalities and how many took part in a measure.")
class CountyCoverage:
    municipalities_total: int
    municipalities_reached: int = strawberry.field(description="With at least one measure")
    by_measure: MeasureReach
    county_number: strawberry.Private[str]

    @strawberry.field
    def county(self) -> Annotated[County, strawberry.lazy(_REGIONS)]:
        from svc_education.schema.regions import County

        return County(number=self.county_number)

    @classmethod
    def of(cls, row: CountyReach) -> CountyCoverage:
        return cls(
            municipalities_total=row.municipalities_total,
            municipalities_reached=row.municipalities_reached,
            by_measure=MeasureReach.of(row.by_measure),
            county_number=row.county,
        )


@strawberry.type(
    description="The programme's coverage in a year: municipalities reached (exactly those "
    "whose own coverage shows a measure that year), per county, and the totals."
)
class NationalOverview:
    year: int
    municipalities_total: int
    municipalities_reached: int
    by_measure: MeasureReach
    counties: list[CountyCoverage]
    seats_offered: int = strawberry.field(description="Further-education seats of the year's terms")
    seats_taken: int
    grants_committed_nok: str = strawberry.field(
        description="Committed from the year's grant schemes (both kinds), after releases"
    )
    grants_paid_nok: str = strawberry.field(description="Paid out less what was reclaimed")
    support_programme_employees: int = strawberry.field(
        description="Participants of the year's service-support cohorts"
    )
    active_guidance_engagements: int = strawberry.field(
        description="Engagements going on at some time in the year"
    )

    @classmethod
    def of(cls, row: OverviewRow) -> NationalOverview:
        return cls(
            year=row.year,
            municipalities_total=row.municipalities_total,
            municipalities_reached=row.municipalities_reached,
            by_measure=MeasureReach.of(row.by_measure),
            counties=[CountyCoverage.of(c) for c in row.counties],
            seats_offered=row.totals.seats_offered,
            seats_taken=row.totals.seats_taken,
            grants_committed_nok=format_nok(row.totals.grants_committed_ore),
            grants_paid_nok=format_nok(row.totals.grants_paid_ore),
            support_programme_employees=row.totals.support_programme_employees,
            active_guidance_engagements=row.totals.active_guidance_engagements,
        )


@strawberry.type
class OverviewQuery:
    @strawberry.field(
        description="The nation's coverage (public): per county and in total, in a year from "
        "2017 (this year unless asked)."
    )
    async def national_overview(
        self, info: strawberry.Info, year: int | None = None
    ) -> NationalOverview:
        found = await coverage.national_overview(context_of(info).runtime, year=year)
        return NationalOverview.of(found)
