"""Dialogue meetings, risk self-assessments and the governor's overview in networks' subgraph."""

from __future__ import annotations

from datetime import date

import strawberry

from shared.provenance import ProvenanceFields, ProvenanceInput, provenance_of
from shared.subgraph import context_of
from svc_networks import models
from svc_networks.domain.dialogue import DialogueTopic, RiskLevel
from svc_networks.schema.municipality import Municipality
from svc_networks.service import dialogue, reads

strawberry.enum(DialogueTopic)
strawberry.enum(RiskLevel)


@strawberry.type
class DialogueMeeting(ProvenanceFields):
    id: strawberry.ID
    municipality: Municipality
    held_on: date
    topics: list[DialogueTopic]
    participants: list[str]

    @classmethod
    def from_row(cls, row: models.DialogueMeeting) -> DialogueMeeting:
        return cls(
            id=strawberry.ID(str(row.id)),
            municipality=Municipality(number=row.municipality),
            held_on=row.held_on,
            topics=[DialogueTopic(t) for t in row.topics],
            participants=list(row.participants),
            **provenance_of(row),
        )


@strawberry.type
class RiskAssessment:
    municipality: Municipality
    assessed_on: date
    level: RiskLevel
    concerns: list[str]

    @classmethod
    def from_row(cls, row: models.RiskAssessment) -> RiskAssessment:
        return cls(
            municipality=Municipality(number=row.municipality),
            assessed_on=row.assessed_on,
            level=RiskLevel(row.level),
            concerns=list(row.concerns),
        )


@strawberry.type
class MunicipalityDialogueStatus:
    """One municipality in its county governor's overview."""

    municipality: Municipality
    had_meeting: bool
    meetings: int
    last_meeting_on: date | None
    risk_level: RiskLevel | None = strawberry.field(description="Its latest self-assessment")
    risk_assessed_on: date | None

    @classmethod
    def of(cls, status: reads.DialogueStatus) -> MunicipalityDialogueStatus:
        return cls(
            municipality=Municipality(number=status.municipality),
            had_meeting=status.meetings > 0,
            meetings=status.meetings,
            last_meeting_on=status.last_meeting_on,
            risk_level=status.risk_level,
            risk_assessed_on=status.risk_assessed_on,
        )


@strawberry.input
class DialogueMeetingInput(ProvenanceInput):
    municipality: str
    held_on: date
    topics: list[DialogueTopic]
    participants: list[str]


@strawberry.input
class RiskAssessmentInput:
    municipality: str
    assessed_on: date
    level: RiskLevel
    concerns: list[str]


@strawberry.type
class DialogueQuery:
    @strawberry.field(
        description="The county governor's (or the directorate's) overview: every municipality "
        "of the county, whether it had a dialogue meeting (in the year) and its latest risk."
    )
    async def dialogue_overview(
        self, info: strawberry.Info, county: str, year: int | None = None
    ) -> list[MunicipalityDialogueStatus]:
        ctx = context_of(info)
        found = await reads.governor_overview(ctx.runtime, ctx.principal, county=county, year=year)
        return [MunicipalityDialogueStatus.of(status) for status in found]


@strawberry.type
class DialogueMutation:
    @strawberry.mutation(description="That county's governor records a meeting held.")
    async def record_dialogue_meeting(
        self, info: strawberry.Info, input: DialogueMeetingInput
    ) -> DialogueMeeting:
        ctx = context_of(info)
        row = await dialogue.record_meeting(
            ctx.runtime,
            ctx.principal,
            municipality=input.municipality,
            held_on=input.held_on,
            topics=input.topics,
            participants=input.participants,
            demo=input.demo,
            source=input.source,
        )
        return DialogueMeeting.from_row(row)

    @strawberry.mutation(description="The municipality itself records its risk assessment.")
    async def record_risk_assessment(
        self, info: strawberry.Info, input: RiskAssessmentInput
    ) -> RiskAssessment:
        ctx = context_of(info)
        row = await dialogue.record_risk_assessment(
            ctx.runtime,
            ctx.principal,
            municipality=input.municipality,
            assessed_on=input.assessed_on,
            level=input.level,
            concerns=input.concerns,
        )
        return RiskAssessment.from_row(row)
