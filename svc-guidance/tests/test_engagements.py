"""Engagements through guidance's subgraph, on SQLite: start, capacity, plan, visits, ending."""

from __future__ import annotations

import uuid

import pytest

DIRECTORATE = ["directorate"]
ALTA, KAUTOKEINO = "5601", "5612"  # Finnmark (56)
ASNES, VALER, GRUE = "3418", "3419", "3417"  # Solør child-welfare service, Innlandet (34)
FINNMARK_GOVERNOR = ["governor:troms-finnmark"]
INNLANDET_GOVERNOR = ["governor:innlandet"]
ENGAGEMENT_FIELDS = "{ round status municipality { number } coveredMunicipalities { number } }"


def _refs(*numbers: str) -> dict[str, list[dict[str, str]]]:
    """Entity representations, as the router sends them (the subgraph consumes them)."""
    return {"r": [{"__typename": "Municipality", "number": n} for n in numbers]}


async def test_an_engagement_ends_two_years_after_it_starts(guidance) -> None:
    case_id = await guidance.accepted()
    adviser = await guidance.adviser()
    engagement = await guidance.start(case_id, [adviser], startsOn="2020-02-29", round=2020)
    assert (engagement["startsOn"], engagement["endsOn"]) == ("2020-02-29", "2022-02-28")
    assert (engagement["status"], engagement["round"]) == ("ACTIVE", 2020)
    assert engagement["case"] == {"id": case_id, "status": "ENGAGED"}
    assert engagement["advisers"][0]["activeEngagements"] == 1
    started = (await guidance.outbox_payloads("EngagementStarted"))[0]
    assert (started["starts_on"], started["ends_on"], started["municipalities"]) == (
        "2020-02-29",
        "2022-02-28",
        [ALTA],
    )


@pytest.mark.parametrize("answer", ["awaiting", "declined"])
async def test_no_engagement_before_acceptance(guidance, answer: str) -> None:
    case = await guidance.nominate()
    if answer == "declined":
        await guidance.respond(case["id"], accept=False, hours=None)
    adviser = await guidance.adviser()
    variables = {"i": guidance.engagement(case["id"], [adviser])}
    error = await guidance.error(guidance.START, variables, DIRECTORATE)
    assert error["code"] == "CONFLICT"
    advisers = (await guidance.call(guidance.ADVISERS, roles=DIRECTORATE))["guidanceAdvisers"]
    assert advisers[0]["activeEngagements"] == 0
    assert (await guidance.call("{ guidanceEngagements { id } }", roles=DIRECTORATE))[
        "guidanceEngagements"
    ] == []
    assert "EngagementStarted" not in await guidance.outbox_types()


async def test_one_engagement_per_case(guidance) -> None:
    case_id = await guidance.accepted()
    adviser = await guidance.adviser(capacity=3)
    await guidance.start(case_id, [adviser])
    variables = {"i": guidance.engagement(case_id, [adviser])}
    assert (await guidance.error(guidance.START, variables, DIRECTORATE))["code"] == "CONFLICT"


async def test_an_adviser_at_capacity_is_a_conflict_and_nothing_is_written(guidance) -> None:
    full, free = await guidance.adviser("Full", capacity=1), await guidance.adviser("Ledig", 2)
    await guidance.start(await guidance.accepted(ALTA), [full])
    waiting = await guidance.accepted(KAUTOKEINO)
    variables = {"i": guidance.engagement(waiting, [free, full])}
    error = await guidance.error(guidance.START, variables, DIRECTORATE)
    assert error["code"] == "CONFLICT"
    advisers = (await guidance.call(guidance.ADVISERS, roles=DIRECTORATE))["guidanceAdvisers"]
    assert {a["name"]: a["activeEngagements"] for a in advisers} == {"Full": 1, "Ledig": 0}
    assert (await guidance.queue()) == [(KAUTOKEINO, None)]  # still waiting
    assert (await guidance.outbox_types()).count("EngagementStarted") == 1


