"""Depth and cost limits, reserved aliases and the introspection switch."""

from __future__ import annotations

from typing import Any

from graphql import get_introspection_query

from .conftest import Gateway


def refused(body: dict[str, Any]) -> str:
    assert "data" not in body
    assert {e["extensions"]["code"] for e in body["errors"]} == {"GRAPHQL_VALIDATION_FAILED"}
    return str(body["errors"][0]["message"])


async def test_depth_limit_counts_through_fragments(gateway_with: Any) -> None:
    async with gateway_with(max_depth=3) as gateway:
        ok = await gateway.query("{ counties { municipalities { name } } }")
        deep = await gateway.query(
            "{ counties { ...M } } fragment M on County { municipalities { county { name } } }"
        )
        assert gateway.subgraphs.count() == {"education": 1}  # only the allowed one ran

    assert "errors" not in ok
    assert refused(deep) == "Query depth 4 exceeds the maximum of 3."


async def test_cost_limit_counts_every_selected_field(gateway_with: Any) -> None:
    async with gateway_with(max_cost=5) as gateway:
        ok = await gateway.query("{ counties { number name municipalities { name } } }")
        costly = await gateway.query("{ counties { number name municipalities { number name } } }")

    assert "errors" not in ok
    assert refused(costly) == "Query cost 6 exceeds the maximum of 5."


async def test_a_fragment_bomb_is_measured_quickly_and_refused(gateway: Gateway) -> None:
    fragments = ["fragment F0 on County { number name }"] + [
        f"fragment F{i} on County {{ ...F{i - 1} ... on County {{ ...F{i - 1} }} }}"
        for i in range(1, 40)
    ]
    body = await gateway.query("{ counties { ...F39 } } " + " ".join(fragments))

    assert "exceeds the maximum of 5000" in refused(body)


async def test_aliases_of_the_gateways_own_are_reserved(gateway: Gateway) -> None:
    body = await gateway.query("{ counties { _gw_typename: name } }")

    assert "reserved" in refused(body)


async def test_introspection_serves_graphiql_within_the_default_limits(gateway: Gateway) -> None:
    body = await gateway.query(get_introspection_query())

    assert "errors" not in body, body
    types = {t["name"]: t for t in body["data"]["__schema"]["types"]}
    municipality = {f["name"] for f in types["Municipality"]["fields"]}
    assert {"name", "enrolments", "grantEligibility", "learningNetwork"} <= municipality
    assert not {"_Any", "_Entity", "_Service"} & types.keys()
    query_fields = {f["name"] for f in types["Query"]["fields"]}
    assert not {"_entities", "_service"} & query_fields
    directives = {d["name"] for d in body["data"]["__schema"]["directives"]}
    assert not {"key", "link", "external"} & directives


async def test_introspection_can_be_switched_off(gateway_with: Any) -> None:
    async with gateway_with(introspection=False) as gateway:
        schema = await gateway.query("{ __schema { types { name } } }")
        one_type = await gateway.query('{ __type(name: "Municipality") { name } }')
        typename = await gateway.query("{ __typename counties { __typename } }")

    assert "introspection" in refused(schema).lower()
    assert "introspection" in refused(one_type).lower()
    assert typename["data"]["__typename"] == "Query"
