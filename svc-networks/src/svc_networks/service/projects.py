"""Development projects: a member municipality proposes one; its lead starts and completes it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.contracts.networks import DevelopmentProjectProposed, DevelopmentProjectStatusChanged
from shared.errors import BadUserInput, NotFound
from shared.inputs import maybe_uuid, parse_municipality
from shared.money import parse_nok
from shared.runtime import ServiceRuntime, UnitOfWork
from svc_networks.domain import plans, projects
from svc_networks.domain.plans import PlanStatus
from svc_networks.domain.projects import CostKind, CostLine, CurrentPlan, ProjectChange
from svc_networks.models import (
    DevelopmentProject,
    ProjectCostLine,
    ProjectMunicipality,
    ProjectTransition,
)
from svc_networks.service.state import NetworkState, load_state, today


async def propose_project(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    network_id: str,
    title: str,
    municipalities: list[str],
    partner: str,
    budget_nok: str,
    cost_lines: list[tuple[CostKind, str]] | None,
) -> DevelopmentProject:
    """On the plan in force, across members only; else CONFLICT naming what is missing."""
    budget = parse_nok(budget_nok, "budgetNok")
    lines = None if cost_lines is None else [_cost_line(k, amount) for k, amount in cost_lines]
    lines = projects.cost_lines(budget, lines)
    draft = _Proposal(projects.title(title), projects.partner(partner), budget)
    numbers = _participants(municipalities)
    numbers = projects.participants(projects.proposer(principal, numbers), numbers)
    async with runtime.unit_of_work() as uow:
        state = await load_state(uow.session, network_id)
        projects.check_anchoring(numbers, state.members, _current_plan(state))
        project = draft.project(state, principal.subject or f"municipality:{numbers[0]}")
        uow.session.add(project)
        await uow.session.flush()
        uow.session.add_all(
            ProjectMunicipality(project_id=project.id, municipality=m, position=i)
            for i, m in enumerate(numbers)
        )
        uow.session.add_all(
            ProjectCostLine(project_id=project.id, kind=line.kind, amount_ore=line.amount_ore)
            for line in lines
        )
        _record_transition(uow, project, None, project.proposed_by)
        uow.emit(_proposed(project, numbers), municipality=numbers[0])
    return project


@dataclass(frozen=True, slots=True)
class _Proposal:
    """What the client proposed, checked."""

    title: str
    partner: str
    budget_ore: int

    def project(self, state: NetworkState, proposed_by: str) -> DevelopmentProject:
        """The project on the network's plan in force (checked by `check_anchoring`)."""
        assert state.plan is not None
        return DevelopmentProject(
            id=uuid.uuid4(),
            network_id=state.network.id,
            plan_id=state.plan.id,
            plan_version=state.plan.version,
            county=state.network.county,
            title=self.title,
            partner=self.partner,
            budget_ore=self.budget_ore,
            status=projects.ProjectStatus.PROPOSED,
            final_report=None,
            proposed_on=today(),
            proposed_by=proposed_by,
        )


def _proposed(project: DevelopmentProject, numbers: list[str]) -> DevelopmentProjectProposed:
    return DevelopmentProjectProposed(
        project_id=project.id,
        network_id=project.network_id,
        county=project.county,
        title=project.title,
        municipalities=numbers,
        partner=project.partner,
        proposed_on=project.proposed_on,
    )


def _cost_line(kind: CostKind, amount_nok: str) -> CostLine:
    return CostLine(kind=kind, amount_ore=parse_nok(amount_nok, "costLines"))


def _participants(municipalities: list[str]) -> list[str]:
    if not municipalities:
        raise BadUserInput("municipalities", "a project has at least one municipality")
    if len(municipalities) > projects.MAX_PARTICIPANTS:
        raise BadUserInput("municipalities", f"at most {projects.MAX_PARTICIPANTS} entries")
    return [parse_municipality(m, "municipalities").number for m in municipalities]


def _current_plan(state: NetworkState) -> CurrentPlan | None:
    if state.plan is None:
        return None
    missing = plans.missing_approvals(state.plan, state.members, state.approved)
    return CurrentPlan(
        version=state.plan.version,
        status=PlanStatus(state.plan.status),
        decided=state.plan.decided_on is not None,
        missing=tuple(missing),
    )


async def start_project(
    runtime: ServiceRuntime, principal: Principal, *, project_id: str
) -> DevelopmentProject:
    """The lead municipality (or the directorate) starts a funded project."""
    async with runtime.unit_of_work() as uow:
        project, numbers = await _led(uow.session, principal, project_id)
        change = projects.start(project)
        changed(uow, project, change, numbers, principal.subject or f"municipality:{numbers[0]}")
    return project


async def complete_project(
    runtime: ServiceRuntime, principal: Principal, *, project_id: str, final_report: str
) -> DevelopmentProject:
    """The lead municipality (or the directorate) completes a running project with its report."""
    async with runtime.unit_of_work() as uow:
        project, numbers = await _led(uow.session, principal, project_id)
        change = projects.complete(project, final_report)
        changed(uow, project, change, numbers, principal.subject or f"municipality:{numbers[0]}")
    return project


async def _led(
    session: AsyncSession, principal: Principal, project_id: str
) -> tuple[DevelopmentProject, list[str]]:
    """The project, locked, and its participants, if the principal acts for its lead."""
    key = maybe_uuid(project_id)
    project = await session.get(DevelopmentProject, key, with_for_update=True) if key else None
    if project is None:
        raise NotFound("no development project has this id")
    numbers = await participants_of(session, project.id)
    principal.require_acting_for(numbers[0])
    return project, numbers


async def participants_of(session: AsyncSession, project_id: uuid.UUID) -> list[str]:
    """The project's municipalities, lead first."""
    rows = await session.scalars(
        select(ProjectMunicipality.municipality)
        .where(ProjectMunicipality.project_id == project_id)
        .order_by(ProjectMunicipality.position)
    )
    return list(rows)


def changed(
    uow: UnitOfWork,
    project: DevelopmentProject,
    change: ProjectChange,
    municipalities: list[str],
    by: str,
) -> None:
    """History row and event of a status change; the event is keyed by the lead municipality."""
    _record_transition(uow, project, change.from_status, by)
    uow.emit(
        DevelopmentProjectStatusChanged(
            project_id=project.id,
            network_id=project.network_id,
            county=project.county,
            municipalities=municipalities,
            status=change.to_status,
            changed_on=today(),
        ),
        municipality=municipalities[0],
    )


def _record_transition(
    uow: UnitOfWork, project: DevelopmentProject, from_status: str | None, by: str
) -> None:
    uow.session.add(
        ProjectTransition(
            project_id=project.id,
            at=datetime.now(UTC),
            by=by,
            from_status=from_status,
            to_status=project.status,
        )
    )
