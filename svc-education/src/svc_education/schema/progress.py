"""Progress against the strategy's goals in education's subgraph: a series per county or nation."""

from __future__ import annotations

import strawberry

from shared.subgraph import context_of
from svc_education.domain.progress import YearProgress
from svc_education.service import progress


@strawberry.type(
    description="One year of progress against the strategy's goals (2018–2024): employees "
    "reached so far by the service-support programme (goal: every employee by 2024) and by "
    "further education (goal: about a third over the period). Shares are of the workforce "
    "recorded by the area's municipalities, counting those municipalities' employees only; "
    "targets are the straight line to the goal in 2024."
)
class GoalProgress:
    year: int
    workforce: int = strawberry.field(
        description="Employees in the area's workforce records (today's records)"
    )
    reporting_municipalities: int = strawberry.field(
        description="Municipalities that have recorded their workforce"
    )
    support_programme_employees: int = strawberry.field(
        description="Distinct employees who joined a cohort by the end of the year"
    )
    support_programme_share: float | None = strawberry.field(
        description="Of the recorded workforce (0–1); null without any workforce record"
    )
    support_programme_target: float = strawberry.field(description="1.0 in 2024")
    further_education_employees: int = strawberry.field(
        description="Distinct employees enrolled (ACTIVE or COMPLETED) by the end of the year"
    )
    further_education_share: float | None
    further_education_target: float = strawberry.field(description="0.3333 in 2024")

    @classmethod
    def of(cls, row: YearProgress) -> GoalProgress:
        return cls(
            year=row.year,
            workforce=row.workforce,
            reporting_municipalities=row.reporting_municipalities,
            support_programme_employees=row.support_programme_employees,
            support_programme_share=row.support_programme_share,
            support_programme_target=row.support_programme_target,
            further_education_employees=row.further_education_employees,
            further_education_share=row.further_education_share,
            further_education_target=row.further_education_target,
        )


@strawberry.type
class ProgressQuery:
    @strawberry.field(
        description="Progress against the goals, 2018–2024: a county's (its county governor, "
        "the directorate) or, without a county, the nation's (the directorate)."
    )
    async def goal_progress(
        self, info: strawberry.Info, county: str | None = None
    ) -> list[GoalProgress]:
        ctx = context_of(info)
        rows = await progress.goal_progress(ctx.runtime, ctx.principal, county=county)
        return [GoalProgress.of(row) for row in rows]
