from __future__ import annotations

import contextlib
import random
from dataclasses import dataclass, replace

import pytest

from shared.auth import Principal
from shared.errors import BadUserInput, Conflict, Forbidden
from svc_grants.domain.applications import (
    DEFAULT_CAP_PER_ENROLMENT_ORE,
    Action,
    ApplicationStatus,
    Change,
    EligibilityStatus,
    Enrolment,
    Project,
    SchemeKind,
    administrator_role,
    applicant_role,
    approve,
    cancel,
    check_enrolment,
    check_impartial,
    check_project,
    check_target,
    declare,
    eligibility_for,
    enrolment_withdrawn,
    may_see_application,
    next_status,
    parse_employer,
    pay,
    priority,
    reclaim,
    reject,
    settle,
    start_assessment,
    submit,
    submitter_role,
    term_year,
    validate_scheme,
)


def test_only_an_active_enrolment_makes_the_employer_eligible() -> None:
    assert eligibility_for("ACTIVE") is EligibilityStatus.ELIGIBLE
    assert eligibility_for("WAITLISTED") is EligibilityStatus.AWAITING_SEAT


def test_an_enrolments_year_is_its_terms() -> None:
    assert term_year("2018H") == 2018
    assert term_year("2019V") == 2019


@pytest.mark.parametrize(
    ("name", "year", "budget", "kind", "county", "field"),
    [
        (" ", 2018, 100, SchemeKind.DEVELOPMENT_PROJECT, None, "name"),
        ("X", 2017, 100, SchemeKind.DEVELOPMENT_PROJECT, None, "year"),
        ("X", 2018, 0, SchemeKind.DEVELOPMENT_PROJECT, None, "budgetNok"),
        ("X", 2018, 100, SchemeKind.EMPLOYER_FURTHER_EDUCATION, "11", "county"),
    ],
)
def test_invalid_schemes_name_the_field(
    name: str, year: int, budget: int, kind: SchemeKind, county: str | None, field: str
) -> None:
    with pytest.raises(BadUserInput) as error:
        validate_scheme(name, year, budget, kind, county)
    assert error.value.field == field


# Schemes -------------------------------------------------------------------------------------


def test_development_funds_need_a_known_county_and_historical_numbers_map_to_todays() -> None:
    project = SchemeKind.DEVELOPMENT_PROJECT
    for county, reason in ((None, "per county"), ("99", "no county")):
        with pytest.raises(BadUserInput) as error:
            validate_scheme("X", 2018, 100, project, county)
        assert (error.value.field, reason in error.value.reason) == ("county", True)
    assert validate_scheme("X", 2018, 100, project, "20").county == "56"  # Finnmark


def test_employer_schemes_cap_each_enrolment() -> None:
    employer = SchemeKind.EMPLOYER_FURTHER_EDUCATION
    terms = validate_scheme("X", 2018, 10_000_000_00, employer, None)
    assert terms.cap_per_enrolment_ore == DEFAULT_CAP_PER_ENROLMENT_ORE == 60_000_00
    assert validate_scheme("X", 2018, 100, employer, None, 50).cap_per_enrolment_ore == 50


def test_a_budget_below_the_default_cap_caps_at_the_budget() -> None:
    employer = SchemeKind.EMPLOYER_FURTHER_EDUCATION
    terms = validate_scheme("Tilskudd", 2018, 50_000_00, employer, None)
    assert terms.cap_per_enrolment_ore == 50_000_00


@pytest.mark.parametrize(
    ("kind", "county", "cap"),
    [
        (SchemeKind.EMPLOYER_FURTHER_EDUCATION, None, 0),
        (SchemeKind.EMPLOYER_FURTHER_EDUCATION, None, 101),  # more than the budget
        (SchemeKind.DEVELOPMENT_PROJECT, "11", 50),
    ],
)
def test_invalid_caps_name_the_field(kind: SchemeKind, county: str | None, cap: int) -> None:
    with pytest.raises(BadUserInput) as error:
        validate_scheme("X", 2018, 100, kind, county, cap)
    assert error.value.field == "capPerEnrolmentNok"


