"""Grants' use cases: each owns one transaction, writing state, history and outbox events together.

Money rows are locked before they change: the scheme first, then the application (the same
order everywhere, so two use cases never deadlock). On PostgreSQL that serializes concurrent
decisions across replicas; on SQLite, where FOR UPDATE is a plain read, the rows' version
counters turn a lost race into a CONFLICT instead of an over-commitment.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, func, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from shared import reference
from shared.auth import Principal
from shared.contracts.education import EnrolmentRegistered, EnrolmentWithdrawn
from shared.contracts.grants import (
    GrantApplicationSubmitted,
    GrantAwarded,
    GrantCancelled,
    GrantPaid,
    GrantReclaimed,
    GrantRejected,
    GrantSettled,
)
from shared.contracts.networks import CompetencePlanInForce, DevelopmentProjectProposed
from shared.errors import BadUserInput, Conflict, Forbidden, NotFound
from shared.events import Contract, Envelope
from shared.money import parse_nok
from shared.queries import many_per_key, one_per_key
from shared.runtime import ServiceRuntime, UnitOfWork
from svc_grants import domain
from svc_grants.domain import (
    UNDECIDED,
    ApplicationStatus,
    Change,
    EligibilityStatus,
    SchemeKind,
)
from svc_grants.models import (
    CompetencePlan,
    DevelopmentProject,
    Eligibility,
    GrantApplication,
    GrantApplicationTransition,
    GrantScheme,
)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who made a transition: a token's subject and the role they acted in, or an event."""

    subject: str
    role: str

    @classmethod
    def of_event(cls, envelope: Envelope) -> Actor:
        return cls(subject=f"{envelope.producer}:{envelope.event_id}", role="event")


@asynccontextmanager
async def _transaction(runtime: ServiceRuntime) -> AsyncIterator[UnitOfWork]:
    try:
        async with runtime.unit_of_work() as uow:
            yield uow
    except StaleDataError as error:
        raise Conflict("the application or its budget changed meanwhile; try again") from error


# Schemes ----------------------------------------------------------------------------------


async def create_scheme(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    name: str,
    year: int,
    kind: SchemeKind,
    budget_nok: str,
    county: str | None,
    cap_per_enrolment_nok: str | None = None,
) -> GrantScheme:
    principal.require_directorate()
    budget = parse_nok(budget_nok, "budgetNok")
    cap = _optional_nok(cap_per_enrolment_nok, "capPerEnrolmentNok")
    terms = domain.validate_scheme(name, year, budget, kind, county, cap)
    scheme = GrantScheme(
        id=uuid.uuid4(),
        name=name.strip(),
        year=year,
        kind=kind,
        county=terms.county,
        budget_ore=budget,
        committed_ore=0,
        paid_ore=0,
        cap_per_enrolment_ore=terms.cap_per_enrolment_ore,
        created_at=datetime.now(UTC),
        created_by=principal.subject or "directorate",
    )
    async with runtime.unit_of_work() as uow:
        uow.session.add(scheme)
    return scheme


# Applications -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ApplicationInput:
    scheme_id: str
    municipality: str
    amount_nok: str
    purpose: str
    enrolment_id: str | None = None
    project_id: str | None = None


@dataclass(frozen=True, slots=True)
class _Target:
    """What an application is for, checked: its county, queue priority and amount limit."""

    county: str
    priority: int
    limit_ore: int


async def submit_application(
    runtime: ServiceRuntime, principal: Principal, data: ApplicationInput
) -> GrantApplication:
    """Creates an application in SUBMITTED, for an eligible enrolment or a qualifying project."""
    municipality = _municipality(data.municipality)
    actor = Actor(principal.subject or "", domain.submitter_role(principal, municipality.number))
    requested = parse_nok(data.amount_nok, "amountNok")
    purpose = domain.required_text(data.purpose, "purpose")
    enrolment_id = _optional_uuid(data.enrolment_id, "enrolmentId")
    project_id = _optional_uuid(data.project_id, "projectId")
    async with _transaction(runtime) as work:
        scheme = await work.session.get(GrantScheme, _uuid(data.scheme_id, "schemeId"))
        if scheme is None:
            raise BadUserInput("schemeId", "no grant scheme has this id")
        domain.check_target(SchemeKind(scheme.kind), enrolment_id, project_id)
        if enrolment_id is not None:
            target = await _enrolment_target(work.session, enrolment_id, municipality, scheme)
        else:
            target = await _project_target(work.session, project_id, municipality, scheme)
        now = datetime.now(UTC)
        app = GrantApplication(
            id=uuid.uuid4(),
            scheme_id=scheme.id,
            municipality=municipality.number,
            county=target.county,
            status=ApplicationStatus.DRAFT,
            purpose=purpose,
            enrolment_id=enrolment_id,
            project_id=project_id,
            priority=target.priority,
            requested_ore=domain.requested_amount(requested, target.limit_ore),
            approved_ore=None,
            paid_ore=0,
            reclaimed_ore=0,
            submitted_at=now,
            updated_at=now,
        )
        change = domain.submit(app)
        await _insert_holding_target(work.session, app)
        _record(work, app, change, actor, purpose, _submitted(app, scheme))
    return app


