"""The public catalogue: programmes, institutions, offerings with seat use, totals per county."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from shared.runtime import ServiceRuntime

CREATE_OFFERING = """mutation($i: OfferingInput!) { createOffering(input: $i) { id } }"""
REGISTER = """mutation($i: [EnrolmentInput!]!) { registerEnrolments(input: $i) {
  items { status enrolment { id } } } }"""
COMPLETE = """mutation($i: [CompletionInput!]!) { recordCompletions(input: $i) { recorded } }"""
WITHDRAW = """mutation($id: ID!) { withdrawEnrolment(id: $id, reason: "moved") { id } }"""
LAW = "6f0b1c2e-2018-4a01-8000-000000000003"
LEADERSHIP = "6f0b1c2e-2018-4a01-8000-000000000004"


async def offering(gql, programme: str, term: str, seats: int, institution: str = "uis") -> str:
    data, errors = await gql(
        CREATE_OFFERING,
        {"i": {"programmeId": programme, "term": term, "seats": seats}},
        [f"institution:{institution}"],
    )
    assert errors == []
    return data["createOffering"]["id"]


async def register(gql, offering_id: str, municipalities: list[str], institution: str = "uis"):
    rows = [
        {
            "offeringId": offering_id,
            "municipality": m,
            "employeeRef": f"e-{uuid.uuid4().hex}",
            "externalRef": uuid.uuid4().hex,
        }
        for m in municipalities
    ]
    data, errors = await gql(REGISTER, {"i": rows}, [f"institution:{institution}"])
    assert errors == []
    return [i["enrolment"]["id"] for i in data["registerEnrolments"]["items"]]


async def test_programmes_show_their_facts_to_anyone(gql) -> None:
    data, errors = await gql(
        f"""{{ programmes {{ name credits semesters level freeForParticipants }}
              programme(id: "{LAW}") {{ name theme }}
              missing: programme(id: "not-a-uuid") {{ name }} }}"""
    )
    assert errors == []
    assert len(data["programmes"]) == 6
    assert {(p["credits"], p["semesters"], p["level"], p["freeForParticipants"]) for p in
            data["programmes"]} == {(30, 2, "MASTER", True)}  # fmt: skip
    assert data["programme"]["name"] == "Juss i barnevernet"
    assert "autumn 2018" in data["programme"]["theme"]
    assert data["missing"] is None


async def test_offerings_by_institution_term_and_programme(gql) -> None:
    autumn = await offering(gql, LAW, "2018H", 30)
    spring = await offering(gql, LEADERSHIP, "2019V", 20)
    theirs = await offering(gql, LAW, "2018H", 25, institution="uit")

    async def ids(arguments: str) -> set[str]:
        data, errors = await gql(f"{{ offerings{arguments} {{ id }} }}")
        assert errors == []
        return {o["id"] for o in data["offerings"]}

    assert await ids("") == {autumn, spring, theirs}
    assert await ids('(institution: "uis")') == {autumn, spring}
    assert await ids('(term: "2018H")') == {autumn, theirs}
    assert await ids(f'(programme: "{LAW}", institution: "uit")') == {theirs}
    assert await ids(f'(programme: "{uuid.uuid4()}")') == set()

    data, errors = await gql(
        """{ institution(id: "uis") { name offerings(term: "2019V") { id programme { name } } }
             nobody: institution(id: "nowhere") { name }
             institutions { id } }"""
    )
    assert errors == []
    assert data["institution"]["name"] == "Universitetet i Stavanger"
    assert data["institution"]["offerings"] == [
        {"id": spring, "programme": {"name": "Barnevernsledelse"}}
    ]
    assert data["nobody"] is None
    assert "uis" in {i["id"] for i in data["institutions"]}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ('{ offerings(term: "2018") { id } }', "term"),
        ('{ offerings(programme: "law") { id } }', "programme"),
        ('{ institution(id: "uis") { offerings(term: "H2018") { id } } }', "term"),
        ('{ educationTotals(term: "autumn") { active } }', "term"),
        ('{ educationTotals(county: "99") { active } }', "county"),
    ],
)
async def test_bad_catalogue_filters_are_bad_user_input(gql, query: str, field: str) -> None:
    _, errors = await gql(query)
    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": field}


async def test_offering_shows_its_seat_utilisation(gql) -> None:
    offering_id = await offering(gql, LAW, "2018H", 4)
    await register(gql, offering_id, ["5601"] * 6)
    data, errors = await gql(
        """query($id: ID!) { offering(id: $id) {
             seats seatsTaken seatsFree waitlisted utilisation institution { id } } }""",
        {"id": offering_id},
    )
    assert errors == []
    assert data["offering"] == {
        "seats": 4,
        "seatsTaken": 4,
        "seatsFree": 0,
        "waitlisted": 2,
        "utilisation": 1.0,
        "institution": {"id": "uis"},
    }
    data, _ = await gql('{ offering(id: "nope") { id } }')
    assert data["offering"] is None


async def test_education_totals_per_county(gql) -> None:
    autumn = await offering(gql, LAW, "2018H", 3)
    spring = await offering(gql, LEADERSHIP, "2019V", 10)
    alta, *_ = await register(gql, autumn, ["5601", "2012", "5603", "5601"])  # 3 seats
    [oslo] = await register(gql, spring, ["0301"])
    await gql(
        COMPLETE,
        {"i": [{"enrolmentId": alta, "credits": 30, "completedOn": "2019-06-15"}]},
        ["institution:uis"],
    )
    await gql(WITHDRAW, {"id": oslo}, ["institution:uis"])

    data, errors = await gql(
        """{ finnmark: educationTotals(county: "56") { county { number name } active waitlisted
               completed withdrawn creditsEarned municipalitiesTakingPart }
             spring: educationTotals(term: "2019V") { county { number } withdrawn active } }"""
    )
    assert errors == []
    assert data["finnmark"] == [
        {
            "county": {"number": "56", "name": "Finnmark - Finnmárku - Finmarkku"},
            "active": 2,
            "waitlisted": 1,
            "completed": 1,
            "withdrawn": 0,
            "creditsEarned": 30,
            "municipalitiesTakingPart": 2,
        }
    ]
    assert len(data["spring"]) == 15
    by_county = {t["county"]["number"]: t for t in data["spring"]}
    assert by_county["03"] == {"county": {"number": "03"}, "withdrawn": 1, "active": 0}
    assert by_county["56"]["active"] == 0


@contextmanager
def statements(runtime: ServiceRuntime) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(runtime.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(runtime.engine.sync_engine, "before_cursor_execute", record)


async def test_municipality_fields_are_one_query_for_a_whole_county(
    gql, runtime: ServiceRuntime
) -> None:
    offering_id = await offering(gql, LAW, "2018H", 10)
    await register(gql, offering_id, ["5601", "5603", "5605"])
    with statements(runtime) as seen:
        data, errors = await gql(
            """{ municipalities(county: "56") {
                 enrolments { externalRef } supportProgramme { headCount } workforce { asOf }
               } }""",
            roles=["directorate"],
        )
    assert errors == []
    assert len(data["municipalities"]) == 18
    assert sum(1 for m in data["municipalities"] if m["enrolments"]) == 3
    # One query per loader for all 18 (workforce: records, their members, completions since).
    queries = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
    assert len(queries) == 5, queries
    for table in ("enrolments", "support_participations", "workforce_members"):
        assert sum(1 for s in queries if f"FROM {table}" in s) == 1, table
