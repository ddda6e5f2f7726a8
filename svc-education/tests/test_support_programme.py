"""The service-support programme: cohorts, gatherings, joins, evaluations, completion."""

from __future__ import annotations

from typing import Any

import pytest

DIRECTORATE = ["directorate"]
GJESDAL = ["municipality:1122"]
CENTRE = ["institution:rkbu-vest"]  # the knowledge centre's machine client

CREATE = """mutation($i: SupportCohortInput!) { createSupportCohort(input: $i) {
  id term status knowledgeCentre knowledgeCentreName startsOn endsOn county { number name } } }"""
GATHERING = """mutation($i: CohortGatheringInput!) { addCohortGathering(input: $i) {
  gatherings { kind date } } }"""
JOIN = """mutation($i: CohortJoinInput!) { joinSupportCohort(input: $i) {
  headCount participantCount leaderCount employeeShare municipality { number }
  participants { employeeRef role } cohort { id } } }"""
EVALUATE = """mutation($i: CohortEvaluationsInput!) { recordCohortEvaluations(input: $i) {
  evaluation { responses satisfaction relevance learningOutcome } } }"""
COMPLETE = """mutation($id: ID!) { completeSupportCohort(id: $id) { status completedAt } }"""
COHORT = """query($id: ID!) { supportCohort(id: $id) {
  municipalityCount headCount participantCount employeeShare
  participations { municipality { number } headCount } } }"""

ROGALAND_AUTUMN = {
    "county": "11",
    "knowledgeCentre": "RKBU_VEST",
    "startsOn": "2018-09-01",
    "endsOn": "2018-12-14",
}


@pytest.fixture
async def cohort(gql) -> str:
    data, errors = await gql(CREATE, {"i": ROGALAND_AUTUMN}, DIRECTORATE)
    assert errors == []
    return data["createSupportCohort"]["id"]


def join_input(cohort: str, municipality: str = "1122", head_count: int = 4, **overrides) -> dict:
    participants = [
        {"employeeRef": "leader-1", "role": "LEADER"},
        {"employeeRef": "worker-1", "role": "EMPLOYEE"},
        {"employeeRef": "worker-2", "role": "EMPLOYEE"},
    ]
    return {
        "cohortId": cohort,
        "municipality": municipality,
        "headCount": head_count,
        "participants": participants,
    } | overrides


def forms(*scores: tuple[int, int, int]) -> list[dict[str, int]]:
    return [{"satisfaction": s, "relevance": r, "learningOutcome": lo} for s, r, lo in scores]


def error_of(errors: list[dict[str, Any]]) -> tuple[str, str | None]:
    return errors[0]["extensions"]["code"], errors[0]["extensions"].get("field")


async def test_directorate_creates_a_cohort_for_a_county_and_term(gql) -> None:
    data, errors = await gql(CREATE, {"i": ROGALAND_AUTUMN}, DIRECTORATE)
    assert errors == []
    created = data["createSupportCohort"]
    assert created["term"] == "2018H"
    assert created["status"] == "OPEN"
    assert created["knowledgeCentreName"] == "RKBU Vest"
    assert created["county"] == {"number": "11", "name": "Rogaland"}

    spring = ROGALAND_AUTUMN | {"startsOn": "2019-01-07", "endsOn": "2019-04-30"}
    await gql(CREATE, {"i": spring}, DIRECTORATE)
    await gql(CREATE, {"i": ROGALAND_AUTUMN | {"county": "03"}}, DIRECTORATE)
    data, errors = await gql(
        """{ rogaland: supportCohorts(county: "11") { term }
             autumn: supportCohorts(term: "2018H") { county { number } }
             all: supportCohorts { id } }"""
    )
    assert errors == []
    assert [c["term"] for c in data["rogaland"]] == ["2018H", "2019V"]
    assert sorted(c["county"]["number"] for c in data["autumn"]) == ["03", "11"]
    assert len(data["all"]) == 3


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"county": "99"}, "county"),
        ({"endsOn": "2018-11-29"}, "endsOn"),  # three months less a day
        ({"endsOn": "2019-01-01"}, "endsOn"),  # four months and a day
        ({"endsOn": "2018-08-01"}, "endsOn"),  # before it starts
        ({"startsOn": "2016-09-01", "endsOn": "2016-12-14"}, "startsOn"),
    ],
)
async def test_cohort_input_is_checked(gql, row_counts, change: dict, field: str) -> None:
    before = await row_counts()
    _, errors = await gql(CREATE, {"i": ROGALAND_AUTUMN | change}, DIRECTORATE)
    assert error_of(errors) == ("BAD_USER_INPUT", field)
    assert await row_counts() == before


