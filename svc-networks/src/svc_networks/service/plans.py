"""Competence plans: the governor drafts a version, the network decides it, members approve."""

from __future__ import annotations

import uuid

from shared.auth import Principal
from shared.errors import NotFound
from shared.inputs import maybe_uuid, parse_municipality
from shared.provenance import parse_provenance
from shared.runtime import ServiceRuntime, UnitOfWork
from svc_networks.domain import plans
from svc_networks.domain.plans import PlanChange, PlanStatus
from svc_networks.models import CompetencePlan, PlanApproval
from svc_networks.service.state import NetworkState, emit_plan_change, load_state, today


async def draft_plan(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    network_id: str,
    title: str,
    demo: bool = False,
    source: str | None = None,
) -> CompetencePlan:
    """A new version: the previous one is superseded (and out of force); approvals start over."""
    title = plans.title(title)
    provenance = parse_provenance(demo, source)
    async with runtime.unit_of_work() as uow:
        state = await load_state(uow.session, network_id)
        actor = principal.require_governor_of(state.network.county)
        version = 1
        if state.plan is not None:
            version = state.plan.version + 1
            change = plans.supersede(state.plan)
            reason = f"version {version} of the plan was drafted"
            emit_plan_change(uow, state.network, state.plan, change, state.members, reason)
        plan = CompetencePlan(
            id=uuid.uuid4(),
            network_id=state.network.id,
            version=version,
            title=title,
            status=PlanStatus.DRAFT,
            drafted_on=today(),
            decided_on=None,
            in_force_on=None,
            drafted_by=principal.subject or actor,
        )
        plan.set_provenance(provenance)
        uow.session.add(plan)
    return plan


async def approve_plan(
    runtime: ServiceRuntime, principal: Principal, *, plan_id: str, municipality: str | None
) -> CompetencePlan:
    """Without a municipality: the network's decision, by its governor. With one: that member's
    approval, by the municipality itself and nobody else."""
    async with runtime.unit_of_work() as uow:
        key = maybe_uuid(plan_id)
        found = await uow.session.get(CompetencePlan, key) if key else None
        if found is None:
            raise NotFound("no competence plan has this id")
        state = await load_state(uow.session, found.network_id)
        # Read again under the network's lock. Only the newest version is open; the domain
        # refuses an older (superseded) one before `state.approved` (the newest's) matters.
        plan = await uow.session.get_one(CompetencePlan, found.id, populate_existing=True)
        if municipality is None:
            principal.require_governor_of(state.network.county)
            change = plans.decide(plan, state.members, state.approved, today())
        else:
            change = _member_approval(uow, principal, state, plan, municipality)
        # Deciding and approving only ever put a plan in force, never out of it.
        emit_plan_change(uow, state.network, plan, change, state.members, "approved")
    return plan


def _member_approval(
    uow: UnitOfWork,
    principal: Principal,
    state: NetworkState,
    plan: CompetencePlan,
    municipality: str,
) -> PlanChange:
    number = parse_municipality(municipality).number
    principal.require_itself(number)
    change = plans.approve(plan, state.members, state.approved | {number}, number, today())
    if number not in state.approved:
        uow.session.add(
            PlanApproval(
                plan_id=plan.id,
                municipality=number,
                approved_on=today(),
                approved_by=principal.subject or f"municipality:{number}",
            )
        )
    return change
