"""`platformEvents` over a real WebSocket (graphql-transport-ws), and over SSE, to a running
guidance service, with events from real Kafka: one from education's mutation through its outbox
relay, the others contract-valid envelopes produced to education's topic."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from aiokafka import AIOKafkaProducer
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from localinfra.ports import free_port
from shared.auth import issue_token
from shared.contracts.education import ENROLMENTS_TOPIC, EnrolmentRegistered
from shared.db import migrate
from shared.events import new_event
from shared.messaging import ensure_topics
from shared.runtime import ServiceRuntime
from shared.settings import AuthSettings, ServiceSettings
from shared.testing import execute, sqlite_url

pytestmark = pytest.mark.integration

SUBSCRIBE = """subscription($m: String, $c: String) {
  platformEvents(municipality: $m, county: $c) { type occurredAt municipality payload } }"""
ARRIVAL = 60  # seconds: generous, only a bound on waiting for what must arrive


@dataclass
class Guidance:
    url: str
    runtime: ServiceRuntime

    async def until_subscribers(self, count: int) -> None:
        """Events are live: a test produces only once its subscribers are registered."""
        async with asyncio.timeout(ARRIVAL):
            while self.runtime.live.subscribers != count:
                await asyncio.sleep(0.05)


@pytest.fixture(scope="module")
async def guidance(
    kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Guidance]:
    from svc_guidance.app import SERVICE

    await ensure_topics(kafka_bootstrap, [ENROLMENTS_TOPIC], partitions=3)
    port = free_port()
    settings = ServiceSettings(
        service="guidance",
        port=port,
        database_url=sqlite_url(tmp_path_factory.mktemp("guidance"), "guidance"),
        kafka_bootstrap_servers=kafka_bootstrap,
        migrate_on_start=True,  # a fresh file; the development setting migrates it
    )
    runtime = SERVICE.runtime(settings)
    server = uvicorn.Server(
        uvicorn.Config(SERVICE.app(runtime), host="127.0.0.1", port=port, log_config=None)
    )
    serving = asyncio.create_task(server.serve())
    async with asyncio.timeout(ARRIVAL):
        while not server.started:
            await asyncio.sleep(0.05)
    yield Guidance(url=f"ws://127.0.0.1:{port}/graphql", runtime=runtime)
    server.should_exit = True
    await serving


def bearer(role: str) -> str:
    return f"Bearer {issue_token([role], AuthSettings())}"


@contextlib.asynccontextmanager
async def subscribed(
    guidance: Guidance,
    *,
    init: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    variables: dict[str, Any] | None = None,
) -> AsyncIterator[ClientConnection]:
    """A WebSocket with `platformEvents` subscribed as operation "1"."""
    async with connect(
        guidance.url,
        subprotocols=[Subprotocol("graphql-transport-ws")],
        additional_headers=headers or {},
    ) as socket:
        await socket.send(json.dumps({"type": "connection_init", "payload": init or {}}))
        assert (await receive(socket))["type"] == "connection_ack"
        subscribe = {"query": SUBSCRIBE, "variables": variables or {}}
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": subscribe}))
        yield socket


async def receive(socket: ClientConnection) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(socket.recv(), timeout=ARRIVAL))


async def next_event(socket: ClientConnection) -> dict[str, Any]:
    message = await receive(socket)
    assert message["type"] == "next", message
    return message["payload"]["data"]["platformEvents"]


async def refusal(guidance: Guidance, **subscription: Any) -> dict[str, Any]:
    """The protocol's `error` message for a subscription refused before it started."""
    async with subscribed(guidance, **subscription) as socket:
        message = await receive(socket)
    assert message["type"] == "error", message
    assert message["id"] == "1"
    [error] = message["payload"]
    return error


@pytest.fixture
async def produce(kafka_bootstrap: str) -> AsyncIterator[Callable[..., Any]]:
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()

    async def send(*municipalities: str, institution: str = "uis") -> list[str]:
        """Enrolments in these municipalities, in this order (one partition); their refs."""
        refs = []
        for municipality in municipalities:
            payload = registration(municipality, institution)
            envelope = new_event(payload, municipality=municipality, producer="education")
            raw = envelope.model_dump_json().encode()
            await producer.send_and_wait(
                ENROLMENTS_TOPIC, raw, key=municipality.encode(), partition=0
            )
            refs.append(payload.external_ref)
        return refs

    yield send
    await producer.stop()


