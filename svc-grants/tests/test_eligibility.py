"""Grants learns eligibility from education's events; schemes are the directorate's (SQLite)."""

from __future__ import annotations

import pytest

from shared.contracts.education import ENROLMENTS_TOPIC
from shared.events import new_event, parse_event
from shared.runtime import ServiceRuntime
from shared.testing import enrolment_registered, event_bytes, execute
from svc_grants.schema import schema

ELIGIBILITY = """
query($n: String!) { _entities(representations: [{__typename: "Municipality", number: $n}]) {
  ... on Municipality { grantEligibility { enrolmentId status scheme { name budgetNok } } } } }"""
CREATE = """
mutation($input: GrantSchemeInput!) { createGrantScheme(input: $input) {
  name year kind budgetNok committedNok availableNok } }"""


def enrolment_event(status: str = "ACTIVE", municipality: str = "5601") -> bytes:
    payload = enrolment_registered(municipality, status)
    return event_bytes(payload, municipality)


async def deliver(runtime: ServiceRuntime, raw: bytes) -> bool:
    return await runtime.handle(ENROLMENTS_TOPIC, parse_event(raw))


async def test_enrolment_event_makes_the_employer_eligible_once(runtime: ServiceRuntime) -> None:
    raw = enrolment_event()
    assert await deliver(runtime, raw) is True
    assert await deliver(runtime, raw) is False  # redelivery: no second effect
    data, errors = await execute(schema, runtime, ELIGIBILITY, {"n": "5601"}, ["municipality:5601"])
    assert errors == []
    eligibility = data["_entities"][0]["grantEligibility"]
    assert len(eligibility) == 1
    assert eligibility[0]["status"] == "ELIGIBLE"
    assert eligibility[0]["scheme"] is None


async def test_waitlisted_enrolment_awaits_a_seat(runtime: ServiceRuntime) -> None:
    await deliver(runtime, enrolment_event(status="WAITLISTED"))
    data, _ = await execute(schema, runtime, ELIGIBILITY, {"n": "5601"}, ["directorate"])
    assert data["_entities"][0]["grantEligibility"][0]["status"] == "AWAITING_SEAT"


async def test_eligibility_names_the_years_employer_scheme(runtime: ServiceRuntime) -> None:
    await deliver(runtime, enrolment_event())
    scheme = {
        "name": "Tilskudd til arbeidsgivere",
        "year": 2018,
        "kind": "EMPLOYER_FURTHER_EDUCATION",
        "budgetNok": "20000000",
    }
    created, errors = await execute(schema, runtime, CREATE, {"input": scheme}, ["directorate"])
    assert errors == []
    assert created["createGrantScheme"]["budgetNok"] == "20000000.00"
    assert created["createGrantScheme"]["availableNok"] == "20000000.00"
    data, _ = await execute(schema, runtime, ELIGIBILITY, {"n": "5601"}, ["county:56"])
    assert data["_entities"][0]["grantEligibility"][0]["scheme"]["name"] == scheme["name"]


async def test_other_municipalities_cannot_read_eligibility(runtime: ServiceRuntime) -> None:
    await deliver(runtime, enrolment_event())
    data, errors = await execute(schema, runtime, ELIGIBILITY, {"n": "5601"}, ["municipality:0301"])
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    assert data["_entities"][0] is None


@pytest.mark.parametrize(
    ("roles", "field", "code"),
    [
        (["municipality:5601"], None, "FORBIDDEN"),
        (None, None, "UNAUTHENTICATED"),
        (["directorate"], "budgetNok", "BAD_USER_INPUT"),
    ],
)
async def test_scheme_creation_refusals(
    runtime: ServiceRuntime, roles: list[str] | None, field: str | None, code: str
) -> None:
    scheme = {"name": "X", "year": 2018, "kind": "EMPLOYER_FURTHER_EDUCATION", "budgetNok": "-5"}
    _, errors = await execute(schema, runtime, CREATE, {"input": scheme}, roles)
    assert errors[0]["extensions"]["code"] == code
    assert errors[0]["extensions"].get("field") == field
    data, _ = await execute(schema, runtime, "{ grantSchemes { name } }")
    assert data["grantSchemes"] == []


async def test_promotion_and_withdrawal_change_eligibility(runtime: ServiceRuntime) -> None:
    from shared.contracts.education import EnrolmentPromoted, EnrolmentWithdrawn

    raw = enrolment_event(status="WAITLISTED")
    await deliver(runtime, raw)
    registered = parse_event(raw).payload
    for later in (
        EnrolmentPromoted(
            enrolment_id=registered.enrolment_id,
            offering_id=registered.offering_id,
            municipality="5601",
        ),
        EnrolmentWithdrawn(
            enrolment_id=registered.enrolment_id,
            offering_id=registered.offering_id,
            municipality="5601",
            previous_status="ACTIVE",
            reason="moved",
        ),
    ):
        await deliver(
            runtime,
            new_event(later, municipality="5601", producer="education").model_dump_json().encode(),
        )
        data, _ = await execute(schema, runtime, ELIGIBILITY, {"n": "5601"}, ["directorate"])
        status = data["_entities"][0]["grantEligibility"][0]["status"]
        assert status == ("ELIGIBLE" if isinstance(later, EnrolmentPromoted) else "WITHDRAWN")
