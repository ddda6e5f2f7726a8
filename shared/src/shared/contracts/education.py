"""Events education publishes: enrolments and completions, service-support cohorts."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import Field

from shared.events import Contract, contract

ENROLMENTS_TOPIC = "education.enrolments.v1"


@contract(ENROLMENTS_TOPIC)
class EnrolmentRegistered(Contract):
    enrolment_id: uuid.UUID
    offering_id: uuid.UUID
    programme_id: uuid.UUID
    institution_id: str
    term: str = Field(pattern=r"^[0-9]{4}[HV]$")
    municipality: str = Field(pattern=r"^[0-9]{4}$")
    employee_ref: str = Field(min_length=1)
    external_ref: str = Field(min_length=1)
    role: str | None = None
    status: str = Field(pattern=r"^(ACTIVE|WAITLISTED)$")
    # A state or private employer's organisation number; none: the municipality's own service.
    employer: str | None = Field(default=None, pattern=r"^[0-9]{9}$")


@contract(ENROLMENTS_TOPIC)
class EnrolmentWithdrawn(Contract):
    enrolment_id: uuid.UUID
    offering_id: uuid.UUID
    municipality: str = Field(pattern=r"^[0-9]{4}$")
    previous_status: str = Field(pattern=r"^(ACTIVE|WAITLISTED)$")
    reason: str


@contract(ENROLMENTS_TOPIC)
class EnrolmentPromoted(Contract):
    """A waitlisted enrolment got a freed seat: it is active from now on."""

    enrolment_id: uuid.UUID
    offering_id: uuid.UUID
    municipality: str = Field(pattern=r"^[0-9]{4}$")


@contract(ENROLMENTS_TOPIC)
class SeatFreed(Contract):
    """A seat of an offering became free and nobody was waiting for it."""

    offering_id: uuid.UUID
    seats: int = Field(ge=0)
    seats_taken: int = Field(ge=0)


@contract(ENROLMENTS_TOPIC)
class CourseCompleted(Contract):
    enrolment_id: uuid.UUID
    municipality: str = Field(pattern=r"^[0-9]{4}$")
    credits: int = Field(ge=0, le=30)
    completed_on: date


COHORTS_TOPIC = "education.cohorts.v1"


@contract(COHORTS_TOPIC)
class CohortJoined(Contract):
    """A municipality's service joined a service-support cohort (again: the latest figures)."""

    cohort_id: uuid.UUID
    county: str = Field(pattern=r"^[0-9]{2}$")
    term: str = Field(pattern=r"^[0-9]{4}[HV]$")
    knowledge_centre: str = Field(min_length=1)
    starts_on: date
    ends_on: date
    municipality: str = Field(pattern=r"^[0-9]{4}$")
    head_count: int = Field(ge=1)
    participants: int = Field(ge=1)


@contract(COHORTS_TOPIC)
class CohortCompleted(Contract):
    """A cohort ended; one event per municipality that took part."""

    cohort_id: uuid.UUID
    county: str = Field(pattern=r"^[0-9]{2}$")
    term: str = Field(pattern=r"^[0-9]{4}[HV]$")
    knowledge_centre: str = Field(min_length=1)
    municipality: str = Field(pattern=r"^[0-9]{4}$")
    head_count: int = Field(ge=1)
    participants: int = Field(ge=1)
    completed_on: date
