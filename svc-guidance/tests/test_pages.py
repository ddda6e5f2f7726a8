"""Cases and engagements a page at a time (Relay connections), beside the plain lists."""

from __future__ import annotations

DIRECTORATE = ["directorate"]
CASES = """query($after: String) { guidanceCases { id }
  guidanceCasesConnection(first: 2, after: $after) {
    totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }"""
ENGAGEMENTS = """query($after: String) { guidanceEngagements { id }
  guidanceEngagementsConnection(first: 1, after: $after) {
    totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }"""


async def all_pages(guidance, query: str, field: str, roles: list[str]) -> tuple[list, list]:
    seen, after = [], None
    while True:
        data = await guidance.call(query, {"after": after}, roles)
        page = data[field + "Connection"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return seen, [item["id"] for item in data[field]]
        after = page["pageInfo"]["endCursor"]


async def test_cases_and_engagements_page_through_the_lists_the_caller_may_see(guidance) -> None:
    adviser = await guidance.adviser(capacity=3)
    for municipality in ("5601", "5614", "5612"):
        await guidance.start(await guidance.accepted(municipality), [adviser])
    await guidance.nominate("5603")
    pages, listed = await all_pages(guidance, CASES, "guidanceCases", DIRECTORATE)
    assert pages == listed and len(pages) == 4
    pages, listed = await all_pages(guidance, ENGAGEMENTS, "guidanceEngagements", DIRECTORATE)
    assert pages == listed and len(pages) == 3
    own, _ = await all_pages(guidance, CASES, "guidanceCases", ["municipality:5603"])
    assert len(own) == 1


async def test_a_cursor_of_another_list_is_bad_user_input(guidance) -> None:
    adviser = await guidance.adviser()
    await guidance.start(await guidance.accepted("5601"), [adviser])
    await guidance.nominate("5603")
    data = await guidance.call(CASES, {}, DIRECTORATE)
    case_cursor = data["guidanceCasesConnection"]["pageInfo"]["endCursor"]
    error = await guidance.error(ENGAGEMENTS, {"after": case_cursor}, DIRECTORATE)
    assert error == {"code": "BAD_USER_INPUT", "field": "after"}
