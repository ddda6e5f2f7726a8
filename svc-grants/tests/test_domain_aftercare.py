"""The rules after an award on plain objects: no database, no event loop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from shared.errors import BadUserInput, Conflict
from svc_grants.domain.aftercare import (
    ChangeKind,
    ReportKind,
    ReportStatus,
    check_change,
    check_final_payment,
    decide_report,
    due_on,
    extend,
    fall_overdue,
    grant_end,
    remind,
    submit_report,
)


@dataclass
class Report:
    kind: str = ReportKind.FINAL
    status: str = ReportStatus.DUE
    due_on: date = date(2019, 3, 31)
    submitted_on: date | None = None
    reminded_on: date | None = None


def test_a_grant_ends_with_its_year_but_never_sooner_than_half_a_year_after_approval() -> None:
    assert grant_end(2018, date(2018, 3, 1)) == date(2018, 12, 31)
    assert grant_end(2018, date(2018, 11, 1)) == date(2019, 4, 30)


def test_the_status_report_comes_before_the_end_and_the_final_after_it() -> None:
    assert due_on(ReportKind.STATUS, date(2018, 12, 31)) == date(2018, 10, 2)
    assert due_on(ReportKind.FINAL, date(2018, 12, 31)) == date(2019, 3, 31)


def test_only_a_due_report_past_its_date_falls_overdue() -> None:
    report = Report()
    assert not fall_overdue(report, date(2019, 3, 31))
    assert fall_overdue(report, date(2019, 4, 1))
    assert report.status == ReportStatus.OVERDUE
    assert not fall_overdue(report, date(2019, 4, 2))
    handed_in = Report(status=ReportStatus.SUBMITTED)
    assert not fall_overdue(handed_in, date(2020, 1, 1))


@pytest.mark.parametrize("status", [ReportStatus.DUE, ReportStatus.OVERDUE, ReportStatus.RETURNED])
def test_an_owed_report_of_an_approved_grant_may_be_handed_in(status: ReportStatus) -> None:
    report = Report(status=status)
    submit_report(report, "PAID", date(2019, 2, 1))
    assert (report.status, report.submitted_on) == (ReportStatus.SUBMITTED, date(2019, 2, 1))


@pytest.mark.parametrize(
    ("status", "grant"),
    [
        (ReportStatus.SUBMITTED, "APPROVED"),
        (ReportStatus.APPROVED, "PAID"),
        (ReportStatus.DUE, "SETTLED"),
    ],
)
def test_a_report_not_owed_is_a_conflict(status: ReportStatus, grant: str) -> None:
    report = Report(status=status)
    with pytest.raises(Conflict):
        submit_report(report, grant, date(2019, 2, 1))
    assert report.status == status


def test_only_a_submitted_report_is_decided() -> None:
    with pytest.raises(Conflict):
        decide_report(Report(), approve=True)
    report = Report(status=ReportStatus.SUBMITTED)
    decide_report(report, approve=False)
    assert report.status == ReportStatus.RETURNED


def test_the_payment_completing_the_grant_needs_an_approved_final_report() -> None:
    check_final_payment(1000, 0, 600, None)  # a part payment needs none
    for final in (None, ReportStatus.DUE, ReportStatus.SUBMITTED, ReportStatus.RETURNED):
        with pytest.raises(Conflict):
            check_final_payment(1000, 600, 400, final)
    check_final_payment(1000, 600, 400, ReportStatus.APPROVED)


def test_an_extension_moves_only_the_owed_reports() -> None:
    status = Report(kind=ReportKind.STATUS, status=ReportStatus.OVERDUE, due_on=date(2018, 10, 2))
    final = Report(status=ReportStatus.SUBMITTED)
    extend([status, final], date(2019, 6, 30), today=date(2018, 11, 1))
    assert (status.due_on, status.status) == (date(2019, 4, 1), ReportStatus.DUE)
    assert (final.due_on, final.status) == (date(2019, 3, 31), ReportStatus.SUBMITTED)


def test_a_change_of_a_grant_not_running_is_a_conflict() -> None:
    with pytest.raises(Conflict):
        check_change(ChangeKind.BUDGET_MOVE, "SETTLED", date(2018, 12, 31), 1000, None, 10)
    terms = check_change(ChangeKind.BUDGET_MOVE, "PAID", date(2018, 12, 31), 1000, None, 1000)
    assert (terms.new_end_date, terms.amount_ore) == (None, 1000)
    with pytest.raises(BadUserInput):
        check_change(ChangeKind.EXTENSION, "PAID", date(2018, 12, 31), 1000, None, None)


def test_a_due_report_is_reminded_of_once_within_two_weeks_of_its_date() -> None:
    report = Report()  # due 2019-03-31
    assert not remind(report, date(2019, 3, 16))
    assert remind(report, date(2019, 3, 17))
    assert report.reminded_on == date(2019, 3, 17)
    assert not remind(report, date(2019, 3, 18))
    assert not remind(Report(), date(2019, 4, 1))  # past due: overdue, not reminded