# The lifecycle: every (status, action) pair, written out -------------------------------------

A, S = Action, ApplicationStatus
LEGAL = {
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.DRAFT, A.CANCEL): S.CANCELLED,
    (S.SUBMITTED, A.START_ASSESSMENT): S.UNDER_ASSESSMENT,
    (S.SUBMITTED, A.APPROVE): S.APPROVED,
    (S.SUBMITTED, A.REJECT): S.REJECTED,
    (S.SUBMITTED, A.CANCEL): S.CANCELLED,
    (S.UNDER_ASSESSMENT, A.APPROVE): S.APPROVED,
    (S.UNDER_ASSESSMENT, A.REJECT): S.REJECTED,
    (S.UNDER_ASSESSMENT, A.CANCEL): S.CANCELLED,
    (S.APPROVED, A.PAY): S.PAID,
    (S.APPROVED, A.CANCEL): S.CANCELLED,
    (S.PAID, A.PAY): S.PAID,
    (S.PAID, A.SETTLE): S.SETTLED,
    (S.PAID, A.RECLAIM): S.RECLAIMED,
}
ILLEGAL = [(s, a) for s in S for a in A if (s, a) not in LEGAL]


def test_the_table_covers_every_pair() -> None:
    assert len(LEGAL) + len(ILLEGAL) == len(S) * len(A) == 72
    assert {s for s in S if not any((s, a) in LEGAL for a in A)} == {
        S.REJECTED,
        S.SETTLED,
        S.RECLAIMED,
        S.CANCELLED,
    }  # the final statuses


@pytest.mark.parametrize(("status", "action"), list(LEGAL))
def test_legal_transition(status: ApplicationStatus, action: Action) -> None:
    assert next_status(status, action) is LEGAL[(status, action)]


@pytest.mark.parametrize(("status", "action"), ILLEGAL)
def test_illegal_transition_is_a_conflict(status: ApplicationStatus, action: Action) -> None:
    with pytest.raises(Conflict):
        next_status(status, action)


@dataclass
class App:
    status: str = S.SUBMITTED
    requested_ore: int = 1000
    approved_ore: int | None = None
    paid_ore: int = 0
    reclaimed_ore: int = 0


@dataclass
class Budget:
    budget_ore: int = 5000
    committed_ore: int = 0
    paid_ore: int = 0

    def holds(self) -> bool:
        return 0 <= self.paid_ore <= self.committed_ore <= self.budget_ore


def _do(action: Action, app: App, budget: Budget, amount: int = 100) -> Change | None:
    match action:
        case A.SUBMIT:
            return submit(app)
        case A.START_ASSESSMENT:
            return start_assessment(app)
        case A.APPROVE:
            return approve(app, budget, None)
        case A.REJECT:
            return reject(app, None)
        case A.PAY:
            return pay(app, budget, amount)
        case A.SETTLE:
            return settle(app, budget, course_completed=True)
        case A.RECLAIM:
            return reclaim(app, budget, amount)
        case A.CANCEL:
            return cancel(app, budget)


@pytest.mark.parametrize(("status", "action"), ILLEGAL)
def test_an_illegal_action_changes_neither_application_nor_budget(
    status: ApplicationStatus, action: Action
) -> None:
    app, budget = App(status=status, approved_ore=1000, paid_ore=500), Budget(committed_ore=1000)
    before = (replace(app), replace(budget))
    with pytest.raises(Conflict):
        _do(action, app, budget)
    assert (app, budget) == before


def test_approval_commits_the_requested_amount_or_less() -> None:
    app, budget = App(), Budget()
    assert approve(app, budget, None) == Change(S.SUBMITTED, S.APPROVED, 1000)
    assert (app.approved_ore, budget.committed_ore) == (1000, 1000)
    smaller, budget = App(status=S.UNDER_ASSESSMENT), Budget()
    approve(smaller, budget, 400)
    assert (smaller.approved_ore, budget.committed_ore) == (400, 400)