async def _enrolment_target(
    session: AsyncSession,
    enrolment_id: uuid.UUID,
    municipality: reference.Municipality,
    scheme: GrantScheme,
) -> _Target:
    # Locked: a concurrent withdrawal of the enrolment waits for this submission, then cancels it.
    row = await session.get(Eligibility, enrolment_id, with_for_update=True)
    enrolment = domain.Enrolment(row.municipality, row.year, row.status) if row else None
    domain.check_enrolment(enrolment, municipality.number, scheme.year)
    return _Target(municipality.county, domain.priority([municipality.number]), _cap(scheme))


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
    return _Target(row.county, domain.priority(row.municipalities), scheme.budget_ore)


async def _insert_holding_target(session: AsyncSession, app: GrantApplication) -> None:
    session.add(app)
    try:
        await session.flush()
    except IntegrityError as error:
        # The partial unique indexes: one live application per enrolment and per project.
        raise Conflict("an application for this enrolment or project is already open") from error


def _submitted(app: GrantApplication, scheme: GrantScheme) -> GrantApplicationSubmitted:
    return GrantApplicationSubmitted(
        **_ids(app),
        kind=scheme.kind,
        year=scheme.year,
        county=app.county,
        requested_ore=app.requested_ore,
        enrolment_id=app.enrolment_id,
        project_id=app.project_id,
    )


async def start_assessment(
    runtime: ServiceRuntime, principal: Principal, application_id: str
) -> GrantApplication:
    async with _transaction(runtime) as work:
        app, _, actor = await _administered(work.session, principal, application_id)
        change = domain.start_assessment(app)
        _record(work, app, change, actor, None, None)
    return app


async def decide(
    runtime: ServiceRuntime,
    principal: Principal,
    application_id: str,
    *,
    approve: bool,
    amount_nok: str | None,
    reason: str,
) -> GrantApplication:
    """Approves (committing budget; CONFLICT and no change if it does not fit) or rejects."""
    reason = domain.required_text(reason, "reason")
    amount = _optional_nok(amount_nok, "amountNok")
    async with _transaction(runtime) as work:
        app, scheme, actor = await _administered(work.session, principal, application_id)
        event: Contract
        if approve:
            change = domain.approve(app, scheme, amount)
            event = GrantAwarded(**_ids(app), amount_ore=app.approved_ore or 0, reason=reason)
        else:
            change = domain.reject(app, amount)
            event = GrantRejected(**_ids(app), reason=reason)
        _record(work, app, change, actor, reason, event)
    return app


async def record_payment(
    runtime: ServiceRuntime, principal: Principal, application_id: str, amount_nok: str
) -> GrantApplication:
    amount = parse_nok(amount_nok, "amountNok")
    async with _transaction(runtime) as work:
        app, scheme, actor = await _administered(work.session, principal, application_id)
        change = domain.pay(app, scheme, amount)
        event = GrantPaid(**_ids(app), amount_ore=amount, paid_total_ore=app.paid_ore)
        _record(work, app, change, actor, None, event)
    return app


async def settle(
    runtime: ServiceRuntime, principal: Principal, application_id: str
) -> GrantApplication:
    """Closes a paid grant once its course is completed (project funds: once paid)."""
    async with _transaction(runtime) as work:
        app, scheme, actor = await _administered(work.session, principal, application_id)
        change = domain.settle(app, scheme, await _course_completed(work.session, app))
        event = GrantSettled(
            **_ids(app), paid_total_ore=app.paid_ore, released_ore=change.amount_ore or 0
        )
        _record(work, app, change, actor, None, event)
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
    application_id: str,
    amount_nok: str,
    reason: str,
) -> GrantApplication:
    amount = parse_nok(amount_nok, "amountNok")
    reason = domain.required_text(reason, "reason")
    async with _transaction(runtime) as work:
        app, scheme, actor = await _administered(work.session, principal, application_id)
        change = domain.reclaim(app, scheme, amount)
        _record(work, app, change, actor, reason, _reclaimed(app, reason))
    return app


