"""Workforce competence in education's subgraph: a municipality's record and the reports."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from shared.subgraph import context_of
from svc_education.domain.workforce import Education, Figures, Member, Position
from svc_education.service import workforce as workforce_service
from svc_education.service.workforce import Report, Workforce

if TYPE_CHECKING:
    from svc_education.schema.regions import County, Municipality

_REGIONS = "svc_education.schema.regions"

strawberry.enum(Position, name="WorkforcePosition")
strawberry.enum(Education, name="EducationLevel", description="Highest relevant education")


FIGURES = (
    "Counts against the requirement that core-task staff hold a relevant five-year master's "
    "degree. Completions count further-education courses (credits > 0) of the employees after "
    "the record's date; the projection counts every 120 credits since then as one more core-task "
    "employee meeting the requirement, the recorded share moves when the workforce is recorded "
    "again."
)


@strawberry.type  # fields shared by the two types below; not a type of the schema itself
class WorkforceFigures:
    employee_count: int
    leader_count: int
    core_task_count: int
    core_task_with_master: int
    core_task_with_bachelor: int
    core_task_master_share: float | None = strawberry.field(
        description="Core-task staff with a five-year master (0–1); null without core-task staff"
    )
    completions_since_record: int
    credits_since_record: int
    projected_core_task_master_share: float | None


def _figures(figures: Figures) -> dict[str, Any]:
    return {
        "employee_count": figures.employees,
        "leader_count": figures.leaders,
        "core_task_count": figures.core_task,
        "core_task_with_master": figures.core_task_master,
        "core_task_with_bachelor": figures.core_task_bachelor,
        "core_task_master_share": figures.master_share,
        "completions_since_record": figures.completions_since,
        "credits_since_record": figures.credits_since,
        "projected_core_task_master_share": figures.projected_master_share,
    }


@strawberry.type
class WorkforceEmployee:
    employee_ref: str
    position: Position
    education: Education


@strawberry.type(description="A municipality's recorded child-welfare workforce. " + FIGURES)
class WorkforceCompetence(WorkforceFigures):
    as_of: date
    recorded_at: datetime
    municipality_number: strawberry.Private[str]

    @strawberry.field
    def municipality(self) -> Annotated[Municipality, strawberry.lazy(_REGIONS)]:
        from svc_education.schema.regions import Municipality

        return Municipality(number=self.municipality_number)

    @strawberry.field(description="The recorded list, as posted")
    async def employees(self, info: strawberry.Info) -> list[WorkforceEmployee]:
        ctx = context_of(info)
        rows = await ctx.loaders.load(
            workforce_service.members_by_municipality, self.municipality_number
        )
        return [
            WorkforceEmployee(
                employee_ref=r.employee_ref,
                position=Position(r.position),
                education=Education(r.education),
            )
            for r in rows
        ]

    @classmethod
    def of(cls, workforce: Workforce) -> WorkforceCompetence:
        return cls(
            as_of=workforce.as_of,
            recorded_at=workforce.recorded_at,
            municipality_number=workforce.municipality,
            **_figures(workforce.figures),
        )


@strawberry.type(description="A county's, or the nation's, workforce figures. " + FIGURES)
class WorkforceReport(WorkforceFigures):
    municipality_count: int = strawberry.field(description="Municipalities in the area")
    reporting_municipality_count: int = strawberry.field(
        description="Municipalities that have recorded their workforce"
    )
    municipalities: list[WorkforceCompetence] = strawberry.field(
        description="One per reporting municipality"
    )
    county_number: strawberry.Private[str | None]

    @strawberry.field
    def county(self) -> Annotated[County, strawberry.lazy(_REGIONS)] | None:
        from svc_education.schema.regions import County

        return County(number=self.county_number) if self.county_number else None

    @classmethod
    def of(cls, report: Report) -> WorkforceReport:
        return cls(
            municipality_count=report.municipalities,
            reporting_municipality_count=len(report.reporting),
            municipalities=[WorkforceCompetence.of(w) for w in report.reporting],
            county_number=report.county,
            **_figures(report.figures),
        )


@strawberry.input
class WorkforceEmployeeInput:
    employee_ref: str = strawberry.field(
        description="The municipality's pseudonymous id; never a national identity number"
    )
    position: Position
    education: Education


@strawberry.input
class WorkforceInput:
    municipality: str
    as_of: date = strawberry.field(description="The date the list describes")
    employees: list[WorkforceEmployeeInput] = strawberry.field(
        description="The whole workforce: it replaces the list recorded before"
    )


@strawberry.type
class WorkforceQuery:
    @strawberry.field(
        description="A county's workforce figures (its county governor, the directorate), or "
        "without a county the national ones (the directorate)."
    )
    async def workforce_report(
        self, info: strawberry.Info, county: str | None = None
    ) -> WorkforceReport:
        ctx = context_of(info)
        report = await workforce_service.workforce_report(ctx.runtime, ctx.principal, county=county)
        return WorkforceReport.of(report)


@strawberry.type
class WorkforceMutation:
    @strawberry.mutation(
        description="A municipality records its whole workforce; the same list again is a no-op."
    )
    async def record_workforce(
        self, info: strawberry.Info, input: WorkforceInput
    ) -> WorkforceCompetence:
        ctx = context_of(info)
        members = [Member(e.employee_ref, e.position, e.education) for e in input.employees]
        workforce = await workforce_service.record_workforce(
            ctx.runtime,
            ctx.principal,
            municipality=input.municipality,
            as_of=input.as_of,
            members=members,
        )
        return WorkforceCompetence.of(workforce)