@pytest.mark.parametrize(
    ("roles", "code"),
    [
        (None, "UNAUTHENTICATED"),
        (["county:11"], "FORBIDDEN"),
        (GJESDAL, "FORBIDDEN"),
        (CENTRE, "FORBIDDEN"),
    ],
)
async def test_only_the_directorate_runs_cohorts(
    gql, row_counts, cohort: str, roles: list[str] | None, code: str
) -> None:
    before = await row_counts()
    calls = [
        (CREATE, {"i": ROGALAND_AUTUMN}),
        (GATHERING, {"i": {"cohortId": cohort, "kind": "JOINT", "date": "2018-09-03"}}),
        (COMPLETE, {"id": cohort}),
    ]
    for query, variables in calls:
        _, errors = await gql(query, variables, roles)
        assert error_of(errors) == (code, None)
    assert await row_counts() == before


async def test_gatherings_within_the_cohort_and_a_repeat_changes_nothing(
    gql, row_counts, cohort: str
) -> None:
    for kind, day in [("JOINT", "2018-09-03"), ("SUPERVISION", "2018-10-01")]:
        await gql(GATHERING, {"i": {"cohortId": cohort, "kind": kind, "date": day}}, DIRECTORATE)
    before = await row_counts()
    leaders = {"cohortId": cohort, "kind": "LEADERS_ONLY", "date": "2018-09-03"}
    data, errors = await gql(GATHERING, {"i": leaders}, DIRECTORATE)
    assert errors == []
    again, _ = await gql(GATHERING, {"i": leaders}, DIRECTORATE)
    assert again == data
    assert data["addCohortGathering"]["gatherings"] == [
        {"kind": "JOINT", "date": "2018-09-03"},
        {"kind": "LEADERS_ONLY", "date": "2018-09-03"},
        {"kind": "SUPERVISION", "date": "2018-10-01"},
    ]
    assert (await row_counts())["support_gatherings"] == before["support_gatherings"] + 1


async def test_gathering_refusals(gql, row_counts, cohort: str) -> None:
    before = await row_counts()
    outside = {"cohortId": cohort, "kind": "JOINT", "date": "2018-12-15"}
    _, errors = await gql(GATHERING, {"i": outside}, DIRECTORATE)
    assert error_of(errors) == ("BAD_USER_INPUT", "date")
    for missing in ("00000000-0000-0000-0000-000000000000", "not-an-id"):
        _, errors = await gql(GATHERING, {"i": outside | {"cohortId": missing}}, DIRECTORATE)
        assert error_of(errors) == ("NOT_FOUND", None)
    assert await row_counts() == before


async def test_a_service_joins_with_its_head_count(gql, cohort: str, outbox_events) -> None:
    data, errors = await gql(JOIN, {"i": join_input(cohort)}, GJESDAL)
    assert errors == []
    joined = data["joinSupportCohort"]
    assert joined["headCount"] == 4
    assert (joined["participantCount"], joined["leaderCount"]) == (3, 1)
    assert joined["employeeShare"] == 0.75
    assert joined["participants"][0] == {"employeeRef": "leader-1", "role": "LEADER"}
    [event] = await outbox_events()
    assert (event["type"], event["municipality"]) == ("CohortJoined", "1122")
    assert event["payload"] | {"cohort_id": None} == {
        "cohort_id": None,
        "county": "11",
        "term": "2018H",
        "knowledge_centre": "RKBU_VEST",
        "starts_on": "2018-09-01",
        "ends_on": "2018-12-14",
        "municipality": "1122",
        "head_count": 4,
        "participants": 3,
    }


async def test_the_cohort_reports_the_share_of_employees_taking_part(gql, cohort: str) -> None:
    await gql(JOIN, {"i": join_input(cohort)}, GJESDAL)
    sauda = join_input(cohort, "1135", head_count=2)
    sauda["participants"] = sauda["participants"][:2]
    await gql(JOIN, {"i": sauda}, ["directorate"])

    data, errors = await gql(COHORT, {"id": cohort}, ["county:11"])
    assert errors == []
    figures = data["supportCohort"]
    assert (figures["municipalityCount"], figures["headCount"]) == (2, 6)
    assert (figures["participantCount"], figures["employeeShare"]) == (5, 0.8333)
    assert len(figures["participations"]) == 2

    own, _ = await gql(COHORT, {"id": cohort}, GJESDAL)
    assert own["supportCohort"]["participations"] == [
        {"municipality": {"number": "1122"}, "headCount": 4}
    ]
    _, errors = await gql(COHORT, {"id": cohort})
    assert error_of(errors) == ("UNAUTHENTICATED", None)
    public, errors = await gql(
        "query($id: ID!) { supportCohort(id: $id) { employeeShare } }", {"id": cohort}
    )
    assert (errors, public["supportCohort"]["employeeShare"]) == ([], 0.8333)


