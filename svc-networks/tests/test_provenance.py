"""Networks, plans and dialogue meetings say whether they are demo data and where their figures
come from; a network of 2018 shows the county of its time."""

from __future__ import annotations

from typing import Any

ROGALAND = ["governor:rogaland"]
VESTLAND = ["governor:vestland"]
DEMO = {"demo": True, "source": "Demo: the members are invented"}
NETWORK = """mutation($input: LearningNetworkInput!) { createLearningNetwork(input: $input) {
  id county { number } countyNameThen demo source } }"""


async def test_a_demo_network_of_2018_says_so_and_shows_the_county_of_its_time(networks) -> None:
    network = {
        "county": "14",  # Sogn og Fjordane in 2018, in Vestland (46) today
        "name": "Læringsnettverk Sogn og Fjordane",
        "members": ["1432"],
        "establishedOn": "2018-03-01",
    }
    data = await networks.call(NETWORK, {"input": network | DEMO}, VESTLAND)
    created = data["createLearningNetwork"]
    assert created["county"] == {"number": "46"}
    assert created["countyNameThen"] == "Sogn og Fjordane"
    assert (created["demo"], created["source"]) == (True, DEMO["source"])

    plan = await networks.call(
        """mutation($id: ID!) { draftCompetencePlan(networkId: $id, title: "Plan", demo: true,
          source: "Demo: the title is invented") { demo source } }""",
        {"id": created["id"]},
        VESTLAND,
    )
    assert plan["draftCompetencePlan"] == {"demo": True, "source": "Demo: the title is invented"}


async def test_an_ordinary_meeting_has_no_label(networks) -> None:
    meeting = {
        "municipality": "1103",
        "heldOn": "2018-05-02",
        "topics": ["PRACTICE"],
        "participants": ["Barnevernleder"],
    }
    query = """mutation($input: DialogueMeetingInput!) { recordDialogueMeeting(input: $input) {
      demo source } }"""
    data = await networks.call(query, {"input": meeting}, ROGALAND)
    assert data["recordDialogueMeeting"] == {"demo": False, "source": None}
    data = await networks.call(query, {"input": meeting | DEMO}, ROGALAND)
    assert data["recordDialogueMeeting"] == DEMO


async def test_a_demo_record_without_a_source_is_refused(networks: Any) -> None:
    network = {"county": "11", "name": "Nettverk", "members": ["1103"], "demo": True}
    error = await networks.error(NETWORK, {"input": network}, ROGALAND)
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "source")
    data = await networks.call("{ learningNetworks { id } }")
    assert data["learningNetworks"] == []
