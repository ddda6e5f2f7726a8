"""Item 6 of the foundation: enrolment → Kafka → grants eligibility, through the gateway;
and what the router (Hive Gateway) guarantees on the real services.

Every process is real and separate: Kafka, four services on PostgreSQL, the gateway.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import subprocess
import uuid
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from websockets import Subprotocol
from websockets.asyncio.client import connect as ws_connect

from gateway.router import GATEWAY_DIR
from shared.auth import issue_token
from shared.contracts.education import ENROLMENTS_TOPIC
from shared.settings import AuthSettings
from tests.conftest import Client, eventually, subgraph_calls

pytestmark = pytest.mark.integration

PROGRAMMES = "{ programmes { id name } }"
CREATE_OFFERING = (
    "mutation($i: OfferingInput!) { createOffering(input: $i) { id seats seatsTaken } }"
)
REGISTER = """mutation($i: [EnrolmentInput!]!) { registerEnrolments(input: $i) {
  accepted replayed waitlisted rejected
  items { externalRef status field reason enrolment { id } } } }"""
SUBGRAPHS = ("education", "grants", "networks", "guidance")
MUNICIPALITY = """query($n: String!) { municipality(number: $n) {
  number name
  enrolments { id externalRef status offering { term programme { name } } }
  grantEligibility { enrolmentId status }
} }"""


@pytest.fixture(scope="module")
def offering_id(gateway: Client) -> str:
    programmes = gateway.call(PROGRAMMES)["data"]["programmes"]
    law = next(p for p in programmes if p["name"] == "Juss i barnevernet")
    created = gateway.call(
        CREATE_OFFERING,
        {"i": {"programmeId": law["id"], "term": "2018H", "seats": 45}},
        role="institution:uis",
    )
    return created["data"]["createOffering"]["id"]


def enrolment(
    offering_id: str, municipality: str = "2012", ref: str | None = None
) -> dict[str, Any]:
    ref = ref or uuid.uuid4().hex
    return {
        "offeringId": offering_id,
        "municipality": municipality,
        "employeeRef": f"e-{ref}",
        "externalRef": ref,
        "role": "caseworker",
    }


def alta(gateway: Client) -> dict[str, Any]:
    body = gateway.call(MUNICIPALITY, {"n": "2012"}, role="municipality:5601")
    assert "errors" not in body, body
    return body["data"]["municipality"]


def test_enrolment_reaches_grants_eligibility_and_replay_changes_nothing(
    gateway: Client, offering_id: str
) -> None:
    row = enrolment(offering_id)
    first = gateway.call(REGISTER, {"i": [row]}, role="institution:uis")["data"][
        "registerEnrolments"
    ]
    assert first["accepted"] == 1
    enrolment_id = first["items"][0]["enrolment"]["id"]

    def eligible() -> list[dict[str, Any]]:
        return [e for e in alta(gateway)["grantEligibility"] if e["enrolmentId"] == enrolment_id]

    assert eventually(eligible) == [{"enrolmentId": enrolment_id, "status": "ELIGIBLE"}]
    municipality = alta(gateway)
    assert municipality["number"] == "5601"  # found by its 2018 number
    assert municipality["name"] == "Alta"
    mine = [e for e in municipality["enrolments"] if e["id"] == enrolment_id]
    assert mine[0]["offering"]["programme"]["name"] == "Juss i barnevernet"

    again = gateway.call(REGISTER, {"i": [row]}, role="institution:uis")["data"][
        "registerEnrolments"
    ]
    assert (again["replayed"], again["accepted"]) == (1, 0)
    assert again["items"][0]["enrolment"]["id"] == enrolment_id
    after = alta(gateway)
    assert len(after["enrolments"]) == len(municipality["enrolments"])
    assert len(after["grantEligibility"]) == len(municipality["grantEligibility"])


async def test_redelivered_event_changes_nothing(
    gateway: Client, offering_id: str, kafka_bootstrap: str
) -> None:
    registered = gateway.call(REGISTER, {"i": [enrolment(offering_id)]}, role="institution:uis")
    enrolment_id = registered["data"]["registerEnrolments"]["items"][0]["enrolment"]["id"]
    assert eventually(
        lambda: any(e["enrolmentId"] == enrolment_id for e in alta(gateway)["grantEligibility"])
    )
    before = len(alta(gateway)["grantEligibility"])

    record = await _published_event(kafka_bootstrap, enrolment_id)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(ENROLMENTS_TOPIC, record.value, key=record.key)
    finally:
        await producer.stop()
    # A later enrolment of the same municipality is on the same partition, so once grants
    # shows it, the redelivered event before it has been handled too.
    later = gateway.call(REGISTER, {"i": [enrolment(offering_id)]}, role="institution:uis")
    later_id = later["data"]["registerEnrolments"]["items"][0]["enrolment"]["id"]
    assert eventually(
        lambda: any(e["enrolmentId"] == later_id for e in alta(gateway)["grantEligibility"])
    )
    eligibility = alta(gateway)["grantEligibility"]
    assert len(eligibility) == before + 1
    assert [e["enrolmentId"] for e in eligibility].count(enrolment_id) == 1


async def _published_event(bootstrap: str, enrolment_id: str) -> Any:
    consumer = AIOKafkaConsumer(
        ENROLMENTS_TOPIC,
        bootstrap_servers=bootstrap,
        group_id=f"probe-{uuid.uuid4()}",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        while True:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                for record in records:
                    # The topic holds other event types too (SeatFreed has no enrolment).
                    payload = json.loads(record.value)["payload"]
                    if payload.get("enrolment_id") == enrolment_id:
                        return record
    finally:
        await consumer.stop()


def test_all_municipalities_with_fields_of_two_services_cost_one_call_each(
    platform: Any, gateway: Client
) -> None:
    before = {s: subgraph_calls(platform, s) for s in SUBGRAPHS}
    body = gateway.call(
        "{ municipalities { number name learningNetwork { name } } }", role="directorate"
    )
    assert "errors" not in body, body
    assert len(body["data"]["municipalities"]) == 357
    calls = {s: subgraph_calls(platform, s) - before[s] for s in before}
    assert calls == {"education": 1, "grants": 0, "networks": 1, "guidance": 0}


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"offeringId": "x", "municipality": "5601", "employeeRef": "e"}, "externalRef"),
        (
            {"offeringId": "x", "municipality": 5601, "employeeRef": "e", "externalRef": "r"},
            "municipality",
        ),
    ],
    ids=["missing-field", "wrong-type"],
)
def test_malformed_input_is_bad_user_input_naming_the_field(
    gateway: Client, row: dict[str, Any], field: str
) -> None:
    body = gateway.call(REGISTER, {"i": [row]}, role="institution:uis")
    assert body.get("data") is None
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == field
    assert field in error["message"]


def test_unknown_municipality_is_rejected_per_row_and_nothing_stored(
    gateway: Client, offering_id: str
) -> None:
    row = enrolment(offering_id, municipality="9999")
    body = gateway.call(REGISTER, {"i": [row]}, role="institution:uis")
    item = body["data"]["registerEnrolments"]["items"][0]
    assert (item["status"], item["field"]) == ("REJECTED", "municipality")
    assert "9999" in item["reason"]
    again = gateway.call(REGISTER, {"i": [row]}, role="institution:uis")["data"][
        "registerEnrolments"
    ]
    assert again["rejected"] == 1  # not REPLAYED: nothing was stored the first time


@pytest.mark.parametrize("token", [None, "forged.token.value"], ids=["missing", "forged"])
def test_missing_or_forged_token_is_unauthenticated_and_nothing_stored(
    gateway: Client, offering_id: str, token: str | None
) -> None:
    row = enrolment(offering_id)
    body = gateway.call(REGISTER, {"i": [row]}, token=token)
    assert body.get("data") is None or body["data"].get("registerEnrolments") is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    replay = gateway.call(REGISTER, {"i": [row]}, role="institution:uis")["data"][
        "registerEnrolments"
    ]
    assert replay["accepted"] == 1  # the refused call stored nothing


def test_stopped_service_gives_partial_data_with_unavailable(
    platform: Any, gateway: Client
) -> None:
    platform["networks"].stop()
    try:
        body = gateway.call(
            '{ municipality(number: "5601") { name enrolments { id } learningNetwork { name } } }',
            role="directorate",
        )
    finally:
        platform["networks"].start()
        platform["networks"].wait_ready()
    assert body["data"]["municipality"]["name"] == "Alta"
    assert isinstance(body["data"]["municipality"]["enrolments"], list)
    assert body["data"]["municipality"]["learningNetwork"] is None
    error = body["errors"][0]
    assert error["extensions"]["code"] == "UNAVAILABLE"
    assert error["extensions"]["service"] == "networks"
    assert error["path"] == ["municipality", "learningNetwork"]


def test_unavailable_non_null_field_nulls_its_parent_and_says_why(
    platform: Any, gateway: Client
) -> None:
    # The API makes grantEligibility non-null, so GraphQL's null propagation reaches the
    # nullable municipality; the error still names the field and the service.
    platform["grants"].stop()
    try:
        body = gateway.call(
            '{ municipality(number: "5601") { name grantEligibility { status } } }',
            role="directorate",
        )
    finally:
        platform["grants"].start()
        platform["grants"].wait_ready()
    assert body["data"] == {"municipality": None}
    assert body["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
    assert body["errors"][0]["path"] == ["municipality", "grantEligibility"]


def test_demo_data_loads_through_the_api_and_a_second_load_changes_nothing(
    platform: Any, gateway: Client
) -> None:
    from localinfra.demo import load_demo_data

    first = load_demo_data(platform.gateway_url)
    assert first["offerings"] >= 8
    # With a token: anonymous answers of the catalogue come from the router's cache for 10 s.
    catalogue_query = "{ programmes { offerings { term seats } } }"
    catalogue = gateway.call(catalogue_query, role="directorate")["data"]["programmes"]
    seats = sum(o["seats"] for p in catalogue for o in p["offerings"] if o["term"] == "2018H")
    cohorts = '{ supportCohorts(county: "11", term: "2018H") { municipalityCount headCount } }'
    before = gateway.call(cohorts)["data"]["supportCohorts"]
    guidance = "{ guidanceEngagements(round: 2018) { id } guidanceCases { id } }"
    guidance_before = gateway.call(guidance, role="directorate")["data"]

    assert load_demo_data(platform.gateway_url) == first
    assert gateway.call(guidance, role="directorate")["data"] == guidance_before
    assert len(guidance_before["guidanceEngagements"]) == 13
    # Våler, under its 2018 number, took part through the Solør service hosted by Åsnes.
    valer = '{ municipality(number: "0426") { guidance { round municipality { name } } } }'
    assert gateway.call(valer, role="directorate")["data"]["municipality"]["guidance"] == [
        {"round": 2018, "municipality": {"name": "Åsnes"}}
    ]
    again = gateway.call(catalogue_query, role="directorate")["data"]["programmes"]
    assert sum(o["seats"] for p in again for o in p["offerings"] if o["term"] == "2018H") == seats
    assert gateway.call(cohorts)["data"]["supportCohorts"] == before
    assert before[0]["municipalityCount"] == 10  # with Etne and Sveio across the county border


def test_nesting_lists_of_municipalities_is_refused_before_any_subgraph_runs(
    platform: Any, gateway: Client
) -> None:
    before = {s: subgraph_calls(platform, s) for s in SUBGRAPHS}
    body = gateway.call("{ counties { municipalities { county { municipalities { name } } } } }")
    assert body.get("data") is None
    assert body["errors"][0]["extensions"]["code"] == "COST_LIMIT_EXCEEDED"
    assert {s: subgraph_calls(platform, s) - before[s] for s in SUBGRAPHS} == dict.fromkeys(
        SUBGRAPHS, 0
    )


@pytest.mark.parametrize(("with_network", "networks_calls"), [(True, 1), (False, 0)])
def test_a_variable_used_only_in_include_decides_which_subgraphs_are_called(
    platform: Any, gateway: Client, with_network: bool, networks_calls: int
) -> None:
    before = subgraph_calls(platform, "networks")
    body = gateway.call(
        """query($n: Boolean!) { municipality(number: "5601") {
             name learningNetwork @include(if: $n) { name } } }""",
        {"n": with_network},
        role="directorate",
    )
    assert "errors" not in body, body
    assert ("learningNetwork" in body["data"]["municipality"]) is with_network
    assert subgraph_calls(platform, "networks") - before == networks_calls


def test_a_missing_municipality_is_null_and_its_fields_ask_no_other_subgraph(
    platform: Any, gateway: Client
) -> None:
    before = subgraph_calls(platform, "networks")
    body = gateway.call(
        '{ municipality(number: "0000") { name learningNetwork { name } } programmes { name } }',
        role="directorate",
    )
    assert "errors" not in body, body
    assert body["data"]["municipality"] is None
    assert body["data"]["programmes"]  # a missing item never wipes its sibling root fields
    assert subgraph_calls(platform, "networks") == before


# Live events through the router: platformEvents is guidance's, the events are education's.

PLATFORM_EVENTS = "subscription { platformEvents { type municipality payload } }"
ALTA, OSLO = "5601", "0301"


class Subscriber:
    """One caller's platformEvents at the router, over graphql-transport-ws or SSE."""

    def __init__(self, url: str, role: str, transport: str) -> None:
        self.url, self.transport = url, transport
        self.role = role
        self.token = issue_token([role], AuthSettings())
        self.events: list[dict[str, Any]] = []
        self.errors: list[Any] = []

    async def run(self) -> None:
        if self.transport == "ws":
            await self._over_websocket()
        else:
            await self._over_sse()

    def _received(self, payload: dict[str, Any]) -> None:
        if payload.get("errors"):
            self.errors.append(payload["errors"])
        else:
            self.events.append(payload["data"]["platformEvents"])

    async def _over_websocket(self) -> None:
        url = self.url.replace("http://", "ws://", 1)
        async with ws_connect(url, subprotocols=[Subprotocol("graphql-transport-ws")]) as socket:
            init = {"authorization": f"Bearer {self.token}"}
            await socket.send(json.dumps({"type": "connection_init", "payload": init}))
            assert json.loads(await socket.recv())["type"] == "connection_ack"
            subscribe = {"query": PLATFORM_EVENTS}
            await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": subscribe}))
            async for raw in socket:
                message = json.loads(raw)
                if message["type"] == "next":
                    self._received(message["payload"])
                elif message["type"] == "error":
                    self.errors.append(message["payload"])
                    return
                elif message["type"] == "complete":
                    return

    async def _over_sse(self) -> None:
        headers = {"accept": "text/event-stream", "authorization": f"Bearer {self.token}"}
        async with (
            httpx.AsyncClient(timeout=httpx.Timeout(10, read=None)) as client,
            client.stream(
                "POST", self.url, json={"query": PLATFORM_EVENTS}, headers=headers
            ) as response,
        ):
            async for line in response.aiter_lines():
                if line.startswith("data:") and line[5:].strip():
                    self._received(json.loads(line[5:]))

    def refs(self) -> set[str]:
        """The external references of the enrolments this subscriber was told of."""
        return {
            json.loads(e["payload"])["external_ref"]
            for e in self.events
            if e["type"] == "EnrolmentRegistered"
        }


