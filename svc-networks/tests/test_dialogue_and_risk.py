"""Dialogue meetings, risk self-assessments, the governor's overview and batched fields."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import event

ROGALAND = ["governor:rogaland"]
STAVANGER, SANDNES, SOLA = "1103", "1108", "1124"
TOMORROW = (date.today() + timedelta(days=2)).isoformat()


def meeting(municipality: str = STAVANGER, **fields: object) -> dict[str, object]:
    return {
        "input": {
            "municipality": municipality,
            "heldOn": "2018-10-15",
            "topics": ["PRACTICE", "ECONOMY", "INTERNAL_CONTROL"],
            "participants": ["Rådmann", "Barnevernleder"],
            **fields,
        }
    }


def assessment(municipality: str = STAVANGER, **fields: object) -> dict[str, object]:
    return {
        "input": {
            "municipality": municipality,
            "assessedOn": "2018-11-01",
            "level": "HIGH",
            "concerns": ["Høy turnover blant saksbehandlere", "Fristbrudd i undersøkelser"],
            **fields,
        }
    }


async def test_the_governor_records_dialogue_meetings(networks) -> None:
    recorded = await networks.call(networks.MEETING, meeting(), ROGALAND)
    held = recorded["recordDialogueMeeting"]
    assert (held["municipality"], held["heldOn"], held["topics"]) == (
        {"number": STAVANGER},
        "2018-10-15",
        ["PRACTICE", "ECONOMY", "INTERNAL_CONTROL"],
    )
    event_ = (await networks.outbox())[-1]
    assert (event_["type"], event_["key"]) == ("DialogueMeetingHeld", STAVANGER)
    assert "participants" not in event_["payload"]
    for roles, code in (
        (["governor:troms-finnmark"], "FORBIDDEN"),
        ([f"municipality:{STAVANGER}"], "FORBIDDEN"),
        (None, "UNAUTHENTICATED"),
    ):
        assert (await networks.error(networks.MEETING, meeting(), roles))["code"] == code
    for fields, field in (
        ({"municipality": "99"}, "municipality"),
        ({"heldOn": TOMORROW}, "heldOn"),
        ({"topics": []}, "topics"),
        ({"participants": []}, "participants"),
        ({"participants": ["x" * 201]}, "participants"),
        ({"participants": ["p"] * 51}, "participants"),
    ):
        error = await networks.error(networks.MEETING, meeting(**fields), ROGALAND)
        assert (error["code"], error["field"]) == ("BAD_USER_INPUT", field)


async def test_meetings_are_seen_by_the_municipality_its_governor_and_the_directorate(
    networks,
) -> None:
    await networks.call(networks.MEETING, meeting(), ROGALAND)
    for roles in ([f"municipality:{STAVANGER}"], ROGALAND, ["county:11"], ["directorate"]):
        rows = await networks.entities("dialogueMeetings { heldOn }", [STAVANGER], roles)
        assert rows == [{"number": STAVANGER, "dialogueMeetings": [{"heldOn": "2018-10-15"}]}]
    for roles in ([f"municipality:{SANDNES}"], ["governor:vestland"]):
        reps = [{"__typename": "Municipality", "number": STAVANGER}]  # strawberry consumes them
        data, errors = await networks.raw(
            networks.ENTITIES % "dialogueMeetings { heldOn }", {"reps": reps}, roles
        )
        assert errors[0]["extensions"]["code"] == "FORBIDDEN"
        assert data == {"_entities": [None]}


async def test_a_municipality_records_its_own_risk_assessment(networks) -> None:
    recorded = await networks.call(networks.RISK, assessment(), [f"municipality:{STAVANGER}"])
    assert recorded["recordRiskAssessment"]["level"] == "HIGH"
    risk = (await networks.outbox())[-1]
    assert (risk["type"], risk["key"]) == ("RiskAssessed", STAVANGER)
    assert set(risk["payload"]) == {
        "assessment_id",
        "municipality",
        "county",
        "assessed_on",
        "level",
    }  # concerns never leave networks
    for roles in ([f"municipality:{SANDNES}"], ROGALAND, ["directorate"]):
        error = await networks.error(networks.RISK, assessment(), roles)
        assert error["code"] == "FORBIDDEN"
    for fields, field in (
        ({"assessedOn": TOMORROW}, "assessedOn"),
        ({"concerns": ["c"] * 21}, "concerns"),
        ({"concerns": ["x" * 1001]}, "concerns"),
        ({"concerns": ["a\x00b"]}, "concerns"),
    ):
        error = await networks.error(
            networks.RISK, assessment(**fields), [f"municipality:{STAVANGER}"]
        )
        assert (error["code"], error["field"]) == ("BAD_USER_INPUT", field)


async def test_risk_assessments_are_invisible_to_other_municipalities(networks) -> None:
    own = [f"municipality:{STAVANGER}"]
    await networks.call(networks.RISK, assessment(level="MODERATE", assessedOn="2018-03-01"), own)
    await networks.call(networks.RISK, assessment(level="HIGH", assessedOn="2018-11-01"), own)
    await networks.call(networks.RISK, assessment(level="LOW", assessedOn="2018-06-01"), own)
    fields = "riskAssessment { level assessedOn concerns }"
    for roles in (own, ROGALAND, ["directorate"]):
        rows = await networks.entities(fields, [STAVANGER], roles)
        assert rows[0]["riskAssessment"]["level"] == "HIGH"  # the latest by date
    for roles in ([f"municipality:{SANDNES}"], ["governor:troms-finnmark"], None):
        reps = [{"__typename": "Municipality", "number": STAVANGER}]  # strawberry consumes them
        data, errors = await networks.raw(networks.ENTITIES % fields, {"reps": reps}, roles)
        assert data == {"_entities": [{"number": STAVANGER, "riskAssessment": None}]}
        assert errors[0]["extensions"]["code"] in ("FORBIDDEN", "UNAUTHENTICATED")
        assert "Høy turnover" not in str(errors)


async def test_the_governors_overview_of_meetings_and_risk(networks) -> None:
    await networks.call(networks.MEETING, meeting(STAVANGER, heldOn="2018-10-15"), ROGALAND)
    await networks.call(networks.MEETING, meeting(STAVANGER, heldOn="2019-02-01"), ROGALAND)
    await networks.call(networks.MEETING, meeting(SOLA, heldOn="2019-03-01"), ROGALAND)
    await networks.call(networks.RISK, assessment(SOLA), [f"municipality:{SOLA}"])
    query = """query($county: String!, $year: Int) {
      dialogueOverview(county: $county, year: $year) {
      municipality { number } hadMeeting meetings lastMeetingOn riskLevel riskAssessedOn } }"""
    overview = (await networks.call(query, {"county": "11"}, ROGALAND))["dialogueOverview"]
    assert len(overview) == 23  # every municipality of Rogaland today
    by_number = {row["municipality"]["number"]: row for row in overview}
    assert by_number[STAVANGER] | {"municipality": None} == {
        "municipality": None,
        "hadMeeting": True,
        "meetings": 2,
        "lastMeetingOn": "2019-02-01",
        "riskLevel": None,
        "riskAssessedOn": None,
    }
    assert (by_number[SOLA]["riskLevel"], by_number[SANDNES]["hadMeeting"]) == ("HIGH", False)
    in_2018 = await networks.call(query, {"county": "11", "year": 2018}, ["directorate"])
    met = [r["municipality"]["number"] for r in in_2018["dialogueOverview"] if r["hadMeeting"]]
    assert met == [STAVANGER]
    for roles, code in (
        (["governor:troms-finnmark"], "FORBIDDEN"),
        ([f"municipality:{STAVANGER}"], "FORBIDDEN"),
        (None, "UNAUTHENTICATED"),
    ):
        assert (await networks.error(query, {"county": "11"}, roles))["code"] == code
    bad = await networks.error(query, {"county": "99"}, ROGALAND)
    assert (bad["code"], bad["field"]) == ("BAD_USER_INPUT", "county")


async def test_municipality_fields_are_one_query_each_for_many_municipalities(networks) -> None:
    network = await networks.network([STAVANGER, SANDNES, SOLA])
    for number in (STAVANGER, SANDNES, SOLA):
        await networks.call(networks.MEETING, meeting(number), ROGALAND)
        await networks.call(networks.RISK, assessment(number), [f"municipality:{number}"])
    statements: list[str] = []
    engine = networks.runtime.engine.sync_engine
    listen = (engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    event.listen(*listen)
    try:
        rows = await networks.entities(
            "learningNetwork { id } dialogueMeetings { id } riskAssessment { level }",
            [STAVANGER, SANDNES, SOLA],
            ROGALAND,
        )
    finally:
        event.remove(*listen)
    assert {row["learningNetwork"]["id"] for row in rows} == {network["id"]}
    assert [row["riskAssessment"]["level"] for row in rows] == ["HIGH"] * 3
    for table in ("network_members", "dialogue_meetings", "risk_assessments"):
        assert sum(f"FROM {table}" in s for s in statements) == 1, table
