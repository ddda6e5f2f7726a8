"""Networks' reads: networks, plans and projects (public), meetings and risk as the caller may
see them, the governor's overview; and the batch functions behind the fields."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import extract, select

from shared import reference
from shared.auth import Principal
from shared.inputs import parse_county
from shared.loaders import Loaders
from shared.queries import many_by, many_per_key, one_by, rows_where_in
from shared.runtime import ServiceRuntime
from svc_networks.domain import plans
from svc_networks.domain.dialogue import RiskLevel
from svc_networks.domain.projects import CostKind
from svc_networks.models import (
    CompetencePlan,
    DevelopmentProject,
    DialogueMeeting,
    LearningNetwork,
    NetworkMember,
    PlanApproval,
    ProjectCostLine,
    ProjectMunicipality,
    RiskAssessment,
)


async def networks(runtime: ServiceRuntime, *, county: str | None) -> list[LearningNetwork]:
    """Public: the learning networks, of one county or all."""
    query = select(LearningNetwork).order_by(LearningNetwork.county, LearningNetwork.name)
    if county is not None:
        query = query.where(LearningNetwork.county == parse_county(county).number)
    async with runtime.sessions() as session:
        return list(await session.scalars(query))


@dataclass(frozen=True, slots=True)
class PlanApprovals:
    approved_by: list[str]
    missing: list[str]


async def plan_approvals(loaders: Loaders, plan: CompetencePlan) -> PlanApprovals:
    """Public: who approved the version, and which current members it still needs."""
    approved = [a.municipality for a in await loaders.load(approvals_by_plan, plan.id)]
    members = current(await loaders.load(members_by_network, plan.network_id))
    return PlanApprovals(approved, plans.missing_approvals(plan, members, set(approved)))


def current(members: Sequence[NetworkMember]) -> set[str]:
    return {m.municipality for m in members if m.left_on is None}


def member_contact(principal: Principal, member: NetworkMember) -> str | None:
    """A person's contact: for the directorate, the county governor and the member itself."""
    return (
        member.leadership_contact if principal.may_see_municipality(member.municipality) else None
    )


# Fields of a municipality: the municipality, its county governor, the directorate -------------


async def municipality_meetings(
    loaders: Loaders, principal: Principal, *, municipality: str
) -> list[DialogueMeeting]:
    principal.require_municipality(municipality)
    return await loaders.load(meetings_by_municipality, municipality)


async def municipality_risk(
    loaders: Loaders, principal: Principal, *, municipality: str
) -> RiskAssessment | None:
    principal.require_municipality(municipality)
    return await loaders.load(latest_risk_by_municipality, municipality)


@dataclass(frozen=True, slots=True)
class DialogueStatus:
    """One municipality in its governor's overview."""

    municipality: str
    meetings: int
    last_meeting_on: date | None
    risk_level: RiskLevel | None
    risk_assessed_on: date | None


async def governor_overview(
    runtime: ServiceRuntime, principal: Principal, *, county: str, year: int | None
) -> list[DialogueStatus]:
    """Every municipality of the county: its meetings (in the year) and its latest risk level."""
    number = parse_county(county).number
    principal.require_governor_of(number)
    numbers = [m.number for m in reference.municipalities(number)]
    query = select(DialogueMeeting).where(DialogueMeeting.county == number)
    if year is not None:
        query = query.where(extract("year", DialogueMeeting.held_on) == year)
    async with runtime.sessions() as session:
        held: dict[str, list[date]] = defaultdict(list)
        for meeting in await session.scalars(query):
            held[meeting.municipality].append(meeting.held_on)
    risks = await latest_risk_by_municipality(runtime, numbers)
    return [
        DialogueStatus(
            municipality=n,
            meetings=len(held[n]),
            last_meeting_on=max(held[n], default=None),
            risk_level=RiskLevel(risk.level) if risk else None,
            risk_assessed_on=risk.assessed_on if risk else None,
        )
        for n, risk in zip(numbers, risks, strict=True)
    ]


# Batch functions for loaders ------------------------------------------------------------------


networks_by_id = one_by(LearningNetwork, LearningNetwork.id)
plans_by_id = one_by(CompetencePlan, CompetencePlan.id)
projects_by_id = one_by(DevelopmentProject, DevelopmentProject.id)
# Every membership, past ones too, in the order they began.
members_by_network = many_by(
    NetworkMember, NetworkMember.network_id, order_by=NetworkMember.joined_on
)
# Every version, oldest first.
plans_by_network = many_by(
    CompetencePlan, CompetencePlan.network_id, order_by=CompetencePlan.version
)
approvals_by_plan = many_by(PlanApproval, PlanApproval.plan_id, order_by=PlanApproval.municipality)
projects_by_network = many_by(
    DevelopmentProject, DevelopmentProject.network_id, order_by=DevelopmentProject.proposed_on
)
# Each project's municipalities, lead first.
participants_by_project = many_by(
    ProjectMunicipality, ProjectMunicipality.project_id, order_by=ProjectMunicipality.position
)
meetings_by_municipality = many_by(
    DialogueMeeting, DialogueMeeting.municipality, order_by=DialogueMeeting.held_on
)


async def cost_lines_by_project(
    runtime: ServiceRuntime, ids: Sequence[uuid.UUID]
) -> list[list[ProjectCostLine]]:
    """In the order the kinds are declared (project management first)."""
    found = await many_per_key(runtime.sessions, ProjectCostLine, ProjectCostLine.project_id, ids)
    order = list(CostKind)
    return [sorted(lines, key=lambda line: order.index(CostKind(line.kind))) for lines in found]


async def network_by_member(
    runtime: ServiceRuntime, numbers: Sequence[str]
) -> list[LearningNetwork | None]:
    """Each municipality's network today (public): the one it is a current member of."""
    async with runtime.sessions() as session:
        members = await rows_where_in(
            session,
            NetworkMember,
            NetworkMember.municipality,
            numbers,
            NetworkMember.left_on.is_(None),
        )
        ids = {m.network_id for m in members}
        found = {
            n.id: n for n in await rows_where_in(session, LearningNetwork, LearningNetwork.id, ids)
        }
    by_member = {m.municipality: found[m.network_id] for m in members}
    return [by_member.get(number) for number in numbers]


async def projects_by_municipality(
    runtime: ServiceRuntime, numbers: Sequence[str]
) -> list[list[DevelopmentProject]]:
    """The projects each municipality takes part in, oldest first (public)."""
    async with runtime.sessions() as session:
        links = await rows_where_in(
            session, ProjectMunicipality, ProjectMunicipality.municipality, numbers
        )
        found = {
            p.id: p
            for p in await rows_where_in(
                session, DevelopmentProject, DevelopmentProject.id, {x.project_id for x in links}
            )
        }
    grouped: dict[str, list[DevelopmentProject]] = defaultdict(list)
    for link in links:
        grouped[link.municipality].append(found[link.project_id])
    return [sorted(grouped[n], key=lambda p: (p.proposed_on, str(p.id))) for n in numbers]


async def latest_risk_by_municipality(
    runtime: ServiceRuntime, numbers: Sequence[str]
) -> list[RiskAssessment | None]:
    """The latest assessment by date; of one day, the one recorded last."""
    async with runtime.sessions() as session:
        rows = await rows_where_in(session, RiskAssessment, RiskAssessment.municipality, numbers)
    latest: dict[str, RiskAssessment] = {}
    for row in sorted(rows, key=lambda r: (r.assessed_on, r.recorded_at)):
        latest[row.municipality] = row
    return [latest.get(n) for n in numbers]