@pytest.mark.parametrize("amount", [0, 1001])
def test_approval_of_no_or_more_than_the_requested_amount_is_bad_input(amount: int) -> None:
    app, budget = App(), Budget()
    with pytest.raises(BadUserInput) as error:
        approve(app, budget, amount)
    assert error.value.field == "amountNok"
    assert (app, budget) == (App(), Budget())


def test_an_approval_that_does_not_fit_is_a_conflict_and_changes_nothing() -> None:
    app, budget = App(), Budget(budget_ore=5000, committed_ore=4500)
    with pytest.raises(Conflict, match="does not fit"):
        approve(app, budget, None)
    assert (app, budget) == (App(), Budget(budget_ore=5000, committed_ore=4500))
    approve(app, budget, 500)  # exactly what is left fits
    assert budget.committed_ore == budget.budget_ore


def test_a_rejection_has_a_reason_but_no_amount() -> None:
    with pytest.raises(BadUserInput) as error:
        reject(App(), 100)
    assert error.value.field == "amountNok"
    app = App()
    assert reject(app, None) == Change(S.SUBMITTED, S.REJECTED)


def test_payments_never_exceed_the_approved_amount() -> None:
    app, budget = App(), Budget()
    approve(app, budget, 1000)
    assert pay(app, budget, 600) == Change(S.APPROVED, S.PAID, 600)
    for amount in (401, 0):
        with pytest.raises(BadUserInput) as error:
            pay(app, budget, amount)
        assert error.value.field == "amountNok"
    assert pay(app, budget, 400) == Change(S.PAID, S.PAID, 400)
    assert (app.paid_ore, budget.paid_ore, budget.committed_ore) == (1000, 1000, 1000)
    with pytest.raises(BadUserInput):
        pay(app, budget, 1)


def test_settling_needs_the_course_completed_and_releases_the_unpaid_rest() -> None:
    app, budget = App(), Budget()
    approve(app, budget, 1000)
    pay(app, budget, 700)
    with pytest.raises(Conflict, match="not completed"):
        settle(app, budget, course_completed=False)
    assert app.status == S.PAID
    assert settle(app, budget, course_completed=True) == Change(S.PAID, S.SETTLED, 300)
    assert (budget.committed_ore, budget.paid_ore) == (700, 700)


@pytest.mark.parametrize(("reclaimed", "committed", "paid"), [(700, 0, 0), (200, 500, 500)])
def test_a_reclaim_returns_the_reclaimed_and_the_unpaid_money(
    reclaimed: int, committed: int, paid: int
) -> None:
    app, budget = App(), Budget()
    approve(app, budget, 1000)
    pay(app, budget, 700)
    assert reclaim(app, budget, reclaimed) == Change(S.PAID, S.RECLAIMED, reclaimed)
    assert (app.reclaimed_ore, budget.committed_ore, budget.paid_ore) == (
        reclaimed,
        committed,
        paid,
    )


def test_no_more_can_be_reclaimed_than_was_paid() -> None:
    app, budget = App(status=S.PAID, approved_ore=1000, paid_ore=700), Budget(1000, 1000, 700)
    with pytest.raises(BadUserInput) as error:
        reclaim(app, budget, 701)
    assert error.value.field == "amountNok"
    assert app.status == S.PAID


@pytest.mark.parametrize(
    ("status", "approved", "paid", "to", "amount", "committed_after"),
    [
        (S.SUBMITTED, None, 0, S.CANCELLED, None, 0),
        (S.UNDER_ASSESSMENT, None, 0, S.CANCELLED, None, 0),
        (S.APPROVED, 1000, 0, S.CANCELLED, 1000, 0),
        (S.PAID, 1000, 600, S.RECLAIMED, 600, 0),
    ],
)
def test_a_withdrawn_enrolment_cancels_or_reclaims(
    status: ApplicationStatus,
    approved: int | None,
    paid: int,
    to: ApplicationStatus,
    amount: int | None,
    committed_after: int,
) -> None:
    app = App(status=status, approved_ore=approved, paid_ore=paid)
    budget = Budget(committed_ore=approved or 0, paid_ore=paid)
    assert enrolment_withdrawn(app, budget) == Change(status, to, amount)
    assert (budget.committed_ore, budget.paid_ore) == (committed_after, 0)


