"""Events networks publishes: memberships, competence plans, development projects, dialogue
meetings and risk assessments.

An event about one municipality (a membership, a meeting, an assessment) is keyed by it. A plan
is about a whole learning network: its events are keyed by the network's lead municipality (the
first member named when the network was created, kept even if it leaves), so one network's plan
events stay in order. A project's events are keyed by its lead municipality, `municipalities[0]`.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from pydantic import Field

from shared.events import Contract, contract

MEMBERSHIPS_TOPIC = "networks.memberships.v1"
PLANS_TOPIC = "networks.plans.v1"
PROJECTS_TOPIC = "networks.projects.v1"

MunicipalityNumber = Annotated[str, Field(pattern=r"^[0-9]{4}$")]
DialogueTopic = Annotated[
    str, Field(pattern=r"^(PRACTICE|QUALITY|ECONOMY|OWNERSHIP_LEADERSHIP|INTERNAL_CONTROL)$")
]


@contract(PLANS_TOPIC)
class CompetencePlanInForce(Contract):
    """A network's overall plan for quality and competence work is decided by the network and
    by every participating municipality (what development projects anchor in: docs/glossary.md)."""

    plan_id: uuid.UUID
    network_id: uuid.UUID
    county: str = Field(pattern=r"^[0-9]{2}$")
    title: str = Field(min_length=1)
    municipalities: list[MunicipalityNumber] = Field(min_length=1)  # each approved the plan
    in_force_on: date


@contract(PLANS_TOPIC)
class CompetencePlanWithdrawn(Contract):
    """A plan that was in force is not any longer: a municipality joined the network (its
    approval is missing) or a new version was drafted. Projects may no longer rest on it."""

    plan_id: uuid.UUID
    network_id: uuid.UUID
    county: str = Field(pattern=r"^[0-9]{2}$")
    reason: str = Field(min_length=1)
    withdrawn_on: date


@contract(PROJECTS_TOPIC)
class DevelopmentProjectProposed(Contract):
    """A network proposes a development project to its county governor; a later event with the
    same `project_id` replaces the earlier proposal."""

    project_id: uuid.UUID
    network_id: uuid.UUID
    county: str = Field(pattern=r"^[0-9]{2}$")
    title: str = Field(min_length=1)
    municipalities: list[MunicipalityNumber] = Field(min_length=1)  # lead municipality first
    partner: str | None = None  # the education, research or competence institution it is done with
    proposed_on: date


@contract(PROJECTS_TOPIC)
class DevelopmentProjectStatusChanged(Contract):
    """FUNDED (grants awarded it), RUNNING, COMPLETED (with a final report) or REJECTED."""

    project_id: uuid.UUID
    network_id: uuid.UUID
    county: str = Field(pattern=r"^[0-9]{2}$")
    municipalities: list[MunicipalityNumber] = Field(min_length=1)  # lead municipality first
    status: str = Field(pattern=r"^(FUNDED|RUNNING|COMPLETED|REJECTED)$")
    changed_on: date


@contract(MEMBERSHIPS_TOPIC)
class NetworkMemberJoined(Contract):
    """A municipality joined a county's learning network (one membership; it may join again)."""

    network_id: uuid.UUID
    network_name: str = Field(min_length=1)
    county: str = Field(pattern=r"^[0-9]{2}$")
    municipality: MunicipalityNumber
    joined_on: date


@contract(MEMBERSHIPS_TOPIC)
class NetworkMemberLeft(Contract):
    """A membership ended: the municipality took part from `joined_on` to `left_on`."""

    network_id: uuid.UUID
    county: str = Field(pattern=r"^[0-9]{2}$")
    municipality: MunicipalityNumber
    joined_on: date
    left_on: date


DIALOGUE_TOPIC = "networks.dialogue-meetings.v1"


@contract(DIALOGUE_TOPIC)
class DialogueMeetingHeld(Contract):
    """The county governor met the municipality's leaders; the participants stay in networks."""

    meeting_id: uuid.UUID
    municipality: MunicipalityNumber
    county: str = Field(pattern=r"^[0-9]{2}$")
    held_on: date
    topics: list[DialogueTopic] = Field(min_length=1)


RISK_TOPIC = "networks.risk-assessments.v1"


@contract(RISK_TOPIC)
class RiskAssessed(Contract):
    """A municipality recorded its own risk assessment of its child-welfare service.

    The level and date only: the concerns stay in networks, readable by the directorate, the
    municipality's county governor and the municipality itself. Guidance prioritises by it.
    """

    assessment_id: uuid.UUID
    municipality: MunicipalityNumber
    county: str = Field(pattern=r"^[0-9]{2}$")
    assessed_on: date
    level: str = Field(pattern=r"^(LOW|MODERATE|HIGH|CRITICAL)$")
