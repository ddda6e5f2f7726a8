"""The County and Municipality entities, which education owns, and finding them.

Every other part of the schema refers to these lazily (`strawberry.lazy`), and this module
imports the parts whose fields a municipality has.
"""

from __future__ import annotations

import strawberry

from shared import reference
from shared.connections import Connection
from shared.inputs import existing_county, existing_municipality, parse_reference_year
from shared.reference import governors
from shared.subgraph import CountyKey, MunicipalityKey, context_of
from svc_education.schema.enrolments import Enrolment, enrolment_page
from svc_education.schema.overview import Coverage
from svc_education.schema.progress import GoalProgress
from svc_education.schema.support import CohortParticipation
from svc_education.schema.workforce import WorkforceCompetence
from svc_education.service import coverage, enrolments, progress, support, workforce


@strawberry.federation.type(keys=["number"])
class County(CountyKey):
    @strawberry.field
    def name(self) -> str:
        return existing_county(self.number).name

    @strawberry.field
    def municipalities(self) -> list[Municipality]:
        return [Municipality(number=m.number) for m in reference.municipalities(self.number)]

    @strawberry.field(
        description="The county's name in a year from 2018; the counties its area was part "
        'of then, joined by " / " (Vestland in 2018: "Hordaland / Sogn og Fjordane").'
    )
    def name_in(self, year: int) -> str:
        name = reference.county_name_in(self.number, parse_reference_year(year))
        assert name is not None  # every county of today has an area in every year
        return name

    @strawberry.field(description="The numbers of the counties its area was part of in a year.")
    def numbers_in(self, year: int) -> list[str]:
        return [c.number for c in reference.counties_in(self.number, parse_reference_year(year))]

    @strawberry.field(
        description="The county governors' offices that served its area in a year, by the "
        "name of that year (Fylkesmannen until 2020, Statsforvalteren from 2021)."
    )
    def governors_in(self, year: int) -> list[str]:
        return [o.name for o in governors.offices_of_area(self.number, parse_reference_year(year))]

    @strawberry.field(
        description="Progress against the goals, 2018–2024 (its county governor, the directorate)."
    )
    async def goal_progress(self, info: strawberry.Info) -> list[GoalProgress]:
        ctx = context_of(info)
        rows = await progress.county_progress(ctx.loaders, ctx.principal, county=self.number)
        return [GoalProgress.of(row) for row in rows]

    @classmethod
    def resolve_reference(cls, number: str) -> County:
        return cls(number=existing_county(number).number)


@strawberry.federation.type(keys=["number"])
class Municipality(MunicipalityKey):
    @strawberry.field
    def name(self) -> str:
        return existing_municipality(self.number).name

    @strawberry.field
    def county(self) -> County:
        return County(number=existing_municipality(self.number).county)

    @strawberry.field(
        description="The municipality's name in a year from 2018; the municipalities its "
        'area was part of then, joined by " / " (Sunnfjord in 2018: "Gaular / Jølster / '
        'Førde / Naustdal").'
    )
    def name_in(self, year: int) -> str:
        name = reference.name_in(self.number, parse_reference_year(year))
        assert name is not None  # every municipality of today has an area in every year
        return name

    @strawberry.field(description="The numbers its area had in a year (Alta in 2018: 2012).")
    def numbers_in(self, year: int) -> list[str]:
        found = reference.municipalities_in(self.number, parse_reference_year(year))
        return [m.number for m in found]

    @strawberry.field(description="The county numbers its area belonged to in a year.")
    def county_numbers_in(self, year: int) -> list[str]:
        found = reference.municipalities_in(self.number, parse_reference_year(year))
        return list(dict.fromkeys(m.county for m in found))

    @strawberry.field(
        description="Enrolments of the municipality's employees in further education."
    )
    async def enrolments(self, info: strawberry.Info) -> list[Enrolment]:
        ctx = context_of(info)
        rows = await enrolments.municipality_enrolments(
            ctx.loaders, ctx.principal, municipality=self.number
        )
        return [Enrolment.from_row(row) for row in rows]

    @strawberry.field(
        description="The same enrolments as `enrolments`, a page at a time (Relay connection)."
    )
    async def enrolments_connection(
        self, info: strawberry.Info, first: int | None = None, after: str | None = None
    ) -> Connection[Enrolment]:
        ctx = context_of(info)
        rows = await enrolments.municipality_enrolments(
            ctx.loaders, ctx.principal, municipality=self.number
        )
        return enrolment_page(rows, first, after)

    @strawberry.field(description="The service's cohorts of the service-support programme.")
    async def support_programme(self, info: strawberry.Info) -> list[CohortParticipation]:
        ctx = context_of(info)
        rows = await support.municipality_participations(
            ctx.loaders, ctx.principal, municipality=self.number
        )
        return [CohortParticipation.from_row(row) for row in rows]

    @strawberry.field(description="The recorded workforce; null until the municipality posts it.")
    async def workforce(self, info: strawberry.Info) -> WorkforceCompetence | None:
        ctx = context_of(info)
        found = await workforce.municipality_workforce(
            ctx.loaders, ctx.principal, municipality=self.number
        )
        return WorkforceCompetence.of(found) if found else None

    @strawberry.field(
        description="Which programme measures it took part in, in a year or any year (public)."
    )
    async def coverage(self, info: strawberry.Info, year: int | None = None) -> Coverage:
        found = await coverage.municipality_coverage(
            context_of(info).loaders, municipality=self.number, year=year
        )
        return Coverage.of(found)

    @classmethod
    def resolve_reference(cls, number: str) -> Municipality:
        return cls(number=existing_municipality(number).number)


def municipality_name_in(number: str, year: int) -> str:
    """The name of the time beside today's, for the historical views of this subgraph (a number
    a record was posted with; the number itself if the data has no name for it)."""
    return reference.name_in(number, reference.record_year(year)) or number


@strawberry.type
class RegionQuery:
    @strawberry.field(description="Finds a municipality by today's or a pre-2024 number.")
    def municipality(self, number: str) -> Municipality | None:
        found = reference.municipality(number)
        return Municipality(number=found.number) if found else None

    @strawberry.field
    def municipalities(self, county: str | None = None) -> list[Municipality]:
        return [Municipality(number=m.number) for m in reference.municipalities(county)]

    @strawberry.field
    def county(self, number: str) -> County | None:
        found = reference.county(number)
        return County(number=found.number) if found else None

    @strawberry.field
    def counties(self) -> list[County]:
        return [County(number=c.number) for c in reference.counties()]