@pytest.mark.parametrize("status", [S.REJECTED, S.SETTLED, S.RECLAIMED, S.CANCELLED])
def test_a_withdrawn_enrolment_leaves_closed_applications_alone(status: ApplicationStatus) -> None:
    app = App(status=status)
    assert enrolment_withdrawn(app, Budget()) is None
    assert app.status == status


def test_any_sequence_of_actions_keeps_paid_within_committed_within_budget() -> None:
    randomness = random.Random(2018)
    budget = Budget(budget_ore=10_000)
    apps = [App(status=S.DRAFT, requested_ore=randomness.randint(1, 4000)) for _ in range(30)]
    for _ in range(2000):
        app, action = randomness.choice(apps), randomness.choice(list(A))
        with contextlib.suppress(Conflict, BadUserInput):
            _do(action, app, budget, randomness.randint(1, 2000))
        assert budget.holds()
    kept = sum(
        (a.approved_ore or 0) if a.status in (S.APPROVED, S.PAID) else a.paid_ore - a.reclaimed_ore
        for a in apps
        if a.status in (S.APPROVED, S.PAID, S.SETTLED, S.RECLAIMED)
    )
    assert budget.committed_ore == kept


# What an application is for -------------------------------------------------------------------


def test_an_employer_grant_is_for_an_enrolment_and_project_funds_for_a_project() -> None:
    employer, project = SchemeKind.EMPLOYER_FURTHER_EDUCATION, SchemeKind.DEVELOPMENT_PROJECT
    check_target(employer, "e", None)
    check_target(project, None, "p")
    for kind, enrolment, project_id, field in (
        (employer, None, None, "enrolmentId"),
        (employer, "e", "p", "projectId"),
        (project, None, None, "projectId"),
        (project, "e", "p", "enrolmentId"),
    ):
        with pytest.raises(BadUserInput) as error:
            check_target(kind, enrolment, project_id)
        assert error.value.field == field


@pytest.mark.parametrize(
    ("enrolment", "field"),
    [
        (None, "enrolmentId"),
        (Enrolment("0301", 2018, "ELIGIBLE"), "enrolmentId"),
        (Enrolment("5601", 2018, "AWAITING_SEAT"), "enrolmentId"),
        (Enrolment("5601", 2018, "WITHDRAWN"), "enrolmentId"),
        (Enrolment("5601", 2019, "ELIGIBLE"), "schemeId"),
    ],
)
def test_only_an_eligible_enrolment_of_the_municipality_and_year_qualifies(
    enrolment: Enrolment | None, field: str
) -> None:
    check_enrolment(Enrolment("5601", 2018, "ELIGIBLE"), "5601", 2018)
    with pytest.raises(BadUserInput) as error:
        check_enrolment(enrolment, "5601", 2018)
    assert error.value.field == field


PROJECT = Project("11", frozenset({"1103", "1108"}), "Universitetet i Stavanger")


@pytest.mark.parametrize(
    ("project", "plans", "municipality", "county", "field"),
    [
        (PROJECT, [frozenset({"1103", "1108", "1111"})], "1111", "11", "municipality"),
        (PROJECT, [frozenset({"1103", "1108"})], "1103", "03", "schemeId"),
        (replace(PROJECT, partner=None), [frozenset({"1103", "1108"})], "1103", "11", "projectId"),
        (PROJECT, [], "1103", "11", "projectId"),
        (PROJECT, [frozenset({"1103"}), frozenset({"1108"})], "1103", "11", "projectId"),
    ],
)
def test_project_funds_need_a_plan_every_participant_approved_and_a_partner(
    project: Project, plans: list[frozenset[str]], municipality: str, county: str, field: str
) -> None:
    check_project(PROJECT, [frozenset({"1103", "1108", "1111"})], "1108", "11")
    with pytest.raises(BadUserInput) as error:
        check_project(project, plans, municipality, county)
    assert error.value.field == field


