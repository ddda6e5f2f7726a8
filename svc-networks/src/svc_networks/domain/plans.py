"""Versioned competence plans: drafted by the governor, decided by the network, approved by
every current member. In force only while all of that holds for the newest version."""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from shared.errors import Conflict
from shared.inputs import required_text
from svc_networks.domain.networks import not_a_member

MAX_TITLE = 500


class PlanStatus(StrEnum):
    DRAFT = "DRAFT"  # the network has not decided it
    AWAITING_APPROVALS = "AWAITING_APPROVALS"  # decided; a current member has not approved
    IN_FORCE = "IN_FORCE"
    SUPERSEDED = "SUPERSEDED"  # a newer version was drafted


class Plan(Protocol):
    """A plan version (a table row, or a plain object in tests)."""

    version: int
    status: str
    decided_on: date | None
    in_force_on: date | None


@dataclass(frozen=True, slots=True)
class PlanChange:
    from_status: PlanStatus
    to_status: PlanStatus

    @property
    def entered_force(self) -> bool:
        return self.to_status is PlanStatus.IN_FORCE and self.from_status is not PlanStatus.IN_FORCE

    @property
    def left_force(self) -> bool:
        return self.from_status is PlanStatus.IN_FORCE and self.to_status is not PlanStatus.IN_FORCE


def title(text: str) -> str:
    return required_text(text, "title", MAX_TITLE)


def decide(plan: Plan, members: Set[str], approved: Set[str], on: date) -> PlanChange:
    """The network's own decision; deciding again changes nothing."""
    _check_open(plan)
    if plan.decided_on is None:
        plan.decided_on = on
    return _settle(plan, members, approved, on)


def approve(
    plan: Plan, members: Set[str], approved: Set[str], municipality: str, on: date
) -> PlanChange:
    """A current member's approval of this version; `approved` already includes it."""
    _check_open(plan)
    if plan.decided_on is None:
        raise Conflict(f"the network has not decided version {plan.version} of the plan yet")
    if municipality not in members:
        raise not_a_member(municipality)
    return _settle(plan, members, approved, on)


def members_changed(plan: Plan, members: Set[str], approved: Set[str], on: date) -> PlanChange:
    """A member joined (its approval is missing) or left (its approval is no longer needed)."""
    if plan.status == PlanStatus.SUPERSEDED:
        return PlanChange(PlanStatus.SUPERSEDED, PlanStatus.SUPERSEDED)
    return _settle(plan, members, approved, on)


def supersede(plan: Plan) -> PlanChange:
    """A newer version was drafted: this one is no longer open, nor in force."""
    source = PlanStatus(plan.status)
    plan.status = PlanStatus.SUPERSEDED
    return PlanChange(source, PlanStatus.SUPERSEDED)


def missing_approvals(plan: Plan, members: Set[str], approved: Set[str]) -> list[str]:
    """The current members whose approval this version still needs (none once superseded)."""
    if plan.status == PlanStatus.SUPERSEDED:
        return []
    return sorted(set(members) - set(approved))


def _check_open(plan: Plan) -> None:
    if plan.status == PlanStatus.SUPERSEDED:
        raise Conflict(f"version {plan.version} of the plan is superseded by a newer version")


def _settle(plan: Plan, members: Set[str], approved: Set[str], on: date) -> PlanChange:
    source = PlanStatus(plan.status)
    if plan.decided_on is None:
        target = PlanStatus.DRAFT
    elif members and set(members) <= set(approved):
        target = PlanStatus.IN_FORCE
    else:
        target = PlanStatus.AWAITING_APPROVALS
    plan.status = target
    if target is PlanStatus.IN_FORCE and source is not PlanStatus.IN_FORCE:
        plan.in_force_on = on
    elif target is not PlanStatus.IN_FORCE:
        plan.in_force_on = None
    return PlanChange(source, target)
