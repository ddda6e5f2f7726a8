"""Development projects: proposed by a member municipality for its network, resting on the plan
in force, across members only; PROPOSED → FUNDED → RUNNING → COMPLETED, or REJECTED."""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from shared.auth import Principal
from shared.errors import BadUserInput, Conflict, Forbidden
from shared.inputs import required_text
from shared.money import format_nok
from svc_networks.domain.plans import PlanStatus

MAX_TITLE = 500
MAX_PARTNER = 200
MAX_REPORT = 20_000
MAX_PARTICIPANTS = 100


class ProjectStatus(StrEnum):
    PROPOSED = "PROPOSED"
    FUNDED = "FUNDED"  # grants awarded it
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"  # with a final report
    REJECTED = "REJECTED"  # grants rejected its application


class CostKind(StrEnum):
    """What stimulation funds may cover (project management, external support) and the rest."""

    PROJECT_MANAGEMENT = "PROJECT_MANAGEMENT"
    EXTERNAL_SUPPORT = "EXTERNAL_SUPPORT"
    OTHER = "OTHER"


class Action(StrEnum):
    FUND = "fund"
    REJECT = "reject"
    START = "start"
    COMPLETE = "complete"


P = ProjectStatus
# Action → (the statuses it may start from, the status it leads to). Nothing else is legal.
# A rejected project may be funded later: grants takes a new application once one is rejected.
TRANSITIONS: dict[Action, tuple[frozenset[ProjectStatus], ProjectStatus]] = {
    Action.FUND: (frozenset({P.PROPOSED, P.REJECTED}), P.FUNDED),
    Action.REJECT: (frozenset({P.PROPOSED}), P.REJECTED),
    Action.START: (frozenset({P.FUNDED}), P.RUNNING),
    Action.COMPLETE: (frozenset({P.RUNNING}), P.COMPLETED),
}


class Project(Protocol):
    status: str
    final_report: str | None


@dataclass(frozen=True, slots=True)
class ProjectChange:
    from_status: ProjectStatus
    to_status: ProjectStatus


@dataclass(frozen=True, slots=True)
class CostLine:
    kind: CostKind
    amount_ore: int


@dataclass(frozen=True, slots=True)
class CurrentPlan:
    """The network's newest plan version as a proposal sees it."""

    version: int
    status: PlanStatus
    decided: bool
    missing: tuple[str, ...]  # current members whose approval is missing


def title(text: str) -> str:
    return required_text(text, "title", MAX_TITLE)


def partner(text: str) -> str:
    """The education, research or competence institution the project is done with."""
    return required_text(text, "partner", MAX_PARTNER)


def proposer(principal: Principal, municipalities: list[str]) -> str:
    """The lead municipality: the participant the caller acts for (the directorate may propose
    for the first). A municipality proposes only projects it takes part in."""
    principal.require_authenticated()
    acting = [m for m in municipalities if m in principal.municipalities]
    if acting:
        return acting[0]
    if principal.is_directorate:
        return municipalities[0]
    raise Forbidden("only a municipality taking part in the project proposes it")


def participants(lead: str, municipalities: list[str]) -> list[str]:
    """Lead first, then the others in the order given, once each."""
    return list(dict.fromkeys([lead, *municipalities]))


def check_anchoring(municipalities: list[str], members: Set[str], plan: CurrentPlan | None) -> None:
    """A plan in force and members only; CONFLICT naming everything that is missing."""
    missing = []
    if plan is None:
        missing.append("the network has no competence plan")
    elif plan.status is not PlanStatus.IN_FORCE:
        if not plan.decided:
            missing.append(f"the network's decision on version {plan.version} of its plan")
        if plan.missing:
            approvals = ", ".join(plan.missing)
            missing.append(f"approval of plan version {plan.version} by {approvals}")
    outsiders = [m for m in municipalities if m not in members]
    if outsiders:
        missing.append(f"membership of the network for {', '.join(outsiders)}")
    if missing:
        raise Conflict("the project cannot be proposed; missing: " + "; ".join(missing))


def cost_lines(budget_ore: int, lines: list[CostLine] | None) -> list[CostLine]:
    """The budget's breakdown: each kind once, each more than 0, adding up to the budget.
    None: not broken down."""
    if budget_ore <= 0:
        raise BadUserInput("budgetNok", "must be more than 0")
    if lines is None:
        return []
    if len({line.kind for line in lines}) != len(lines):
        raise BadUserInput("costLines", "each kind of cost at most once")
    if any(line.amount_ore <= 0 for line in lines):
        raise BadUserInput("costLines", "every amount must be more than 0")
    total = sum(line.amount_ore for line in lines)
    if total != budget_ore:
        raise BadUserInput(
            "costLines",
            f"add up to NOK {format_nok(total)}, but the budget is NOK {format_nok(budget_ore)}",
        )
    return sorted(lines, key=lambda line: list(CostKind).index(line.kind))


def _move(project: Project, action: Action) -> ProjectChange:
    sources, target = TRANSITIONS[action]
    source = ProjectStatus(project.status)
    if source not in sources:
        raise Conflict(f"cannot {action} a project that is {source.lower()}")
    project.status = target
    return ProjectChange(source, target)


def start(project: Project) -> ProjectChange:
    return _move(project, Action.START)


def complete(project: Project, final_report: str) -> ProjectChange:
    report = required_text(final_report, "finalReport", MAX_REPORT)
    change = _move(project, Action.COMPLETE)
    project.final_report = report
    return change


def grant_decided(project: Project, awarded: bool) -> ProjectChange | None:
    """Grants' decision on an application for the project; None when it changes nothing here
    (an event cannot be refused, and a late or repeated decision must not undo a later state)."""
    action = Action.FUND if awarded else Action.REJECT
    if project.status not in TRANSITIONS[action][0]:
        return None
    return _move(project, action)