async def test_joining_again_replaces_the_participants(
    gql, row_counts, cohort: str, outbox_events
) -> None:
    await gql(JOIN, {"i": join_input(cohort)}, GJESDAL)
    before = await row_counts()
    _, errors = await gql(JOIN, {"i": join_input(cohort)}, GJESDAL)
    assert errors == []
    assert await row_counts() == before  # an identical join is a replay: no event either

    everyone = [{"employeeRef": f"w{i}", "role": "EMPLOYEE"} for i in range(5)]
    data, errors = await gql(
        JOIN, {"i": join_input(cohort, head_count=5, participants=everyone)}, GJESDAL
    )
    assert errors == []
    assert data["joinSupportCohort"]["employeeShare"] == 1.0
    assert [p["employeeRef"] for p in data["joinSupportCohort"]["participants"]] == [
        f"w{i}" for i in range(5)
    ]
    events = await outbox_events()
    assert [e["payload"]["participants"] for e in events] == [3, 5]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"municipality": "0301"}, "municipality"),  # Oslo is not in Rogaland
        ({"municipality": "9999"}, "municipality"),
        ({"headCount": 0}, "headCount"),
        ({"headCount": 2}, "participants"),  # three participants, two employees
        ({"participants": []}, "participants"),
        (
            {"participants": [{"employeeRef": "a", "role": "LEADER"}] * 2},
            "participants",
        ),
        (
            {"participants": [{"employeeRef": "15057543873", "role": "LEADER"}]},
            "participants[0].employeeRef",
        ),
        ({"participants": [{"employeeRef": " ", "role": "LEADER"}]}, "participants[0].employeeRef"),
    ],
)
async def test_join_input_is_checked(gql, row_counts, cohort: str, change: dict, field) -> None:
    before = await row_counts()
    _, errors = await gql(JOIN, {"i": join_input(cohort) | change}, DIRECTORATE)
    assert error_of(errors) == ("BAD_USER_INPUT", field)
    assert await row_counts() == before


@pytest.mark.parametrize(
    ("roles", "code"),
    [
        (None, "UNAUTHENTICATED"),
        (["municipality:1135"], "FORBIDDEN"),  # another municipality of the county
        (["county:11"], "FORBIDDEN"),  # the county governor sees, but does not join
        (CENTRE, "FORBIDDEN"),
    ],
)
async def test_only_the_municipality_itself_joins(
    gql, row_counts, cohort: str, roles: list[str] | None, code: str
) -> None:
    before = await row_counts()
    _, errors = await gql(JOIN, {"i": join_input(cohort)}, roles)
    assert error_of(errors) == (code, None)
    assert await row_counts() == before


async def test_join_refusals_on_the_cohort(gql, row_counts, cohort: str) -> None:
    missing = "00000000-0000-0000-0000-000000000000"
    _, errors = await gql(JOIN, {"i": join_input(missing)}, GJESDAL)
    assert error_of(errors) == ("NOT_FOUND", None)
    _, errors = await gql(COMPLETE, {"id": missing}, DIRECTORATE)
    assert error_of(errors) == ("NOT_FOUND", None)
    await gql(COMPLETE, {"id": cohort}, DIRECTORATE)
    before = await row_counts()
    _, errors = await gql(JOIN, {"i": join_input(cohort)}, GJESDAL)
    assert error_of(errors) == ("CONFLICT", None)
    gathering = {"cohortId": cohort, "kind": "JOINT", "date": "2018-09-03"}
    _, errors = await gql(GATHERING, {"i": gathering}, DIRECTORATE)
    assert error_of(errors) == ("CONFLICT", None)
    assert await row_counts() == before