def test_projects_of_more_municipalities_come_first() -> None:
    assert priority(["1103", "1108", "1108"]) == 2 > priority(["1103"])


@pytest.mark.parametrize(
    ("roles", "municipality", "role"),
    [
        (["municipality:5601"], "5601", "municipality:5601"),
        (["directorate"], "5601", "directorate"),
        (["municipality:0301"], "5601", None),
        (["county:56"], "5601", None),
    ],
)
def test_a_municipality_applies_for_itself(
    roles: list[str], municipality: str, role: str | None
) -> None:
    principal = Principal(subject="someone", roles=frozenset(roles))
    if role is None:
        with pytest.raises(Forbidden):
            submitter_role(principal, municipality)
    else:
        assert submitter_role(principal, municipality) == role


def _as(*roles: str) -> Principal:
    return Principal(subject="someone", roles=frozenset(roles))


def test_who_administers_a_scheme() -> None:
    employer, project = SchemeKind.EMPLOYER_FURTHER_EDUCATION, SchemeKind.DEVELOPMENT_PROJECT
    assert administrator_role(_as("directorate"), employer, None) == "directorate"
    assert administrator_role(_as("county:11"), project, "11") == "county:11"
    for principal, kind, county in (
        (_as("county:11"), employer, None),
        (_as("directorate"), project, "11"),  # project funds are the county governor's alone
        (_as("county:46"), project, "11"),
    ):
        with pytest.raises(Forbidden):
            administrator_role(principal, kind, county)


def test_a_governor_office_decides_project_funds_of_the_counties_it_serves() -> None:
    """The shared rule: governor:rogaland serves county 11; troms-finnmark serves 55 and 56."""
    project = SchemeKind.DEVELOPMENT_PROJECT
    assert administrator_role(_as("governor:rogaland"), project, "11") == "governor:rogaland"
    with pytest.raises(Forbidden, match="county 11"):
        administrator_role(_as("governor:troms-finnmark"), project, "11")


def test_an_employer_holds_its_own_applications_and_a_municipality_its_own() -> None:
    employer = Principal(subject="x", roles=frozenset({"employer:986128433"}))
    alta = Principal(subject="x", roles=frozenset({"municipality:5601"}))
    governor = Principal(subject="x", roles=frozenset({"county:56"}))
    applicant = "employer:986128433"
    assert applicant_role(employer, "5601", applicant) == applicant
    assert applicant_role(alta, "5601", None) == "municipality:5601"
    assert applicant_role(alta, "5601", "network:n") == "municipality:5601"
    with pytest.raises(Forbidden):
        applicant_role(alta, "5601", applicant)
    with pytest.raises(Forbidden):
        applicant_role(employer, "5601", None)
    assert may_see_application(employer, "5601", "56", applicant)
    assert not may_see_application(alta, "5601", "56", applicant)
    assert may_see_application(governor, "5601", "56", applicant)
    assert not may_see_application(employer, "5601", "56", None)
    assert parse_employer(" 986 128 433") == "986128433"
    for malformed in ("98612843x", "٩٨٦١٢٨٤٣٣"):  # Arabic-Indic digits are not ASCII
        with pytest.raises(BadUserInput):
            parse_employer(malformed)


def test_an_assessor_declares_before_deciding_and_a_recusal_stands() -> None:
    with pytest.raises(Conflict):
        check_impartial(None)
    with pytest.raises(Forbidden):
        check_impartial(True)
    check_impartial(False)
    assert declare(None, S.SUBMITTED, recuse=False, reason=None) is None
    assert declare(False, S.UNDER_ASSESSMENT, recuse=True, reason=" inhabil ") == "inhabil"
    with pytest.raises(BadUserInput):
        declare(None, S.SUBMITTED, recuse=True, reason=None)
    with pytest.raises(Conflict):
        declare(True, S.SUBMITTED, recuse=False, reason=None)
    with pytest.raises(Conflict):
        declare(None, S.APPROVED, recuse=False, reason=None)