async def _administered(
    session: AsyncSession, principal: Principal, application_id: str
) -> tuple[GrantApplication, GrantScheme, Actor]:
    """The application and its scheme, locked (scheme first), if the principal administers it."""
    principal.require_authenticated()
    app = await session.get(GrantApplication, _uuid(application_id, "id"))
    if app is None or not domain.may_see_application(principal, app.municipality, app.county):
        raise NotFound("no grant application has this id")
    scheme = await session.get_one(GrantScheme, app.scheme_id, with_for_update=True)
    role = domain.administrator_role(scheme.kind, scheme.county)
    if role not in principal.roles:
        raise Forbidden(f"only {role} decides on this scheme's applications")
    await session.refresh(app, with_for_update=True)
    return app, scheme, Actor(principal.subject or "", role)


def _record(
    work: UnitOfWork,
    app: GrantApplication,
    change: Change,
    actor: Actor,
    reason: str | None,
    event: Contract | None,
) -> None:
    now = datetime.now(UTC)
    app.updated_at = now
    work.session.add(
        GrantApplicationTransition(
            application_id=app.id,
            at=now,
            by_subject=actor.subject,
            by_role=actor.role,
            from_status=change.from_status,
            to_status=change.to_status,
            reason=reason,
            amount_ore=change.amount_ore,
        )
    )
    if event is not None:
        work.emit(event, municipality=app.municipality)


def _ids(app: GrantApplication) -> dict[str, object]:
    return {"application_id": app.id, "scheme_id": app.scheme_id, "municipality": app.municipality}


def _reclaimed(app: GrantApplication, reason: str) -> GrantReclaimed:
    return GrantReclaimed(**_ids(app), amount_ore=app.reclaimed_ore, reason=reason)


# Other services' events (inbox effects) -------------------------------------------------------


async def record_enrolment(session: AsyncSession, event: EnrolmentRegistered) -> None:
    """An enrolment makes its employer eligible for the further-education grant."""
    session.add(
        Eligibility(
            enrolment_id=event.enrolment_id,
            municipality=event.municipality,
            year=domain.term_year(event.term),
            status=domain.eligibility_for(event.status),
            updated_at=datetime.now(UTC),
        )
    )


async def change_eligibility(
    session: AsyncSession, enrolment_id: uuid.UUID, status: EligibilityStatus
) -> None:
    """A later enrolment event (promotion, withdrawal, completion) changes what may be claimed."""
    eligibility = await session.get(Eligibility, enrolment_id, with_for_update=True)
    if eligibility is not None:
        eligibility.status = status
        eligibility.updated_at = datetime.now(UTC)


async def withdraw_enrolment(
    work: UnitOfWork, event: Envelope, withdrawn: EnrolmentWithdrawn
) -> None:
    """Its unpaid applications are cancelled (commitments released), paid ones reclaimed in full."""
    session = work.session
    await change_eligibility(session, withdrawn.enrolment_id, EligibilityStatus.WITHDRAWN)
    actor = Actor.of_event(event)
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
            _record(work, app, change, actor, reason, _withdrawal_event(app, change, reason))


def _withdrawal_event(app: GrantApplication, change: Change, reason: str) -> Contract:
    if change.to_status == ApplicationStatus.RECLAIMED:
        return _reclaimed(app, reason)
    return GrantCancelled(**_ids(app), released_ore=change.amount_ore or 0, reason=reason)


async def record_plan(session: AsyncSession, plan: CompetencePlanInForce) -> None:
    await session.merge(
        CompetencePlan(
            id=plan.plan_id,
            network_id=plan.network_id,
            county=plan.county,
            title=plan.title,
            municipalities=sorted(set(plan.municipalities)),
            in_force_on=plan.in_force_on,
        )
    )