async def test_live_events_reach_each_subscriber_through_the_router_and_only_its_own(
    platform: Any, gateway: Client, offering_id: str
) -> None:
    """Three callers at once (Alta over WebSocket, Oslo over WebSocket and SSE) and the
    directorate: enrolments registered in education reach each municipality's subscribers and
    no one else's. A router sharing one subgraph connection among callers fails this."""
    url = platform.gateway_url
    alta = Subscriber(url, f"municipality:{ALTA}", "ws")
    oslo_ws = Subscriber(url, f"municipality:{OSLO}", "ws")
    oslo_sse = Subscriber(url, f"municipality:{OSLO}", "sse")
    directorate = Subscriber(url, "directorate", "ws")
    subscribers = [alta, oslo_ws, oslo_sse, directorate]
    own = {alta: {ALTA}, oslo_ws: {OSLO}, oslo_sse: {OSLO}}
    running = [asyncio.create_task(s.run()) for s in subscribers]
    registered: dict[str, str] = {}  # external ref → municipality

    async def register(municipality: str) -> str:
        row = enrolment(offering_id, municipality)
        body = await asyncio.to_thread(gateway.call, REGISTER, {"i": [row]}, "institution:uis")
        counts = body["data"]["registerEnrolments"]
        assert counts["accepted"] + counts["waitlisted"] == 1, body  # 45 seats, then a waitlist
        registered[row["externalRef"]] = municipality
        return row["externalRef"]

    def seen() -> dict[str, list[tuple[str | None, str]]]:
        """Who saw which of the enrolments registered here, for the failure message."""
        return {
            f"{s.role} over {s.transport}": [
                (e["municipality"], registered.get(json.loads(e["payload"])["external_ref"], "?"))
                for e in s.events
                if e["type"] == "EnrolmentRegistered"
            ]
            for s in subscribers
        }

    last: dict[str, str] = {}
    try:
        # A subscription is live once its first event arrives: until every subscriber has
        # had one, register an enrolment in each municipality every second.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(60):
                while not all(s.events for s in subscribers):
                    for number in (ALTA, OSLO):
                        await register(number)
                    await asyncio.sleep(1)
        # Now all are live: one more of each, then everything any subscriber may still get.
        last = {await register(ALTA): ALTA, await register(OSLO): OSLO}
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(30):
                while not set(last) <= directorate.refs() or any(
                    not {r for r, m in last.items() if m in wanted} <= s.refs()
                    for s, wanted in own.items()
                ):
                    await asyncio.sleep(0.2)
        await asyncio.sleep(2)
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)

    assert [s.errors for s in subscribers] == [[], [], [], []]
    for subscriber, wanted in own.items():
        assert {e["municipality"] for e in subscriber.events} <= wanted, seen()
        assert {registered[r] for r in subscriber.refs() & set(registered)} <= wanted, seen()
        assert {r for r, m in last.items() if m in wanted} <= subscriber.refs(), seen()
    assert {e["municipality"] for e in directorate.events} >= {ALTA, OSLO}, seen()
    assert directorate.refs() >= set(last), seen()
    # The two Oslo subscribers are one caller over two transports: the same events.
    assert oslo_ws.refs() & set(last) == oslo_sse.refs() & set(last)


def test_every_example_operation_runs_by_its_hash_as_its_role(platform: Any) -> None:
    """gateway/operations (GraphiQL's examples, the persisted documents) fit today's schema."""
    listed = subprocess.run(
        ["node", str(GATEWAY_DIR / "persist.mjs"), "--check"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert len(listed) >= 5
    for line in listed:
        document_id, file, name = line.split()
        role = re.search(
            r"ROLE=([a-z]+(?::[\w-]+)?)", (GATEWAY_DIR / "operations" / file).read_text()
        )
        token = issue_token([role.group(1)], AuthSettings()) if role else None
        response = httpx.post(
            platform.gateway_url,
            json={"documentId": document_id},
            headers={"authorization": f"Bearer {token}"} if token else {},
            timeout=30,
        )
        body = response.json()
        assert response.status_code == 200 and "errors" not in body, (file, name, body)
        assert all(value is not None for value in body["data"].values()), (file, name, body)
