"""Guidance's test fixtures (runtime and gql come from shared.testing) and a driver for its
subgraph and inbox."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from shared.contracts.networks import RISK_TOPIC, RiskAssessed
from shared.events import parse_event
from shared.runtime import ServiceRuntime
from shared.testing import SubgraphDriver, event_bytes
from shared.web import ServiceDefinition
from svc_guidance.app import SERVICE

DIRECTORATE = ["directorate"]
ALTA = "5601"  # Finnmark (56)


class Guidance(SubgraphDriver):
    """Drives guidance as its clients and networks' risk events do."""

    CASE = "id origin status reason evidence committedHoursPerMonth riskLevel openedOn"
    CASE += " municipality { number }"
    ENGAGEMENT = """id round startsOn endsOn status closedOn finalReport endedReason
      municipality { number } coveredMunicipalities { number }
      advisers { id name capacity activeEngagements } case { id status }"""
    NOMINATE = f"""mutation($i: GuidanceNominationInput!) {{
      nominateForGuidance(input: $i) {{ {CASE} }} }}"""
    REQUEST = f"""mutation($i: GuidanceRequestInput!) {{
      requestGuidance(input: $i) {{ {CASE} }} }}"""
    RESPOND = f"""mutation($id: ID!, $accept: Boolean!, $hours: Int) {{
      respondToGuidance(caseId: $id, accept: $accept, committedHoursPerMonth: $hours) {{
        {CASE} }} }}"""
    REGISTER = """mutation($i: GuidanceAdviserInput!) { registerGuidanceAdviser(input: $i) {
      id name capacity activeEngagements utilisation background region } }"""
    START = f"""mutation($i: GuidanceEngagementInput!) {{
      startGuidanceEngagement(input: $i) {{ {ENGAGEMENT} }} }}"""
    COMPLETE = f"""mutation($id: ID!, $report: String!, $on: Date) {{
      completeGuidanceEngagement(id: $id, finalReport: $report, completedOn: $on) {{
        {ENGAGEMENT} }} }}"""
    END_EARLY = f"""mutation($id: ID!, $reason: String!, $on: Date) {{
      endGuidanceEngagementEarly(id: $id, reason: $reason, endedOn: $on) {{ {ENGAGEMENT} }} }}"""
    QUEUE = f"{{ guidanceQueue {{ {CASE} }} }}"
    ADVISERS = "{ guidanceAdvisers { id name capacity activeEngagements utilisation } }"

    schema = SERVICE.schema

    async def nominate(self, municipality: str = ALTA, **fields: Any) -> dict[str, Any]:
        nomination = {"municipality": municipality, "reason": "Svikt i tjenesten", **fields}
        data = await self.call(self.NOMINATE, {"i": nomination}, DIRECTORATE)
        return data["nominateForGuidance"]

    async def respond(
        self, case_id: str, accept: bool = True, hours: int | None = 40, municipality: str = ALTA
    ) -> dict[str, Any]:
        variables = {"id": case_id, "accept": accept, "hours": hours}
        data = await self.call(self.RESPOND, variables, [f"municipality:{municipality}"])
        return data["respondToGuidance"]

    async def accepted(self, municipality: str = ALTA) -> str:
        case = await self.nominate(municipality)
        await self.respond(case["id"], municipality=municipality)
        return case["id"]

    async def adviser(self, name: str = "Rådgiver A", capacity: int = 2) -> str:
        adviser = {"name": name, "capacity": capacity, "background": "Leder", "region": "Nord"}
        data = await self.call(self.REGISTER, {"i": adviser}, DIRECTORATE)
        return data["registerGuidanceAdviser"]["id"]

    @staticmethod
    def engagement(case_id: str, advisers: list[str], **fields: Any) -> dict[str, Any]:
        return {
            "caseId": case_id,
            "round": 2018,
            "startsOn": "2018-09-01",
            "advisers": advisers,
            **fields,
        }

    async def start(self, case_id: str, advisers: list[str], **fields: Any) -> dict[str, Any]:
        variables = {"i": self.engagement(case_id, advisers, **fields)}
        return (await self.call(self.START, variables, DIRECTORATE))["startGuidanceEngagement"]

    async def assess(
        self, municipality: str, level: str, assessed_on: date = date(2018, 6, 1)
    ) -> bool:
        """Delivers a RiskAssessed event to guidance's inbox, as networks would publish it."""
        payload = RiskAssessed(
            assessment_id=uuid.uuid4(),
            municipality=municipality,
            county=municipality[:2],
            assessed_on=assessed_on,
            level=level,
        )
        raw = event_bytes(payload, municipality)
        return await self.runtime.handle(RISK_TOPIC, parse_event(raw))

    async def queue(self) -> list[tuple[str, str | None]]:
        cases = (await self.call(self.QUEUE, roles=DIRECTORATE))["guidanceQueue"]
        return [(c["municipality"]["number"], c["riskLevel"]) for c in cases]

    async def outbox_types(self) -> list[str]:
        outbox = self.runtime.outbox
        async with self.runtime.sessions() as session:
            return list(await session.scalars(select(outbox.c.type).order_by(outbox.c.id)))

    async def outbox_payloads(self, event_type: str) -> list[dict[str, Any]]:
        outbox = self.runtime.outbox
        query = select(outbox.c.envelope).where(outbox.c.type == event_type).order_by(outbox.c.id)
        async with self.runtime.sessions() as session:
            return [envelope["payload"] for envelope in await session.scalars(query)]


@pytest.fixture
def service_definition() -> ServiceDefinition:
    return SERVICE


@pytest.fixture
def guidance(runtime: ServiceRuntime) -> Guidance:
    return Guidance(runtime)
