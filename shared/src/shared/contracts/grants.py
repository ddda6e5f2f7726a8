"""Events grants publishes: the lifecycle of grant applications. Amounts are integer øre.

Keyed by the applying municipality, so one municipality's grant events stay in order.
"""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import Field

from shared.events import Contract, contract

APPLICATIONS_TOPIC = "grants.applications.v1"


class _ApplicationEvent(Contract):
    application_id: uuid.UUID
    scheme_id: uuid.UUID
    municipality: str = Field(pattern=r"^[0-9]{4}$")


@contract(APPLICATIONS_TOPIC)
class GrantApplicationSubmitted(_ApplicationEvent):
    kind: str = Field(pattern=r"^(EMPLOYER_FURTHER_EDUCATION|DEVELOPMENT_PROJECT)$")
    year: int
    county: str = Field(pattern=r"^[0-9]{2}$")
    requested_ore: int = Field(gt=0)
    enrolment_id: uuid.UUID | None = None  # employer grant: the enrolment it is for
    project_id: uuid.UUID | None = None  # development-project funds: the project


@contract(APPLICATIONS_TOPIC)
class GrantAwarded(_ApplicationEvent):
    """Approved: the amount is committed from the scheme's budget."""

    amount_ore: int = Field(gt=0)
    reason: str


@contract(APPLICATIONS_TOPIC)
class GrantRejected(_ApplicationEvent):
    reason: str


@contract(APPLICATIONS_TOPIC)
class GrantPaid(_ApplicationEvent):
    amount_ore: int = Field(gt=0)
    paid_total_ore: int = Field(gt=0)  # all payments of the application so far


@contract(APPLICATIONS_TOPIC)
class GrantSettled(_ApplicationEvent):
    """Closed after the course was completed; an unpaid remainder returned to the budget."""

    paid_total_ore: int = Field(gt=0)
    released_ore: int = Field(ge=0)


@contract(APPLICATIONS_TOPIC)
class GrantReclaimed(_ApplicationEvent):
    """The municipality owes back `amount_ore` of what it was paid (part or all of it)."""

    amount_ore: int = Field(gt=0)
    reason: str


@contract(APPLICATIONS_TOPIC)
class GrantCancelled(_ApplicationEvent):
    """Closed unpaid (its enrolment was withdrawn); an approved amount returned to the budget."""

    released_ore: int = Field(ge=0)
    reason: str


# After the award: reporting duties ---------------------------------------------------------


class _ReportEvent(_ApplicationEvent):
    report_id: uuid.UUID
    kind: str = Field(pattern=r"^(STATUS|FINAL)$")
    due_on: date


@contract(APPLICATIONS_TOPIC)
class GrantReportOverdue(_ReportEvent):
    """The report's due date passed before it was handed in (found by grants' scheduler)."""


@contract(APPLICATIONS_TOPIC)
class GrantReportSubmitted(_ReportEvent):
    spent_ore: int = Field(ge=0)


@contract(APPLICATIONS_TOPIC)
class GrantReportDecided(_ReportEvent):
    """Approved, or returned to the grant holder to be handed in again."""

    approved: bool
    reason: str


# After the award: change requests ----------------------------------------------------------


class _ChangeEvent(_ApplicationEvent):
    change_request_id: uuid.UUID
    kind: str = Field(pattern=r"^(EXTENSION|BUDGET_MOVE)$")
    new_end_date: date | None = None  # an extension
    amount_ore: int | None = Field(default=None, gt=0)  # a budget move


@contract(APPLICATIONS_TOPIC)
class GrantChangeRequested(_ChangeEvent):
    reason: str


@contract(APPLICATIONS_TOPIC)
class GrantChangeDecided(_ChangeEvent):
    """Approved (an extension moved the end date and the open reports' due dates) or rejected."""

    approved: bool
    reason: str
