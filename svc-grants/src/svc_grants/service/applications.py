"""The application lifecycle as clients drive it: submit, assess, decide, pay, settle, reclaim."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shared import reference
from shared.auth import Principal
from shared.contracts.grants import (
    GrantApplicationSubmitted,
    GrantAwarded,
    GrantPaid,
    GrantRejected,
    GrantSettled,
)
from shared.errors import BadUserInput, Conflict
from shared.events import Contract
from shared.inputs import parse_municipality, parse_optional_uuid, parse_uuid
from shared.money import parse_nok, parse_optional_nok
from shared.runtime import ServiceRuntime
from svc_grants.domain import applications as domain
from svc_grants.domain.aftercare import check_final_payment
from svc_grants.domain.applications import ApplicationStatus, EligibilityStatus, SchemeKind
from svc_grants.models import (
    CompetencePlan,
    DevelopmentProject,
    Eligibility,
    GrantApplication,
    GrantImpartiality,
    GrantScheme,
)
from svc_grants.service import aftercare, documents, notices
from svc_grants.service.history import Actor, administered, ids, reclaimed, record, transaction


@dataclass(frozen=True, slots=True)
class _Target:
    """What an application is for, checked: its county, queue priority and amount limit."""

    county: str
    priority: int
    limit_ore: int
    applicant: str | None  # "employer:<orgnr>", "network:<id>"; none: the municipality itself


async def submit_application(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    scheme_id: str,
    municipality: str,
    amount_nok: str,
    purpose: str,
    enrolment_id: str | None = None,
    project_id: str | None = None,
    employer: str | None = None,
) -> GrantApplication:
    """Creates an application in SUBMITTED, for an eligible enrolment or a qualifying project.

    A state or private employer applies for its own staff's enrolments (`employer`, with its
    own token); a municipality applies for project funds acting for its learning network."""
    applicant = parse_municipality(municipality)
    orgnr = domain.parse_employer(employer)
    role = domain.applicant_role(principal, applicant.number, orgnr and f"{domain.EMPLOYER}{orgnr}")
    actor = Actor(principal.subject or "", role)
    requested = parse_nok(amount_nok, "amountNok")
    purpose = domain.required_text(purpose, "purpose")
    enrolment = parse_optional_uuid(enrolment_id, "enrolmentId")
    project = parse_optional_uuid(project_id, "projectId")
    async with transaction(runtime) as uow:
        scheme = await uow.session.get(GrantScheme, parse_uuid(scheme_id, "schemeId"))
        if scheme is None:
            raise BadUserInput("schemeId", "no grant scheme has this id")
        domain.check_target(SchemeKind(scheme.kind), enrolment, project, orgnr)
        if enrolment is not None:
            target = await _enrolment_target(uow.session, enrolment, applicant, scheme, orgnr)
        else:
            target = await _project_target(uow.session, project, applicant, scheme)
        now = datetime.now(UTC)
        app = GrantApplication(
            id=uuid.uuid4(),
            scheme_id=scheme.id,
            municipality=applicant.number,
            county=target.county,
            status=ApplicationStatus.DRAFT,
            purpose=purpose,
            enrolment_id=enrolment,
            project_id=project,
            priority=target.priority,
            requested_ore=domain.requested_amount(requested, target.limit_ore),
            approved_ore=None,
            paid_ore=0,
            reclaimed_ore=0,
            submitted_at=now,
            updated_at=now,
            applicant=target.applicant,
        )
        change = domain.submit(app)
        await _insert_holding_target(uow.session, app)
        record(uow, app, change, actor, purpose, _submitted(app, scheme))
    return app


async def _enrolment_target(
    session: AsyncSession,
    enrolment_id: uuid.UUID,
    municipality: reference.Municipality,
    scheme: GrantScheme,
    employer: str | None,
) -> _Target:
    # Locked: a concurrent withdrawal of the enrolment waits for this submission, then cancels it.
    row = await session.get(Eligibility, enrolment_id, with_for_update=True)
    enrolment = (
        domain.Enrolment(row.municipality, row.year, row.status, row.employer) if row else None
    )
    domain.check_enrolment(enrolment, municipality.number, scheme.year, employer)
    applicant = employer and f"{domain.EMPLOYER}{employer}"
    priority = domain.priority([municipality.number])
    return _Target(municipality.county, priority, _cap(scheme), applicant)


def _cap(scheme: GrantScheme) -> int:
    # Schemes created before caps existed have none: the default applies to them.
    return scheme.cap_per_enrolment_ore or domain.DEFAULT_CAP_PER_ENROLMENT_ORE


async def _project_target(
    session: AsyncSession,
    project_id: uuid.UUID | None,
    municipality: reference.Municipality,
    scheme: GrantScheme,
) -> _Target:
    row = await session.get(DevelopmentProject, project_id) if project_id else None
    if row is None:
        raise BadUserInput("projectId", "no development project has this id")
    plans = await session.scalars(
        select(CompetencePlan.municipalities).where(CompetencePlan.network_id == row.network_id)
    )
    domain.check_project(
        domain.Project(row.county, frozenset(row.municipalities), row.partner),
        [frozenset(participants) for participants in plans],
        municipality.number,
        scheme.county,
    )
    # The municipality applies acting for the project's learning network.
    network = f"network:{row.network_id}"
    return _Target(row.county, domain.priority(row.municipalities), scheme.budget_ore, network)


async def _insert_holding_target(session: AsyncSession, app: GrantApplication) -> None:
    session.add(app)
    try:
        await session.flush()
    except IntegrityError as error:
        # The partial unique indexes: one live application per enrolment and per project.
        raise Conflict("an application for this enrolment or project is already open") from error


def _submitted(app: GrantApplication, scheme: GrantScheme) -> GrantApplicationSubmitted:
    return GrantApplicationSubmitted(
        **ids(app),
        kind=scheme.kind,
        year=scheme.year,
        county=app.county,
        requested_ore=app.requested_ore,
        enrolment_id=app.enrolment_id,
        project_id=app.project_id,
    )


async def start_assessment(
    runtime: ServiceRuntime, principal: Principal, *, application_id: str
) -> GrantApplication:
    async with transaction(runtime) as uow:
        app, _, actor = await administered(uow.session, principal, application_id)
        change = domain.start_assessment(app)
        record(uow, app, change, actor, None, None)
    return app


async def decide(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    application_id: str,
    approve: bool,
    amount_nok: str | None,
    reason: str,
) -> GrantApplication:
    """Approves (committing budget; CONFLICT and no change if it does not fit) or rejects."""
    reason = domain.required_text(reason, "reason")
    amount = parse_optional_nok(amount_nok, "amountNok")
    async with transaction(runtime) as uow:
        app, scheme, actor = await administered(uow.session, principal, application_id)
        domain.check_impartial(await _recused(uow.session, app, actor))
        event: Contract
        if approve:
            change = domain.approve(app, scheme, amount)
            aftercare.open_reports(uow.session, app, scheme)
            event = GrantAwarded(**ids(app), amount_ore=app.approved_ore or 0, reason=reason)
        else:
            change = domain.reject(app, amount)
            event = GrantRejected(**ids(app), reason=reason)
        documents.write_decision_letter(uow.session, app, scheme, reason)
        notices.tell_decision(uow.session, app, scheme, reason)
        record(uow, app, change, actor, reason, event)
    return app


async def declare_impartiality(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    application_id: str,
    recuse: bool,
    reason: str | None,
) -> GrantApplication:
    """The assessor about to decide declares no conflict of interest, or recuses (with the
    reason); in the application's history either way."""
    async with transaction(runtime) as uow:
        app, _, actor = await administered(uow.session, principal, application_id)
        found = await uow.session.scalar(
            select(GrantImpartiality).where(
                GrantImpartiality.application_id == app.id,
                GrantImpartiality.subject == actor.subject,
            )
        )
        kept = domain.declare(found.recused if found else None, app.status, recuse, reason)
        declaration = found or GrantImpartiality(application_id=app.id, subject=actor.subject)
        declaration.role, declaration.recused, declaration.reason = actor.role, recuse, kept
        declaration.declared_at = datetime.now(UTC)
        uow.session.add(declaration)
        said = f"recused: {kept}" if recuse else "declared no conflict of interest"
        status = ApplicationStatus(app.status)
        record(uow, app, domain.Change(status, status), actor, said[: domain.MAX_TEXT], None)
    return app


