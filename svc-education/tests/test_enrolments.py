"""Enrolment use cases through education's subgraph, on SQLite (fast, no Kafka)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from shared.runtime import ServiceRuntime
from shared.testing import execute, sqlite_read_plans
from svc_education.models import Enrolment, Institution, Offering, Programme
from svc_education.schema import schema

REGISTER = """
mutation Register($input: [EnrolmentInput!]!) {
  registerEnrolments(input: $input) {
    accepted replayed waitlisted rejected
    items { externalRef status field reason enrolment { id status municipality { number } } }
  }
}"""
UIS = ["institution:uis"]


async def offering(runtime: ServiceRuntime, seats: int, institution: str = "uis") -> str:
    async with runtime.unit_of_work() as uow:
        if await uow.session.get(Institution, institution) is None:
            uow.session.add(Institution(id=institution, name=institution))
        programme = Programme(id=uuid.uuid4(), name=f"P {uuid.uuid4()}", credits=30, theme="t")
        uow.session.add(programme)
        await uow.session.flush()
        row = Offering(
            id=uuid.uuid4(),
            programme_id=programme.id,
            institution_id=institution,
            term="2018H",
            seats=seats,
            seats_taken=0,
        )
        uow.session.add(row)
    return str(row.id)


def enrolment(
    offering_id: str, ref: str, municipality: str = "5601", employee: str | None = None
) -> dict:
    return {
        "offeringId": offering_id,
        "municipality": municipality,
        "employeeRef": employee or f"emp-{ref}",
        "externalRef": ref,
    }


async def stored(runtime: ServiceRuntime) -> int:
    async with runtime.sessions() as session:
        return await session.scalar(select(func.count()).select_from(Enrolment))


async def pending_events(runtime: ServiceRuntime) -> int:
    async with runtime.sessions() as session:
        return await session.scalar(select(func.count()).select_from(runtime.outbox))


async def test_batch_stores_exactly_the_good_rows_in_input_order(runtime: ServiceRuntime) -> None:
    offering_id = await offering(runtime, seats=10)
    rows = [
        enrolment(offering_id, "a", municipality="2012"),
        enrolment(offering_id, "b", municipality="9999"),
        enrolment(str(uuid.uuid4()), "c"),
        enrolment(offering_id, "d", municipality="0301"),
    ]
    data, errors = await execute(schema, runtime, REGISTER, {"input": rows}, UIS)
    assert errors == []
    result = data["registerEnrolments"]
    assert [i["externalRef"] for i in result["items"]] == ["a", "b", "c", "d"]
    assert [i["status"] for i in result["items"]] == [
        "ACCEPTED",
        "REJECTED",
        "REJECTED",
        "ACCEPTED",
    ]
    assert result["items"][1]["field"] == "municipality"
    assert result["items"][2]["field"] == "offeringId"
    assert result["items"][0]["enrolment"]["municipality"]["number"] == "5601"
    assert (result["accepted"], result["rejected"]) == (2, 2)
    assert await stored(runtime) == 2
    assert await pending_events(runtime) == 2


async def test_a_registration_looks_up_by_index_not_through_all_the_institutions_enrolments(
    runtime: ServiceRuntime,
) -> None:
    """A registration's cost must not grow with the enrolments the institution already has:
    each row it reads is found through an index on what the lookup names (SQLite's plan)."""
    offering_id = await offering(runtime, seats=10)
    rows = {"input": [enrolment(offering_id, "a")]}
    plans = await sqlite_read_plans(
        runtime.engine, lambda: execute(schema, runtime, REGISTER, rows, UIS)
    )
    assert plans
    for statement, steps in plans:
        assert not [s for s in steps if s.startswith("SCAN")], (statement, steps)
        # The institution alone narrows nothing: all its enrolments would be read.
        assert not [s for s in steps if s.endswith("(institution_id=?)")], (statement, steps)


async def test_replay_answers_replayed_and_changes_nothing(runtime: ServiceRuntime) -> None:
    offering_id = await offering(runtime, seats=10)
    rows = [enrolment(offering_id, "a")]
    first, _ = await execute(schema, runtime, REGISTER, {"input": rows}, UIS)
    again, _ = await execute(schema, runtime, REGISTER, {"input": rows}, UIS)
    assert again["registerEnrolments"]["replayed"] == 1
    first_id = first["registerEnrolments"]["items"][0]["enrolment"]["id"]
    assert again["registerEnrolments"]["items"][0]["enrolment"]["id"] == first_id
    assert await stored(runtime) == 1
    assert await pending_events(runtime) == 1


async def test_full_offering_waitlists_instead_of_overselling(runtime: ServiceRuntime) -> None:
    offering_id = await offering(runtime, seats=1)
    rows = [enrolment(offering_id, "a"), enrolment(offering_id, "b")]
    data, _ = await execute(schema, runtime, REGISTER, {"input": rows}, UIS)
    assert [i["status"] for i in data["registerEnrolments"]["items"]] == ["ACCEPTED", "WAITLISTED"]
    assert data["registerEnrolments"]["items"][1]["enrolment"]["status"] == "WAITLISTED"


async def test_one_active_enrolment_per_employee_and_term(runtime: ServiceRuntime) -> None:
    offering_id = await offering(runtime, seats=5)
    rows = [enrolment(offering_id, "a", employee="e1"), enrolment(offering_id, "b", employee="e1")]
    data, _ = await execute(schema, runtime, REGISTER, {"input": rows}, UIS)
    second = data["registerEnrolments"]["items"][1]
    assert (second["status"], second["field"]) == ("REJECTED", "employeeRef")


async def test_a_row_naming_a_person_by_identity_number_is_rejected_and_the_rest_register(
    runtime: ServiceRuntime,
) -> None:
    offering_id = await offering(runtime, seats=5)
    rows = [
        enrolment(offering_id, "a"),
        enrolment(offering_id, "b", employee="fnr 150575 43873"),  # made up; control digits right
        enrolment(offering_id, "c"),
    ]
    data, _ = await execute(schema, runtime, REGISTER, {"input": rows}, UIS)
    items = data["registerEnrolments"]["items"]
    assert [i["status"] for i in items] == ["ACCEPTED", "REJECTED", "ACCEPTED"]
    assert items[1]["field"] == "employeeRef"
    assert "national identity number" in items[1]["reason"]
    assert await stored(runtime) == 2


async def test_posting_to_another_institutions_offering_is_forbidden(
    runtime: ServiceRuntime,
) -> None:
    theirs = await offering(runtime, seats=5, institution="uit")
    data, errors = await execute(
        schema, runtime, REGISTER, {"input": [enrolment(theirs, "a")]}, UIS
    )
    assert data is None
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    assert await stored(runtime) == 0


@pytest.mark.parametrize(
    ("roles", "code"),
    [
        (None, "UNAUTHENTICATED"),
        (["directorate"], "FORBIDDEN"),
        (["municipality:5601"], "FORBIDDEN"),
    ],
)
async def test_only_an_institution_registers_enrolments(
    runtime: ServiceRuntime, roles: list[str] | None, code: str
) -> None:
    offering_id = await offering(runtime, seats=5)
    _, errors = await execute(
        schema, runtime, REGISTER, {"input": [enrolment(offering_id, "a")]}, roles
    )
    assert errors[0]["extensions"]["code"] == code
    assert await stored(runtime) == 0


async def test_municipality_sees_own_enrolments_and_not_others(runtime: ServiceRuntime) -> None:
    offering_id = await offering(runtime, seats=5)
    await execute(schema, runtime, REGISTER, {"input": [enrolment(offering_id, "a")]}, UIS)
    query = '{ municipality(number: "2012") { number name enrolments { externalRef } } }'
    own, errors = await execute(schema, runtime, query, roles=["municipality:5601"])
    assert errors == []
    assert own["municipality"]["enrolments"] == [{"externalRef": "a"}]
    assert own["municipality"]["name"] == "Alta"
    _, errors = await execute(schema, runtime, query, roles=["municipality:0301"])
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"


async def test_unknown_municipality_is_null_and_catalogue_is_public(
    runtime: ServiceRuntime,
) -> None:
    data, errors = await execute(
        schema, runtime, '{ municipality(number: "9999") { name } programmes { name } }'
    )
    assert errors == []
    assert data["municipality"] is None
    assert "Juss i barnevernet" in [p["name"] for p in data["programmes"]]


WITHDRAW = """mutation($id: ID!, $reason: String!) {
  withdrawEnrolment(id: $id, reason: $reason) { id status offering { seatsTaken } } }"""


async def outbox_types(runtime: ServiceRuntime) -> list[str]:
    async with runtime.sessions() as session:
        return list(
            await session.scalars(select(runtime.outbox.c.type).order_by(runtime.outbox.c.id))
        )


async def test_withdrawal_frees_the_seat_for_the_first_waitlisted(runtime: ServiceRuntime) -> None:
    offering_id = await offering(runtime, seats=1)
    rows = [enrolment(offering_id, r) for r in ("a", "b", "c")]
    data, _ = await execute(schema, runtime, REGISTER, {"input": rows}, UIS)
    ids = [i["enrolment"]["id"] for i in data["registerEnrolments"]["items"]]

    withdrawn, errors = await execute(
        schema, runtime, WITHDRAW, {"id": ids[0], "reason": "sick leave"}, UIS
    )
    assert errors == []
    assert withdrawn["withdrawEnrolment"]["status"] == "WITHDRAWN"
    assert withdrawn["withdrawEnrolment"]["offering"]["seatsTaken"] == 1
    statuses, _ = await execute(
        schema,
        runtime,
        '{ municipality(number: "5601") { enrolments { externalRef status } } }',
        roles=["directorate"],
    )
    by_ref = {e["externalRef"]: e["status"] for e in statuses["municipality"]["enrolments"]}
    assert by_ref == {"a": "WITHDRAWN", "b": "ACTIVE", "c": "WAITLISTED"}
    assert (await outbox_types(runtime))[-2:] == ["EnrolmentWithdrawn", "EnrolmentPromoted"]


async def test_withdrawal_without_anyone_waiting_frees_a_seat(runtime: ServiceRuntime) -> None:
    offering_id = await offering(runtime, seats=2)
    data, _ = await execute(
        schema, runtime, REGISTER, {"input": [enrolment(offering_id, "a")]}, UIS
    )
    enrolment_id = data["registerEnrolments"]["items"][0]["enrolment"]["id"]
    withdrawn, _ = await execute(
        schema, runtime, WITHDRAW, {"id": enrolment_id, "reason": "moved"}, UIS
    )
    assert withdrawn["withdrawEnrolment"]["offering"]["seatsTaken"] == 0
    assert (await outbox_types(runtime))[-2:] == ["EnrolmentWithdrawn", "SeatFreed"]


async def test_withdrawal_refusals_change_nothing(runtime: ServiceRuntime) -> None:
    offering_id = await offering(runtime, seats=2)
    data, _ = await execute(
        schema, runtime, REGISTER, {"input": [enrolment(offering_id, "a")]}, UIS
    )
    enrolment_id = data["registerEnrolments"]["items"][0]["enrolment"]["id"]
    events = await outbox_types(runtime)

    _, errors = await execute(schema, runtime, WITHDRAW, {"id": enrolment_id, "reason": " "}, UIS)
    assert (errors[0]["extensions"]["code"], errors[0]["extensions"]["field"]) == (
        "BAD_USER_INPUT",
        "reason",
    )
    _, errors = await execute(
        schema, runtime, WITHDRAW, {"id": enrolment_id, "reason": "x"}, ["institution:uit"]
    )
    assert errors[0]["extensions"]["code"] == "NOT_FOUND"
    await execute(schema, runtime, WITHDRAW, {"id": enrolment_id, "reason": "x"}, UIS)
    _, errors = await execute(
        schema, runtime, WITHDRAW, {"id": enrolment_id, "reason": "again"}, UIS
    )
    assert errors[0]["extensions"]["code"] == "CONFLICT"
    assert await outbox_types(runtime) == [*events, "EnrolmentWithdrawn", "SeatFreed"]


COMPLETE = """mutation($input: [CompletionInput!]!) { recordCompletions(input: $input) {
  recorded replayed rejected
  items { externalRef status field reason enrolment { status credits } } } }"""


async def test_completions_record_credits_per_row(runtime: ServiceRuntime) -> None:
    offering_id = await offering(runtime, seats=5)
    data, _ = await execute(
        schema, runtime, REGISTER, {"input": [enrolment(offering_id, r) for r in ("a", "b")]}, UIS
    )
    a, b = (i["enrolment"]["id"] for i in data["registerEnrolments"]["items"])
    rows = [
        {"enrolmentId": a, "credits": 30, "completedOn": "2019-06-15"},
        {"enrolmentId": b, "credits": 31, "completedOn": "2019-06-15"},
        {"enrolmentId": str(uuid.uuid4()), "credits": 30, "completedOn": "2019-06-15"},
        {"enrolmentId": b, "credits": 15, "completedOn": "2018-01-01"},
    ]
    result, errors = await execute(schema, runtime, COMPLETE, {"input": rows}, UIS)
    assert errors == []
    items = result["recordCompletions"]["items"]
    assert [i["status"] for i in items] == ["ACCEPTED", "REJECTED", "REJECTED", "REJECTED"]
    assert [i["field"] for i in items] == [None, "credits", "enrolmentId", "completedOn"]
    assert items[0]["enrolment"] == {"status": "COMPLETED", "credits": 30}
    again, _ = await execute(schema, runtime, COMPLETE, {"input": rows[:1]}, UIS)
    assert again["recordCompletions"]["replayed"] == 1
    assert (await outbox_types(runtime)).count("CourseCompleted") == 1


async def test_a_batch_of_5000_is_accepted_in_one_call(runtime: ServiceRuntime) -> None:
    offering_id = await offering(runtime, seats=5000)
    rows = [enrolment(offering_id, f"r{i}", employee=f"e{i}") for i in range(5000)]
    data, errors = await execute(schema, runtime, REGISTER, {"input": rows}, UIS)
    assert errors == []
    assert data["registerEnrolments"]["accepted"] == 5000
    assert await stored(runtime) == 5000
    assert await pending_events(runtime) == 5000


async def test_a_batch_over_5000_is_refused_whole(runtime: ServiceRuntime) -> None:
    offering_id = await offering(runtime, seats=10)
    rows = [enrolment(offering_id, f"r{i}") for i in range(5001)]
    _, errors = await execute(schema, runtime, REGISTER, {"input": rows}, UIS)
    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "input"}
    completions = [
        {"enrolmentId": str(uuid.uuid4()), "credits": 30, "completedOn": "2019-06-15"}
    ] * 5001
    _, errors = await execute(schema, runtime, COMPLETE, {"input": completions}, UIS)
    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "input"}
    assert (await stored(runtime), await pending_events(runtime)) == (0, 0)
