"""Service-support programme use cases: cohorts, gatherings, joins, evaluations."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.contracts.education import CohortCompleted, CohortJoined
from shared.errors import Conflict, Forbidden, NotFound
from shared.inputs import maybe_uuid, parse_municipality
from shared.loaders import Loaders
from shared.provenance import Provenance, parse_provenance
from shared.queries import many_by, one_by
from shared.runtime import ServiceRuntime, UnitOfWork
from svc_education.domain.checks import term_filter
from svc_education.domain.support import (
    CohortStatus,
    GatheringKind,
    KnowledgeCentre,
    Participant,
    Scores,
    ScoreSums,
    check_cohort_ended,
    check_county,
    check_gathering_date,
    check_join,
    check_responses,
    cohort_county,
    cohort_term,
    require_open,
    submission_ref,
)
from svc_education.models import (
    CohortGathering,
    CohortParticipant,
    CohortParticipation,
    EvaluationResponse,
    EvaluationSubmission,
    SupportCohort,
)


async def create_cohort(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    county: str,
    knowledge_centre: KnowledgeCentre,
    starts_on: date,
    ends_on: date,
    demo: bool = False,
    source: str | None = None,
) -> SupportCohort:
    principal.require_directorate()
    provenance = parse_provenance(demo, source)
    cohort = SupportCohort(
        id=uuid.uuid4(),
        county=cohort_county(county),
        term=cohort_term(starts_on, ends_on),
        knowledge_centre=knowledge_centre,
        starts_on=starts_on,
        ends_on=ends_on,
        status=CohortStatus.OPEN,
        created_at=datetime.now(UTC),
        created_by=_who(principal),
    )
    cohort.set_provenance(provenance)
    async with runtime.unit_of_work() as uow:
        uow.session.add(cohort)
    return cohort


async def add_gathering(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    cohort_id: str,
    kind: GatheringKind,
    held_on: date,
) -> SupportCohort:
    """Adds a gathering; the same kind on the same date again is a replay."""
    principal.require_directorate()
    async with runtime.unit_of_work() as uow:
        cohort = await _locked_cohort(uow.session, cohort_id)
        require_open(cohort.status)
        check_gathering_date(held_on, cohort.starts_on, cohort.ends_on)
        known = await uow.session.scalar(
            select(CohortGathering.id).where(
                CohortGathering.cohort_id == cohort.id,
                CohortGathering.kind == kind,
                CohortGathering.held_on == held_on,
            )
        )
        if known is None:
            uow.session.add(
                CohortGathering(
                    id=uuid.uuid4(),
                    cohort_id=cohort.id,
                    kind=kind,
                    held_on=held_on,
                    added_at=datetime.now(UTC),
                    added_by=_who(principal),
                )
            )
    return cohort


async def complete_cohort(
    runtime: ServiceRuntime, principal: Principal, *, cohort_id: str
) -> SupportCohort:
    """Completes an ended cohort; every municipality that took part hears of it."""
    principal.require_directorate()
    async with runtime.unit_of_work() as uow:
        cohort = await _locked_cohort(uow.session, cohort_id)
        require_open(cohort.status)
        check_cohort_ended(cohort.ends_on, datetime.now(UTC).date())
        cohort.status = CohortStatus.COMPLETED
        cohort.completed_at, cohort.completed_by = datetime.now(UTC), _who(principal)
        participations = await uow.session.scalars(
            select(CohortParticipation)
            .where(CohortParticipation.cohort_id == cohort.id)
            .order_by(CohortParticipation.municipality)
        )
        for participation in participations:
            uow.emit(_completed(cohort, participation), municipality=participation.municipality)
    return cohort


async def join_cohort(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    cohort_id: str,
    municipality: str,
    head_count: int,
    participants: Sequence[Participant],
    across_county_border: bool = False,
    demo: bool = False,
    source: str | None = None,
) -> CohortParticipation:
    """A service joins with its head count and participants; joining again replaces them. The
    number as posted is kept, so the cohort shows the municipality by the name of its time."""
    principal.require_authenticated()
    found = parse_municipality(municipality)
    principal.require_acting_for(found.number)
    provenance = parse_provenance(demo, source)
    joining = Joining(municipality.strip(), found.number, across_county_border, provenance)
    async with runtime.unit_of_work() as uow:
        cohort = await _locked_cohort(uow.session, cohort_id)
        require_open(cohort.status)
        check_county(cohort.county, found.county, across_county_border)
        check_join(head_count, participants)
        participation = await uow.session.scalar(
            select(CohortParticipation).where(
                CohortParticipation.cohort_id == cohort.id,
                CohortParticipation.municipality == found.number,
            )
        )
        if participation is not None and await _unchanged(
            uow.session, participation, joining, head_count, participants
        ):
            return participation
        participation = await _replace_participation(
            uow, cohort, participation, joining, head_count, participants, _who(principal)
        )
    return participation


@dataclass(frozen=True, slots=True)
class Joining:
    posted: str  # the number as the client sent it (maybe one of before a reform)
    municipality: str  # today's
    across_county_border: bool
    provenance: Provenance


async def _unchanged(
    session: AsyncSession,
    participation: CohortParticipation,
    joining: Joining,
    head_count: int,
    participants: Sequence[Participant],
) -> bool:
    rows = await session.execute(
        select(CohortParticipant.employee_ref, CohortParticipant.role).where(
            CohortParticipant.participation_id == participation.id
        )
    )
    stored = {(ref, role) for ref, role in rows}
    wanted = {(p.employee_ref, p.role.value) for p in participants}
    return (
        participation.head_count == head_count
        and participation.across_county_border == joining.across_county_border
        and participation.municipality_as_posted == joining.posted
        and (participation.demo, participation.source)
        == (joining.provenance.demo, joining.provenance.source)
        and stored == wanted
    )


async def _replace_participation(
    uow: UnitOfWork,
    cohort: SupportCohort,
    participation: CohortParticipation | None,
    joining: Joining,
    head_count: int,
    participants: Sequence[Participant],
    who: str,
) -> CohortParticipation:
    municipality = joining.municipality
    if participation is None:
        participation = CohortParticipation(
            id=uuid.uuid4(), cohort_id=cohort.id, municipality=municipality
        )
        uow.session.add(participation)
    else:
        await uow.session.execute(
            delete(CohortParticipant).where(CohortParticipant.participation_id == participation.id)
        )
    participation.head_count, participation.participants = head_count, len(participants)
    participation.across_county_border = joining.across_county_border
    participation.municipality_as_posted = joining.posted
    participation.set_provenance(joining.provenance)
    participation.joined_at, participation.joined_by = datetime.now(UTC), who
    await uow.session.flush()  # the participation row before its participants (foreign key)
    uow.session.add_all(
        CohortParticipant(
            participation_id=participation.id, employee_ref=p.employee_ref, role=p.role
        )
        for p in participants
    )
    uow.emit(_joined(cohort, participation), municipality=municipality)
    return participation


async def record_evaluations(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    cohort_id: str,
    ref: str,
    responses: Sequence[Scores],
) -> SupportCohort:
    """Anonymous forms, posted by the directorate or the knowledge centre running the cohort.

    `ref` names the posting: the same forms under the same ref again are a replay.
    """
    principal.require_authenticated()
    async with runtime.unit_of_work() as uow:
        cohort = await _locked_cohort(uow.session, cohort_id)
        _require_evaluator(principal, KnowledgeCentre(cohort.knowledge_centre))
        ref = submission_ref(ref)
        check_responses(responses)
        if await uow.session.get(EvaluationSubmission, (cohort.id, ref)) is not None:
            await _require_same_forms(uow.session, cohort.id, ref, responses)
            return cohort
        uow.session.add(
            EvaluationSubmission(
                cohort_id=cohort.id,
                submission_ref=ref,
                recorded_at=datetime.now(UTC),
                recorded_by=_who(principal),
            )
        )
        await uow.session.flush()  # the submission before its responses (foreign key)
        uow.session.add_all(_response(cohort.id, ref, scores) for scores in responses)
    return cohort


def _require_evaluator(principal: Principal, centre: KnowledgeCentre) -> None:
    if not (principal.is_directorate or centre.client_id in principal.institutions):
        raise Forbidden(f"evaluations are posted by the directorate or {centre.display_name}")


async def _require_same_forms(
    session: AsyncSession, cohort_id: uuid.UUID, ref: str, responses: Sequence[Scores]
) -> None:
    rows = await session.execute(
        select(
            EvaluationResponse.satisfaction,
            EvaluationResponse.relevance,
            EvaluationResponse.learning_outcome,
        ).where(EvaluationResponse.cohort_id == cohort_id, EvaluationResponse.submission_ref == ref)
    )
    if sorted(Scores(*row) for row in rows) != sorted(responses):
        raise Conflict(f"submissionRef {ref!r} was used for other forms")


def _response(cohort_id: uuid.UUID, ref: str, scores: Scores) -> EvaluationResponse:
    return EvaluationResponse(
        id=uuid.uuid4(),
        cohort_id=cohort_id,
        submission_ref=ref,
        satisfaction=scores.satisfaction,
        relevance=scores.relevance,
        learning_outcome=scores.learning_outcome,
    )


async def _locked_cohort(session: AsyncSession, cohort_id: str) -> SupportCohort:
    # Every write to a cohort locks its row first, so joins never race a completion.
    key = maybe_uuid(cohort_id)
    cohort = (
        await session.get(SupportCohort, key, with_for_update=True) if key is not None else None
    )
    if cohort is None:
        raise NotFound("no cohort has this id")
    return cohort


def _joined(cohort: SupportCohort, participation: CohortParticipation) -> CohortJoined:
    return CohortJoined(
        cohort_id=cohort.id,
        county=cohort.county,
        term=cohort.term,
        knowledge_centre=cohort.knowledge_centre,
        starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
        municipality=participation.municipality,
        head_count=participation.head_count,
        participants=participation.participants,
    )


def _completed(cohort: SupportCohort, participation: CohortParticipation) -> CohortCompleted:
    return CohortCompleted(
        cohort_id=cohort.id,
        county=cohort.county,
        term=cohort.term,
        knowledge_centre=cohort.knowledge_centre,
        municipality=participation.municipality,
        head_count=participation.head_count,
        participants=participation.participants,
        completed_on=cohort.ends_on,
    )


def _who(principal: Principal) -> str:
    return str(principal.subject)  # authenticated by then: the audit trail's "who"


# Reads: cohorts and their figures are public, participations the municipalities' own --------


async def find_cohorts(
    runtime: ServiceRuntime, *, county: str | None, term: str | None
) -> list[SupportCohort]:
    query = select(SupportCohort).order_by(
        SupportCohort.starts_on, SupportCohort.county, SupportCohort.id
    )
    if county is not None:
        query = query.where(SupportCohort.county == cohort_county(county))
    if term is not None:
        query = query.where(SupportCohort.term == term_filter(term))
    async with runtime.sessions() as session:
        return list(await session.scalars(query))


async def cohort(runtime: ServiceRuntime, *, cohort_id: str) -> SupportCohort | None:
    key = maybe_uuid(cohort_id)
    if key is None:
        return None
    async with runtime.sessions() as session:
        return await session.get(SupportCohort, key)


async def municipality_participations(
    loaders: Loaders, principal: Principal, *, municipality: str
) -> list[CohortParticipation]:
    principal.require_municipality(municipality)
    return await loaders.load(participations_by_municipality, municipality)


async def visible_participations(
    loaders: Loaders, principal: Principal, *, cohort_id: uuid.UUID
) -> list[CohortParticipation]:
    """A cohort's participations of the municipalities the caller may see."""
    principal.require_authenticated()
    rows = await loaders.load(participations_by_cohort, cohort_id)
    return [row for row in rows if principal.may_see_municipality(row.municipality)]


