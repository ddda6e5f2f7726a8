"""What follows an award: the grant's period, its reporting duties and its change requests.

An approved grant runs until its end date and owes two reports: a STATUS report some time before
the end and a FINAL report after it. The final payment waits for an approved final report. The
grant holder may ask for a change (a later end date, or a budget move between cost items) that
the administrator approves or rejects; an approved extension moves the end date and the due
dates of the reports not yet handed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Protocol

from shared.errors import BadUserInput, Conflict
from shared.money import format_nok

# A grant runs at least this long after its approval, even when its scheme's year is over.
SHORTEST_PERIOD = timedelta(days=180)
# The status report is due this long before the end, the final report this long after it.
REPORT_LEAD = timedelta(days=90)
# The holder is reminded of a report this long before it is due.
REMINDER_LEAD = timedelta(days=14)
# An extension is at most this long after the current end date.
LONGEST_EXTENSION = timedelta(days=2 * 365)


class ReportKind(StrEnum):
    STATUS = "STATUS"
    FINAL = "FINAL"


class ReportStatus(StrEnum):
    DUE = "DUE"
    OVERDUE = "OVERDUE"  # the due date passed before it was handed in
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    RETURNED = "RETURNED"  # the administrator sent it back: to be handed in again


R = ReportStatus
# Reports still owed: handed in (again) by the holder; their due dates follow an extension.
OWED = frozenset({R.DUE, R.OVERDUE, R.RETURNED})
# The grant statuses in which reports are owed and changes may be asked for.
REPORTING_GRANT = frozenset({"APPROVED", "PAID"})


def grant_end(scheme_year: int, approved_on: date) -> date:
    """31 December of the scheme's year, and never sooner than SHORTEST_PERIOD after approval."""
    return max(date(scheme_year, 12, 31), approved_on + SHORTEST_PERIOD)


def due_on(kind: ReportKind, ends_on: date) -> date:
    return ends_on - REPORT_LEAD if kind is ReportKind.STATUS else ends_on + REPORT_LEAD


class Report(Protocol):
    kind: str
    status: str
    due_on: date
    submitted_on: date | None
    reminded_on: date | None


def remind(report: Report, today: date) -> bool:
    """A DUE report within REMINDER_LEAD of its due date is reminded of once; True if now."""
    if report.status != R.DUE or report.reminded_on is not None:
        return False
    if not today <= report.due_on <= today + REMINDER_LEAD:
        return False
    report.reminded_on = today
    return True


def fall_overdue(report: Report, today: date) -> bool:
    """DUE → OVERDUE once its due date has passed; True when it changed."""
    if report.status != R.DUE or today <= report.due_on:
        return False
    report.status = R.OVERDUE
    return True


def submit_report(report: Report, grant_status: str, today: date) -> None:
    """The holder hands in an owed report of an approved (or paid) grant."""
    if grant_status not in REPORTING_GRANT:
        raise Conflict(f"a grant that is {grant_status.lower()} owes no reports")
    if report.status not in OWED:
        raise Conflict(f"the {report.kind.lower()} report is {report.status.lower()} already")
    report.status = R.SUBMITTED
    report.submitted_on = today


def decide_report(report: Report, approve: bool) -> None:
    if report.status != R.SUBMITTED:
        status = report.status.lower()
        raise Conflict(f"the {report.kind.lower()} report is {status}, not submitted")
    report.status = R.APPROVED if approve else R.RETURNED


def check_final_payment(
    approved_ore: int, paid_ore: int, amount_ore: int, final_report: str | None
) -> None:
    """The payment that completes the approved amount waits for an approved final report."""
    if paid_ore + amount_ore == approved_ore and final_report != R.APPROVED:
        raise Conflict(
            f"the final payment (NOK {format_nok(amount_ore)}) needs an approved final report"
        )


# Change requests --------------------------------------------------------------------------------


class ChangeKind(StrEnum):
    EXTENSION = "EXTENSION"  # a later end date
    BUDGET_MOVE = "BUDGET_MOVE"  # an amount moved between the grant's cost items


class ChangeStatus(StrEnum):
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


@dataclass(frozen=True, slots=True)
class ChangeTerms:
    new_end_date: date | None
    amount_ore: int | None


def check_change(
    kind: ChangeKind,
    grant_status: str,
    ends_on: date | None,
    approved_ore: int | None,
    new_end_date: date | None,
    amount_ore: int | None,
) -> ChangeTerms:
    """An extension names a later end date, a budget move an amount within the grant; each
    field is only for its kind."""
    if grant_status not in REPORTING_GRANT or ends_on is None or approved_ore is None:
        raise Conflict(f"a grant that is {grant_status.lower()} cannot be changed")
    if kind is ChangeKind.EXTENSION:
        if amount_ore is not None:
            raise BadUserInput("amountNok", "an extension moves no amount")
        if new_end_date is None:
            raise BadUserInput("newEndDate", "an extension needs the new end date")
        if not ends_on < new_end_date <= ends_on + LONGEST_EXTENSION:
            raise BadUserInput("newEndDate", f"must be after {ends_on} and at most two years later")
        return ChangeTerms(new_end_date, None)
    if new_end_date is not None:
        raise BadUserInput("newEndDate", "a budget move keeps the end date")
    if amount_ore is None:
        raise BadUserInput("amountNok", "a budget move needs the amount moved")
    if not 0 < amount_ore <= approved_ore:
        raise BadUserInput(
            "amountNok", f"must be more than 0 and at most {format_nok(approved_ore)}"
        )
    return ChangeTerms(None, amount_ore)


class ChangeRequest(Protocol):
    status: str


def decide_change(request: ChangeRequest, approve: bool) -> None:
    if request.status != ChangeStatus.SUBMITTED:
        raise Conflict(f"the change request is {request.status.lower()} already")
    request.status = ChangeStatus.APPROVED if approve else ChangeStatus.REJECTED


def extend(reports: list[Report], new_end: date, today: date) -> None:
    """An approved extension: reports still owed are due by the new end date (an overdue one
    whose new due date lies ahead is due again)."""
    for report in reports:
        if report.status in OWED:
            report.due_on = due_on(ReportKind(report.kind), new_end)
            if report.status == R.OVERDUE and today <= report.due_on:
                report.status = R.DUE
