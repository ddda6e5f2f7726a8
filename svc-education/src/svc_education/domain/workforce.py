"""Workforce competence rules, pure Python: the recorded list and the master requirement.

The directorate's recommendation (2019): everyone doing core tasks in municipal child welfare
holds a relevant five-year master's degree. A municipality records its whole workforce as of a
date; the share of core-task staff meeting the requirement is computed from that record.

How further education moves it: a course is 30 master-level credits, a quarter of the 120 a
two-year master adds to a three-year bachelor, so a completion changes nobody's recorded
degree. The recorded share moves when the municipality records its workforce again. Meanwhile
the report counts the completions (credits > 0) of the municipality's employees after the
record's date, and projects the share as if every 120 credits earned since then had brought one
more core-task employee to the requirement (never more than those still without it). The
completions are the municipality's, not matched to persons: institutions and municipalities
use different pseudonyms.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from shared.errors import BadUserInput
from svc_education.domain.checks import (
    RowRejected,
    bad_input,
    first_duplicate,
    reference_text,
    share,
)

MAX_WORKFORCE = 5_000
CREDITS_PER_MASTER = 120  # the second cycle of a five-year degree


class Position(StrEnum):
    CORE_TASK = "CORE_TASK"
    LEADER = "LEADER"
    OTHER = "OTHER"


class Education(StrEnum):
    BACHELOR_3 = "BACHELOR_3"
    MASTER_5 = "MASTER_5"
    OTHER = "OTHER"


@dataclass(frozen=True, slots=True, order=True)
class Member:
    employee_ref: str
    position: Position
    education: Education


def check_workforce(as_of: date, members: Sequence[Member], today: date) -> None:
    if as_of > today:
        raise BadUserInput("asOf", "cannot be in the future")
    if as_of.year < 2017:
        raise BadUserInput("asOf", "must be in 2017 or later")
    if len(members) > MAX_WORKFORCE:
        raise BadUserInput("employees", f"at most {MAX_WORKFORCE} employees")
    for index, member in enumerate(members):
        try:
            reference_text(member.employee_ref, "employeeRef")
        except RowRejected as error:
            raise bad_input(error, f"employees[{index}].") from error
    duplicate = first_duplicate(m.employee_ref for m in members)
    if duplicate is not None:
        raise BadUserInput("employees", f"employeeRef {duplicate!r} appears twice")


@dataclass(frozen=True, slots=True)
class Figures:
    """Counts of one municipality's record, or sums over many; completions since each record."""

    employees: int = 0
    leaders: int = 0
    core_task: int = 0
    core_task_master: int = 0
    core_task_bachelor: int = 0
    completions_since: int = 0
    credits_since: int = 0
    projected_core_task_master: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(*(a + b for a, b in zip(_values(self), _values(other), strict=True)))

    def with_completions(self, completions: int, credits: int) -> Figures:
        """Per municipality: its own credits lift only its own staff."""
        gained = min(self.core_task - self.core_task_master, credits // CREDITS_PER_MASTER)
        return replace(
            self,
            completions_since=completions,
            credits_since=credits,
            projected_core_task_master=self.core_task_master + gained,
        )

    @property
    def master_share(self) -> float | None:
        return share(self.core_task_master, self.core_task)

    @property
    def projected_master_share(self) -> float | None:
        return share(self.projected_core_task_master, self.core_task)


def count(members: Sequence[tuple[Position, Education, int]]) -> Figures:
    """Figures of grouped rows (position, education, how many)."""

    def of(*, position: Position, education: Education | None = None) -> int:
        return sum(
            n for p, e, n in members if p is position and (education is None or e is education)
        )

    return Figures(
        employees=sum(n for _, _, n in members),
        core_task=of(position=Position.CORE_TASK),
        core_task_master=of(position=Position.CORE_TASK, education=Education.MASTER_5),
        core_task_bachelor=of(position=Position.CORE_TASK, education=Education.BACHELOR_3),
        leaders=of(position=Position.LEADER),
        projected_core_task_master=of(position=Position.CORE_TASK, education=Education.MASTER_5),
    )


def _values(figures: Figures) -> tuple[int, ...]:
    return tuple(getattr(figures, name) for name in Figures.__dataclass_fields__)
