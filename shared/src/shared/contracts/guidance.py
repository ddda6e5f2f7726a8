"""Events guidance publishes: intake of guidance cases, and the two-year engagements.

Keyed by the case's municipality (for an engagement: its host municipality). An engagement of a
shared child-welfare service covers several municipalities: `municipalities` names every one,
host first, so a consumer can tell which municipalities took part in guidance in a year from
the dates alone. Reasons, evidence and reports stay in guidance.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from pydantic import Field

from shared.events import Contract, contract

CASES_TOPIC = "guidance.cases.v1"
ENGAGEMENTS_TOPIC = "guidance.engagements.v1"

MunicipalityNumber = Annotated[str, Field(pattern=r"^[0-9]{4}$")]


class _CaseEvent(Contract):
    case_id: uuid.UUID
    municipality: MunicipalityNumber
    county: str = Field(pattern=r"^[0-9]{2}$")


@contract(CASES_TOPIC)
class GuidanceRequested(_CaseEvent):
    """A case is opened: the county governor nominated the municipality, or it asked itself."""

    origin: str = Field(pattern=r"^(NOMINATED|REQUESTED)$")
    opened_on: date


@contract(CASES_TOPIC)
class GuidanceAccepted(_CaseEvent):
    """The municipality takes part and sets aside this much time for it."""

    committed_hours_per_month: int = Field(gt=0)
    accepted_on: date


@contract(CASES_TOPIC)
class GuidanceDeclined(_CaseEvent):
    declined_on: date


class _EngagementEvent(Contract):
    engagement_id: uuid.UUID
    case_id: uuid.UUID
    round: int = Field(ge=2018)
    starts_on: date
    ends_on: date  # as planned: two years after the start
    municipalities: list[MunicipalityNumber] = Field(min_length=1)  # host first


@contract(ENGAGEMENTS_TOPIC)
class EngagementStarted(_EngagementEvent):
    advisers: int = Field(ge=1, le=3)


@contract(ENGAGEMENTS_TOPIC)
class EngagementCompleted(_EngagementEvent):
    completed_on: date


@contract(ENGAGEMENTS_TOPIC)
class EngagementEndedEarly(_EngagementEvent):
    ended_on: date
