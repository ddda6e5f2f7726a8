"""Conflict of interest: an assessor declares none, or recuses, before deciding; a recused
assessor cannot decide (FORBIDDEN), one who declared nothing must declare first (CONFLICT)."""

from __future__ import annotations

from typing import Any

from shared.auth import issue_token
from shared.subgraph import ServiceContext
from svc_grants.app import SERVICE

DIRECTORATE = ["directorate"]
DECISION = {"outcome": "APPROVE", "reason": "within the guidelines"}


async def submitted(grants) -> str:
    scheme_id = await grants.scheme()
    return (await grants.submit(scheme_id, enrolmentId=await grants.enrolment()))["id"]


async def as_colleague(grants, query: str, variables: dict[str, Any]) -> Any:
    """Another person of the directorate (another token subject)."""
    header = f"Bearer {issue_token(DIRECTORATE, grants.runtime.settings, subject='kollega')}"
    context = ServiceContext(grants.runtime, header)
    return await SERVICE.schema.execute(query, variable_values=variables, context_value=context)


async def test_deciding_needs_a_declaration_first(grants) -> None:
    app_id = await submitted(grants)
    refused = await grants.failure(grants.DECIDE, {"id": app_id, "input": DECISION}, DIRECTORATE)
    assert refused["extensions"]["code"] == "CONFLICT"
    assert "conflict of interest" in refused["message"]
    assert (await grants.one(app_id))["status"] == "SUBMITTED"
    await grants.declare(app_id, DIRECTORATE)
    decided = await grants.call(grants.DECIDE, {"id": app_id, "input": DECISION}, DIRECTORATE)
    history = decided["decideGrantApplication"]["history"]
    assert [(h["to"], h["reason"]) for h in history[-2:]] == [
        ("SUBMITTED", "declared no conflict of interest"),
        ("APPROVED", "within the guidelines"),
    ]


async def test_a_recused_assessor_cannot_decide_and_a_colleague_does(grants) -> None:
    app_id = await submitted(grants)
    await grants.declare(app_id, DIRECTORATE, recuse=True, reason="Søsteren min leder tjenesten")
    refused = await grants.error(grants.DECIDE, {"id": app_id, "input": DECISION}, DIRECTORATE)
    assert refused["code"] == "FORBIDDEN"
    back = await grants.error(grants.DECLARE, {"id": app_id, "recuse": False}, DIRECTORATE)
    assert back["code"] == "CONFLICT"  # a recusal stands
    assert (await grants.one(app_id))["history"][-1]["reason"] == (
        "recused: Søsteren min leder tjenesten"
    )
    colleague = await as_colleague(grants, grants.DECIDE, {"id": app_id, "input": DECISION})
    assert colleague.errors[0].extensions["code"] == "CONFLICT"  # has not declared yet
    declared = await as_colleague(grants, grants.DECLARE, {"id": app_id, "recuse": False})
    assert declared.errors is None
    decided = await as_colleague(grants, grants.DECIDE, {"id": app_id, "input": DECISION})
    assert decided.errors is None
    assert decided.data["decideGrantApplication"]["status"] == "APPROVED"


async def test_a_declaration_needs_the_right_role_a_reason_to_recuse_and_an_open_case(
    grants,
) -> None:
    app_id = await submitted(grants)
    no_reason = await grants.error(grants.DECLARE, {"id": app_id, "recuse": True}, DIRECTORATE)
    assert (no_reason["code"], no_reason["field"]) == ("BAD_USER_INPUT", "reason")
    for roles, code in ((["municipality:5601"], "FORBIDDEN"), (["county:11"], "NOT_FOUND")):
        refused = await grants.error(grants.DECLARE, {"id": app_id, "recuse": False}, roles)
        assert refused["code"] == code
    assert len((await grants.one(app_id))["history"]) == 1  # nothing was declared
    await grants.decide(app_id, roles=DIRECTORATE)
    late = await grants.error(
        grants.DECLARE, {"id": app_id, "recuse": True, "reason": "x"}, DIRECTORATE
    )
    assert late["code"] == "CONFLICT"  # decided: nothing left to assess