async def test_completing_frees_the_advisers_and_closes_the_case(guidance) -> None:
    adviser = await guidance.adviser(capacity=1)
    engagement = await guidance.start(await guidance.accepted(ALTA), [adviser])
    variables = {"id": engagement["id"], "report": "Tjenesten er stabil", "on": "2020-09-01"}
    completed = (await guidance.call(guidance.COMPLETE, variables, DIRECTORATE))[
        "completeGuidanceEngagement"
    ]
    assert (completed["status"], completed["closedOn"], completed["finalReport"]) == (
        "COMPLETED",
        "2020-09-01",
        "Tjenesten er stabil",
    )
    assert completed["case"]["status"] == "CLOSED"
    assert completed["advisers"][0]["activeEngagements"] == 0
    await guidance.start(await guidance.accepted(KAUTOKEINO), [adviser])  # room again
    assert (await guidance.error(guidance.COMPLETE, variables, DIRECTORATE))["code"] == "CONFLICT"
    event = (await guidance.outbox_payloads("EngagementCompleted"))[0]
    assert (event["completed_on"], event["municipalities"]) == ("2020-09-01", [ALTA])


async def test_ending_early_frees_the_advisers_and_keeps_the_reason(guidance) -> None:
    adviser = await guidance.adviser(capacity=1)
    engagement = await guidance.start(await guidance.accepted(ALTA), [adviser])
    too_late = {"id": engagement["id"], "reason": "Kommunen trakk seg", "on": "2020-09-01"}
    error = await guidance.error(guidance.END_EARLY, too_late, DIRECTORATE)
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "endedOn")
    blank = {"id": engagement["id"], "reason": " ", "on": "2019-03-01"}
    error = await guidance.error(guidance.END_EARLY, blank, DIRECTORATE)
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "reason")
    variables = {"id": engagement["id"], "reason": "Kommunen trakk seg", "on": "2019-03-01"}
    ended = (await guidance.call(guidance.END_EARLY, variables, DIRECTORATE))[
        "endGuidanceEngagementEarly"
    ]
    assert (ended["status"], ended["closedOn"], ended["endedReason"]) == (
        "ENDED_EARLY",
        "2019-03-01",
        "Kommunen trakk seg",
    )
    assert ended["advisers"][0]["activeEngagements"] == 0
    assert ended["case"]["status"] == "CLOSED"
    event = (await guidance.outbox_payloads("EngagementEndedEarly"))[0]
    assert (event["ended_on"], event["ends_on"]) == ("2019-03-01", "2020-09-01")


async def test_completing_or_ending_needs_the_directorate_and_a_known_engagement(
    guidance,
) -> None:
    engagement = await guidance.start(await guidance.accepted(ALTA), [await guidance.adviser()])
    variables = {"id": engagement["id"], "report": "Rapport", "on": None}
    for roles in ([f"municipality:{ALTA}"], FINNMARK_GOVERNOR):
        error = await guidance.error(guidance.COMPLETE, variables, roles)
        assert error["code"] == "FORBIDDEN"
    unknown = {"id": str(uuid.uuid4()), "reason": "x", "on": None}
    assert (await guidance.error(guidance.END_EARLY, unknown, DIRECTORATE))["code"] == "NOT_FOUND"
    empty_report = {"id": engagement["id"], "report": "", "on": None}
    error = await guidance.error(guidance.COMPLETE, empty_report, DIRECTORATE)
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "finalReport")


async def test_a_shared_service_is_one_engagement_covering_each_municipality(guidance) -> None:
    adviser = await guidance.adviser()
    engagement = await guidance.start(
        await guidance.accepted(ASNES), [adviser], alsoCovers=[VALER, GRUE, VALER]
    )
    assert engagement["municipality"] == {"number": ASNES}
    assert engagement["coveredMunicipalities"] == [
        {"number": ASNES},
        {"number": VALER},
        {"number": GRUE},
    ]
    query = """query($r: [_Any!]!) { _entities(representations: $r) {
      ... on Municipality { number guidance { id } } } }"""
    entities = (await guidance.call(query, _refs(ASNES, VALER, GRUE), INNLANDET_GOVERNOR))[
        "_entities"
    ]
    assert [e["guidance"] for e in entities] == [[{"id": engagement["id"]}]] * 3
    own = await guidance.call(query, _refs(VALER), [f"municipality:{VALER}"])
    assert own["_entities"][0]["guidance"] == [{"id": engagement["id"]}]
    seen = "{ guidanceEngagements { id } }"
    assert (await guidance.call(seen, roles=[f"municipality:{GRUE}"]))["guidanceEngagements"] == [
        {"id": engagement["id"]}
    ]
    started = (await guidance.outbox_payloads("EngagementStarted"))[0]
    assert started["municipalities"] == [ASNES, VALER, GRUE]


