"""A network's state, loaded and locked for a change, and the plan events a change calls for.

Every change of a network, its members, plans or projects locks the network row first
(`SELECT … FOR UPDATE` on PostgreSQL; on SQLite every writing transaction begins IMMEDIATE),
so a plan's status is always computed from the members and approvals it sees.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.networks import CompetencePlanInForce, CompetencePlanWithdrawn
from shared.errors import NotFound
from shared.inputs import maybe_uuid
from shared.runtime import UnitOfWork
from svc_networks.domain.plans import PlanChange
from svc_networks.models import CompetencePlan, LearningNetwork, NetworkMember, PlanApproval


def today() -> date:
    return datetime.now(UTC).date()


async def locked_network(session: AsyncSession, network_id: str | uuid.UUID) -> LearningNetwork:
    """The network, locked; NOT_FOUND for an unknown or malformed id."""
    key = maybe_uuid(network_id)
    found = await session.get(LearningNetwork, key, with_for_update=True) if key else None
    if found is None:
        raise NotFound("no learning network has this id")
    return found


async def current_members(session: AsyncSession, network_id: uuid.UUID) -> set[str]:
    rows = await session.scalars(
        select(NetworkMember.municipality).where(
            NetworkMember.network_id == network_id, NetworkMember.left_on.is_(None)
        )
    )
    return set(rows)


async def newest_plan(session: AsyncSession, network_id: uuid.UUID) -> CompetencePlan | None:
    return await session.scalar(
        select(CompetencePlan)
        .where(CompetencePlan.network_id == network_id)
        .order_by(CompetencePlan.version.desc())
        .limit(1)
    )


async def approvals(session: AsyncSession, plan_id: uuid.UUID) -> set[str]:
    rows = await session.scalars(
        select(PlanApproval.municipality).where(PlanApproval.plan_id == plan_id)
    )
    return set(rows)


@dataclass(frozen=True, slots=True)
class NetworkState:
    network: LearningNetwork
    members: set[str]  # current members
    plan: CompetencePlan | None  # the newest version
    approved: set[str]  # who approved that version


async def load_state(session: AsyncSession, network_id: str | uuid.UUID) -> NetworkState:
    network = await locked_network(session, network_id)
    plan = await newest_plan(session, network.id)
    return NetworkState(
        network=network,
        members=await current_members(session, network.id),
        plan=plan,
        approved=await approvals(session, plan.id) if plan else set(),
    )


def emit_plan_change(
    uow: UnitOfWork,
    network: LearningNetwork,
    plan: CompetencePlan,
    change: PlanChange,
    members: set[str],
    reason: str,
) -> None:
    """In force: name the current members, each of whom approved it. Out of force: say why.
    Keyed by the network's lead municipality, so one network's plan events stay in order."""
    if change.entered_force:
        event: CompetencePlanInForce | CompetencePlanWithdrawn = CompetencePlanInForce(
            plan_id=plan.id,
            network_id=network.id,
            county=network.county,
            title=plan.title,
            municipalities=sorted(members),
            in_force_on=plan.in_force_on or today(),
        )
    elif change.left_force:
        event = CompetencePlanWithdrawn(
            plan_id=plan.id,
            network_id=network.id,
            county=network.county,
            reason=reason,
            withdrawn_on=today(),
        )
    else:
        return
    uow.emit(event, municipality=network.lead_municipality)