def registration(municipality: str, institution: str) -> EnrolmentRegistered:
    return EnrolmentRegistered(
        enrolment_id=uuid.uuid4(),
        offering_id=uuid.uuid4(),
        programme_id=uuid.uuid4(),
        institution_id=institution,
        term="2018H",
        municipality=municipality,
        employee_ref=f"e-{uuid.uuid4().hex[:6]}",
        external_ref=uuid.uuid4().hex,
        status="ACTIVE",
    )


def external_ref(event: dict[str, Any]) -> str:
    return json.loads(event["payload"])["external_ref"]


async def test_an_enrolment_registered_in_education_reaches_a_subscriber_of_guidance(
    guidance: Guidance, kafka_bootstrap: str, tmp_path: Path
) -> None:
    from svc_education.app import SERVICE as EDUCATION
    from svc_education.schema import schema

    url = sqlite_url(tmp_path, "education")
    education = EDUCATION.runtime(
        ServiceSettings(
            service="education", port=0, database_url=url, kafka_bootstrap_servers=kafka_bootstrap
        )
    )
    await migrate(education.migrations_dir, url)
    offering = await offering_of_uis(education, schema)

    # Alta's leader (token in connection_init), UiS (token in the upgrade request's header).
    async with (
        subscribed(guidance, init={"Authorization": bearer("municipality:5601")}) as alta,
        subscribed(guidance, headers={"Authorization": bearer("institution:uis")}) as uis,
    ):
        await guidance.until_subscribers(2)
        ref = uuid.uuid4().hex
        data, errors = await execute(
            schema,
            education,
            """mutation($i: [EnrolmentInput!]!) { registerEnrolments(input: $i) { accepted } }""",
            {"i": [enrolment_input(offering, ref, municipality="2012")]},  # Alta's 2018 number
            roles=["institution:uis"],
        )
        assert errors == [] and data == {"registerEnrolments": {"accepted": 1}}
        assert await education.relay.publish_pending() == 1  # the outbox relay sends it

        for socket in (alta, uis):
            event = await next_event(socket)
            assert event["type"] == "EnrolmentRegistered"
            assert event["municipality"] == "5601"
            assert event["occurredAt"].endswith("+00:00")
            assert external_ref(event) == ref
    await education.relay.close()
    await education.engine.dispose()


async def offering_of_uis(education: ServiceRuntime, schema: Any) -> str:
    programmes, _ = await execute(schema, education, "{ programmes { id } }")
    assert programmes is not None
    created, errors = await execute(
        schema,
        education,
        "mutation($i: OfferingInput!) { createOffering(input: $i) { id } }",
        {"i": {"programmeId": programmes["programmes"][0]["id"], "term": "2018H", "seats": 5}},
        roles=["institution:uis"],
    )
    assert errors == [] and created is not None, errors
    return created["createOffering"]["id"]


def enrolment_input(offering: str, ref: str, municipality: str) -> dict[str, str]:
    return {
        "offeringId": offering,
        "municipality": municipality,
        "employeeRef": f"e-{ref}",
        "externalRef": ref,
    }


async def test_each_subscriber_sees_only_what_it_may_read(
    guidance: Guidance, produce: Callable[..., Any]
) -> None:
    # `token` is what a router sends: "Bearer <jwt>" or the bare JWT.
    bare_jwt = issue_token(["directorate"], AuthSettings())
    async with (
        subscribed(guidance, init={"Authorization": bearer("municipality:5601")}) as alta,
        subscribed(guidance, init={"token": bearer("county:03")}) as oslo_governor,
        subscribed(guidance, init={"token": bare_jwt}) as directorate,
        subscribed(guidance, init={"Authorization": bearer("institution:uit")}) as uit,
    ):
        await guidance.until_subscribers(4)
        # One partition: whoever sees the last one has been shown the earlier ones, if any.
        oslo, tromso, alta_ref = await produce("0301", "5501", "5601")
        uit_ref = (await produce("5601", institution="uit"))[0]

        assert [external_ref(await next_event(alta)) for _ in range(2)] == [alta_ref, uit_ref]
        assert external_ref(await next_event(oslo_governor)) == oslo
        directorate_sees = [external_ref(await next_event(directorate)) for _ in range(4)]
        assert directorate_sees == [oslo, tromso, alta_ref, uit_ref]
        assert external_ref(await next_event(uit)) == uit_ref

        # Oslo's governor was shown nothing of Finnmark's: its next event is Oslo's again.
        later_oslo = (await produce("5601", "0301"))[1]
        assert external_ref(await next_event(oslo_governor)) == later_oslo