async def record_project(session: AsyncSession, project: DevelopmentProjectProposed) -> None:
    """The latest proposal of a project stands; applications already made keep their priority."""
    await session.merge(
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


# Reads ----------------------------------------------------------------------------------------


async def schemes(runtime: ServiceRuntime, year: int | None) -> list[GrantScheme]:
    query = select(GrantScheme).order_by(GrantScheme.year, GrantScheme.name)
    if year is not None:
        query = query.where(GrantScheme.year == year)
    async with runtime.sessions() as session:
        return list(await session.scalars(query))


async def schemes_by_id(
    runtime: ServiceRuntime, ids: Sequence[uuid.UUID]
) -> list[GrantScheme | None]:
    return await one_per_key(runtime.sessions, GrantScheme, GrantScheme.id, ids)


async def employer_schemes_by_year(
    runtime: ServiceRuntime, years: Sequence[int]
) -> list[GrantScheme | None]:
    async with runtime.sessions() as session:
        rows = await session.scalars(
            select(GrantScheme).where(
                GrantScheme.kind == SchemeKind.EMPLOYER_FURTHER_EDUCATION,
                GrantScheme.year.in_(set(years)),
            )
        )
        by_year = {row.year: row for row in rows}
    return [by_year.get(year) for year in years]


@dataclass(frozen=True, slots=True)
class CountyBudget:
    county: str
    year: int
    budget_ore: int
    committed_ore: int
    paid_ore: int


async def county_budgets(runtime: ServiceRuntime, year: int | None) -> list[CountyBudget]:
    """Development-project funds per county and year, summed over the county's schemes."""
    query = (
        select(
            GrantScheme.county,
            GrantScheme.year,
            func.sum(GrantScheme.budget_ore),
            func.sum(GrantScheme.committed_ore),
            func.sum(GrantScheme.paid_ore),
        )
        .where(GrantScheme.county.is_not(None))
        .group_by(GrantScheme.county, GrantScheme.year)
        .order_by(GrantScheme.year, GrantScheme.county)
    )
    if year is not None:
        query = query.where(GrantScheme.year == year)
    async with runtime.sessions() as session:
        rows = (await session.execute(query)).all()
    return [CountyBudget(c, y, int(b), int(k), int(p)) for c, y, b, k, p in rows]


async def eligibility_by_municipality(
    runtime: ServiceRuntime, numbers: Sequence[str]
) -> list[list[Eligibility]]:
    return await many_per_key(
        runtime.sessions, Eligibility, Eligibility.municipality, numbers, Eligibility.updated_at
    )


async def applications_by_municipality(
    runtime: ServiceRuntime, numbers: Sequence[str]
) -> list[list[GrantApplication]]:
    return await many_per_key(
        runtime.sessions,
        GrantApplication,
        GrantApplication.municipality,
        numbers,
        GrantApplication.submitted_at,
    )


async def transitions_by_application(
    runtime: ServiceRuntime, ids: Sequence[uuid.UUID]
) -> list[list[GrantApplicationTransition]]:
    return await many_per_key(
        runtime.sessions,
        GrantApplicationTransition,
        GrantApplicationTransition.application_id,
        ids,
        GrantApplicationTransition.id,
    )


async def application(
    runtime: ServiceRuntime, principal: Principal, application_id: str
) -> GrantApplication:
    principal.require_authenticated()
    async with runtime.sessions() as session:
        found = await session.get(GrantApplication, _uuid(application_id, "id"))
    if found is None or not domain.may_see_application(principal, found.municipality, found.county):
        raise NotFound("no grant application has this id")
    return found


async def applications(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    county: str | None,
    scheme_id: str | None,
    status: ApplicationStatus | None,
) -> list[GrantApplication]:
    """The applications the principal may see, filtered; a county not theirs is FORBIDDEN."""
    where = [_visible(principal, county)]
    if scheme_id is not None:
        where.append(GrantApplication.scheme_id == _uuid(scheme_id, "schemeId"))
    if status is not None:
        where.append(GrantApplication.status == status)
    query = select(GrantApplication).where(*where).order_by(GrantApplication.submitted_at)
    async with runtime.sessions() as session:
        return list(await session.scalars(query))


async def assessment_queue(
    runtime: ServiceRuntime, principal: Principal, county: str
) -> list[GrantApplication]:
    """A county's undecided project applications, most municipalities first, then oldest first."""
    query = (
        select(GrantApplication)
        .join(GrantScheme, GrantScheme.id == GrantApplication.scheme_id)
        .where(
            _visible(principal, county),
            GrantScheme.kind == SchemeKind.DEVELOPMENT_PROJECT,
            GrantApplication.status.in_(UNDECIDED),
        )
        .order_by(GrantApplication.priority.desc(), GrantApplication.submitted_at)
    )
    async with runtime.sessions() as session:
        return list(await session.scalars(query))


def _visible(principal: Principal, county: str | None) -> ColumnElement[bool]:
    principal.require_authenticated()
    if county is not None:
        number = _county(county)
        if not (principal.is_directorate or number in principal.counties):
            raise Forbidden(f"no access to county {number}'s grant applications")
        return GrantApplication.county == number
    if principal.is_directorate:
        return true()
    return or_(
        GrantApplication.county.in_(principal.counties),
        GrantApplication.municipality.in_(principal.municipalities),
    )


# Input ----------------------------------------------------------------------------------------


def _municipality(number: str) -> reference.Municipality:
    found = reference.municipality(number)
    if found is None:
        raise BadUserInput("municipality", f"no municipality has number {number.strip()!r}")
    return found


def _county(number: str) -> str:
    found = reference.county(number)
    if found is None:
        raise BadUserInput("county", f"no county has number {number.strip()!r}")
    return found.number


def _optional_nok(value: str | None, field: str) -> int | None:
    return None if value is None else parse_nok(value, field)


def _uuid(value: str, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        raise BadUserInput(field, "must be a UUID") from None


def _optional_uuid(value: str | None, field: str) -> uuid.UUID | None:
    return None if value is None else _uuid(value, field)
