"""Idempotency-Key on guidance's mutations (shared.idempotency): a retry answers as the first."""

from __future__ import annotations

from typing import Any

from shared.auth import issue_token
from shared.subgraph import ServiceContext
from svc_guidance.schema import schema

REGISTER = """mutation($i: GuidanceAdviserInput!) { registerGuidanceAdviser(input: $i) {
  id name } }"""


async def register(guidance, key: str | None) -> dict[str, Any] | None:
    token = issue_token(["directorate"], guidance.runtime.settings, subject="officer-1")
    context = ServiceContext(guidance.runtime, f"Bearer {token}", key)
    adviser = {"name": "Rådgiver A", "capacity": 2}
    result = await schema.execute(REGISTER, {"i": adviser}, context_value=context)
    assert result.errors is None, result.errors
    return result.data


async def test_a_retried_registration_registers_one_adviser_and_answers_as_the_first(
    guidance,
) -> None:
    first = await register(guidance, "adviser-1")
    assert await register(guidance, "adviser-1") == first
    advisers = await guidance.call(guidance.ADVISERS, roles=["directorate"])
    assert len(advisers["guidanceAdvisers"]) == 1
    await register(guidance, None)  # no key: each call applies
    advisers = await guidance.call(guidance.ADVISERS, roles=["directorate"])
    assert len(advisers["guidanceAdvisers"]) == 2
