"""The overviews: each municipality's coverage and the nation's, from education's own records and
the other services' events (fed through the inbox here, as the Kafka consumer would)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.contracts.grants import (
    APPLICATIONS_TOPIC,
    GrantApplicationSubmitted,
    GrantAwarded,
    GrantCancelled,
    GrantPaid,
    GrantReclaimed,
    GrantSettled,
)
from shared.contracts.guidance import ENGAGEMENTS_TOPIC, EngagementEndedEarly, EngagementStarted
from shared.contracts.networks import MEMBERSHIPS_TOPIC, NetworkMemberJoined, NetworkMemberLeft
from shared.events import Contract, parse_event
from shared.runtime import ServiceRuntime
from shared.testing import event_bytes
from svc_education.schema import schema

LAW = "6f0b1c2e-2018-4a01-8000-000000000003"
ALTA, KAUTOKEINO, OSLO, GJESDAL = "5601", "5614", "0301", "1122"
CREATE_OFFERING = """mutation($i: OfferingInput!) { createOffering(input: $i) { id } }"""
REGISTER = """mutation($i: [EnrolmentInput!]!) { registerEnrolments(input: $i) { accepted } }"""
COHORT = """mutation($i: SupportCohortInput!) { createSupportCohort(input: $i) { id } }"""
JOIN = """mutation($i: CohortJoinInput!) { joinSupportCohort(input: $i) { participantCount } }"""
COVERAGE = """query($n: String!, $y: Int) { municipality(number: $n) { number
  coverage(year: $y) { year furtherEducation employerGrant learningNetwork supportProgramme
                       guidance measures } } }"""
NATIONAL = """query($y: Int) {
  nationalOverview(year: $y) { year municipalitiesTotal municipalitiesReached
    byMeasure { furtherEducation employerGrant learningNetwork supportProgramme guidance }
    counties { county { number } municipalitiesTotal municipalitiesReached
               byMeasure { furtherEducation guidance } }
    seatsOffered seatsTaken grantsCommittedNok grantsPaidNok supportProgrammeEmployees
    activeGuidanceEngagements }
  municipalities { number coverage(year: $y) { measures } } }"""


async def public(gql, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """Asked without a token: the overviews are public."""
    data, errors = await gql(query, variables)
    assert errors == [], errors
    return data


async def deliver(runtime: ServiceRuntime, topic: str, *payloads: Contract) -> None:
    for payload in payloads:
        municipality = getattr(payload, "municipality", None) or payload.municipalities[0]  # type: ignore[attr-defined]
        assert await runtime.handle(topic, parse_event(event_bytes(payload, municipality)))


async def enrol(gql, term: str, seats: int, municipalities: list[str]) -> None:
    data, errors = await gql(
        CREATE_OFFERING,
        {"i": {"programmeId": LAW, "term": term, "seats": seats}},
        ["institution:uis"],
    )
    assert errors == []
    rows = [
        {
            "offeringId": data["createOffering"]["id"],
            "municipality": m,
            "employeeRef": f"e-{uuid.uuid4().hex}",
            "externalRef": uuid.uuid4().hex,
        }
        for m in municipalities
    ]
    _, errors = await gql(REGISTER, {"i": rows}, ["institution:uis"])
    assert errors == []


async def support_cohort(gql, county: str, municipality: str, participants: int) -> None:
    data, errors = await gql(
        COHORT,
        {
            "i": {
                "county": county,
                "knowledgeCentre": "RKBU_VEST",
                "startsOn": "2018-09-01",
                "endsOn": "2018-12-14",
            }
        },
        ["directorate"],
    )
    assert errors == []
    people = [{"employeeRef": f"p-{i}", "role": "EMPLOYEE"} for i in range(participants)]
    join = {
        "cohortId": data["createSupportCohort"]["id"],
        "municipality": municipality,
        "headCount": participants + 2,
        "participants": people,
    }
    _, errors = await gql(JOIN, {"i": join}, ["directorate"])
    assert errors == []


def grant(municipality: str, kind: str, year: int = 2018) -> tuple[uuid.UUID, Any]:
    """A submitted application, and a maker of its later events."""
    ids = {"application_id": uuid.uuid4(), "scheme_id": uuid.uuid4(), "municipality": municipality}
    submitted = GrantApplicationSubmitted(
        **ids, kind=kind, year=year, county="56", requested_ore=10_000_00
    )

    def later(event: type[Contract], **fields: Any) -> Contract:
        return event(**ids, **fields)

    return submitted, later


def engagement(municipalities: list[str], starts_on: date, ends_on: date) -> dict[str, Any]:
    return {
        "engagement_id": uuid.uuid4(),
        "case_id": uuid.uuid4(),
        "round": starts_on.year,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "municipalities": municipalities,
    }


async def test_alta_s_2018_records_under_its_old_number_count_for_2012_and_5601(
    gql, runtime: ServiceRuntime
) -> None:
    await enrol(gql, "2018H", 5, ["2012"])  # posted under Alta's 2018 number
    await deliver(
        runtime,
        ENGAGEMENTS_TOPIC,
        EngagementStarted(
            **engagement(["5403"], date(2018, 10, 1), date(2020, 10, 1)), advisers=2
        ),  # guidance's event naming Alta's 2020 number
    )
    for number in ("2012", ALTA):
        found = (await public(gql, COVERAGE, {"n": number, "y": 2018}))["municipality"]
        assert found == {
            "number": ALTA,
            "coverage": {
                "year": 2018,
                "furtherEducation": True,
                "employerGrant": False,
                "learningNetwork": False,
                "supportProgramme": False,
                "guidance": True,
                "measures": 2,
            },
        }
    spring_2018 = await public(gql, COVERAGE, {"n": ALTA, "y": 2017})
    assert spring_2018["municipality"]["coverage"]["measures"] == 0
    later = await public(gql, COVERAGE, {"n": ALTA, "y": 2020})
    assert later["municipality"]["coverage"]["guidance"] is True  # two years of guidance
    assert later["municipality"]["coverage"]["furtherEducation"] is False
    ever = await public(gql, COVERAGE, {"n": ALTA, "y": None})
    assert ever["municipality"]["coverage"]["measures"] == 2
    assert ever["municipality"]["coverage"]["year"] is None


async def test_the_nation_s_totals_agree_with_the_records_beneath_them(
    gql, runtime: ServiceRuntime
) -> None:
    await enrol(gql, "2018H", 2, [ALTA, OSLO, OSLO])  # the third waits: no seat
    await enrol(gql, "2019V", 7, [GJESDAL])
    await support_cohort(gql, "11", GJESDAL, participants=3)
    employer, employer_events = grant(KAUTOKEINO, "EMPLOYER_FURTHER_EDUCATION")
    project, project_events = grant(ALTA, "DEVELOPMENT_PROJECT")
    cancelled, cancelled_events = grant(OSLO, "EMPLOYER_FURTHER_EDUCATION")
    other_year, _ = grant(OSLO, "EMPLOYER_FURTHER_EDUCATION", year=2019)
    await deliver(
        runtime,
        APPLICATIONS_TOPIC,
        employer,
        employer_events(GrantAwarded, amount_ore=8_000_00, reason="ok"),
        employer_events(GrantPaid, amount_ore=5_000_00, paid_total_ore=5_000_00),
        employer_events(GrantSettled, paid_total_ore=5_000_00, released_ore=3_000_00),
        project,
        project_events(GrantAwarded, amount_ore=10_000_00, reason="ok"),
        project_events(GrantPaid, amount_ore=4_000_00, paid_total_ore=4_000_00),
        project_events(GrantReclaimed, amount_ore=1_000_00, reason="not spent"),
        cancelled,
        cancelled_events(GrantAwarded, amount_ore=2_000_00, reason="ok"),
        cancelled_events(GrantCancelled, released_ore=2_000_00, reason="withdrawn"),
        other_year,
    )
    network = uuid.uuid4()
    joined = {"network_id": network, "county": "56", "joined_on": date(2018, 3, 1)}
    await deliver(
        runtime,
        MEMBERSHIPS_TOPIC,
        NetworkMemberJoined(**joined, network_name="Finnmark", municipality="5610"),
        NetworkMemberJoined(**joined, network_name="Finnmark", municipality="5612"),
        NetworkMemberLeft(**joined, municipality="5612", left_on=date(2018, 12, 31)),
        NetworkMemberJoined(
            **(joined | {"joined_on": date(2019, 1, 1)}), network_name="F", municipality="5616"
        ),
    )
    ended = engagement([KAUTOKEINO, "5610"], date(2018, 1, 15), date(2020, 1, 15))
    await deliver(
        runtime,
        ENGAGEMENTS_TOPIC,
        EngagementStarted(**ended, advisers=1),
        EngagementEndedEarly(**ended, ended_on=date(2018, 6, 30)),
    )

    data = await public(gql, NATIONAL, {"y": 2018})
    national = data["nationalOverview"]
    reached = {m["number"] for m in data["municipalities"] if m["coverage"]["measures"] > 0}
    # Further education: Alta and Oslo (Oslo's waiting one no more); employer grant: Kautokeino
    # (Oslo's was cancelled, a project grant is no employer grant); networks: 5610 and 5612 (left
    # on the year's last day); support programme: Gjesdal (its course is 2019's); guidance:
    # Kautokeino and 5610 (ended early in June).
    assert reached == {ALTA, OSLO, KAUTOKEINO, "5610", "5612", GJESDAL}
    assert national["municipalitiesReached"] == len(reached)
    assert national["municipalitiesTotal"] == len(data["municipalities"]) == 357
    by_county = {c["county"]["number"]: c for c in national["counties"]}
    assert by_county["56"]["municipalitiesReached"] == 4
    assert by_county["11"]["municipalitiesReached"] == 1
    assert by_county["03"] == {
        "county": {"number": "03"},
        "municipalitiesTotal": 1,
        "municipalitiesReached": 1,
        "byMeasure": {"furtherEducation": 1, "guidance": 0},
    }
    assert by_county["56"]["byMeasure"] == {"furtherEducation": 1, "guidance": 2}
    assert national["byMeasure"] == {
        "furtherEducation": 2,
        "employerGrant": 1,
        "learningNetwork": 2,
        "supportProgramme": 1,
        "guidance": 2,
    }
    assert sum(c["municipalitiesTotal"] for c in national["counties"]) == 357
    assert national["seatsOffered"] == 2 and national["seatsTaken"] == 2
    # Committed: the settled grant keeps what it paid (5,000), the reclaimed one what it kept
    # (4,000 - 1,000), the cancelled one nothing. Paid: 5,000 + 3,000.
    assert national["grantsCommittedNok"] == "8000.00"
    assert national["grantsPaidNok"] == "8000.00"
    assert national["supportProgrammeEmployees"] == 3
    assert national["activeGuidanceEngagements"] == 1

    spring = (await public(gql, NATIONAL, {"y": 2019}))["nationalOverview"]
    assert (spring["seatsOffered"], spring["seatsTaken"]) == (7, 1)
    assert spring["supportProgrammeEmployees"] == 0  # the cohort is autumn 2018's
    assert spring["activeGuidanceEngagements"] == 0
    assert spring["municipalitiesReached"] == 3  # Gjesdal's course; 5610's and 5616's network
    # Without a year: this year's. Only 5610's and 5616's memberships go on (no end recorded).
    this_year = (await public(gql, NATIONAL, {"y": None}))["nationalOverview"]
    assert this_year["year"] == datetime.now(UTC).year
    assert this_year["municipalitiesReached"] == 2
    assert this_year["activeGuidanceEngagements"] == this_year["seatsOffered"] == 0
    gjesdal = await public(gql, COVERAGE, {"n": GJESDAL, "y": None})  # any year: 2018 and 2019
    assert gjesdal["municipality"]["coverage"]["measures"] == 2


@pytest.mark.parametrize("year", [2016, 2100])
async def test_a_year_outside_the_programme_is_bad_user_input(gql, year: int) -> None:
    for query, variables in ((NATIONAL, {"y": year}), (COVERAGE, {"n": ALTA, "y": year})):
        data, errors = await gql(query, variables)
        assert data in (None, {"municipality": None})
        assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "year"}
        assert "must be from 2017" in errors[0]["message"]


def test_the_overviews_types_hold_no_risk_and_no_person() -> None:
    types = {t.name: t for t in schema._schema.type_map.values() if hasattr(t, "fields")}
    for name in ("NationalOverview", "CountyCoverage", "Coverage", "MeasureReach"):
        for field_name, field in types[name].fields.items():
            reachable = str(field.type).strip("[]!")
            assert "risk" not in field_name.lower(), name
            allowed = {"Int", "Boolean", "String", "County", "CountyCoverage", "MeasureReach"}
            assert reachable in allowed, (
                name,
                field_name,
            )
