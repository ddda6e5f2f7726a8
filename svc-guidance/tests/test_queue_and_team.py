"""The intake queue by learnt risk, the adviser team, plans and visits (SQLite, the inbox)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import select

from shared.contracts.networks import RISK_TOPIC, RiskAssessed
from shared.events import parse_event
from shared.testing import event_bytes
from svc_guidance.models import MunicipalityRisk

DIRECTORATE = ["directorate"]
ALTA, KAUTOKEINO, KARASJOK, PORSANGER = "5601", "5612", "5610", "5622"  # Finnmark (56)
HEMNES = "1832"  # Nordland (18)
FINNMARK_GOVERNOR = ["governor:troms-finnmark"]


async def test_the_queue_follows_the_latest_learnt_risk_then_age(guidance) -> None:
    for number in (ALTA, KAUTOKEINO, KARASJOK, PORSANGER):
        await guidance.accepted(number)
    assert await guidance.queue() == [
        (ALTA, None),
        (KAUTOKEINO, None),
        (KARASJOK, None),
        (PORSANGER, None),
    ]
    await guidance.assess(KARASJOK, "HIGH")
    await guidance.assess(PORSANGER, "CRITICAL")
    await guidance.assess(KAUTOKEINO, "HIGH")
    await guidance.assess(ALTA, "LOW")
    assert await guidance.queue() == [
        (PORSANGER, "CRITICAL"),
        (KAUTOKEINO, "HIGH"),
        (KARASJOK, "HIGH"),
        (ALTA, "LOW"),
    ]
    await guidance.assess(PORSANGER, "MODERATE", date(2018, 6, 2))  # newer: it improved
    await guidance.assess(ALTA, "CRITICAL", date(2018, 5, 1))  # older: arrives late, ignored
    assert await guidance.queue() == [
        (KAUTOKEINO, "HIGH"),
        (KARASJOK, "HIGH"),
        (PORSANGER, "MODERATE"),
        (ALTA, "LOW"),
    ]


async def test_the_queue_holds_accepted_cases_waiting_only(guidance) -> None:
    await guidance.nominate(ALTA)  # awaiting its answer
    declined = await guidance.nominate(KAUTOKEINO)
    await guidance.respond(declined["id"], accept=False, hours=None, municipality=KAUTOKEINO)
    engaged = await guidance.accepted(KARASJOK)
    await guidance.start(engaged, [await guidance.adviser()])
    await guidance.accepted(PORSANGER)
    assert await guidance.queue() == [(PORSANGER, None)]


async def test_the_queue_is_the_directorates(guidance) -> None:
    for roles in (FINNMARK_GOVERNOR, [f"municipality:{ALTA}"]):
        assert (await guidance.error(guidance.QUEUE, roles=roles))["code"] == "FORBIDDEN"


async def test_a_risk_event_delivered_twice_has_one_effect(guidance) -> None:
    payload = RiskAssessed(
        assessment_id=uuid.uuid4(),
        municipality="2012",  # Alta's number before 2020: kept under today's
        county="20",
        assessed_on=date(2018, 6, 1),
        level="HIGH",
    )
    raw = event_bytes(payload, "2012")
    assert await guidance.runtime.handle(RISK_TOPIC, parse_event(raw))
    assert not await guidance.runtime.handle(RISK_TOPIC, parse_event(raw))
    async with guidance.runtime.sessions() as session:
        rows = list(await session.scalars(select(MunicipalityRisk)))
    assert [(r.municipality, r.level) for r in rows] == [(ALTA, "HIGH")]


async def test_advisers_are_registered_by_the_directorate(guidance) -> None:
    adviser = {
        "name": " Rådgiver ",
        "capacity": 3,
        "background": "Barnevernleder",
        "region": "Nord",
    }
    data = await guidance.call(guidance.REGISTER, {"i": adviser}, DIRECTORATE)
    assert data["registerGuidanceAdviser"] | {"id": None} == {
        "id": None,
        "name": "Rådgiver",
        "capacity": 3,
        "activeEngagements": 0,
        "utilisation": 0.0,
        "background": "Barnevernleder",
        "region": "Nord",
    }
    for roles in (FINNMARK_GOVERNOR, [f"municipality:{ALTA}"]):
        error = await guidance.error(guidance.REGISTER, {"i": adviser}, roles)
        assert error["code"] == "FORBIDDEN"
        assert (await guidance.error(guidance.ADVISERS, roles=roles))["code"] == "FORBIDDEN"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": 11}, "capacity"),
        ({"background": "x" * 2001}, "background"),
        ({"region": "x" * 101}, "region"),
    ],
)
async def test_bad_adviser_input_names_the_field(guidance, fields, field: str) -> None:
    adviser = {"name": "Rådgiver", "capacity": 2, **fields}
    error = await guidance.error(guidance.REGISTER, {"i": adviser}, DIRECTORATE)
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", field)


async def test_utilisation_and_engagements_per_adviser(guidance) -> None:
    adviser = await guidance.adviser("Rådgiver", capacity=4)
    other = await guidance.adviser("Annen", capacity=2)
    first = await guidance.start(await guidance.accepted(ALTA), [adviser])
    await guidance.start(await guidance.accepted(KAUTOKEINO), [adviser, other])
    team = (await guidance.call(guidance.ADVISERS, roles=DIRECTORATE))["guidanceAdvisers"]
    assert [(a["name"], a["activeEngagements"], a["utilisation"]) for a in team] == [
        ("Annen", 1, 0.5),
        ("Rådgiver", 2, 0.5),
    ]
    query = "query($a: ID!) { guidanceEngagements(adviser: $a) { municipality { number } } }"
    mine = (await guidance.call(query, {"a": adviser}, DIRECTORATE))["guidanceEngagements"]
    assert [e["municipality"]["number"] for e in mine] == [ALTA, KAUTOKEINO]
    error = await guidance.error(query, {"a": adviser}, FINNMARK_GOVERNOR)
    assert error["code"] == "FORBIDDEN"
    await guidance.call(
        guidance.COMPLETE, {"id": first["id"], "report": "Ferdig", "on": None}, DIRECTORATE
    )
    nested = "{ guidanceAdvisers { name engagements(status: ACTIVE) { municipality { number } } } }"
    team = (await guidance.call(nested, roles=DIRECTORATE))["guidanceAdvisers"]
    assert team[1]["engagements"] == [{"municipality": {"number": KAUTOKEINO}}]


async def test_an_advisers_details_are_the_directorates(guidance) -> None:
    await guidance.start(await guidance.accepted(ALTA), [await guidance.adviser("Rådgiver")])
    query = "{ guidanceEngagements { advisers { name capacity activeEngagements } } }"
    seen = await guidance.call(query, roles=[f"municipality:{ALTA}"])
    assert seen["guidanceEngagements"][0]["advisers"] == [
        {"name": "Rådgiver", "capacity": 2, "activeEngagements": 1}
    ]
    details = "{ guidanceEngagements { advisers { background } } }"
    error = await guidance.error(details, roles=[f"municipality:{ALTA}"])
    assert error["code"] == "FORBIDDEN"


PLAN = """query($id: ID!) { guidanceEngagement(id: $id) {
  milestones { title dueOn reachedOn } visits { visitedOn note adviser { name } } } }"""
ADD_MILESTONE = """mutation($i: GuidanceMilestoneInput!) { addGuidanceMilestone(input: $i) {
  id title dueOn reachedOn } }"""
REACH = """mutation($id: ID!, $on: Date!) { reachGuidanceMilestone(id: $id, reachedOn: $on) {
  reachedOn } }"""
VISIT = """mutation($i: GuidanceVisitInput!) { logGuidanceVisit(input: $i) { visitedOn } }"""


async def test_a_plan_with_milestones_and_logged_visits(guidance) -> None:
    adviser = await guidance.adviser("Rådgiver")
    engagement = await guidance.start(await guidance.accepted(ALTA), [adviser])
    milestone = {"engagementId": engagement["id"], "title": "Kartlegging", "dueOn": "2018-12-01"}
    added = (await guidance.call(ADD_MILESTONE, {"i": milestone}, DIRECTORATE))[
        "addGuidanceMilestone"
    ]
    await guidance.call(REACH, {"id": added["id"], "on": "2018-11-20"}, DIRECTORATE)
    visit = {
        "engagementId": engagement["id"],
        "adviserId": adviser,
        "visitedOn": "2018-10-02",
        "note": "Møte med ledelsen",
    }
    await guidance.call(VISIT, {"i": visit}, DIRECTORATE)
    plan = (await guidance.call(PLAN, {"id": engagement["id"]}, [f"municipality:{ALTA}"]))[
        "guidanceEngagement"
    ]
    assert plan["milestones"] == [
        {"title": "Kartlegging", "dueOn": "2018-12-01", "reachedOn": "2018-11-20"}
    ]
    assert plan["visits"] == [
        {"visitedOn": "2018-10-02", "note": "Møte med ledelsen", "adviser": {"name": "Rådgiver"}}
    ]
    again = await guidance.error(REACH, {"id": added["id"], "on": "2018-11-21"}, DIRECTORATE)
    assert again["code"] == "CONFLICT"


async def test_plan_and_visit_failures(guidance) -> None:
    adviser, stranger = await guidance.adviser("Rådgiver"), await guidance.adviser("Annen")
    engagement = await guidance.start(await guidance.accepted(ALTA), [adviser])
    visit = {"engagementId": engagement["id"], "visitedOn": "2018-10-02", "note": "Besøk"}
    error = await guidance.error(VISIT, {"i": visit | {"adviserId": stranger}}, DIRECTORATE)
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "adviserId")
    error = await guidance.error(
        VISIT, {"i": visit | {"adviserId": adviser, "note": "x" * 4001}}, DIRECTORATE
    )
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "note")
    late = {"engagementId": engagement["id"], "title": "Etter", "dueOn": "2020-09-02"}
    error = await guidance.error(ADD_MILESTONE, {"i": late}, DIRECTORATE)
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "dueOn")
    error = await guidance.error(ADD_MILESTONE, {"i": late}, [f"municipality:{ALTA}"])
    assert error["code"] == "FORBIDDEN"
    missing = await guidance.error(
        REACH, {"id": str(uuid.uuid4()), "on": "2018-11-21"}, DIRECTORATE
    )
    assert missing["code"] == "NOT_FOUND"
    await guidance.call(
        guidance.COMPLETE, {"id": engagement["id"], "report": "Ferdig", "on": None}, DIRECTORATE
    )
    error = await guidance.error(VISIT, {"i": visit | {"adviserId": adviser}}, DIRECTORATE)
    assert error["code"] == "CONFLICT"


async def test_an_engagement_by_id_for_who_may_see_it(guidance) -> None:
    engagement = await guidance.start(await guidance.accepted(HEMNES), [await guidance.adviser()])
    query = "query($id: ID!) { guidanceEngagement(id: $id) { round } }"
    seen = await guidance.call(query, {"id": engagement["id"]}, ["governor:nordland"])
    assert seen["guidanceEngagement"] == {"round": 2018}
    error = await guidance.error(query, {"id": engagement["id"]}, FINNMARK_GOVERNOR)
    assert error["code"] == "NOT_FOUND"
    error = await guidance.error(query, {"id": str(uuid.uuid4())}, DIRECTORATE)
    assert error["code"] == "NOT_FOUND"
