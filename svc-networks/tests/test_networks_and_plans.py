"""Learning networks, memberships and competence plans through the subgraph (SQLite)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

ROGALAND = ["governor:rogaland"]
STAVANGER, SANDNES, SOLA, TIME = "1103", "1108", "1124", "1121"
ALTA = "5601"


# Networks and members -----------------------------------------------------------------------


async def test_the_governor_creates_a_network_and_members_join_and_leave(networks) -> None:
    network = await networks.network(
        [STAVANGER, "1102"],  # Sandnes under its number before 2020
        partners=["Universitetet i Stavanger", "KS Rogaland"],
        establishedOn="2018-02-01",
    )
    assert network["county"] == {"number": "11"}
    assert [m["municipality"]["number"] for m in network["members"]] == [STAVANGER, SANDNES]
    assert network["partners"] == ["Universitetet i Stavanger", "KS Rogaland"]
    joined = await networks.join(
        network["id"], SOLA, contact="Barnevernleder Sola", on="2018-05-01"
    )
    sola = joined["members"][-1]
    assert sola == {
        "municipality": {"number": SOLA},
        "joinedOn": "2018-05-01",
        "leftOn": None,
        "leadershipContact": "Barnevernleder Sola",
    }
    left = await networks.call(
        networks.LEAVE, {"id": network["id"], "m": SOLA, "on": "2018-12-31"}, ROGALAND
    )
    assert left["leaveLearningNetwork"]["members"][-1]["leftOn"] == "2018-12-31"
    events = await networks.outbox()
    assert [(e["type"], e["key"]) for e in events] == [
        ("NetworkMemberJoined", STAVANGER),
        ("NetworkMemberJoined", SANDNES),
        ("NetworkMemberJoined", SOLA),
        ("NetworkMemberLeft", SOLA),
    ]
    assert events[-1]["payload"] | {"network_id": None} == {
        "network_id": None,
        "county": "11",
        "municipality": SOLA,
        "joined_on": "2018-05-01",
        "left_on": "2018-12-31",
    }
    # Joining again after leaving is a new membership.
    again = await networks.join(network["id"], SOLA)
    assert [m["municipality"]["number"] for m in again["members"]].count(SOLA) == 2


async def test_only_that_countys_governor_or_the_directorate_changes_a_network(networks) -> None:
    network = await networks.network([STAVANGER])
    create = {"input": {"county": "11", "name": "Nettverk", "members": [SANDNES]}}
    join = {"id": network["id"], "m": SOLA}
    for roles, code in (
        (["governor:troms-finnmark"], "FORBIDDEN"),
        (["county:46"], "FORBIDDEN"),
        ([f"municipality:{STAVANGER}"], "FORBIDDEN"),
        (None, "UNAUTHENTICATED"),
    ):
        assert (await networks.error(networks.CREATE, create, roles))["code"] == code
        assert (await networks.error(networks.JOIN, join, roles))["code"] == code
    refused = await networks.error(networks.CREATE, create, ["governor:troms-finnmark"])
    assert "county 11" in refused["message"]
    assert await networks.network([SANDNES], roles=["directorate"])
    assert await networks.network([TIME], roles=["county:11"])


async def test_leadership_contacts_are_for_the_member_its_governor_and_the_directorate(
    networks,
) -> None:
    network = await networks.network([STAVANGER])
    await networks.join(network["id"], SOLA, contact="Kari Nordmann")
    query = """{ learningNetworks(county: "11") {
      members { municipality { number } leadershipContact } } }"""
    for roles, shown in (
        (None, None),
        ([f"municipality:{STAVANGER}"], None),
        ([f"municipality:{SOLA}"], "Kari Nordmann"),
        (ROGALAND, "Kari Nordmann"),
        (["directorate"], "Kari Nordmann"),
    ):
        members = (await networks.call(query, roles=roles))["learningNetworks"][0]["members"]
        assert members[1]["leadershipContact"] == shown


async def test_the_governor_sets_a_founding_members_leadership_contact(networks) -> None:
    network = await networks.network([STAVANGER])
    mutation = """mutation($id: ID!, $m: String!, $c: String) {
      setLeadershipContact(networkId: $id, municipality: $m, leadershipContact: $c) {
        members { leadershipContact } } }"""
    variables = {"id": network["id"], "m": STAVANGER, "c": "Barnevernleder Stavanger"}
    set_ = await networks.call(mutation, variables, ROGALAND)
    assert set_["setLeadershipContact"]["members"] == [
        {"leadershipContact": "Barnevernleder Stavanger"}
    ]
    for changes, roles, code in (
        ({}, ["governor:troms-finnmark"], "FORBIDDEN"),
        ({}, [f"municipality:{STAVANGER}"], "FORBIDDEN"),
        ({"m": SOLA}, ROGALAND, "CONFLICT"),
        ({"c": "x" * 201}, ROGALAND, "BAD_USER_INPUT"),
        ({"id": str(uuid.uuid4())}, ROGALAND, "NOT_FOUND"),
    ):
        error = await networks.error(mutation, variables | changes, roles)
        assert error["code"] == code
    assert "Stavanger" not in str(await networks.outbox())  # a person's contact stays here


async def test_a_municipality_takes_part_in_one_network_at_a_time(networks) -> None:
    await networks.network([STAVANGER], name="Nord-Jæren")
    second = await networks.network([SANDNES], name="Sør")
    create = {"input": {"county": "11", "name": "Tredje", "members": [SOLA, STAVANGER]}}
    for query, variables in (
        (networks.CREATE, create),
        (networks.JOIN, {"id": second["id"], "m": STAVANGER}),
    ):
        error = await networks.error(query, variables, ROGALAND)
        assert error["code"] == "CONFLICT"
        assert "'Nord-Jæren'" in error["message"]
    assert len((await networks.call("{ learningNetworks { id } }"))["learningNetworks"]) == 2


async def test_networks_are_public_and_found_by_a_current_or_historical_county(networks) -> None:
    rogaland = await networks.network([STAVANGER])
    finnmark = await networks.network([ALTA], county="56", name="Finnmark", roles=["directorate"])
    query = "query($county: String) { learningNetworks(county: $county) { id } }"
    for county, found in ((None, [rogaland, finnmark]), ("11", [rogaland]), ("20", [finnmark])):
        data = await networks.call(query, {"county": county})  # 20: Finnmark before 2020
        assert data["learningNetworks"] == [{"id": n["id"]} for n in found]
    error = await networks.error(query, {"county": "99"})
    assert error == {
        "code": "BAD_USER_INPUT",
        "field": "county",
        "message": "county: no county has number '99'",
    }
    rows = await networks.entities("learningNetwork { id }", [STAVANGER, SOLA])
    assert [row["learningNetwork"] for row in rows] == [{"id": rogaland["id"]}, None]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"county": "99"}, "county"),
        ({"members": []}, "members"),
        ({"members": [ALTA]}, "members"),
        ({"members": ["12"]}, "members"),
        ({"name": " "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "a\x00b"}, "name"),
        ({"partners": ["x" * 201]}, "partners"),
        ({"establishedOn": (date.today() + timedelta(days=2)).isoformat()}, "establishedOn"),
    ],
)
async def test_a_bad_network_is_bad_user_input_naming_the_field(
    networks, fields: dict, field: str
) -> None:
    network = {"county": "11", "name": "Nettverk", "members": [STAVANGER], **fields}
    error = await networks.error(networks.CREATE, {"input": network}, ["directorate"])
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", field)


async def test_joining_and_leaving_refuse_what_cannot_be(networks) -> None:
    network = await networks.network([STAVANGER], establishedOn="2018-02-01")
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    for query, variables, code, field in (
        (networks.JOIN, {"id": network["id"], "m": ALTA}, "BAD_USER_INPUT", "municipality"),
        (
            networks.JOIN,
            {"id": network["id"], "m": SOLA, "on": tomorrow},
            "BAD_USER_INPUT",
            "joinedOn",
        ),
        (
            networks.JOIN,
            {"id": network["id"], "m": SOLA, "contact": "x" * 201},
            "BAD_USER_INPUT",
            "leadershipContact",
        ),
        (networks.JOIN, {"id": str(uuid.uuid4()), "m": SOLA}, "NOT_FOUND", None),
        (networks.JOIN, {"id": "not-an-id", "m": SOLA}, "NOT_FOUND", None),
        (networks.LEAVE, {"id": network["id"], "m": SOLA, "on": "2018-06-01"}, "CONFLICT", None),
        (
            networks.LEAVE,
            {"id": network["id"], "m": STAVANGER, "on": "2018-01-01"},
            "BAD_USER_INPUT",
            "leftOn",
        ),
        (
            networks.LEAVE,
            {"id": network["id"], "m": STAVANGER, "on": tomorrow},
            "BAD_USER_INPUT",
            "leftOn",
        ),
    ):
        error = await networks.error(query, variables, ROGALAND)
        assert (error["code"], error.get("field")) == (code, field)
    assert (await networks.error(networks.JOIN, {"id": network["id"], "m": STAVANGER}, ROGALAND))[
        "code"
    ] == "CONFLICT"


# Competence plans ---------------------------------------------------------------------------


async def test_a_plan_is_in_force_only_after_the_last_member_approves(networks) -> None:
    network = await networks.network([STAVANGER, SANDNES])
    plan = await networks.draft(network["id"], "Kompetanse- og kvalitetsplan 2018–2020")
    assert (plan["version"], plan["status"]) == (1, "DRAFT")
    decided = await networks.decide(plan["id"])
    assert decided["status"] == "AWAITING_APPROVALS"
    assert decided["missingApprovals"] == [{"number": STAVANGER}, {"number": SANDNES}]
    first = await networks.approve(plan["id"], STAVANGER)
    assert (first["status"], first["missingApprovals"]) == (
        "AWAITING_APPROVALS",
        [{"number": SANDNES}],
    )
    assert await networks.outbox_types() == ["NetworkMemberJoined"] * 2
    last = await networks.approve(plan["id"], SANDNES)
    assert (last["status"], last["missingApprovals"]) == ("IN_FORCE", [])
    assert last["approvedBy"] == [{"number": STAVANGER}, {"number": SANDNES}]
    in_force = (await networks.outbox())[-1]
    assert (in_force["type"], in_force["key"]) == ("CompetencePlanInForce", STAVANGER)
    assert in_force["payload"]["municipalities"] == [STAVANGER, SANDNES]
    again = await networks.approve(plan["id"], SANDNES)  # approving twice changes nothing
    assert again["status"] == "IN_FORCE"
    assert (await networks.outbox_types()).count("CompetencePlanInForce") == 1


async def test_a_new_member_reopens_approval_and_withdraws_the_plan(networks) -> None:
    network_id, plan_id = await networks.network_in_force([STAVANGER])
    joined = await networks.join(network_id, SOLA)
    assert joined["currentPlan"]["status"] == "AWAITING_APPROVALS"
    withdrawn = (await networks.outbox())[-1]
    assert (withdrawn["type"], withdrawn["key"]) == ("CompetencePlanWithdrawn", STAVANGER)
    assert SOLA in withdrawn["payload"]["reason"]
    again = await networks.approve(plan_id, SOLA)
    assert again["status"] == "IN_FORCE"
    assert (await networks.outbox())[-1]["payload"]["municipalities"] == [STAVANGER, SOLA]


async def test_a_member_leaving_may_put_the_plan_in_force(networks) -> None:
    network = await networks.network([STAVANGER, SOLA])
    plan = await networks.draft(network["id"])
    await networks.decide(plan["id"])
    await networks.approve(plan["id"], STAVANGER)
    variables = {"id": network["id"], "m": SOLA, "on": date.today().isoformat()}
    left = await networks.call(networks.LEAVE, variables, ROGALAND)
    assert left["leaveLearningNetwork"]["currentPlan"]["status"] == "IN_FORCE"


async def test_a_new_version_supersedes_the_plan_in_force(networks) -> None:
    network_id, plan_id = await networks.network_in_force([STAVANGER])
    second = await networks.draft(network_id, "Revidert plan")
    assert (second["version"], second["status"]) == (2, "DRAFT")
    assert second["missingApprovals"] == [{"number": STAVANGER}]
    assert (await networks.outbox_types())[-1] == "CompetencePlanWithdrawn"
    old = await networks.error(networks.APPROVE, {"input": {"planId": plan_id}}, ROGALAND)
    assert old["code"] == "CONFLICT"
    plans = await networks.call(
        "query($id: ID!) { competencePlan(id: $id) { status missingApprovals { number } } }",
        {"id": plan_id},
    )
    assert plans["competencePlan"] == {"status": "SUPERSEDED", "missingApprovals": []}


async def test_a_municipality_approves_only_for_itself(networks) -> None:
    network = await networks.network([STAVANGER, SANDNES])
    plan = await networks.draft(network["id"])
    await networks.decide(plan["id"])
    for_stavanger = {"input": {"planId": plan["id"], "municipality": STAVANGER}}
    for roles in (
        [f"municipality:{SANDNES}"],  # another member
        ROGALAND,  # its county governor
        ["directorate"],
    ):
        error = await networks.error(networks.APPROVE, for_stavanger, roles)
        assert error["code"] == "FORBIDDEN"
        assert STAVANGER in error["message"]
    assert (await networks.error(networks.APPROVE, for_stavanger, None))["code"] == (
        "UNAUTHENTICATED"
    )
    current = await networks.call(
        "query($id: ID!) { competencePlan(id: $id) { approvedBy { number } } }", {"id": plan["id"]}
    )
    assert current["competencePlan"]["approvedBy"] == []


async def test_approvals_that_cannot_be(networks) -> None:
    network = await networks.network([STAVANGER])
    plan = await networks.draft(network["id"])
    early = await networks.error(
        networks.APPROVE,
        {"input": {"planId": plan["id"], "municipality": STAVANGER}},
        [f"municipality:{STAVANGER}"],
    )
    assert (early["code"], "not decided" in early["message"]) == ("CONFLICT", True)
    await networks.decide(plan["id"])
    outsider = await networks.error(
        networks.APPROVE,
        {"input": {"planId": plan["id"], "municipality": SOLA}},
        [f"municipality:{SOLA}"],
    )
    assert (outsider["code"], "not a member" in outsider["message"]) == ("CONFLICT", True)
    for variables, roles, code in (
        ({"input": {"planId": plan["id"]}}, ["governor:troms-finnmark"], "FORBIDDEN"),
        ({"input": {"planId": plan["id"]}}, [f"municipality:{STAVANGER}"], "FORBIDDEN"),
        ({"input": {"planId": str(uuid.uuid4())}}, ROGALAND, "NOT_FOUND"),
        ({"input": {"planId": plan["id"], "municipality": "99"}}, ROGALAND, "BAD_USER_INPUT"),
    ):
        assert (await networks.error(networks.APPROVE, variables, roles))["code"] == code
    for variables, roles, code in (
        ({"id": network["id"], "title": " "}, ROGALAND, "BAD_USER_INPUT"),
        ({"id": network["id"], "title": "x" * 501}, ROGALAND, "BAD_USER_INPUT"),
        ({"id": network["id"], "title": "Plan"}, ["governor:vestland"], "FORBIDDEN"),
        ({"id": str(uuid.uuid4()), "title": "Plan"}, ROGALAND, "NOT_FOUND"),
    ):
        assert (await networks.error(networks.DRAFT, variables, roles))["code"] == code
