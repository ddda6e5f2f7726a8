"""Networks' use cases and reads (the calling convention: docs/patterns.md)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from shared.inputs import parse_county
from shared.queries import rows_where_in
from shared.runtime import ServiceRuntime
from svc_networks.models import LearningNetwork, NetworkMember


async def networks(runtime: ServiceRuntime, *, county: str | None) -> list[LearningNetwork]:
    """Public: the learning networks, of one county or all."""
    query = select(LearningNetwork).order_by(LearningNetwork.county, LearningNetwork.name)
    if county is not None:
        query = query.where(LearningNetwork.county == parse_county(county).number)
    async with runtime.sessions() as session:
        return list(await session.scalars(query))


async def network_by_member(
    runtime: ServiceRuntime, numbers: Sequence[str]
) -> list[LearningNetwork | None]:
    """Batch function: each municipality's network (public)."""
    async with runtime.sessions() as session:
        members = await rows_where_in(session, NetworkMember, NetworkMember.municipality, numbers)
        ids = {m.network_id for m in members}
        found = {
            n.id: n for n in await rows_where_in(session, LearningNetwork, LearningNetwork.id, ids)
        }
    by_member = {m.municipality: found[m.network_id] for m in members}
    return [by_member.get(number) for number in numbers]
