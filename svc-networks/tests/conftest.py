"""Networks' service for shared.testing's `runtime` and `gql`, and a driver for its subgraph
and inbox on that runtime."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from shared.contracts.grants import (
    APPLICATIONS_TOPIC,
    GrantApplicationSubmitted,
    GrantAwarded,
    GrantRejected,
)
from shared.events import Contract, parse_event
from shared.runtime import ServiceRuntime
from shared.testing import SubgraphDriver, event_bytes
from shared.web import ServiceDefinition
from svc_networks.app import SERVICE

ROGALAND = "governor:rogaland"
STAVANGER, SANDNES, SOLA = "1103", "1108", "1124"


class Networks(SubgraphDriver):
    """Drives networks as its clients and grants' events do."""

    NETWORK = """id name establishedOn partners county { number }
      members { municipality { number } joinedOn leftOn leadershipContact }
      currentPlan { id version status }"""
    PLAN = """id version title status decidedOn inForceOn
      approvedBy { number } missingApprovals { number }"""
    PROJECT = """id title status budgetNok partner planVersion finalReport
      municipalities { number } costLines { kind amountNok } network { id }"""
    CREATE = f"""mutation($input: LearningNetworkInput!) {{
      createLearningNetwork(input: $input) {{ {NETWORK} }} }}"""
    JOIN = f"""mutation($id: ID!, $m: String!, $contact: String, $on: Date) {{
      joinLearningNetwork(networkId: $id, municipality: $m, leadershipContact: $contact,
                          joinedOn: $on) {{ {NETWORK} }} }}"""
    LEAVE = f"""mutation($id: ID!, $m: String!, $on: Date!) {{
      leaveLearningNetwork(networkId: $id, municipality: $m, leftOn: $on) {{ {NETWORK} }} }}"""
    DRAFT = f"""mutation($id: ID!, $title: String!) {{
      draftCompetencePlan(networkId: $id, title: $title) {{ {PLAN} }} }}"""
    APPROVE = f"""mutation($input: PlanApprovalInput!) {{
      approveCompetencePlan(input: $input) {{ {PLAN} }} }}"""
    PROPOSE = f"""mutation($input: DevelopmentProjectInput!) {{
      proposeDevelopmentProject(input: $input) {{ {PROJECT} }} }}"""
    START = f"mutation($id: ID!) {{ startDevelopmentProject(id: $id) {{ {PROJECT} }} }}"
    COMPLETE = f"""mutation($id: ID!, $report: String!) {{
      completeDevelopmentProject(id: $id, finalReport: $report) {{ {PROJECT} }} }}"""
    PROJECT_BY_ID = f"query($id: ID!) {{ developmentProject(id: $id) {{ {PROJECT} }} }}"
    MEETING = """mutation($input: DialogueMeetingInput!) { recordDialogueMeeting(input: $input) {
      id municipality { number } heldOn topics participants } }"""
    RISK = """mutation($input: RiskAssessmentInput!) { recordRiskAssessment(input: $input) {
      municipality { number } assessedOn level concerns } }"""
    ENTITIES = """query($reps: [_Any!]!) { _entities(representations: $reps) {
      ... on Municipality { number %s } } }"""

    schema = SERVICE.schema

    async def error(
        self, query: str, variables: dict[str, Any] | None = None, roles: list[str] | None = None
    ) -> dict[str, Any]:
        """The extensions and message of the one error of a call that must fail."""
        error = await self.failure(query, variables, roles)
        return {**error["extensions"], "message": error["message"]}

    async def entities(
        self, fields: str, numbers: list[str], roles: list[str] | None = None
    ) -> list[dict[str, Any]]:
        reps = [{"__typename": "Municipality", "number": n} for n in numbers]
        data = await self.call(self.ENTITIES % fields, {"reps": reps}, roles)
        return data["_entities"]

    async def network(
        self, members: list[str], county: str = "11", roles: list[str] | None = None, **fields: Any
    ) -> dict[str, Any]:
        network = {"county": county, "name": "Læringsnettverk Rogaland", "members": members}
        data = await self.call(self.CREATE, {"input": network | fields}, roles or [ROGALAND])
        return data["createLearningNetwork"]

    async def join(self, network_id: str, municipality: str, **fields: Any) -> dict[str, Any]:
        variables = {"id": network_id, "m": municipality, **fields}
        return (await self.call(self.JOIN, variables, [ROGALAND]))["joinLearningNetwork"]

    async def draft(self, network_id: str, title: str = "Kompetanseplan") -> dict[str, Any]:
        data = await self.call(self.DRAFT, {"id": network_id, "title": title}, [ROGALAND])
        return data["draftCompetencePlan"]

    async def decide(self, plan_id: str) -> dict[str, Any]:
        data = await self.call(self.APPROVE, {"input": {"planId": plan_id}}, [ROGALAND])
        return data["approveCompetencePlan"]

    async def approve(self, plan_id: str, municipality: str) -> dict[str, Any]:
        variables = {"input": {"planId": plan_id, "municipality": municipality}}
        data = await self.call(self.APPROVE, variables, [f"municipality:{municipality}"])
        return data["approveCompetencePlan"]

    async def network_in_force(self, members: list[str]) -> tuple[str, str]:
        """A network whose plan every member approved: (network id, plan id)."""
        network = await self.network(members)
        plan = await self.draft(network["id"])
        await self.decide(plan["id"])
        for member in members:
            await self.approve(plan["id"], member)
        return network["id"], plan["id"]

    @staticmethod
    def proposal(network_id: str, municipalities: list[str], **fields: Any) -> dict[str, Any]:
        return {
            "networkId": network_id,
            "title": "Felles fagteam for små tjenester",
            "municipalities": municipalities,
            "partner": "Universitetet i Stavanger",
            "budgetNok": "300000",
            **fields,
        }

    async def propose(
        self, network_id: str, municipalities: list[str], **fields: Any
    ) -> dict[str, Any]:
        variables = {"input": self.proposal(network_id, municipalities, **fields)}
        roles = [f"municipality:{municipalities[0]}"]
        return (await self.call(self.PROPOSE, variables, roles))["proposeDevelopmentProject"]

    async def project(self, project_id: str) -> dict[str, Any]:
        return (await self.call(self.PROJECT_BY_ID, {"id": project_id}))["developmentProject"]

    async def deliver(self, payload: Contract, municipality: str) -> bool:
        raw = event_bytes(payload, municipality)
        return await self.runtime.handle(APPLICATIONS_TOPIC, parse_event(raw))

    async def grant_application(self, project_id: str | None, municipality: str) -> uuid.UUID:
        application_id = uuid.uuid4()
        await self.deliver(self.submitted(application_id, project_id, municipality), municipality)
        return application_id

    @staticmethod
    def submitted(
        application_id: uuid.UUID, project_id: str | None, municipality: str
    ) -> GrantApplicationSubmitted:
        return GrantApplicationSubmitted(
            application_id=application_id,
            scheme_id=uuid.uuid4(),
            municipality=municipality,
            kind="DEVELOPMENT_PROJECT",
            year=2018,
            county="11",
            requested_ore=300_000_00,
            project_id=uuid.UUID(project_id) if project_id else None,
        )

    @staticmethod
    def awarded(application_id: uuid.UUID, municipality: str) -> GrantAwarded:
        return GrantAwarded(
            application_id=application_id,
            scheme_id=uuid.uuid4(),
            municipality=municipality,
            amount_ore=300_000_00,
            reason="within the guidelines",
        )

    @staticmethod
    def rejected(application_id: uuid.UUID, municipality: str) -> GrantRejected:
        return GrantRejected(
            application_id=application_id,
            scheme_id=uuid.uuid4(),
            municipality=municipality,
            reason="outside the guidelines",
        )

    async def outbox(self) -> list[dict[str, Any]]:
        """Every event emitted so far: type, key and payload."""
        async with self.runtime.sessions() as session:
            outbox = self.runtime.outbox
            rows = await session.execute(
                select(outbox.c.type, outbox.c.key, outbox.c.envelope).order_by(outbox.c.id)
            )
            return [
                {"type": t, "key": k, "payload": envelope["payload"]} for t, k, envelope in rows
            ]

    async def outbox_types(self) -> list[str]:
        return [event["type"] for event in await self.outbox()]


@pytest.fixture
def service_definition() -> ServiceDefinition:
    return SERVICE


@pytest.fixture
def networks(runtime: ServiceRuntime) -> Networks:
    return Networks(runtime)


@pytest.fixture
def networks_driver() -> type[Networks]:
    """The driver itself, for tests that make their own runtime (real PostgreSQL and Kafka)."""
    return Networks
