"""What other services' events change here; each runs inside the inbox's transaction, once.

An effect is `(uow, envelope, payload)`: the envelope says who caused it, as the principal does
for a client's use case; effects that record no author leave it unused.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import delete, insert, select

from shared.contracts.education import (
    CourseCompleted,
    EnrolmentPromoted,
    EnrolmentRegistered,
    EnrolmentWithdrawn,
)
from shared.contracts.grants import GrantCancelled
from shared.contracts.networks import (
    CompetencePlanInForce,
    CompetencePlanWithdrawn,
    DevelopmentProjectProposed,
)
from shared.events import Contract, Envelope
from shared.runtime import UnitOfWork
from svc_grants.domain import applications as domain
from svc_grants.domain.applications import ApplicationStatus, Change, EligibilityStatus
from svc_grants.models import (
    Base,
    CompetencePlan,
    DevelopmentProject,
    Eligibility,
    GrantApplication,
    GrantScheme,
)
from svc_grants.service.history import Actor, ids, reclaimed, record

ELIGIBILITY = Base.metadata.tables[Eligibility.__tablename__]


async def record_enrolment(
    uow: UnitOfWork, envelope: Envelope, registered: EnrolmentRegistered
) -> None:
    """An enrolment makes its employer eligible for the further-education grant."""
    await record_enrolments(uow, [registered])


async def record_enrolments(uow: UnitOfWork, registrations: Sequence[EnrolmentRegistered]) -> None:
    """`record_enrolment` for many at once: one INSERT, no ORM objects (the catch-up path).

    On the table itself: the ORM's bulk insert spent more time than SQLite (BENCHMARKS.md).
    """
    now = datetime.now(UTC)
    await uow.session.execute(
        insert(ELIGIBILITY),
        [
            {
                "enrolment_id": registered.enrolment_id,
                "municipality": registered.municipality,
                "year": domain.term_year(registered.term),
                "status": domain.eligibility_for(registered.status),
                "updated_at": now,
                "employer": registered.employer,
            }
            for registered in registrations
        ],
    )


async def promote_enrolment(
    uow: UnitOfWork, envelope: Envelope, promoted: EnrolmentPromoted
) -> None:
    await _change_eligibility(uow, promoted.enrolment_id, EligibilityStatus.ELIGIBLE)


async def complete_enrolment(
    uow: UnitOfWork, envelope: Envelope, completed: CourseCompleted
) -> None:
    await _change_eligibility(uow, completed.enrolment_id, EligibilityStatus.COMPLETED)


async def _change_eligibility(
    uow: UnitOfWork, enrolment_id: uuid.UUID, status: EligibilityStatus
) -> None:
    """A later enrolment event (promotion, withdrawal, completion) changes what may be claimed."""
    eligibility = await uow.session.get(Eligibility, enrolment_id, with_for_update=True)
    if eligibility is not None:
        eligibility.status = status
        eligibility.updated_at = datetime.now(UTC)


async def withdraw_enrolment(
    uow: UnitOfWork, envelope: Envelope, withdrawn: EnrolmentWithdrawn
) -> None:
    """Its unpaid applications are cancelled (commitments released), paid ones reclaimed in full."""
    session = uow.session
    await _change_eligibility(uow, withdrawn.enrolment_id, EligibilityStatus.WITHDRAWN)
    actor = Actor.of_event(envelope)
    reason = f"enrolment withdrawn: {withdrawn.reason}"[: domain.MAX_TEXT]
    found = await session.execute(
        select(GrantApplication.id, GrantApplication.scheme_id).where(
            GrantApplication.enrolment_id == withdrawn.enrolment_id
        )
    )
    for application_id, scheme_id in found.all():
        scheme = await session.get_one(GrantScheme, scheme_id, with_for_update=True)
        app = await session.get_one(GrantApplication, application_id, with_for_update=True)
        change = domain.enrolment_withdrawn(app, scheme)
        if change is not None:
            record(uow, app, change, actor, reason, _withdrawal_event(app, change, reason))


def _withdrawal_event(app: GrantApplication, change: Change, reason: str) -> Contract:
    if change.to_status == ApplicationStatus.RECLAIMED:
        return reclaimed(app, reason)
    return GrantCancelled(**ids(app), released_ore=change.amount_ore or 0, reason=reason)


async def record_plan(uow: UnitOfWork, envelope: Envelope, plan: CompetencePlanInForce) -> None:
    await uow.session.merge(
        CompetencePlan(
            id=plan.plan_id,
            network_id=plan.network_id,
            county=plan.county,
            title=plan.title,
            municipalities=sorted(set(plan.municipalities)),
            in_force_on=plan.in_force_on,
        )
    )


async def withdraw_plan(
    uow: UnitOfWork, envelope: Envelope, withdrawn: CompetencePlanWithdrawn
) -> None:
    """No new application may rest on the plan; applications already made stand. A plan in
    force again later arrives as a new `CompetencePlanInForce` (same plan id, same key)."""
    await uow.session.execute(delete(CompetencePlan).where(CompetencePlan.id == withdrawn.plan_id))


async def record_project(
    uow: UnitOfWork, envelope: Envelope, project: DevelopmentProjectProposed
) -> None:
    """The latest proposal of a project stands; applications already made keep their priority."""
    await uow.session.merge(
        DevelopmentProject(
            id=project.project_id,
            network_id=project.network_id,
            county=project.county,
            title=project.title,
            municipalities=list(dict.fromkeys(project.municipalities)),
            partner=(project.partner or "").strip() or None,
            proposed_on=project.proposed_on,
        )
    )
