"""Learning networks as the county governor runs them: created with members, joined, left."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.contracts.networks import NetworkMemberJoined, NetworkMemberLeft
from shared.errors import Conflict
from shared.inputs import parse_county
from shared.provenance import parse_provenance
from shared.runtime import ServiceRuntime, UnitOfWork
from svc_networks.domain import networks, plans
from svc_networks.models import LearningNetwork, NetworkMember
from svc_networks.service.state import emit_plan_change, load_state, locked_network, today


async def create_network(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    county: str,
    name: str,
    members: list[str],
    partners: list[str] | None,
    established_on: date | None,
    demo: bool = False,
    source: str | None = None,
) -> LearningNetwork:
    """That county's governor (or the directorate) establishes it; its members join that day.
    The county number as posted is kept: a network of 2018 shows the county of its time."""
    number = parse_county(county).number
    provenance = parse_provenance(demo, source)
    actor = principal.require_governor_of(number)
    founded = networks.founding_members(number, members)
    established = networks.check_not_after(established_on or today(), today(), "establishedOn")
    network = LearningNetwork(
        id=uuid.uuid4(),
        county=number,
        name=networks.network_name(name),
        lead_municipality=founded[0],
        partners=networks.partners(partners),
        established_on=established,
        created_at=datetime.now(UTC),
        created_by=principal.subject or actor,
        county_as_posted=county.strip(),
    )
    network.set_provenance(provenance)
    async with runtime.unit_of_work() as uow:
        uow.session.add(network)
        for municipality in founded:
            await _join(uow, network, municipality, established, contact=None)
    return network


async def join_network(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    network_id: str,
    municipality: str,
    leadership_contact: str | None,
    joined_on: date | None,
) -> LearningNetwork:
    """A new member: the plan's approval is reopened, since its approval is missing."""
    contact = networks.leadership_contact(leadership_contact)
    async with runtime.unit_of_work() as uow:
        state = await load_state(uow.session, network_id)
        principal.require_governor_of(state.network.county)
        number = networks.member_of(state.network.county, municipality, "municipality")
        joined = networks.check_not_after(joined_on or today(), today(), "joinedOn")
        await _join(uow, state.network, number, joined, contact)
        if state.plan is not None:
            members = state.members | {number}
            change = plans.members_changed(state.plan, members, state.approved, today())
            reason = f"municipality {number} joined the network; its approval is missing"
            emit_plan_change(uow, state.network, state.plan, change, members, reason)
    return state.network


async def leave_network(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    network_id: str,
    municipality: str,
    left_on: date,
) -> LearningNetwork:
    """A member leaves: its approval is no longer needed, which may put the plan in force."""
    async with runtime.unit_of_work() as uow:
        state = await load_state(uow.session, network_id)
        principal.require_governor_of(state.network.county)
        number = networks.member_of(state.network.county, municipality, "municipality")
        networks.check_not_after(left_on, today(), "leftOn")
        membership = await _current_membership(uow.session, number, state.network.id)
        if membership is None:
            raise networks.not_a_member(number)
        networks.check_leaving(membership.joined_on, left_on)
        membership.left_on = left_on
        uow.emit(
            NetworkMemberLeft(
                network_id=state.network.id,
                county=state.network.county,
                municipality=number,
                joined_on=membership.joined_on,
                left_on=left_on,
            ),
            municipality=number,
        )
        if state.plan is not None:
            members = state.members - {number}
            change = plans.members_changed(state.plan, members, state.approved, today())
            reason = f"municipality {number} left the network"
            emit_plan_change(uow, state.network, state.plan, change, members, reason)
    return state.network


async def set_leadership_contact(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    network_id: str,
    municipality: str,
    leadership_contact: str | None,
) -> LearningNetwork:
    """A current member's leadership contact (none: removed). A person's contact stays here:
    no event carries it."""
    contact = networks.leadership_contact(leadership_contact)
    async with runtime.unit_of_work() as uow:
        network = await locked_network(uow.session, network_id)
        principal.require_governor_of(network.county)
        number = networks.member_of(network.county, municipality, "municipality")
        membership = await _current_membership(uow.session, number, network.id)
        if membership is None:
            raise networks.not_a_member(number)
        membership.leadership_contact = contact
    return network


async def _join(
    uow: UnitOfWork, network: LearningNetwork, municipality: str, on: date, contact: str | None
) -> None:
    elsewhere = await uow.session.scalar(
        select(LearningNetwork.name)
        .join(NetworkMember, NetworkMember.network_id == LearningNetwork.id)
        .where(NetworkMember.municipality == municipality, NetworkMember.left_on.is_(None))
    )
    networks.check_free_to_join(municipality, elsewhere)
    uow.session.add(
        NetworkMember(
            id=uuid.uuid4(),
            network_id=network.id,
            municipality=municipality,
            joined_on=on,
            left_on=None,
            leadership_contact=contact,
        )
    )
    try:
        await uow.session.flush()
    except IntegrityError as error:
        # The partial unique index: a concurrent join of the same municipality won.
        raise Conflict(f"municipality {municipality} just joined a learning network") from error
    uow.emit(
        NetworkMemberJoined(
            network_id=network.id,
            network_name=network.name,
            county=network.county,
            municipality=municipality,
            joined_on=on,
        ),
        municipality=municipality,
    )


async def _current_membership(
    session: AsyncSession, municipality: str, network_id: uuid.UUID
) -> NetworkMember | None:
    return await session.scalar(
        select(NetworkMember).where(
            NetworkMember.network_id == network_id,
            NetworkMember.municipality == municipality,
            NetworkMember.left_on.is_(None),
        )
    )
