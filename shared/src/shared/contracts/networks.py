"""Events networks publishes: competence plans in force and proposed development projects.

Both are about a county's learning network, which spans several municipalities; the message key
(the envelope's `municipality`) is the network's lead municipality, `municipalities[0]`.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from pydantic import Field

from shared.events import Contract, contract

PLANS_TOPIC = "networks.plans.v1"
PROJECTS_TOPIC = "networks.projects.v1"

MunicipalityNumber = Annotated[str, Field(pattern=r"^\d{4}$")]


@contract(PLANS_TOPIC)
class CompetencePlanInForce(Contract):
    """A network's overall plan for quality and competence work is decided by the network and
    by every participating municipality (domain.md §2: what development projects anchor in)."""

    plan_id: uuid.UUID
    network_id: uuid.UUID
    county: str = Field(pattern=r"^\d{2}$")
    title: str = Field(min_length=1)
    municipalities: list[MunicipalityNumber] = Field(min_length=1)  # each approved the plan
    in_force_on: date


@contract(PROJECTS_TOPIC)
class DevelopmentProjectProposed(Contract):
    """A network proposes a development project to its county governor; a later event with the
    same `project_id` replaces the earlier proposal."""

    project_id: uuid.UUID
    network_id: uuid.UUID
    county: str = Field(pattern=r"^\d{2}$")
    title: str = Field(min_length=1)
    municipalities: list[MunicipalityNumber] = Field(min_length=1)  # lead municipality first
    partner: str | None = None  # the education, research or competence institution it is done with
    proposed_on: date


RISK_TOPIC = "networks.risk-assessments.v1"


@contract(RISK_TOPIC)
class RiskAssessed(Contract):
    """A municipality recorded its own risk assessment of its child-welfare service.

    The level and date only: the concerns stay in networks, readable by the directorate, the
    municipality's county governor and the municipality itself. Guidance prioritises by it.
    """

    assessment_id: uuid.UUID
    municipality: MunicipalityNumber
    county: str = Field(pattern=r"^\d{2}$")
    assessed_on: date
    level: str = Field(pattern=r"^(LOW|MODERATE|HIGH|CRITICAL)$")
