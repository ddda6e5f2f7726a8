"""Advisers, cases and engagements say whether they are demo data and where their figures come
from; a 2018 engagement shows its host by the name of its time."""

from __future__ import annotations

from typing import Any

DIRECTORATE = ["directorate"]
DEMO = {"demo": True, "source": "Demo: invented"}
ENGAGEMENT = """mutation($i: GuidanceEngagementInput!) { startGuidanceEngagement(input: $i) {
  demo source municipality { number } municipalityNameThen case { demo source } } }"""


async def test_a_demo_engagement_for_forde_in_2018(guidance: Any) -> None:
    case = await guidance.nominate("1432", **DEMO)  # Førde, in Sunnfjord (4647) since 2020
    await guidance.respond(case["id"], municipality="4647")
    adviser = await guidance.call(
        "mutation($i: GuidanceAdviserInput!) { registerGuidanceAdviser(input: $i) {"
        " id demo source } }",
        {"i": {"name": "Rådgiver A", "capacity": 2} | DEMO},
        DIRECTORATE,
    )
    added = adviser["registerGuidanceAdviser"]
    assert (added["demo"], added["source"]) == (True, "Demo: invented")
    source = "Bufdir (2018): Førde accepted guidance in the 2018 round; dates invented"
    engagement = guidance.engagement(case["id"], [added["id"]], demo=True, source=source)
    data = await guidance.call(ENGAGEMENT, {"i": engagement}, DIRECTORATE)
    assert data["startGuidanceEngagement"] == {
        "demo": True,
        "source": source,
        "municipality": {"number": "4647"},
        "municipalityNameThen": "Førde",
        "case": DEMO,
    }


async def test_an_ordinary_case_has_no_label_and_a_demo_one_needs_a_source(
    guidance: Any,
) -> None:
    case = await guidance.nominate("5601")
    data = await guidance.call(
        "query($m: String!) { guidanceCases(municipality: $m) { demo source } }",
        {"m": "5601"},
        DIRECTORATE,
    )
    assert data["guidanceCases"] == [{"demo": False, "source": None}]
    assert case["id"]
    nomination = {"municipality": "5603", "reason": "Svikt", "demo": True}
    failure = await guidance.failure(guidance.NOMINATE, {"i": nomination}, DIRECTORATE)
    assert (failure["extensions"]["code"], failure["extensions"]["field"]) == (
        "BAD_USER_INPUT",
        "source",
    )
