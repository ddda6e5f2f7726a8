"""The gateway authenticates before anything is forwarded; it forwards the token and the id."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from shared.auth import issue_token
from shared.settings import AuthSettings

from .conftest import Gateway

QUERY = '{ municipality(number: "0001") { name grantLabel } }'


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer forged.token.value",
        "Bearer "
        + issue_token(
            ["directorate"], AuthSettings(jwt_secret="someone-elses-secret-0123456789-abcdef")
        ),
        "Bearer " + issue_token(["directorate"], AuthSettings(), ttl_seconds=-60),
        "Basic dXNlcjpwYXNz",
    ],
    ids=["garbage", "wrong-signature", "expired", "not-bearer"],
)
async def test_a_bad_token_is_unauthenticated_and_reaches_no_subgraph(
    gateway: Gateway, authorization: str
) -> None:
    body = await gateway.query(QUERY, headers={"Authorization": authorization})

    assert "data" not in body
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "UNAUTHENTICATED"}
    assert gateway.subgraphs.calls == []


async def test_a_valid_token_and_the_correlation_id_reach_every_subgraph(gateway: Gateway) -> None:
    token = issue_token(["municipality:0301"], AuthSettings())
    response = await gateway.http.post(
        "/graphql",
        json={"query": QUERY},
        headers={**bearer(token), "X-Correlation-ID": "case-4711"},
    )

    assert response.json()["data"]["municipality"]["grantLabel"] == "grants for 0001"
    assert response.headers["x-correlation-id"] == "case-4711"
    calls = gateway.subgraphs.calls
    assert {call.subgraph for call in calls} == {"education", "grants"}
    assert all(call.headers["authorization"] == f"Bearer {token}" for call in calls)
    assert all(call.headers["x-correlation-id"] == "case-4711" for call in calls)


async def test_an_anonymous_caller_is_served_and_gets_a_correlation_id(gateway: Gateway) -> None:
    response = await gateway.http.post("/graphql", json={"query": QUERY})

    assert response.json()["data"]["municipality"]["name"] == "Kommune 0001"
    made_up = response.headers["x-correlation-id"]
    assert made_up
    assert all("authorization" not in call.headers for call in gateway.subgraphs.calls)
    assert {call.headers["x-correlation-id"] for call in gateway.subgraphs.calls} == {made_up}


async def test_concurrent_callers_never_share_tokens_or_batches(gateway: Gateway) -> None:
    tokens = [issue_token([f"municipality:{n:04d}"], AuthSettings()) for n in range(1, 9)]
    bodies = await asyncio.gather(
        *(gateway.query(QUERY, headers=bearer(token)) for token in tokens)
    )

    assert all(body["data"]["municipality"]["grantLabel"] == "grants for 0001" for body in bodies)
    per_token = Counter(call.headers["authorization"] for call in gateway.subgraphs.calls)
    assert per_token == {f"Bearer {token}": 2 for token in tokens}  # education + grants each
