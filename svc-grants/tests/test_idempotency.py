"""Idempotency-Key on mutations: a retried payment pays once and answers as the first time."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from shared.auth import issue_token
from shared.idempotency import RECLAIM_AFTER, fingerprint
from shared.subgraph import ServiceContext
from svc_grants.schema import schema

from .test_applications import approved

DIRECTORATE = ["directorate"]
PAY = """mutation($id: ID!, $amount: String!) { recordGrantPayment(id: $id, amountNok: $amount) {
  id status paidNok scheme { paidNok } } }"""


async def pay(grants, application_id: str, key: str | None, amount: str = "20000", roles=None):
    """(data, errors) of a payment sent with an Idempotency-Key header."""
    token = issue_token(roles or DIRECTORATE, grants.runtime.settings, subject="officer-1")
    context = ServiceContext(grants.runtime, f"Bearer {token}", key)
    result = await schema.execute(
        PAY, variable_values={"id": application_id, "amount": amount}, context_value=context
    )
    errors = [dict(e.formatted) for e in result.errors or []]
    return result.data, errors


async def paid_nok(grants, application_id: str) -> str:
    data = await grants.call(
        "query($id: ID!) { grantApplication(id: $id) { paidNok } }",
        {"id": application_id},
        DIRECTORATE,
    )
    return data["grantApplication"]["paidNok"]


async def claims(grants) -> list[Any]:
    table = grants.runtime.idempotency
    async with grants.runtime.sessions() as session:
        return list((await session.execute(select(table))).all())


async def test_a_retried_payment_pays_once_and_gets_the_first_answer(grants) -> None:
    application = await approved(grants)
    first = await pay(grants, application["id"], "pay-1")
    again = await pay(grants, application["id"], "pay-1")
    assert first[1] == [] and again == first
    assert await paid_nok(grants, application["id"]) == "20000.00"
    assert [row.committed for row in await claims(grants)] == [True]


async def test_without_a_key_each_call_applies(grants) -> None:
    application = await approved(grants)
    await pay(grants, application["id"], None)
    await pay(grants, application["id"], None)
    assert await paid_nok(grants, application["id"]) == "40000.00"
    assert await claims(grants) == []


async def test_another_key_or_another_principal_is_another_request(grants) -> None:
    application = await approved(grants)
    await pay(grants, application["id"], "pay-1")
    await pay(grants, application["id"], "pay-2")
    assert await paid_nok(grants, application["id"]) == "40000.00"


async def test_a_key_reused_for_a_different_request_is_refused_and_changes_nothing(grants) -> None:
    application = await approved(grants)
    await pay(grants, application["id"], "pay-1", amount="20000")
    data, errors = await pay(grants, application["id"], "pay-1", amount="30000")
    assert data is None
    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "Idempotency-Key"}
    assert "different request" in errors[0]["message"]
    assert await paid_nok(grants, application["id"]) == "20000.00"


async def test_a_refusal_is_replayed_too(grants) -> None:
    application = await approved(grants, amount="50000")
    first = await pay(grants, application["id"], "too-much", amount="60000")
    assert first[1][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "amountNok"}
    assert await pay(grants, application["id"], "too-much", amount="60000") == first


async def test_a_key_still_in_progress_is_a_conflict(grants) -> None:
    application = await approved(grants)
    await _claim_by_hand(
        grants, application["id"], "pay-1", committed=False, age=timedelta(seconds=1)
    )
    _, errors = await pay(grants, application["id"], "pay-1")
    assert errors[0]["extensions"]["code"] == "CONFLICT"
    assert "in progress" in errors[0]["message"]
    assert await paid_nok(grants, application["id"]) == "0.00"


async def test_an_abandoned_claim_that_never_committed_may_run_again(grants) -> None:
    application = await approved(grants)
    await _claim_by_hand(grants, application["id"], "pay-1", committed=False, age=RECLAIM_AFTER * 2)
    _, errors = await pay(grants, application["id"], "pay-1")
    assert errors == []
    assert await paid_nok(grants, application["id"]) == "20000.00"


async def test_a_request_whose_key_a_retry_took_over_cannot_commit_so_it_pays_once(grants) -> None:
    """A request stalls past RECLAIM_AFTER; the client's retry takes its key over and pays. The
    stalled request, resuming, must not pay too, nor overwrite the retry's stored answer."""
    application = await approved(grants)
    turns = grants.runtime.writer_turns
    await turns.take()  # every unit of work of this SQLite service waits here: the stall
    stalled = asyncio.create_task(pay(grants, application["id"], "pay-1"))
    await _until(lambda rows: len(rows) == 1, grants)  # its claim is in
    await _age_claims(grants, RECLAIM_AFTER * 2)
    retry = asyncio.create_task(pay(grants, application["id"], "pay-1"))
    await _until(lambda rows: datetime.now(UTC) - _utc(rows[0].created_at) < RECLAIM_AFTER, grants)
    turns.give_back()
    (_, stalled_errors), (_, retry_errors) = await asyncio.gather(stalled, retry)

    assert retry_errors == []
    assert stalled_errors[0]["extensions"]["code"] == "CONFLICT"
    assert "took over" in stalled_errors[0]["message"]
    assert await paid_nok(grants, application["id"]) == "20000.00"
    assert await pay(grants, application["id"], "pay-1") == await retry  # its answer, kept


async def test_a_committed_claim_whose_answer_was_lost_never_applies_again(grants) -> None:
    application = await approved(grants)
    await _claim_by_hand(grants, application["id"], "pay-1", committed=True, age=RECLAIM_AFTER * 2)
    _, errors = await pay(grants, application["id"], "pay-1")
    assert errors[0]["extensions"]["code"] == "CONFLICT"
    assert "was applied" in errors[0]["message"]
    assert await paid_nok(grants, application["id"]) == "0.00"


async def test_a_malformed_key_names_the_header(grants) -> None:
    application = await approved(grants)
    _, errors = await pay(grants, application["id"], "x" * 201)
    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "Idempotency-Key"}
    assert await paid_nok(grants, application["id"]) == "0.00"


async def _claim_by_hand(
    grants, application_id: str, key: str, *, committed: bool, age: timedelta
) -> None:
    """The row a request that died mid-way leaves behind for the same payment."""
    variables = {"id": application_id, "amount": "20000"}
    async with grants.runtime.sessions() as session, session.begin():
        await session.execute(
            grants.runtime.idempotency.insert().values(
                principal="officer-1",
                key=key,
                fingerprint=fingerprint(PAY, variables, None),
                committed=committed,
                response=None,
                created_at=datetime.now(UTC) - age,
            )
        )


async def test_a_request_that_failed_inside_is_released_so_a_retry_applies(
    grants, monkeypatch
) -> None:
    application = await approved(grants)

    async def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr("svc_grants.schema.applications.applications.record_payment", broken)
    _, errors = await pay(grants, application["id"], "pay-1")
    assert errors[0]["message"] == "Internal server error"
    monkeypatch.undo()
    _, errors = await pay(grants, application["id"], "pay-1")
    assert errors == []
    assert await paid_nok(grants, application["id"]) == "20000.00"


async def _until(check: Any, grants, timeout: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check(await claims(grants)):
        assert asyncio.get_running_loop().time() < deadline, await claims(grants)
        await asyncio.sleep(0.02)


async def _age_claims(grants, age: timedelta) -> None:
    table = grants.runtime.idempotency
    async with grants.runtime.sessions() as session, session.begin():
        await session.execute(table.update().values(created_at=datetime.now(UTC) - age))


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
