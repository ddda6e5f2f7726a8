"""Grants' rules, pure Python: schemes and budgets, eligibility, and the application lifecycle.

Money is integer øre. A scheme's `committed_ore` is what approvals have bound (for an open grant
its approved amount, for a closed one what it kept: paid less reclaimed); `paid_ore` is what was
paid out less what was reclaimed. The rules below keep `paid ≤ committed ≤ budget` always.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from shared import inputs
from shared.auth import Principal
from shared.errors import BadUserInput, Conflict, Forbidden
from shared.inputs import parse_county
from shared.money import format_nok

# What an employer may claim per enrolment: substitute cover, travel and literature for a
# 30-credit course over two semesters; the directorate may set another cap on a scheme.
DEFAULT_CAP_PER_ENROLMENT_ORE = 60_000_00
MAX_TEXT = 2000


class SchemeKind(StrEnum):
    EMPLOYER_FURTHER_EDUCATION = "EMPLOYER_FURTHER_EDUCATION"
    DEVELOPMENT_PROJECT = "DEVELOPMENT_PROJECT"


class EligibilityStatus(StrEnum):
    ELIGIBLE = "ELIGIBLE"  # an active enrolment: the employer may apply
    AWAITING_SEAT = "AWAITING_SEAT"  # waitlisted: no grant until the employee has a seat
    WITHDRAWN = "WITHDRAWN"  # the employee left the course: no new grant
    COMPLETED = "COMPLETED"  # the course is completed: a paid grant may be settled


def eligibility_for(enrolment_status: str) -> EligibilityStatus:
    if enrolment_status == "ACTIVE":
        return EligibilityStatus.ELIGIBLE
    return EligibilityStatus.AWAITING_SEAT


def term_year(term: str) -> int:
    return int(term[:4])


# Schemes ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SchemeTerms:
    county: str | None
    cap_per_enrolment_ore: int | None


def validate_scheme(
    name: str,
    year: int,
    budget_ore: int,
    kind: SchemeKind,
    county: str | None,
    cap_ore: int | None = None,
) -> SchemeTerms:
    """Checks a new scheme; returns today's county number and the per-enrolment cap."""
    required_text(name, "name")
    check_year(year)
    if budget_ore <= 0:
        raise BadUserInput("budgetNok", "must be more than 0")
    if kind is SchemeKind.DEVELOPMENT_PROJECT:
        if cap_ore is not None:
            raise BadUserInput("capPerEnrolmentNok", "only employer grants are per enrolment")
        return SchemeTerms(county=_scheme_county(county), cap_per_enrolment_ore=None)
    if county is not None:
        raise BadUserInput("county", "only development-project funds are allocated per county")
    # A default never makes the documented input fail: a budget below it caps at the budget.
    cap = min(DEFAULT_CAP_PER_ENROLMENT_ORE, budget_ore) if cap_ore is None else cap_ore
    if not 0 < cap <= budget_ore:
        raise BadUserInput("capPerEnrolmentNok", "must be more than 0 and within the budget")
    return SchemeTerms(county=None, cap_per_enrolment_ore=cap)


def check_year(year: int) -> None:
    if not 2018 <= year <= 2100:
        raise BadUserInput("year", "must be 2018 or later")


def _scheme_county(county: str | None) -> str:
    if county is None:
        raise BadUserInput("county", "development-project funds are allocated per county")
    return parse_county(county).number


# The year's appropriation -------------------------------------------------------------------


def check_appropriation(amount_ore: int, allocated_ore: int) -> None:
    """A new appropriation: more than 0, and never below what the year's schemes already have."""
    if amount_ore <= 0:
        raise BadUserInput("amountNok", "must be more than 0")
    if amount_ore < allocated_ore:
        raise Conflict(
            f"the year's schemes already have NOK {format_nok(allocated_ore)}: the appropriation "
            "cannot be less"
        )


def check_within_appropriation(
    appropriation_ore: int | None, allocated_ore: int, budget_ore: int
) -> None:
    """A new scheme's budget fits what is left of the year's appropriation; CONFLICT if not.

    A year without an appropriation has no limit (schemes may be created before the
    directorate knows the year's figure; setting it later never goes below what they have).
    """
    if appropriation_ore is None:
        return
    left = appropriation_ore - allocated_ore
    if budget_ore > left:
        raise Conflict(
            f"the scheme does not fit the year's appropriation: NOK {format_nok(budget_ore)} "
            f"asked, NOK {format_nok(left)} left"
        )


