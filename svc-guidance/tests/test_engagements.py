"""Guidance's subgraph as it stands: who may see engagements, and rounds."""

from __future__ import annotations

import pytest

from shared.errors import BadUserInput
from shared.testing import GraphQLCall
from svc_guidance.domain import validate_round

ENGAGEMENTS = "query($round: Int) { guidanceEngagements(round: $round) { round } }"
OF_ALTA = """query { _entities(representations: [{__typename: "Municipality", number: "5601"}]) {
  ... on Municipality { guidance { round } } } }"""


def test_rounds_start_in_2018() -> None:
    assert validate_round(2018) == 2018
    with pytest.raises(BadUserInput) as error:
        validate_round(2017)
    assert error.value.field == "round"


async def test_engagements_need_a_token(gql: GraphQLCall) -> None:
    _, errors = await gql(ENGAGEMENTS)
    assert [e["extensions"]["code"] for e in errors] == ["UNAUTHENTICATED"]
    data, errors = await gql(ENGAGEMENTS, {"round": 2019}, ["county:56"])
    assert (data, errors) == ({"guidanceEngagements": []}, [])


async def test_a_round_before_2018_is_bad_user_input(gql: GraphQLCall) -> None:
    _, errors = await gql(ENGAGEMENTS, {"round": 2017}, ["directorate"])
    assert [e["extensions"] for e in errors] == [{"code": "BAD_USER_INPUT", "field": "round"}]


@pytest.mark.parametrize(
    ("roles", "code"),
    [(["municipality:5601"], None), (["county:56"], None), (["county:03"], "FORBIDDEN")],
)
async def test_a_municipalitys_engagements_are_its_own_and_its_governors(
    gql: GraphQLCall, roles: list[str], code: str | None
) -> None:
    data, errors = await gql(OF_ALTA, None, roles)
    assert [e["extensions"]["code"] for e in errors] == ([code] if code else [])
    if code is None:
        assert data == {"_entities": [{"guidance": []}]}
