"""Two replicas of grants on one PostgreSQL database: concurrent approvals never over-commit.

The scheme row is locked (SELECT ... FOR UPDATE) by every approval, so the replicas' decisions
are serialized by the database: exactly the approvals that fit are made, the rest are CONFLICT.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from shared.contracts.education import ENROLMENTS_TOPIC
from shared.events import parse_event
from shared.runtime import ServiceRuntime
from shared.testing import enrolment_registered, event_bytes, execute, migrated_runtime
from svc_grants.app import SERVICE
from svc_grants.models import GrantApplication, GrantApplicationTransition, GrantScheme
from svc_grants.schema import schema
from svc_grants.service.aftercare import mark_overdue_reports

pytestmark = pytest.mark.integration

APPLICATIONS, AMOUNT_ORE = 100, 10_000_00
FITTING = 37  # the budget holds exactly this many approvals
DIRECTORATE = ["directorate"]
ALTA = "5601"


async def call(
    runtime: ServiceRuntime, query: str, variables: dict[str, Any], roles: list[str]
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    return await execute(schema, runtime, query, variables, roles)


async def eligible_enrolment(runtime: ServiceRuntime) -> str:
    payload = enrolment_registered(ALTA)
    await runtime.handle(ENROLMENTS_TOPIC, parse_event(event_bytes(payload, ALTA)))
    return str(payload.enrolment_id)


async def submitted_applications(runtime: ServiceRuntime) -> tuple[str, list[str]]:
    scheme = {
        "name": "Tilskudd til arbeidsgivere",
        "year": 2018,
        "kind": "EMPLOYER_FURTHER_EDUCATION",
        "budgetNok": str(FITTING * AMOUNT_ORE // 100),
    }
    data, errors = await call(
        runtime,
        "mutation($i: GrantSchemeInput!) { createGrantScheme(input: $i) { id } }",
        {"i": scheme},
        DIRECTORATE,
    )
    assert errors == []
    scheme_id = data["createGrantScheme"]["id"]
    ids = []
    for _ in range(APPLICATIONS):
        application = {
            "schemeId": scheme_id,
            "municipality": ALTA,
            "amountNok": str(AMOUNT_ORE // 100),
            "purpose": "Vikar",
            "enrolmentId": await eligible_enrolment(runtime),
        }
        data, errors = await call(
            runtime,
            "mutation($i: GrantApplicationInput!) { submitGrantApplication(input: $i) { id } }",
            {"i": application},
            [f"municipality:{ALTA}"],
        )
        assert errors == []
        ids.append(data["submitGrantApplication"]["id"])
    return scheme_id, ids


async def approve(runtime: ServiceRuntime, application_id: str) -> str:
    """The outcome of one approval (after declaring no conflict of interest): APPROVED, or the
    error code."""
    _, errors = await call(
        runtime,
        "mutation($id: ID!) { declareGrantImpartiality(id: $id, recuse: false) { id } }",
        {"id": application_id},
        DIRECTORATE,
    )
    assert errors == []
    data, errors = await call(
        runtime,
        "mutation($id: ID!, $d: GrantDecisionInput!) { decideGrantApplication(id: $id, input: $d)"
        " { status } }",
        {"id": application_id, "d": {"outcome": "APPROVE", "reason": "within the guidelines"}},
        DIRECTORATE,
    )
    return errors[0]["extensions"]["code"] if errors else data["decideGrantApplication"]["status"]


async def test_concurrent_approvals_on_two_replicas_commit_exactly_what_fits(
    new_database: Callable[[str], str],
) -> None:
    url = new_database("grants")
    replicas = [await migrated_runtime(SERVICE, url) for _ in range(2)]
    try:
        scheme_id, ids = await submitted_applications(replicas[0])
        outcomes = await asyncio.gather(
            *[approve(replicas[i % 2], application_id) for i, application_id in enumerate(ids)]
        )
        assert sorted(set(outcomes)) == ["APPROVED", "CONFLICT"]
        assert outcomes.count("APPROVED") == FITTING
        async with replicas[1].sessions() as session:
            scheme = await session.get_one(GrantScheme, uuid.UUID(scheme_id))
            approved = await session.scalar(
                select(func.count())
                .select_from(GrantApplication)
                .where(GrantApplication.status == "APPROVED")
            )
            decisions = await session.scalar(
                select(func.count())
                .select_from(GrantApplicationTransition)
                .where(GrantApplicationTransition.to_status == "APPROVED")
            )
            awarded = await session.scalar(
                select(func.count())
                .select_from(replicas[1].outbox)
                .where(replicas[1].outbox.c.type == "GrantAwarded")
            )
        assert scheme.committed_ore == FITTING * AMOUNT_ORE == scheme.budget_ore
        assert approved == decisions == awarded == FITTING
    finally:
        for replica in replicas:
            await replica.engine.dispose()


async def test_the_scheduler_on_two_replicas_marks_each_overdue_report_once(
    new_database: Callable[[str], str],
) -> None:
    """Every replica runs the scheduler: the rows are locked, so each report falls overdue (and
    its event is emitted) once."""
    url = new_database("grants")
    replicas = [await migrated_runtime(SERVICE, url) for _ in range(2)]
    try:
        _, ids = await submitted_applications(replicas[0])
        outcomes = [await approve(replicas[0], application_id) for application_id in ids]
        assert outcomes.count("APPROVED") == FITTING
        later = date.today() + timedelta(days=400)  # past both reports' due dates
        changed = await asyncio.gather(
            *[mark_overdue_reports(replicas[i % 2], today=later) for i in range(4)]
        )
        assert sum(changed) == 2 * FITTING
        async with replicas[1].sessions() as session:
            outbox = replicas[1].outbox
            overdue = await session.scalar(
                select(func.count())
                .select_from(outbox)
                .where(outbox.c.type == "GrantReportOverdue")
            )
        assert overdue == 2 * FITTING
    finally:
        for replica in replicas:
            await replica.engine.dispose()