# The application lifecycle ------------------------------------------------------------------


class ApplicationStatus(StrEnum):
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    UNDER_ASSESSMENT = "UNDER_ASSESSMENT"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    PAID = "PAID"
    SETTLED = "SETTLED"
    RECLAIMED = "RECLAIMED"
    CANCELLED = "CANCELLED"


class Action(StrEnum):
    SUBMIT = "submit"
    START_ASSESSMENT = "start assessing"
    APPROVE = "approve"
    REJECT = "reject"
    PAY = "pay"
    SETTLE = "settle"
    RECLAIM = "reclaim"
    CANCEL = "cancel"


S = ApplicationStatus
UNDECIDED = frozenset({S.SUBMITTED, S.UNDER_ASSESSMENT})
# Action → (the statuses it may start from, the status it leads to). Nothing else is legal.
TRANSITIONS: dict[Action, tuple[frozenset[ApplicationStatus], ApplicationStatus]] = {
    Action.SUBMIT: (frozenset({S.DRAFT}), S.SUBMITTED),
    Action.START_ASSESSMENT: (frozenset({S.SUBMITTED}), S.UNDER_ASSESSMENT),
    Action.APPROVE: (UNDECIDED, S.APPROVED),
    Action.REJECT: (UNDECIDED, S.REJECTED),
    Action.PAY: (frozenset({S.APPROVED, S.PAID}), S.PAID),  # one or more payments
    Action.SETTLE: (frozenset({S.PAID}), S.SETTLED),
    Action.RECLAIM: (frozenset({S.PAID}), S.RECLAIMED),
    # The enrolment was withdrawn before the grant was paid (approved: commitment released).
    Action.CANCEL: (frozenset({S.DRAFT, *UNDECIDED, S.APPROVED}), S.CANCELLED),
}
# Closed in one of these, an application no longer holds its enrolment or project: another may
# be opened for it. In any other status it does (one live application each).
CLOSED_WITHOUT_GRANT = (S.REJECTED, S.CANCELLED)


def next_status(current: str, action: Action) -> ApplicationStatus:
    sources, target = TRANSITIONS[action]
    if current not in sources:
        status = current.lower().replace("_", " ")
        raise Conflict(f"cannot {action} an application that is {status}")
    return target


class Application(Protocol):
    """An application's lifecycle and money (a table row, or a plain object in tests)."""

    status: str
    requested_ore: int
    approved_ore: int | None
    paid_ore: int  # paid out in total
    reclaimed_ore: int


class Budget(Protocol):
    budget_ore: int
    committed_ore: int
    paid_ore: int


@dataclass(frozen=True, slots=True)
class Change:
    """One transition of an application, for its history."""

    from_status: ApplicationStatus
    to_status: ApplicationStatus
    amount_ore: int | None = None


def _move(app: Application, action: Action, amount_ore: int | None = None) -> Change:
    source = ApplicationStatus(app.status)
    app.status = next_status(source, action)
    return Change(source, ApplicationStatus(app.status), amount_ore)


def submit(app: Application) -> Change:
    return _move(app, Action.SUBMIT, app.requested_ore)


def start_assessment(app: Application) -> Change:
    return _move(app, Action.START_ASSESSMENT)


def approve(app: Application, budget: Budget, amount_ore: int | None) -> Change:
    """Commits the amount (the requested one by default); CONFLICT when it does not fit."""
    next_status(app.status, Action.APPROVE)
    amount = app.requested_ore if amount_ore is None else amount_ore
    if not 0 < amount <= app.requested_ore:
        raise BadUserInput("amountNok", "must be more than 0 and at most the requested amount")
    available = budget.budget_ore - budget.committed_ore
    if amount > available:
        raise Conflict(
            f"the approval does not fit the scheme's budget: NOK {format_nok(amount)} asked, "
            f"NOK {format_nok(available)} available"
        )
    budget.committed_ore += amount
    app.approved_ore = amount
    return _move(app, Action.APPROVE, amount)


def reject(app: Application, amount_ore: int | None) -> Change:
    if amount_ore is not None:
        raise BadUserInput("amountNok", "a rejection has no amount")
    return _move(app, Action.REJECT)


def pay(app: Application, budget: Budget, amount_ore: int) -> Change:
    """A payment of the approved amount; all payments together never exceed it."""
    next_status(app.status, Action.PAY)
    unpaid = (app.approved_ore or 0) - app.paid_ore
    if not 0 < amount_ore <= unpaid:
        raise BadUserInput("amountNok", f"must be more than 0 and at most {format_nok(unpaid)}")
    app.paid_ore += amount_ore
    budget.paid_ore += amount_ore
    return _move(app, Action.PAY, amount_ore)


