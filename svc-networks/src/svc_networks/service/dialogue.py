"""The governor's dialogue meetings and the municipalities' own risk assessments."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from shared.auth import Principal
from shared.contracts.networks import DialogueMeetingHeld, RiskAssessed
from shared.inputs import parse_municipality
from shared.provenance import parse_provenance
from shared.runtime import ServiceRuntime
from svc_networks.domain import dialogue
from svc_networks.domain.dialogue import DialogueTopic, RiskLevel
from svc_networks.domain.networks import check_not_after
from svc_networks.models import DialogueMeeting, RiskAssessment
from svc_networks.service.state import today


async def record_meeting(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    municipality: str,
    held_on: date,
    topics: list[DialogueTopic],
    participants: list[str],
    demo: bool = False,
    source: str | None = None,
) -> DialogueMeeting:
    """The municipality's county governor (or the directorate) records a meeting held."""
    provenance = parse_provenance(demo, source)
    found = parse_municipality(municipality)
    actor = principal.require_governor_of(found.county)
    meeting = DialogueMeeting(
        id=uuid.uuid4(),
        municipality=found.number,
        county=found.county,
        held_on=check_not_after(held_on, today(), "heldOn"),
        topics=list(dialogue.topics(topics)),
        participants=dialogue.participants(participants),
        recorded_at=datetime.now(UTC),
        recorded_by=principal.subject or actor,
    )
    meeting.set_provenance(provenance)
    async with runtime.unit_of_work() as uow:
        uow.session.add(meeting)
        uow.emit(
            DialogueMeetingHeld(
                meeting_id=meeting.id,
                municipality=meeting.municipality,
                county=meeting.county,
                held_on=meeting.held_on,
                topics=meeting.topics,
            ),
            municipality=meeting.municipality,
        )
    return meeting


async def record_risk_assessment(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    municipality: str,
    assessed_on: date,
    level: RiskLevel,
    concerns: list[str],
) -> RiskAssessment:
    """The municipality's own assessment; only the level and date leave networks."""
    found = parse_municipality(municipality)
    principal.require_itself(found.number)
    assessment = RiskAssessment(
        id=uuid.uuid4(),
        municipality=found.number,
        county=found.county,
        assessed_on=check_not_after(assessed_on, today(), "assessedOn"),
        level=level,
        concerns=dialogue.concerns(concerns),
        recorded_at=datetime.now(UTC),
        recorded_by=principal.subject or f"municipality:{found.number}",
    )
    async with runtime.unit_of_work() as uow:
        uow.session.add(assessment)
        uow.emit(
            RiskAssessed(
                assessment_id=assessment.id,
                municipality=assessment.municipality,
                county=assessment.county,
                assessed_on=assessment.assessed_on,
                level=assessment.level,
            ),
            municipality=assessment.municipality,
        )
    return assessment
