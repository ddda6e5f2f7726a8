"""Networks' subgraph as it stands: finding networks by county, a municipality's network."""

from __future__ import annotations

from shared.testing import GraphQLCall

NETWORKS = "query($county: String) { learningNetworks(county: $county) { name } }"
MEMBER = """query { _entities(representations: [{__typename: "Municipality", number: "5601"}]) {
  ... on Municipality { number learningNetwork { name } } } }"""


async def test_networks_are_public_and_found_by_a_current_or_historical_county(
    gql: GraphQLCall,
) -> None:
    for county in (None, "56", "20"):  # 20: Finnmark before 2020
        data, errors = await gql(NETWORKS, {"county": county})
        assert (data, errors) == ({"learningNetworks": []}, [])


async def test_an_unknown_county_is_bad_user_input(gql: GraphQLCall) -> None:
    _, errors = await gql(NETWORKS, {"county": "99"})
    assert [e["extensions"] for e in errors] == [{"code": "BAD_USER_INPUT", "field": "county"}]
    assert errors[0]["message"] == "county: no county has number '99'"


async def test_a_municipality_without_a_network_has_none(gql: GraphQLCall) -> None:
    data, errors = await gql(MEMBER)
    assert errors == []
    assert data == {"_entities": [{"number": "5601", "learningNetwork": None}]}