def settle(app: Application, budget: Budget, course_completed: bool) -> Change:
    """Closes a paid grant; what was approved but not paid returns to the budget."""
    next_status(app.status, Action.SETTLE)
    if not course_completed:
        raise Conflict("the course is not completed: the grant cannot be settled yet")
    unpaid = _release_unpaid(app, budget)
    return _move(app, Action.SETTLE, unpaid)


def reclaim(app: Application, budget: Budget, amount_ore: int) -> Change:
    """Claims back part or all of what was paid; reclaimed and unpaid money return to the budget."""
    next_status(app.status, Action.RECLAIM)
    if not 0 < amount_ore <= app.paid_ore:
        raise BadUserInput(
            "amountNok", f"must be more than 0 and at most {format_nok(app.paid_ore)}"
        )
    _release_unpaid(app, budget)
    app.reclaimed_ore = amount_ore
    budget.paid_ore -= amount_ore
    budget.committed_ore -= amount_ore
    return _move(app, Action.RECLAIM, amount_ore)


def cancel(app: Application, budget: Budget) -> Change:
    """Cancels an unpaid application; an approved one releases its commitment."""
    next_status(app.status, Action.CANCEL)
    released = _release_unpaid(app, budget) if app.status == S.APPROVED else None
    return _move(app, Action.CANCEL, released)


def _release_unpaid(app: Application, budget: Budget) -> int:
    unpaid = (app.approved_ore or 0) - app.paid_ore
    budget.committed_ore -= unpaid
    return unpaid


def enrolment_withdrawn(app: Application, budget: Budget) -> Change | None:
    """Before completion: an unpaid application is cancelled, a paid one reclaimed in full.

    Decided (rejected) and closed applications stay as they are.
    """
    if app.status in TRANSITIONS[Action.CANCEL][0]:
        return cancel(app, budget)
    if app.status == S.PAID:
        return reclaim(app, budget, app.paid_ore)
    return None


# Conflict of interest (forvaltningsloven § 6) --------------------------------------------------


def declare(
    recused_before: bool | None, status: str, recuse: bool, reason: str | None
) -> str | None:
    """An assessor declares, before the decision, no conflict of interest or a recusal (with its
    reason); a recusal stands. Returns the reason kept."""
    if status not in UNDECIDED:
        raise Conflict(f"the application is {status.lower()}: nothing is left to assess")
    if recused_before:
        raise Conflict("you recused yourself from this application; that stands")
    if recuse:
        return required_text(reason or "", "reason")
    return required_text(reason, "reason") if reason is not None else None


def check_impartial(recused: bool | None) -> None:
    """Only an assessor who declared no conflict of interest decides; a recused one may not."""
    if recused is None:
        raise Conflict(
            "declare first that you have no conflict of interest (declareGrantImpartiality)"
        )
    if recused:
        raise Forbidden("you recused yourself from this application: another assessor decides")


# What an application is for -------------------------------------------------------------------


def required_text(value: str, field: str) -> str:
    return inputs.required_text(value, field, MAX_TEXT)


def requested_amount(amount_ore: int, limit_ore: int) -> int:
    if not 0 < amount_ore <= limit_ore:
        raise BadUserInput("amountNok", f"must be more than 0 and at most {format_nok(limit_ore)}")
    return amount_ore


def check_target(
    kind: SchemeKind, enrolment_id: object, project_id: object, employer: str | None = None
) -> None:
    """An employer grant is for one enrolment, project funds for one project."""
    if employer is not None and kind is not SchemeKind.EMPLOYER_FURTHER_EDUCATION:
        raise BadUserInput("employer", "only employer grants are applied for by an employer")
    if kind is SchemeKind.EMPLOYER_FURTHER_EDUCATION:
        if enrolment_id is None:
            raise BadUserInput("enrolmentId", "an employer grant is for an enrolment")
        if project_id is not None:
            raise BadUserInput("projectId", "an employer grant is not for a project")
    else:
        if project_id is None:
            raise BadUserInput("projectId", "development-project funds are for a project")
        if enrolment_id is not None:
            raise BadUserInput("enrolmentId", "project funds are not for an enrolment")


