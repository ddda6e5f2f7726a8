"""Grants' rules, pure Python: schemes and budgets, and eligibility learnt from enrolments."""

from __future__ import annotations

from enum import StrEnum

from shared.errors import BadUserInput


class SchemeKind(StrEnum):
    EMPLOYER_FURTHER_EDUCATION = "EMPLOYER_FURTHER_EDUCATION"
    DEVELOPMENT_PROJECT = "DEVELOPMENT_PROJECT"


class EligibilityStatus(StrEnum):
    ELIGIBLE = "ELIGIBLE"  # an active enrolment: the employer may apply
    AWAITING_SEAT = "AWAITING_SEAT"  # waitlisted: no grant until the employee has a seat
    WITHDRAWN = "WITHDRAWN"  # the employee left the course: no new grant


def eligibility_for(enrolment_status: str) -> EligibilityStatus:
    if enrolment_status == "ACTIVE":
        return EligibilityStatus.ELIGIBLE
    return EligibilityStatus.AWAITING_SEAT


def term_year(term: str) -> int:
    return int(term[:4])


def validate_scheme(
    name: str, year: int, budget_ore: int, kind: SchemeKind, county: str | None
) -> None:
    if not name.strip():
        raise BadUserInput("name", "must not be empty")
    if not 2018 <= year <= 2100:
        raise BadUserInput("year", "must be 2018 or later")
    if budget_ore <= 0:
        raise BadUserInput("budgetNok", "must be more than 0")
    if county is not None and kind is not SchemeKind.DEVELOPMENT_PROJECT:
        raise BadUserInput("county", "only development-project funds are allocated per county")
