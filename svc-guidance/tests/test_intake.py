"""Intake through guidance's subgraph, on SQLite: nominations, requests and the answers."""

from __future__ import annotations

import pytest

DIRECTORATE = ["directorate"]
ALTA, KAUTOKEINO = "5601", "5612"  # Finnmark (56)
ALTA_2018 = "2012"  # Alta's number in 2018
FINNMARK_GOVERNOR = ["governor:troms-finnmark"]
NORDLAND_GOVERNOR = ["governor:nordland"]


async def test_a_nomination_is_answered_by_the_municipality(guidance) -> None:
    nomination = {"municipality": ALTA_2018, "reason": "Svikt", "evidence": "Tilsynsrapport"}
    case = (await guidance.call(guidance.NOMINATE, {"i": nomination}, FINNMARK_GOVERNOR))[
        "nominateForGuidance"
    ]
    assert case["municipality"] == {"number": ALTA}  # found under today's number
    assert (case["origin"], case["status"], case["evidence"]) == (
        "NOMINATED",
        "AWAITING_RESPONSE",
        "Tilsynsrapport",
    )
    accepted = await guidance.respond(case["id"], hours=60)
    assert (accepted["status"], accepted["committedHoursPerMonth"]) == ("ACCEPTED", 60)
    events = await guidance.outbox_payloads("GuidanceAccepted")
    assert events[0]["committed_hours_per_month"] == 60
    assert await guidance.outbox_types() == ["GuidanceRequested", "GuidanceAccepted"]
    requested = (await guidance.outbox_payloads("GuidanceRequested"))[0]
    assert (requested["origin"], requested["municipality"], requested["county"]) == (
        "NOMINATED",
        ALTA,
        "56",
    )


async def test_declining_needs_no_hours(guidance) -> None:
    case = await guidance.nominate()
    declined = await guidance.respond(case["id"], accept=False, hours=None)
    assert declined["status"] == "DECLINED"
    assert await guidance.outbox_types() == ["GuidanceRequested", "GuidanceDeclined"]


async def test_declining_with_hours_is_bad_user_input(guidance) -> None:
    case = await guidance.nominate()
    variables = {"id": case["id"], "accept": False, "hours": 10}
    error = await guidance.error(guidance.RESPOND, variables, [f"municipality:{ALTA}"])
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "committedHoursPerMonth")


@pytest.mark.parametrize("hours", [None, 0, -1])
async def test_accepting_needs_committed_hours(guidance, hours: int | None) -> None:
    case = await guidance.nominate()
    variables = {"id": case["id"], "accept": True, "hours": hours}
    error = await guidance.error(guidance.RESPOND, variables, [f"municipality:{ALTA}"])
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "committedHoursPerMonth")
    cases = await guidance.call("{ guidanceCases { status } }", roles=DIRECTORATE)
    assert cases["guidanceCases"] == [{"status": "AWAITING_RESPONSE"}]
    assert await guidance.outbox_types() == ["GuidanceRequested"]


async def test_a_municipality_cannot_answer_for_another(guidance) -> None:
    case = await guidance.nominate(ALTA)
    variables = {"id": case["id"], "accept": True, "hours": 40}
    other = await guidance.error(guidance.RESPOND, variables, [f"municipality:{KAUTOKEINO}"])
    assert other["code"] == "NOT_FOUND"  # another municipality's case is not even visible
    for roles in (DIRECTORATE, FINNMARK_GOVERNOR):
        refused = await guidance.error(guidance.RESPOND, variables, roles)
        assert refused["code"] == "FORBIDDEN"  # voluntary: only the municipality answers
    assert (await guidance.call("{ guidanceCases { status } }", roles=DIRECTORATE))[
        "guidanceCases"
    ] == [{"status": "AWAITING_RESPONSE"}]


async def test_a_case_is_answered_once(guidance) -> None:
    case = await guidance.nominate()
    await guidance.respond(case["id"])
    variables = {"id": case["id"], "accept": False, "hours": None}
    error = await guidance.error(guidance.RESPOND, variables, [f"municipality:{ALTA}"])
    assert error["code"] == "CONFLICT"


async def test_only_that_countys_governor_nominates(guidance) -> None:
    nomination = {"municipality": ALTA, "reason": "Svikt"}
    for roles in (NORDLAND_GOVERNOR, [f"municipality:{ALTA}"]):
        error = await guidance.error(guidance.NOMINATE, {"i": nomination}, roles)
        assert error["code"] == "FORBIDDEN"
    assert (await guidance.error(guidance.NOMINATE, {"i": nomination}))["code"] == (
        "UNAUTHENTICATED"
    )
    assert await guidance.outbox_types() == []