async def test_filters_narrow_to_one_municipality_or_county(
    guidance: Guidance, produce: Callable[..., Any]
) -> None:
    directorate = {"Authorization": bearer("directorate")}
    async with (
        subscribed(guidance, init=directorate, variables={"m": "2012"}) as alta_by_old_number,
        subscribed(guidance, init=directorate, variables={"c": "55"}) as troms,
    ):
        await guidance.until_subscribers(2)
        _, tromso, alta = await produce("0301", "5501", "5601")
        assert external_ref(await next_event(alta_by_old_number)) == alta
        assert external_ref(await next_event(troms)) == tromso


async def test_anonymous_and_forged_tokens_are_unauthenticated(guidance: Guidance) -> None:
    anonymous = await refusal(guidance)
    assert anonymous["extensions"]["code"] == "UNAUTHENTICATED"
    forged = await refusal(guidance, init={"Authorization": "Bearer not.a.token"})
    assert forged["extensions"]["code"] == "UNAUTHENTICATED"
    assert guidance.runtime.live.subscribers == 0


async def test_a_filter_beyond_the_principals_reach_is_forbidden(guidance: Guidance) -> None:
    alta = {"Authorization": bearer("municipality:5601")}
    other_municipality = await refusal(guidance, init=alta, variables={"m": "0301"})
    assert other_municipality["extensions"]["code"] == "FORBIDDEN"
    other_county = await refusal(
        guidance, init={"Authorization": bearer("county:03")}, variables={"c": "56"}
    )
    assert other_county["extensions"]["code"] == "FORBIDDEN"
    unknown = await refusal(guidance, init=alta, variables={"m": "9999"})
    assert unknown["extensions"] == {"code": "BAD_USER_INPUT", "field": "municipality"}


async def test_ending_a_subscription_unregisters_it(guidance: Guidance) -> None:
    async with subscribed(guidance, init={"Authorization": bearer("directorate")}) as socket:
        await guidance.until_subscribers(1)
        await socket.send(json.dumps({"id": "1", "type": "complete"}))
        await guidance.until_subscribers(0)


async def test_over_sse_a_subscriber_receives_what_it_may_read_and_anonymous_is_refused(
    guidance: Guidance, produce: Callable[..., Any]
) -> None:
    http_url = guidance.url.replace("ws://", "http://")
    sse = {"Accept": "text/event-stream"}
    alta = {**sse, "Authorization": bearer("municipality:5601")}
    async with httpx.AsyncClient(timeout=ARRIVAL) as client:
        async with client.stream(
            "POST", http_url, json={"query": SUBSCRIBE}, headers=alta
        ) as response:
            await guidance.until_subscribers(1)
            _, alta_ref = await produce("0301", "5601")
            first = await anext(sse_payloads(response))
        await guidance.until_subscribers(0)  # a closed stream is unregistered
        async with client.stream(
            "POST", http_url, json={"query": SUBSCRIBE}, headers=sse
        ) as response:
            refused = [payload async for payload in sse_payloads(response)]
    assert external_ref(first["data"]["platformEvents"]) == alta_ref
    [error] = refused[0]["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


async def sse_payloads(response: httpx.Response) -> AsyncIterator[dict[str, Any]]:
    """The payloads of a GraphQL-over-SSE stream's `next` events, until it completes."""
    async for line in response.aiter_lines():
        if line.startswith("data: ") and line != "data: ":
            yield json.loads(line.removeprefix("data: "))
