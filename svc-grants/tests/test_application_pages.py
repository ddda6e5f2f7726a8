"""Grant applications a page at a time (Relay connection), beside `grantApplications`."""

from __future__ import annotations

PAGE = """query($after: String, $first: Int) {
  grantApplications { id }
  grantApplicationsConnection(first: $first, after: $after) {
    totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }"""


async def test_the_pages_are_the_list_the_caller_may_see(grants) -> None:
    scheme_id = await grants.scheme("1000000")
    for _ in range(3):
        await grants.submit(scheme_id, "1000", enrolmentId=await grants.enrolment())
    await grants.submit(
        scheme_id, "1000", municipality="5603", enrolmentId=await grants.enrolment("5603")
    )
    seen: list[str] = []
    after = None
    while True:
        data = await grants.call(PAGE, {"after": after, "first": 2}, ["municipality:5601"])
        page = data["grantApplicationsConnection"]
        assert page["totalCount"] == 3  # Alta's own, not Hammerfest's
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [a["id"] for a in data["grantApplications"]]


async def test_a_page_larger_than_100_is_bad_user_input(grants) -> None:
    error = await grants.error(PAGE, {"first": 101}, ["directorate"])
    assert error == {"code": "BAD_USER_INPUT", "field": "first"}
