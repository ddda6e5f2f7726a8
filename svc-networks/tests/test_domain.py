"""Networks' rules on plain objects: no database, no event loop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from shared.auth import Principal
from shared.errors import BadUserInput, Conflict, Forbidden
from svc_networks.domain import dialogue, networks, plans, projects
from svc_networks.domain.plans import PlanStatus
from svc_networks.domain.projects import CostKind, CostLine, CurrentPlan, ProjectStatus

DAY = date(2018, 9, 1)
STAVANGER, SANDNES, SOLA, ALTA = "1103", "1108", "1124", "5601"


@dataclass
class Plan:
    version: int = 1
    status: str = PlanStatus.DRAFT
    decided_on: date | None = None
    in_force_on: date | None = None


@dataclass
class Project:
    status: str = ProjectStatus.PROPOSED
    final_report: str | None = None


# Plans ------------------------------------------------------------------------------------------


def test_a_plan_is_in_force_only_after_the_last_member_approves() -> None:
    plan, members = Plan(), {STAVANGER, SANDNES}
    assert plans.decide(plan, members, set(), DAY).to_status is PlanStatus.AWAITING_APPROVALS
    first = plans.approve(plan, members, {STAVANGER}, STAVANGER, DAY)
    assert first.to_status is PlanStatus.AWAITING_APPROVALS
    assert plans.missing_approvals(plan, members, {STAVANGER}) == [SANDNES]
    last = plans.approve(plan, members, members, SANDNES, DAY)
    assert (last.entered_force, plan.status, plan.in_force_on) == (True, "IN_FORCE", DAY)
    assert plans.missing_approvals(plan, members, members) == []


def test_a_new_member_reopens_approval_and_leaving_may_put_it_in_force_again() -> None:
    plan, members = Plan(), {STAVANGER}
    plans.decide(plan, members, set(), DAY)
    plans.approve(plan, members, members, STAVANGER, DAY)
    joined = plans.members_changed(plan, {STAVANGER, SOLA}, {STAVANGER}, DAY)
    assert (joined.left_force, plan.status, plan.in_force_on) == (
        True,
        "AWAITING_APPROVALS",
        None,
    )
    left = plans.members_changed(plan, {STAVANGER}, {STAVANGER}, DAY)
    assert left.entered_force


def test_members_may_not_approve_before_the_network_decides() -> None:
    with pytest.raises(Conflict, match="not decided version 1"):
        plans.approve(Plan(), {STAVANGER}, {STAVANGER}, STAVANGER, DAY)


def test_a_non_member_cannot_approve() -> None:
    plan = Plan()
    plans.decide(plan, {STAVANGER}, set(), DAY)
    with pytest.raises(Conflict, match=f"{SOLA} is not a member"):
        plans.approve(plan, {STAVANGER}, {SOLA}, SOLA, DAY)


def test_a_superseded_version_is_closed() -> None:
    plan = Plan()
    plans.decide(plan, {STAVANGER}, set(), DAY)
    plans.approve(plan, {STAVANGER}, {STAVANGER}, STAVANGER, DAY)
    assert plans.supersede(plan).left_force
    for act in (
        lambda: plans.decide(plan, {STAVANGER}, set(), DAY),
        lambda: plans.approve(plan, {STAVANGER}, {STAVANGER}, STAVANGER, DAY),
    ):
        with pytest.raises(Conflict, match="superseded"):
            act()
    assert plans.missing_approvals(plan, {STAVANGER, SOLA}, set()) == []
    assert plans.members_changed(plan, {SOLA}, set(), DAY).to_status is PlanStatus.SUPERSEDED


def test_a_network_without_members_has_no_plan_in_force() -> None:
    plan = Plan()
    assert plans.decide(plan, set(), set(), DAY).to_status is PlanStatus.AWAITING_APPROVALS


# Projects ---------------------------------------------------------------------------------------

IN_FORCE = CurrentPlan(version=2, status=PlanStatus.IN_FORCE, decided=True, missing=())


def test_a_project_needs_a_plan_in_force_and_members_only() -> None:
    projects.check_anchoring([STAVANGER, SANDNES], {STAVANGER, SANDNES}, IN_FORCE)
    awaiting = CurrentPlan(2, PlanStatus.AWAITING_APPROVALS, True, (SANDNES,))
    draft = CurrentPlan(3, PlanStatus.DRAFT, False, (STAVANGER, SANDNES))
    for plan, municipalities, named in (
        (None, [STAVANGER], "the network has no competence plan"),
        (awaiting, [STAVANGER], f"approval of plan version 2 by {SANDNES}"),
        (draft, [STAVANGER], "the network's decision on version 3"),
        (IN_FORCE, [STAVANGER, SOLA], f"membership of the network for {SOLA}"),
    ):
        with pytest.raises(Conflict, match=named):
            projects.check_anchoring(municipalities, {STAVANGER, SANDNES}, plan)


def test_cost_lines_add_up_to_the_budget() -> None:
    lines = [CostLine(CostKind.OTHER, 100), CostLine(CostKind.PROJECT_MANAGEMENT, 400)]
    assert [line.kind for line in projects.cost_lines(500, lines)] == [
        CostKind.PROJECT_MANAGEMENT,
        CostKind.OTHER,
    ]
    assert projects.cost_lines(500, None) == []
    for budget, bad, field in (
        (0, None, "budgetNok"),
        (600, lines, "costLines"),
        (500, [CostLine(CostKind.OTHER, 250), CostLine(CostKind.OTHER, 250)], "costLines"),
        (0, [CostLine(CostKind.OTHER, 0)], "budgetNok"),
        (100, [CostLine(CostKind.OTHER, 0), CostLine(CostKind.EXTERNAL_SUPPORT, 100)], "costLines"),
    ):
        with pytest.raises(BadUserInput) as raised:
            projects.cost_lines(budget, bad)
        assert raised.value.field == field


def test_the_project_lifecycle() -> None:
    project = Project()
    with pytest.raises(Conflict, match="cannot start a project that is proposed"):
        projects.start(project)
    assert projects.grant_decided(project, awarded=True) == projects.ProjectChange(
        ProjectStatus.PROPOSED, ProjectStatus.FUNDED
    )
    assert projects.grant_decided(project, awarded=False) is None  # a late rejection: no change
    projects.start(project)
    with pytest.raises(BadUserInput, match="finalReport"):
        projects.complete(project, "  ")
    projects.complete(project, "Felles fagteam i drift")
    assert (project.status, project.final_report) == ("COMPLETED", "Felles fagteam i drift")
    with pytest.raises(Conflict):
        projects.complete(project, "again")


def test_a_rejected_project_may_be_funded_by_a_later_application() -> None:
    project = Project()
    assert projects.grant_decided(project, awarded=False) is not None
    assert project.status == "REJECTED"
    assert projects.grant_decided(project, awarded=True) is not None
    assert project.status == "FUNDED"


def test_the_proposer_is_a_participant_it_acts_for() -> None:
    sandnes = Principal(subject="x", roles=frozenset({f"municipality:{SANDNES}"}))
    assert projects.proposer(sandnes, [STAVANGER, SANDNES]) == SANDNES
    assert projects.participants(SANDNES, [STAVANGER, SANDNES]) == [SANDNES, STAVANGER]
    directorate = Principal(subject="x", roles=frozenset({"directorate"}))
    assert projects.proposer(directorate, [STAVANGER, SANDNES]) == STAVANGER
    for roles in ({f"municipality:{SOLA}"}, {"governor:rogaland"}):
        with pytest.raises(Forbidden):
            projects.proposer(Principal(subject="x", roles=frozenset(roles)), [STAVANGER])


# Networks, meetings, assessments -------------------------------------------------------------


def test_founding_members_are_of_the_networks_county() -> None:
    assert networks.founding_members("11", ["1103", "1108", "1103"]) == ["1103", "1108"]
    for numbers, reason in (
        ([], "at least one"),
        ([ALTA], f"{ALTA} is not in county 11"),
        (["9999"], "no municipality has number '9999'"),
    ):
        with pytest.raises(BadUserInput, match=reason) as raised:
            networks.founding_members("11", numbers)
        assert raised.value.field == "members"


def test_one_network_at_a_time_and_leaving_after_joining() -> None:
    with pytest.raises(Conflict, match="already takes part in the learning network 'Nord'"):
        networks.check_free_to_join(STAVANGER, "Nord")
    with pytest.raises(BadUserInput, match="leftOn"):
        networks.check_leaving(DAY, date(2018, 1, 1))
    with pytest.raises(BadUserInput, match="after today"):
        networks.check_not_after(date(2019, 1, 1), DAY, "joinedOn")


def test_meetings_and_assessments_are_bounded() -> None:
    T = dialogue.DialogueTopic
    assert dialogue.topics([T.ECONOMY, T.PRACTICE, T.ECONOMY]) == [T.PRACTICE, T.ECONOMY]
    for call, field in (
        (lambda: dialogue.topics([]), "topics"),
        (lambda: dialogue.participants([]), "participants"),
        (lambda: dialogue.participants(["x" * 201]), "participants"),
        (lambda: dialogue.concerns(["c"] * 21), "concerns"),
    ):
        with pytest.raises(BadUserInput) as raised:
            call()
        assert raised.value.field == field
    assert dialogue.concerns([]) == []