# Batch functions for loaders (shared.queries) -----------------------------------------------------


cohorts_by_id = one_by(SupportCohort, SupportCohort.id)
gatherings_by_cohort = many_by(
    CohortGathering, CohortGathering.cohort_id, order_by=CohortGathering.held_on
)
participations_by_cohort = many_by(
    CohortParticipation, CohortParticipation.cohort_id, order_by=CohortParticipation.municipality
)
participations_by_municipality = many_by(
    CohortParticipation, CohortParticipation.municipality, order_by=CohortParticipation.joined_at
)
participants_by_participation = many_by(
    CohortParticipant, CohortParticipant.participation_id, order_by=CohortParticipant.employee_ref
)


async def evaluations_by_cohort(
    runtime: ServiceRuntime, ids: Sequence[uuid.UUID]
) -> list[ScoreSums]:
    query = (
        select(
            EvaluationResponse.cohort_id,
            func.count(),
            func.sum(EvaluationResponse.satisfaction),
            func.sum(EvaluationResponse.relevance),
            func.sum(EvaluationResponse.learning_outcome),
        )
        .where(EvaluationResponse.cohort_id.in_(ids))
        .group_by(EvaluationResponse.cohort_id)
    )
    async with runtime.sessions() as session:
        found = {row[0]: ScoreSums(*row[1:]) for row in await session.execute(query)}
    return [found.get(i, ScoreSums(0, 0, 0, 0)) for i in ids]