async def test_a_covered_municipality_is_in_one_active_engagement_at_a_time(guidance) -> None:
    adviser = await guidance.adviser(capacity=3)
    await guidance.start(await guidance.accepted(ASNES), [adviser], alsoCovers=[VALER])
    variables = {"i": guidance.engagement(await guidance.accepted(VALER), [adviser])}
    error = await guidance.error(guidance.START, variables, DIRECTORATE)
    assert error["code"] == "CONFLICT"
    advisers = (await guidance.call(guidance.ADVISERS, roles=DIRECTORATE))["guidanceAdvisers"]
    assert advisers[0]["activeEngagements"] == 1


async def test_a_municipality_sees_only_its_own_guidance(guidance) -> None:
    await guidance.start(await guidance.accepted(ALTA), [await guidance.adviser()])
    query = """query($r: [_Any!]!) { _entities(representations: $r) {
      ... on Municipality { guidance { id } } } }"""
    error = await guidance.error(query, _refs(ALTA), [f"municipality:{KAUTOKEINO}"])
    assert error["code"] == "FORBIDDEN"
    seen = "{ guidanceEngagements { id } }"
    other = await guidance.call(seen, roles=[f"municipality:{KAUTOKEINO}"])
    assert other["guidanceEngagements"] == []
    assert len((await guidance.call(seen, roles=FINNMARK_GOVERNOR))["guidanceEngagements"]) == 1
    assert (await guidance.error(seen))["code"] == "UNAUTHENTICATED"
    error = await guidance.error(query, _refs(ALTA), ["county:03"])  # Oslo's governor
    assert error["code"] == "FORBIDDEN"


async def test_engagements_of_a_round_before_2018_is_bad_user_input(guidance) -> None:
    query = "query($round: Int) { guidanceEngagements(round: $round) { id } }"
    error = await guidance.error(query, {"round": 2017}, DIRECTORATE)
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "round")
    assert await guidance.call(query, {"round": 2019}, ["county:56"]) == {"guidanceEngagements": []}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"advisers": []}, "advisers"),
        ({"advisers": "four"}, "advisers"),
        ({"advisers": "twice"}, "advisers"),
        ({"advisers": ["not-a-uuid"]}, "advisers"),
        ({"advisers": [str(uuid.UUID(int=1))]}, "advisers"),
        ({"round": 2018, "startsOn": "2019-01-15"}, "startsOn"),
        ({"round": 2017, "startsOn": "2017-09-01"}, "round"),
        ({"alsoCovers": ["9999"]}, "alsoCovers"),
        ({"caseId": "nope"}, "caseId"),
    ],
)
async def test_bad_engagement_input_names_the_field(guidance, fields, field: str) -> None:
    case_id = await guidance.accepted()
    team = [await guidance.adviser(f"R{i}") for i in range(4)]
    chosen = {"four": team, "twice": [team[0], team[0]]}
    fields = {k: chosen.get(v, v) if isinstance(v, str) else v for k, v in fields.items()}
    variables = {"i": guidance.engagement(case_id, [team[0]]) | fields}
    error = await guidance.error(guidance.START, variables, DIRECTORATE)
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", field)


async def test_only_the_directorate_starts_engagements(guidance) -> None:
    case_id = await guidance.accepted()
    variables = {"i": guidance.engagement(case_id, [await guidance.adviser()])}
    for roles in (FINNMARK_GOVERNOR, [f"municipality:{ALTA}"]):
        assert (await guidance.error(guidance.START, variables, roles))["code"] == "FORBIDDEN"
    unknown = {"i": guidance.engagement(str(uuid.uuid4()), variables["i"]["advisers"])}
    assert (await guidance.error(guidance.START, unknown, DIRECTORATE))["code"] == "NOT_FOUND"