@dataclass(frozen=True, slots=True)
class Enrolment:
    """What grants learnt about an enrolment from education's events."""

    municipality: str
    year: int
    status: str
    employer: str | None = None  # a state or private employer; none: the municipality


def check_enrolment(
    enrolment: Enrolment | None, municipality: str, scheme_year: int, employer: str | None = None
) -> None:
    """An eligible enrolment of the scheme's year, of the applicant's own staff."""
    if enrolment is None or enrolment.municipality != municipality:
        raise BadUserInput("enrolmentId", f"no enrolment of municipality {municipality} has it")
    if enrolment.employer != employer:
        raise BadUserInput("enrolmentId", "the enrolment is not of the applicant's own staff")
    if enrolment.status != EligibilityStatus.ELIGIBLE:
        raise BadUserInput("enrolmentId", f"the enrolment is {enrolment.status.lower()}")
    if enrolment.year != scheme_year:
        raise BadUserInput("schemeId", f"the enrolment's year {enrolment.year} has another scheme")


@dataclass(frozen=True, slots=True)
class Project:
    """A development project, as the learning network proposed it."""

    county: str
    municipalities: frozenset[str]
    partner: str | None


def check_project(
    project: Project,
    plans: Collection[frozenset[str]],
    municipality: str,
    scheme_county: str | None,
) -> None:
    """Anchored in a plan every participant approved, with a partner, for the scheme's county.

    `plans`: the participants of each competence plan in force in the project's network.
    """
    if municipality not in project.municipalities:
        raise BadUserInput("municipality", f"{municipality} does not take part in the project")
    if project.county != scheme_county:
        raise BadUserInput("schemeId", f"the project is in county {project.county}")
    if not project.partner:
        raise BadUserInput("projectId", "the project names no education or research partner")
    if not any(project.municipalities <= participants for participants in plans):
        raise BadUserInput(
            "projectId",
            "no competence plan approved by the network and every participating municipality",
        )


def priority(municipalities: Collection[str]) -> int:
    """A county governor assesses projects spanning more municipalities first."""
    return len(set(municipalities))


# Who may do what ----------------------------------------------------------------------------


def parse_employer(orgnr: str | None) -> str | None:
    """An organisation number (9 digits) of a state or private employer."""
    if orgnr is None:
        return None
    number = orgnr.replace(" ", "")
    if not (len(number) == 9 and number.isascii() and number.isdigit()):
        raise BadUserInput("employer", "must be an organisation number of 9 digits")
    return number


EMPLOYER = "employer:"


def employer_of(applicant: str | None) -> str | None:
    """The organisation number of the employer that applied, if an employer did."""
    if applicant is None or not applicant.startswith(EMPLOYER):
        return None
    return applicant.removeprefix(EMPLOYER)


def applicant_role(principal: Principal, municipality: str, applicant: str | None) -> str:
    """Who holds an application: the employer that applied (`employer:<orgnr>`), otherwise the
    municipality (also when it acts for its learning network); the directorate may act for
    either. The role acted in, else FORBIDDEN."""
    if employer_of(applicant) is None:
        return submitter_role(principal, municipality)
    principal.require_authenticated()
    if applicant in principal.roles:
        return applicant
    if principal.is_directorate:
        return "directorate"
    raise Forbidden(f"only {applicant} itself may do this")


def submitter_role(principal: Principal, municipality: str) -> str:
    """A municipality applies for itself; the directorate may apply on its behalf."""
    principal.require_authenticated()
    if municipality in principal.municipalities:
        return f"municipality:{municipality}"
    if principal.is_directorate:
        return "directorate"
    raise Forbidden(f"no access to municipality {municipality}'s applications")


def administrator_role(principal: Principal, kind: str, county: str | None) -> str:
    """The role the principal administers a scheme's applications in, else FORBIDDEN: the
    directorate decides employer grants; a county governor (`county:<nr>` or the office serving
    the county) its county's project funds, and the directorate does not."""
    if kind == SchemeKind.EMPLOYER_FURTHER_EDUCATION:
        principal.require_directorate()
        return "directorate"
    return principal.require_governor_of(county or "", or_directorate=False)


def may_see_application(
    principal: Principal, municipality: str, county: str, applicant: str | None = None
) -> bool:
    """The directorate, the county governor, and the holder: an employer its own applications,
    a municipality its own and those it made for its learning network."""
    if principal.is_directorate or county in principal.counties:
        return True
    if employer_of(applicant) is not None:
        return applicant in principal.roles
    return municipality in principal.municipalities
