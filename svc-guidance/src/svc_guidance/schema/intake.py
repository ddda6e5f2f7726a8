"""Intake in guidance's subgraph: nominations, requests, answers, cases and the queue."""

from __future__ import annotations

import strawberry

from shared.connections import Connection, paginate, time_key
from shared.provenance import ProvenanceInput
from shared.subgraph import context_of
from svc_guidance.domain import CaseStatus
from svc_guidance.schema.types import GuidanceCase
from svc_guidance.service import intake, reads


@strawberry.input
class GuidanceNominationInput(ProvenanceInput):
    municipality: str
    reason: str
    evidence: str | None = strawberry.field(
        default=None, description="What the nomination rests on (supervision, reports)"
    )


@strawberry.input
class GuidanceRequestInput(ProvenanceInput):
    municipality: str
    reason: str
    committed_hours_per_month: int | None = strawberry.field(
        default=None, description="Given: the request is accepted at once, committing the hours"
    )


@strawberry.type
class IntakeQuery:
    @strawberry.field(
        description="The directorate's queue: accepted cases waiting for an engagement, "
        "highest risk first (CRITICAL, HIGH, MODERATE, LOW, unknown), then the oldest."
    )
    async def guidance_queue(self, info: strawberry.Info) -> list[GuidanceCase]:
        ctx = context_of(info)
        return [GuidanceCase.from_row(r) for r in await reads.queue(ctx.runtime, ctx.principal)]

    @strawberry.field(
        description="Cases the caller may see (the directorate, a county governor's county, a "
        "municipality's own), oldest first."
    )
    async def guidance_cases(
        self,
        info: strawberry.Info,
        municipality: str | None = None,
        status: CaseStatus | None = None,
    ) -> list[GuidanceCase]:
        ctx = context_of(info)
        rows = await reads.cases(
            ctx.runtime, ctx.principal, municipality=municipality, status=status
        )
        return [GuidanceCase.from_row(row) for row in rows]

    @strawberry.field(
        description="The same cases as `guidanceCases`, a page at a time, oldest first (Relay "
        "connection)."
    )
    async def guidance_cases_connection(
        self,
        info: strawberry.Info,
        municipality: str | None = None,
        status: CaseStatus | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[GuidanceCase]:
        ctx = context_of(info)
        rows = await reads.cases(
            ctx.runtime, ctx.principal, municipality=municipality, status=status
        )
        page = paginate(rows, lambda r: time_key(r.opened_at, r.id), first=first, after=after)
        return Connection.of(page, GuidanceCase.from_row)

    @strawberry.field
    async def guidance_case(self, info: strawberry.Info, id: strawberry.ID) -> GuidanceCase | None:
        ctx = context_of(info)
        return GuidanceCase.from_row(await reads.case(ctx.runtime, ctx.principal, case_id=id))


@strawberry.type
class IntakeMutation:
    @strawberry.mutation(
        description="The county governor of the municipality's county nominates it; the "
        "municipality then answers."
    )
    async def nominate_for_guidance(
        self, info: strawberry.Info, input: GuidanceNominationInput
    ) -> GuidanceCase:
        ctx = context_of(info)
        row = await intake.nominate(
            ctx.runtime,
            ctx.principal,
            municipality=input.municipality,
            reason=input.reason,
            evidence=input.evidence,
            demo=input.demo,
            source=input.source,
        )
        return GuidanceCase.from_row(row)

    @strawberry.mutation(description="The municipality itself asks for guidance.")
    async def request_guidance(
        self, info: strawberry.Info, input: GuidanceRequestInput
    ) -> GuidanceCase:
        ctx = context_of(info)
        row = await intake.request(
            ctx.runtime,
            ctx.principal,
            municipality=input.municipality,
            reason=input.reason,
            committed_hours_per_month=input.committed_hours_per_month,
            demo=input.demo,
            source=input.source,
        )
        return GuidanceCase.from_row(row)

    @strawberry.mutation(
        description="The municipality itself accepts (committing hours per month > 0) or "
        "declines; nobody answers for another municipality."
    )
    async def respond_to_guidance(
        self,
        info: strawberry.Info,
        case_id: strawberry.ID,
        accept: bool,
        committed_hours_per_month: int | None = None,
    ) -> GuidanceCase:
        ctx = context_of(info)
        row = await intake.respond(
            ctx.runtime,
            ctx.principal,
            case_id=case_id,
            accept=accept,
            committed_hours_per_month=committed_hours_per_month,
        )
        return GuidanceCase.from_row(row)
