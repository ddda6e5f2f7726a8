"""A migrated grants runtime on SQLite and a driver for its subgraph and inbox."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from shared.contracts.education import (
    ENROLMENTS_TOPIC,
    CourseCompleted,
    EnrolmentWithdrawn,
)
from shared.contracts.networks import (
    PLANS_TOPIC,
    PROJECTS_TOPIC,
    CompetencePlanInForce,
    CompetencePlanWithdrawn,
    DevelopmentProjectProposed,
)
from shared.events import Contract, parse_event
from shared.runtime import ServiceRuntime
from shared.testing import SubgraphDriver, enrolment_registered, event_bytes
from shared.web import ServiceDefinition
from svc_grants.app import SERVICE
from svc_grants.models import GrantScheme

DIRECTORATE = ["directorate"]
ALTA = "5601"  # Finnmark (56)


class Grants(SubgraphDriver):
    """Drives grants as its clients and its event sources do."""

    APPLICATION = """
    id status requestedNok approvedNok paidNok reclaimedNok priority enrolmentId projectId
    scheme { id committedNok paidNok availableNok } municipality { number }
    history { by role from to reason amountNok }"""
    SUBMIT = f"""mutation($input: GrantApplicationInput!) {{
      submitGrantApplication(input: $input) {{ {APPLICATION} }} }}"""
    DECIDE = f"""mutation($id: ID!, $input: GrantDecisionInput!) {{
      decideGrantApplication(id: $id, input: $input) {{ {APPLICATION} }} }}"""
    DECLARE = """mutation($id: ID!, $recuse: Boolean!, $reason: String) {
      declareGrantImpartiality(id: $id, recuse: $recuse, reason: $reason) { id status } }"""
    START = f"mutation($id: ID!) {{ startGrantAssessment(id: $id) {{ {APPLICATION} }} }}"
    PAY = f"""mutation($id: ID!, $amount: String!) {{
      recordGrantPayment(id: $id, amountNok: $amount) {{ {APPLICATION} }} }}"""
    SETTLE = f"mutation($id: ID!) {{ settleGrantApplication(id: $id) {{ {APPLICATION} }} }}"
    RECLAIM = f"""mutation($id: ID!, $amount: String!, $reason: String!) {{
      reclaimGrant(id: $id, amountNok: $amount, reason: $reason) {{ {APPLICATION} }} }}"""
    ONE = f"query($id: ID!) {{ grantApplication(id: $id) {{ {APPLICATION} }} }}"
    REPORT = "id kind dueOn status submittedOn"
    SUBMIT_REPORT = f"""mutation($input: GrantReportInput!) {{
      submitGrantReport(input: $input) {{ {REPORT} }} }}"""
    DECIDE_REPORT = f"""mutation($id: ID!, $approve: Boolean!, $reason: String!) {{
      decideGrantReport(id: $id, approve: $approve, reason: $reason) {{ {REPORT} }} }}"""
    REPORTS = f"query($id: ID!) {{ grantApplication(id: $id) {{ reports {{ {REPORT} }} }} }}"
    CREATE_SCHEME = """mutation($input: GrantSchemeInput!) { createGrantScheme(input: $input) {
      id county budgetNok committedNok paidNok availableNok capPerEnrolmentNok } }"""

    schema = SERVICE.schema

    async def error_or_data(
        self, query: str, variables: dict[str, Any], roles: list[str]
    ) -> dict[str, Any]:
        """The data of a call, or its one error's extensions."""
        data, errors = await self.raw(query, variables, roles)
        return errors[0]["extensions"] if errors else data or {}

    async def scheme(self, budget: str = "1000000", **fields: Any) -> str:
        scheme = {"name": "Tilskudd", "year": 2018, "kind": "EMPLOYER_FURTHER_EDUCATION"}
        scheme |= {"budgetNok": budget, **fields}
        data = await self.call(self.CREATE_SCHEME, {"input": scheme}, DIRECTORATE)
        return data["createGrantScheme"]["id"]

    async def project_scheme(self, county: str = "11", budget: str = "1000000") -> str:
        return await self.scheme(budget, kind="DEVELOPMENT_PROJECT", county=county)

    async def deliver(self, topic: str, payload: Contract, municipality: str) -> bool:
        return await self.redeliver(topic, event_bytes(payload, municipality))

    async def redeliver(self, topic: str, raw: bytes) -> bool:
        return await self.runtime.handle(topic, parse_event(raw))

    async def enrolment(
        self, municipality: str = ALTA, status: str = "ACTIVE", term: str = "2018H"
    ) -> str:
        registered = enrolment_registered(municipality, status, term)
        await self.deliver(ENROLMENTS_TOPIC, registered, municipality)
        return str(registered.enrolment_id)

    def withdrawal(self, enrolment_id: str, municipality: str = ALTA) -> bytes:
        payload = EnrolmentWithdrawn(
            enrolment_id=uuid.UUID(enrolment_id),
            offering_id=uuid.uuid4(),
            municipality=municipality,
            previous_status="ACTIVE",
            reason="moved away",
        )
        return event_bytes(payload, municipality)

    async def withdraw(self, enrolment_id: str, municipality: str = ALTA) -> bool:
        return await self.redeliver_enrolment(self.withdrawal(enrolment_id, municipality))

    async def redeliver_enrolment(self, raw: bytes) -> bool:
        return await self.redeliver(ENROLMENTS_TOPIC, raw)

    async def complete(self, enrolment_id: str, municipality: str = ALTA) -> None:
        payload = CourseCompleted(
            enrolment_id=uuid.UUID(enrolment_id),
            municipality=municipality,
            credits=30,
            completed_on=date(2019, 6, 15),
        )
        await self.deliver(ENROLMENTS_TOPIC, payload, municipality)

    async def plan(self, municipalities: list[str], network_id: uuid.UUID) -> uuid.UUID:
        plan_id = uuid.uuid4()
        payload = CompetencePlanInForce(
            plan_id=plan_id,
            network_id=network_id,
            county="11",
            title="Kompetanseplan Rogaland",
            municipalities=municipalities,
            in_force_on=date(2018, 9, 1),
        )
        await self.deliver(PLANS_TOPIC, payload, municipalities[0])
        return plan_id

    async def withdraw_plan(self, plan_id: uuid.UUID, network_id: uuid.UUID) -> None:
        payload = CompetencePlanWithdrawn(
            plan_id=plan_id,
            network_id=network_id,
            county="11",
            reason="municipality 1108 joined the network",
            withdrawn_on=date(2018, 11, 1),
        )
        await self.deliver(PLANS_TOPIC, payload, "1103")

    async def project(
        self,
        municipalities: list[str],
        network_id: uuid.UUID,
        partner: str | None = "Universitetet i Stavanger",
    ) -> str:
        project_id = uuid.uuid4()
        payload = DevelopmentProjectProposed(
            project_id=project_id,
            network_id=network_id,
            county="11",
            title="Felles fagteam",
            municipalities=municipalities,
            partner=partner,
            proposed_on=date(2018, 10, 1),
        )
        await self.deliver(PROJECTS_TOPIC, payload, municipalities[0])
        return str(project_id)

    async def submit(
        self, scheme_id: str, amount: str = "50000", roles: list[str] | None = None, **fields: Any
    ) -> dict[str, Any]:
        variables = {"input": self.application(scheme_id, amount, **fields)}
        data = await self.call(self.SUBMIT, variables, roles or [_role(fields)])
        return data["submitGrantApplication"]

    async def decide(
        self, application_id: str, outcome: str = "APPROVE", roles: list[str] | None = None, **kw
    ) -> dict[str, Any]:
        await self.declare(application_id, roles)
        decision = {"outcome": outcome, "reason": "within the guidelines", **kw}
        data = await self.call(self.DECIDE, {"id": application_id, "input": decision}, roles)
        return data["decideGrantApplication"]

    async def declare(
        self, application_id: str, roles: list[str] | None, recuse: bool = False, **kw: Any
    ) -> None:
        """The assessor declares no conflict of interest (or recuses) before deciding."""
        variables = {"id": application_id, "recuse": recuse, **kw}
        await self.call(self.DECLARE, variables, roles)

    async def reports(self, application_id: str) -> dict[str, dict[str, Any]]:
        """The application's reports by kind."""
        data = await self.call(self.REPORTS, {"id": application_id}, DIRECTORATE)
        return {r["kind"]: r for r in data["grantApplication"]["reports"]}

    async def submit_report(
        self, application_id: str, kind: str = "FINAL", roles: list[str] | None = None
    ) -> dict[str, Any]:
        report = {"applicationId": application_id, "kind": kind, "text": "Gjennomført etter planen"}
        variables = {"input": report | {"spentNok": "1000"}}
        data = await self.call(self.SUBMIT_REPORT, variables, roles or [f"municipality:{ALTA}"])
        return data["submitGrantReport"]

    async def final_report_approved(
        self, application_id: str, holder: list[str] | None = None, roles: list[str] | None = None
    ) -> None:
        """The final report handed in and approved: the final payment may follow."""
        await self.submit_report(application_id, "FINAL", holder)
        await self.final_report_approved_after_submission(application_id, roles)

    async def final_report_approved_after_submission(
        self, application_id: str, roles: list[str] | None = None
    ) -> None:
        report = (await self.reports(application_id))["FINAL"]
        variables = {"id": report["id"], "approve": True, "reason": "Godkjent"}
        await self.call(self.DECIDE_REPORT, variables, roles or DIRECTORATE)

    async def one(self, application_id: str) -> dict[str, Any]:
        return (await self.call(self.ONE, {"id": application_id}, DIRECTORATE))["grantApplication"]

    @staticmethod
    def application(scheme_id: str, amount: str = "50000", **fields: Any) -> dict[str, Any]:
        return {
            "schemeId": scheme_id,
            "municipality": ALTA,
            "amountNok": amount,
            "purpose": "Vikar, reise og litteratur",
            **fields,
        }

    async def outbox_types(self) -> list[str]:
        async with self.runtime.sessions() as session:
            outbox = self.runtime.outbox
            return list(await session.scalars(select(outbox.c.type).order_by(outbox.c.id)))

    async def scheme_row(self, scheme_id: str) -> GrantScheme:
        async with self.runtime.sessions() as session:
            return await session.get_one(GrantScheme, uuid.UUID(scheme_id))


def _role(fields: dict[str, Any]) -> str:
    return f"municipality:{fields.get('municipality', ALTA)}"


@pytest.fixture
def service_definition() -> ServiceDefinition:
    return SERVICE


@pytest.fixture
def grants(runtime: ServiceRuntime) -> Grants:
    return Grants(runtime)