async def _recused(session: AsyncSession, app: GrantApplication, actor: Actor) -> bool | None:
    """The assessor's declaration: recused or not; None when none was made."""
    return await session.scalar(
        select(GrantImpartiality.recused).where(
            GrantImpartiality.application_id == app.id,
            GrantImpartiality.subject == actor.subject,
        )
    )


async def record_payment(
    runtime: ServiceRuntime, principal: Principal, *, application_id: str, amount_nok: str
) -> GrantApplication:
    amount = parse_nok(amount_nok, "amountNok")
    async with transaction(runtime) as uow:
        app, scheme, actor = await administered(uow.session, principal, application_id)
        domain.next_status(app.status, domain.Action.PAY)
        final_report = await aftercare.final_report_status(uow.session, app)
        check_final_payment(app.approved_ore or 0, app.paid_ore, amount, final_report)
        change = domain.pay(app, scheme, amount)
        event = GrantPaid(**ids(app), amount_ore=amount, paid_total_ore=app.paid_ore)
        record(uow, app, change, actor, None, event)
    return app


async def settle(
    runtime: ServiceRuntime, principal: Principal, *, application_id: str
) -> GrantApplication:
    """Closes a paid grant once its course is completed (project funds: once paid)."""
    async with transaction(runtime) as uow:
        app, scheme, actor = await administered(uow.session, principal, application_id)
        change = domain.settle(app, scheme, await _course_completed(uow.session, app))
        event = GrantSettled(
            **ids(app), paid_total_ore=app.paid_ore, released_ore=change.amount_ore or 0
        )
        record(uow, app, change, actor, None, event)
    return app


async def _course_completed(session: AsyncSession, app: GrantApplication) -> bool:
    if app.enrolment_id is None:
        return True
    status = await session.scalar(
        select(Eligibility.status).where(Eligibility.enrolment_id == app.enrolment_id)
    )
    return status == EligibilityStatus.COMPLETED


async def reclaim(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    application_id: str,
    amount_nok: str,
    reason: str,
) -> GrantApplication:
    amount = parse_nok(amount_nok, "amountNok")
    reason = domain.required_text(reason, "reason")
    async with transaction(runtime) as uow:
        app, scheme, actor = await administered(uow.session, principal, application_id)
        change = domain.reclaim(app, scheme, amount)
        record(uow, app, change, actor, reason, reclaimed(app, reason))
    return app