async def test_municipality_sees_its_own_support_programme(gql, cohort: str) -> None:
    await gql(JOIN, {"i": join_input(cohort)}, GJESDAL)
    query = """{ municipality(number: "1122") { supportProgramme {
                 employeeShare cohort { term knowledgeCentre } } } }"""
    for roles in (GJESDAL, ["county:11"], DIRECTORATE):
        data, errors = await gql(query, roles=roles)
        assert errors == []
        assert data["municipality"]["supportProgramme"] == [
            {"employeeShare": 0.75, "cohort": {"term": "2018H", "knowledgeCentre": "RKBU_VEST"}}
        ]
    _, errors = await gql(query, roles=["municipality:1135"])
    assert error_of(errors) == ("FORBIDDEN", None)
    _, errors = await gql(query)
    assert error_of(errors) == ("UNAUTHENTICATED", None)


async def test_evaluations_are_an_anonymous_aggregate(gql, row_counts, cohort: str) -> None:
    first = {"cohortId": cohort, "submissionRef": "week-1", "responses": forms((5, 4, 3))}
    data, errors = await gql(EVALUATE, {"i": first}, CENTRE)
    assert errors == []
    assert data["recordCohortEvaluations"]["evaluation"] == {
        "responses": 1,
        "satisfaction": None,  # too few answers to show without pointing at someone
        "relevance": None,
        "learningOutcome": None,
    }
    second = {
        "cohortId": cohort,
        "submissionRef": "final",
        "responses": forms((4, 4, 4), (3, 5, 4)),
    }
    data, errors = await gql(EVALUATE, {"i": second}, DIRECTORATE)
    assert errors == []
    assert data["recordCohortEvaluations"]["evaluation"] == {
        "responses": 3,
        "satisfaction": 4.0,
        "relevance": 4.33,
        "learningOutcome": 3.67,
    }
    before = await row_counts()
    replay = second | {"responses": list(reversed(second["responses"]))}
    again, errors = await gql(EVALUATE, {"i": replay}, DIRECTORATE)
    assert (errors, again) == ([], data)
    assert await row_counts() == before


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"responses": forms((5, 5, 5), (5, 0, 5))}, "BAD_USER_INPUT", "responses[1].relevance"),
        ({"responses": forms((6, 5, 5))}, "BAD_USER_INPUT", "responses[0].satisfaction"),
        ({"responses": forms((5, 5, -1))}, "BAD_USER_INPUT", "responses[0].learningOutcome"),
        ({"responses": []}, "BAD_USER_INPUT", "responses"),
        ({"submissionRef": " "}, "BAD_USER_INPUT", "submissionRef"),
        ({"submissionRef": "week-1"}, "CONFLICT", None),  # the same ref for other forms
        ({"cohortId": "00000000-0000-0000-0000-000000000000"}, "NOT_FOUND", None),
    ],
)
async def test_evaluation_input_is_checked(
    gql, row_counts, cohort: str, change: dict, code: str, field: str | None
) -> None:
    posted = {"cohortId": cohort, "submissionRef": "week-1", "responses": forms((4, 4, 4))}
    await gql(EVALUATE, {"i": posted}, CENTRE)
    before = await row_counts()
    posted = posted | {"submissionRef": "week-2", "responses": forms((3, 3, 3))} | change
    _, errors = await gql(EVALUATE, {"i": posted}, CENTRE)
    assert error_of(errors) == (code, field)
    assert await row_counts() == before


@pytest.mark.parametrize(
    ("roles", "code"),
    [
        (None, "UNAUTHENTICATED"),
        (["institution:rkbu-nord"], "FORBIDDEN"),  # a centre that does not run this cohort
        (["institution:uis"], "FORBIDDEN"),
        (GJESDAL, "FORBIDDEN"),
        (["county:11"], "FORBIDDEN"),
    ],
)
async def test_only_the_directorate_or_the_running_centre_posts_evaluations(
    gql, row_counts, cohort: str, roles: list[str] | None, code: str
) -> None:
    before = await row_counts()
    posted = {"cohortId": cohort, "submissionRef": "x", "responses": forms((4, 4, 4))}
    _, errors = await gql(EVALUATE, {"i": posted}, roles)
    assert error_of(errors) == (code, None)
    assert await row_counts() == before


