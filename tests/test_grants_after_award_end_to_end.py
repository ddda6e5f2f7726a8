"""Grants after the award through the router on the real platform: the decision letter is
downloaded through the router with the caller's token, only by whoever may read the
application; grants' new events reach the municipality's platformEvents subscription."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import httpx
import pytest
from websockets import Subprotocol
from websockets.asyncio.client import connect as ws_connect

from shared.auth import issue_token
from shared.settings import AuthSettings
from tests.conftest import Client, eventually
from tests.test_end_to_end import REGISTER, enrolment, offering_id  # noqa: F401 (a fixture)

pytestmark = pytest.mark.integration

ALTA = "5601"
ELIGIBILITY = """query($n: String!) { municipality(number: $n) {
  grantEligibility { enrolmentId status } } }"""
SCHEME = "mutation($i: GrantSchemeInput!) { createGrantScheme(input: $i) { id } }"
SUBMIT = "mutation($i: GrantApplicationInput!) { submitGrantApplication(input: $i) { id } }"
DECIDE = """mutation($id: ID!, $d: GrantDecisionInput!) {
  decideGrantApplication(id: $id, input: $d) {
  status reports { id kind status } decisionLetter { title mediaType url } } }"""
SUBMIT_REPORT = "mutation($i: GrantReportInput!) { submitGrantReport(input: $i) { status } }"
EVENTS = "subscription { platformEvents { type municipality payload } }"


def ok(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body
    return body["data"]


def approved_grant(gateway: Client, offering: str) -> dict[str, Any]:
    registered = ok(gateway.call(REGISTER, {"i": [enrolment(offering)]}, role="institution:uis"))
    enrolment_id = registered["registerEnrolments"]["items"][0]["enrolment"]["id"]

    def eligible() -> bool:
        data = ok(gateway.call(ELIGIBILITY, {"n": ALTA}, role=f"municipality:{ALTA}"))
        return any(
            e["enrolmentId"] == enrolment_id for e in data["municipality"]["grantEligibility"]
        )

    eventually(eligible)
    scheme = {
        "name": "Tilskudd",
        "year": 2018,
        "kind": "EMPLOYER_FURTHER_EDUCATION",
        "budgetNok": "1000000",
    }
    scheme_id = ok(gateway.call(SCHEME, {"i": scheme}, role="directorate"))["createGrantScheme"][
        "id"
    ]
    application = {
        "schemeId": scheme_id,
        "municipality": ALTA,
        "amountNok": "50000",
        "purpose": "Vikar, reise og litteratur",
        "enrolmentId": enrolment_id,
    }
    app_id = ok(gateway.call(SUBMIT, {"i": application}, role=f"municipality:{ALTA}"))[
        "submitGrantApplication"
    ]["id"]
    declare = "mutation($id: ID!) { declareGrantImpartiality(id: $id, recuse: false) { id } }"
    ok(gateway.call(declare, {"id": app_id}, role="directorate"))
    decision = {"outcome": "APPROVE", "reason": "Innenfor retningslinjene"}
    decided = ok(gateway.call(DECIDE, {"id": app_id, "d": decision}, role="directorate"))
    return {"id": app_id, **decided["decideGrantApplication"]}


def test_the_decision_letter_is_fetched_through_the_router_by_who_may_read_it(
    platform: Any,
    gateway: Client,
    offering_id: str,  # noqa: F811
) -> None:
    grant = approved_grant(gateway, offering_id)
    letter = grant["decisionLetter"]
    assert letter["mediaType"] == "application/pdf"
    url = platform.gateway_url.removesuffix("/graphql") + letter["url"]

    def fetch(role: str | None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {issue_token([role], AuthSettings())}"} if role else {}
        return httpx.get(url, headers=headers, timeout=30)

    own = fetch(f"municipality:{ALTA}")
    assert own.status_code == 200
    assert own.headers["content-type"] == "application/pdf"
    assert own.content.startswith(b"%PDF")
    assert fetch("county:56").status_code == 200  # Alta's county governor
    other = fetch("municipality:5603")  # Hammerfest
    assert other.status_code == 404
    assert b"%PDF" not in other.content
    assert fetch(None).status_code == 401


async def test_grants_new_events_reach_the_municipality_s_subscription(
    platform: Any,
    gateway: Client,
    offering_id: str,  # noqa: F811
) -> None:
    grant = await asyncio.to_thread(approved_grant, gateway, offering_id)
    events: list[dict[str, Any]] = []
    failures: list[Any] = []
    url = platform.gateway_url.replace("http://", "ws://", 1)
    token = issue_token([f"municipality:{ALTA}"], AuthSettings())

    async def listen() -> None:
        async with ws_connect(url, subprotocols=[Subprotocol("graphql-transport-ws")]) as socket:
            init = {"authorization": f"Bearer {token}"}
            await socket.send(json.dumps({"type": "connection_init", "payload": init}))
            assert json.loads(await socket.recv())["type"] == "connection_ack"
            await socket.send(
                json.dumps({"id": "1", "type": "subscribe", "payload": {"query": EVENTS}})
            )
            async for raw in socket:
                message = json.loads(raw)
                if message["type"] != "next":
                    failures.append(message)
                elif message["payload"].get("errors"):
                    failures.append(message["payload"])
                else:
                    events.append(message["payload"]["data"]["platformEvents"])

    def submitted() -> list[dict[str, Any]]:
        return [e for e in events if e["type"] == "GrantReportSubmitted"]

    listening = asyncio.create_task(listen())
    try:
        # Live only: the subscription is live once its first event arrives; until then Alta
        # gets a new enrolment every second. Then the report, and its event.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(60):
                while not events:
                    row = enrolment(offering_id)
                    await asyncio.to_thread(gateway.call, REGISTER, {"i": [row]}, "institution:uis")
                    await asyncio.sleep(1)
                report = {
                    "applicationId": grant["id"],
                    "kind": "STATUS",
                    "text": "Rapport",
                    "spentNok": "1000",
                }
                body = await asyncio.to_thread(
                    gateway.call, SUBMIT_REPORT, {"i": report}, f"municipality:{ALTA}"
                )
                ok(body)
                while not submitted():
                    await asyncio.sleep(0.3)
    finally:
        listening.cancel()
        failures += [r for r in await asyncio.gather(listening, return_exceptions=True) if r]
    seen = submitted()
    assert seen, (events, failures)
    assert seen[0]["municipality"] == ALTA
    assert json.loads(seen[0]["payload"])["application_id"] == grant["id"]
