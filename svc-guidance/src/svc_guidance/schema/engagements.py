"""Engagements in guidance's subgraph: starting, the plan, visits, completing or ending early."""

from __future__ import annotations

from datetime import date

import strawberry

from shared.connections import Connection, paginate
from shared.provenance import ProvenanceInput
from shared.subgraph import context_of
from svc_guidance.domain import EngagementStatus
from svc_guidance.schema.types import GuidanceEngagement, GuidanceMilestone, GuidanceVisit
from svc_guidance.service import engagements, reads


@strawberry.input
class GuidanceEngagementInput(ProvenanceInput):
    case_id: strawberry.ID
    round: int = strawberry.field(description="The round (pulje): the year it starts")
    starts_on: date
    advisers: list[strawberry.ID] = strawberry.field(description="1 to 3, each within capacity")
    also_covers: list[str] | None = strawberry.field(
        default=None,
        description="A shared child-welfare service: the other municipalities it serves",
    )


@strawberry.input
class GuidanceMilestoneInput:
    engagement_id: strawberry.ID
    title: str
    due_on: date


@strawberry.input
class GuidanceVisitInput:
    engagement_id: strawberry.ID
    adviser_id: strawberry.ID
    visited_on: date
    note: str


@strawberry.type
class EngagementQuery:
    @strawberry.field(
        description="Engagements the caller may see, by round and host; per adviser: the "
        "directorate."
    )
    async def guidance_engagements(
        self,
        info: strawberry.Info,
        round: int | None = None,
        adviser: strawberry.ID | None = None,
        status: EngagementStatus | None = None,
    ) -> list[GuidanceEngagement]:
        ctx = context_of(info)
        rows = await reads.engagements(
            ctx.runtime, ctx.principal, round_year=round, adviser_id=adviser, status=status
        )
        return [GuidanceEngagement.from_row(row) for row in rows]

    @strawberry.field(
        description="The same engagements as `guidanceEngagements`, a page at a time by round "
        "and host (Relay connection)."
    )
    async def guidance_engagements_connection(
        self,
        info: strawberry.Info,
        round: int | None = None,
        adviser: strawberry.ID | None = None,
        status: EngagementStatus | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[GuidanceEngagement]:
        ctx = context_of(info)
        rows = await reads.engagements(
            ctx.runtime, ctx.principal, round_year=round, adviser_id=adviser, status=status
        )
        page = paginate(
            rows, lambda r: (r.round, r.municipality, str(r.id)), first=first, after=after
        )
        return Connection.of(page, GuidanceEngagement.from_row)

    @strawberry.field
    async def guidance_engagement(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> GuidanceEngagement | None:
        ctx = context_of(info)
        row = await reads.engagement(ctx.runtime, ctx.principal, engagement_id=id)
        return GuidanceEngagement.from_row(row)


@strawberry.type
class EngagementMutation:
    @strawberry.mutation(
        description="The directorate starts two years of guidance for an ACCEPTED case "
        "(CONFLICT otherwise, or when an adviser is at capacity)."
    )
    async def start_guidance_engagement(
        self, info: strawberry.Info, input: GuidanceEngagementInput
    ) -> GuidanceEngagement:
        ctx = context_of(info)
        row = await engagements.start(
            ctx.runtime,
            ctx.principal,
            case_id=input.case_id,
            round_year=input.round,
            starts_on=input.starts_on,
            advisers=input.advisers,
            also_covers=input.also_covers,
            demo=input.demo,
            source=input.source,
        )
        return GuidanceEngagement.from_row(row)

    @strawberry.mutation(description="A milestone of the engagement's plan (the directorate).")
    async def add_guidance_milestone(
        self, info: strawberry.Info, input: GuidanceMilestoneInput
    ) -> GuidanceMilestone:
        ctx = context_of(info)
        row = await engagements.add_milestone(
            ctx.runtime,
            ctx.principal,
            engagement_id=input.engagement_id,
            title=input.title,
            due_on=input.due_on,
        )
        return GuidanceMilestone.from_row(row)

    @strawberry.mutation(description="A milestone was reached (the directorate).")
    async def reach_guidance_milestone(
        self, info: strawberry.Info, id: strawberry.ID, reached_on: date
    ) -> GuidanceMilestone:
        ctx = context_of(info)
        row = await engagements.reach_milestone(
            ctx.runtime, ctx.principal, milestone_id=id, reached_on=reached_on
        )
        return GuidanceMilestone.from_row(row)

    @strawberry.mutation(description="An adviser's visit to the municipality (the directorate).")
    async def log_guidance_visit(
        self, info: strawberry.Info, input: GuidanceVisitInput
    ) -> GuidanceVisit:
        ctx = context_of(info)
        row = await engagements.log_visit(
            ctx.runtime,
            ctx.principal,
            engagement_id=input.engagement_id,
            adviser_id=input.adviser_id,
            visited_on=input.visited_on,
            note=input.note,
        )
        return GuidanceVisit.from_row(row)

    @strawberry.mutation(
        description="ACTIVE → COMPLETED with the final report (today when no date is given); "
        "the advisers have room again."
    )
    async def complete_guidance_engagement(
        self,
        info: strawberry.Info,
        id: strawberry.ID,
        final_report: str,
        completed_on: date | None = None,
    ) -> GuidanceEngagement:
        ctx = context_of(info)
        row = await engagements.complete(
            ctx.runtime,
            ctx.principal,
            engagement_id=id,
            final_report=final_report,
            completed_on=completed_on,
        )
        return GuidanceEngagement.from_row(row)

    @strawberry.mutation(
        description="ACTIVE → ENDED_EARLY with the reason (today when no date is given); the "
        "advisers have room again."
    )
    async def end_guidance_engagement_early(
        self,
        info: strawberry.Info,
        id: strawberry.ID,
        reason: str,
        ended_on: date | None = None,
    ) -> GuidanceEngagement:
        ctx = context_of(info)
        row = await engagements.end_early(
            ctx.runtime, ctx.principal, engagement_id=id, reason=reason, ended_on=ended_on
        )
        return GuidanceEngagement.from_row(row)