async def test_completion_tells_every_joined_municipality(
    gql, row_counts, cohort: str, outbox_events
) -> None:
    await gql(JOIN, {"i": join_input(cohort)}, GJESDAL)
    await gql(JOIN, {"i": join_input(cohort, "1135")}, ["municipality:1135"])
    data, errors = await gql(COMPLETE, {"id": cohort}, DIRECTORATE)
    assert errors == []
    assert data["completeSupportCohort"]["status"] == "COMPLETED"
    completed = [e for e in await outbox_events() if e["type"] == "CohortCompleted"]
    assert [(e["municipality"], e["payload"]["completed_on"]) for e in completed] == [
        ("1122", "2018-12-14"),
        ("1135", "2018-12-14"),
    ]
    before = await row_counts()
    _, errors = await gql(COMPLETE, {"id": cohort}, DIRECTORATE)
    assert error_of(errors) == ("CONFLICT", None)
    assert await row_counts() == before


async def test_a_cohort_cannot_be_completed_before_it_ends(gql, row_counts) -> None:
    future = ROGALAND_AUTUMN | {"startsOn": "2099-09-01", "endsOn": "2099-12-14"}
    data, _ = await gql(CREATE, {"i": future}, DIRECTORATE)
    before = await row_counts()
    _, errors = await gql(COMPLETE, {"id": data["createSupportCohort"]["id"]}, DIRECTORATE)
    assert error_of(errors) == ("CONFLICT", None)
    assert await row_counts() == before


async def test_cohort_queries_refuse_bad_filters_and_miss_unknown_ids(gql) -> None:
    _, errors = await gql('{ supportCohorts(term: "2018") { id } }')
    assert error_of(errors) == ("BAD_USER_INPUT", "term")
    _, errors = await gql('{ supportCohorts(county: "1") { id } }')
    assert error_of(errors) == ("BAD_USER_INPUT", "county")
    data, errors = await gql(
        """{ a: supportCohort(id: "x") { id }
             b: supportCohort(id: "00000000-0000-0000-0000-000000000000") { id } }"""
    )
    assert (errors, data) == ([], {"a": None, "b": None})


ACROSS = """mutation($i: CohortJoinInput!) { joinSupportCohort(input: $i) {
  acrossCountyBorder municipality { number county { number } } municipalityNameThen } }"""


async def test_a_neighbouring_countys_service_joins_recorded_across_the_border(
    gql, cohort: str, outbox_events
) -> None:
    # Etne, in Hordaland in 2018 (1211) and in Vestland today, in Rogaland's 2018 cohort.
    join = join_input(cohort, "1211") | {"acrossCountyBorder": True}
    data, errors = await gql(ACROSS, {"i": join}, DIRECTORATE)
    assert errors == []
    assert data["joinSupportCohort"] == {
        "acrossCountyBorder": True,
        "municipality": {"number": "4611", "county": {"number": "46"}},
        "municipalityNameThen": "Etne",
    }
    data, errors = await gql(COHORT, {"id": cohort}, DIRECTORATE)
    assert errors == []
    assert data["supportCohort"]["municipalityCount"] == 1
    assert [e["payload"]["county"] for e in await outbox_events()] == ["11"]


async def test_a_neighbouring_countys_service_must_be_marked_across_the_border(
    gql, row_counts, cohort: str
) -> None:
    before = await row_counts()
    _, errors = await gql(ACROSS, {"i": join_input(cohort, "4612")}, DIRECTORATE)  # Sveio
    assert error_of(errors) == ("BAD_USER_INPUT", "municipality")
    assert "acrossCountyBorder" in errors[0]["message"]
    assert await row_counts() == before


@pytest.mark.parametrize(
    ("municipality", "field"),
    [
        ("5601", "municipality"),  # Alta: Finnmark does not border Rogaland
        ("1122", "acrossCountyBorder"),  # Gjesdal is in Rogaland: no border crossed
    ],
)
async def test_across_the_border_only_from_a_neighbouring_county(
    gql, row_counts, cohort: str, municipality: str, field: str
) -> None:
    before = await row_counts()
    join = join_input(cohort, municipality) | {"acrossCountyBorder": True}
    _, errors = await gql(ACROSS, {"i": join}, DIRECTORATE)
    assert error_of(errors) == ("BAD_USER_INPUT", field)
    assert await row_counts() == before


async def test_joining_again_across_the_border_changes_nothing(gql, cohort: str) -> None:
    join = join_input(cohort, "1216") | {"acrossCountyBorder": True}  # Sveio, 2018's number
    first, _ = await gql(ACROSS, {"i": join}, DIRECTORATE)
    again, errors = await gql(ACROSS, {"i": join}, DIRECTORATE)
    assert errors == []
    assert again == first
    assert first["joinSupportCohort"]["municipalityNameThen"] == "Sveio"