async def test_a_municipality_requests_guidance_for_itself_only(guidance) -> None:
    request = {"municipality": ALTA, "reason": "Vi trenger hjelp"}
    case = (await guidance.call(guidance.REQUEST, {"i": request}, [f"municipality:{ALTA}"]))[
        "requestGuidance"
    ]
    assert (case["origin"], case["status"]) == ("REQUESTED", "AWAITING_RESPONSE")
    for roles in ([f"municipality:{KAUTOKEINO}"], DIRECTORATE, FINNMARK_GOVERNOR):
        other = {"municipality": KAUTOKEINO, "reason": "x"} if roles == DIRECTORATE else request
        error = await guidance.error(guidance.REQUEST, {"i": other}, roles)
        assert error["code"] == "FORBIDDEN"


async def test_a_request_with_committed_hours_is_accepted_at_once(guidance) -> None:
    request = {"municipality": ALTA, "reason": "Vi trenger hjelp", "committedHoursPerMonth": 30}
    case = (await guidance.call(guidance.REQUEST, {"i": request}, [f"municipality:{ALTA}"]))[
        "requestGuidance"
    ]
    assert (case["status"], case["committedHoursPerMonth"]) == ("ACCEPTED", 30)
    assert await guidance.outbox_types() == ["GuidanceRequested", "GuidanceAccepted"]
    request["committedHoursPerMonth"] = 0
    error = await guidance.error(guidance.REQUEST, {"i": request}, [f"municipality:{KAUTOKEINO}"])
    assert error["code"] == "FORBIDDEN"


async def test_one_open_case_per_municipality(guidance) -> None:
    case = await guidance.nominate()
    nomination = {"municipality": ALTA, "reason": "Igjen"}
    error = await guidance.error(guidance.NOMINATE, {"i": nomination}, DIRECTORATE)
    assert error["code"] == "CONFLICT"
    await guidance.respond(case["id"], accept=False, hours=None)
    again = await guidance.nominate()  # a declined case is closed: a new one may be opened
    assert again["status"] == "AWAITING_RESPONSE"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"reason": "  "}, "reason"),
        ({"reason": "x" * 2001}, "reason"),
        ({"reason": "a\x00b"}, "reason"),
        ({"evidence": "x" * 4001}, "evidence"),
        ({"municipality": "9999"}, "municipality"),
    ],
)
async def test_bad_nomination_input_names_the_field(guidance, fields, field: str) -> None:
    nomination = {"municipality": ALTA, "reason": "Svikt", **fields}
    error = await guidance.error(guidance.NOMINATE, {"i": nomination}, DIRECTORATE)
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", field)


async def test_cases_are_read_by_the_directorate_the_municipality_and_its_governor(
    guidance,
) -> None:
    await guidance.nominate(ALTA)
    await guidance.nominate("1853")  # Evenes, Nordland
    query = "{ guidanceCases { municipality { number } } }"

    async def seen(roles: list[str]) -> list[str]:
        cases = (await guidance.call(query, roles=roles))["guidanceCases"]
        return sorted(c["municipality"]["number"] for c in cases)

    assert await seen(DIRECTORATE) == ["1853", ALTA]
    assert await seen(FINNMARK_GOVERNOR) == [ALTA]
    assert await seen([f"municipality:{ALTA}"]) == [ALTA]
    assert await seen([f"municipality:{KAUTOKEINO}"]) == []
    error = await guidance.error(
        '{ guidanceCases(municipality: "1853") { id } }', roles=FINNMARK_GOVERNOR
    )
    assert error["code"] == "FORBIDDEN"


async def test_a_case_by_id_is_not_found_for_who_may_not_see_it(guidance) -> None:
    case = await guidance.nominate(ALTA)
    query = "query($id: ID!) { guidanceCase(id: $id) { status } }"
    found = await guidance.call(query, {"id": case["id"]}, [f"municipality:{ALTA}"])
    assert found["guidanceCase"]["status"] == "AWAITING_RESPONSE"
    error = await guidance.error(query, {"id": case["id"]}, [f"municipality:{KAUTOKEINO}"])
    assert error["code"] == "NOT_FOUND"
    error = await guidance.error(query, {"id": "not-a-uuid"}, DIRECTORATE)
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "id")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"committedHoursPerMonth": 0}, "committedHoursPerMonth"),
        ({"reason": ""}, "reason"),
        ({"municipality": "12"}, "municipality"),
    ],
)
async def test_a_bad_request_names_the_field_and_opens_nothing(guidance, fields, field) -> None:
    request = {"municipality": ALTA, "reason": "Vi trenger hjelp", **fields}
    error = await guidance.error(guidance.REQUEST, {"i": request}, [f"municipality:{ALTA}"])
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", field)
    assert await guidance.outbox_types() == []
    cases = await guidance.call("{ guidanceCases { id } }", roles=DIRECTORATE)
    assert cases["guidanceCases"] == []


async def test_answering_a_malformed_case_id_names_the_field(guidance) -> None:
    variables = {"id": "not-a-uuid", "accept": True, "hours": 10}
    error = await guidance.error(guidance.RESPOND, variables, [f"municipality:{ALTA}"])
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "caseId")
