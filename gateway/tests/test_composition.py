"""Composition: the client schema from the subgraphs' own SDL, and who resolves what."""

from __future__ import annotations

import pytest
import strawberry
from graphql import print_schema

from gateway.composition import CompositionError, Supergraph, compose

from .subgraphs import education_schema, grants_schema, grants_v2_schema, networks_schema

LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", '
    'import: ["@key", "@external", "@requires", "@override", "@shareable"])\n'
)


def service_sdl(schema: strawberry.federation.Schema) -> str:
    """What the gateway gets from `{ _service { sdl } }`."""
    result = schema.execute_sync("{ _service { sdl } }")
    assert result.errors is None and result.data is not None
    return str(result.data["_service"]["sdl"])


def mini() -> Supergraph:
    return compose(
        {
            "education": service_sdl(education_schema),
            "grants": service_sdl(grants_schema()),
            "networks": service_sdl(networks_schema),
        }
    )


def problems(sdls: dict[str, str]) -> list[str]:
    with pytest.raises(CompositionError) as raised:
        compose(sdls)
    return raised.value.problems


def test_the_client_schema_unions_fields_and_has_no_federation_members() -> None:
    printed = print_schema(mini().schema)

    municipality = printed[printed.index("type Municipality") :].split("}")[0]
    for field in ("name: String!", "grantLabel: String!", "learningNetwork: LearningNetwork"):
        assert field in municipality
    for federation in ("_entities", "_service", "_Any", "_Entity", "_Service", "@key", "@link"):
        assert federation not in printed
    assert "type Mutation" in printed  # grants calls its mutation root GrantsMutation
    assert "union SearchResult = Municipality | County" in printed


def test_ownership_keys_and_root_owners_are_recorded() -> None:
    supergraph = mini()

    assert supergraph.owners[("Municipality", "name")] == ("education",)
    assert supergraph.owners[("Municipality", "number")] == ("education", "grants", "networks")
    assert supergraph.owners[("Municipality", "grantLabel")] == ("grants",)
    assert supergraph.owners[("Institution", "partnerSince")] == ("networks",)
    assert supergraph.owners[("Query", "grantSchemes")] == ("grants",)
    assert supergraph.owners[("Mutation", "submitGrantApplication")] == ("grants",)
    assert set(supergraph.keys["Municipality"]) == {"education", "grants", "networks"}
    assert supergraph.entity_owner("Municipality", "grantLabel", "education") == "grants"
    assert supergraph.entity_owner("Municipality", "name", "networks") == "education"
    assert supergraph.knows("networks", "Institution")
    assert not supergraph.knows("grants", "Institution")


def test_a_field_added_to_a_subgraph_appears_without_a_gateway_change() -> None:
    sdls = {"education": service_sdl(education_schema), "grants": service_sdl(grants_schema())}
    before = compose(sdls).schema.get_type("Municipality")
    after = compose({**sdls, "grants": service_sdl(grants_v2_schema())})

    assert "grantTotalNok" not in before.fields  # type: ignore[union-attr]
    assert "grantTotalNok" in after.schema.get_type("Municipality").fields  # type: ignore[union-attr]
    assert after.owners[("Municipality", "grantTotalNok")] == ("grants",)


def test_a_field_with_different_types_in_two_subgraphs_is_refused() -> None:
    found = problems(
        {
            "education": LINK
            + """type Query { municipality: Municipality }
                type Municipality @key(fields: "number") { number: String! name: String! }""",
            "grants": LINK
            + 'type Municipality @key(fields: "number") { number: String! name: Int }',
        }
    )

    assert found == ["Municipality.name is name: String! in education but name: Int in grants"]


def test_different_arguments_of_a_shared_field_are_refused() -> None:
    found = problems(
        {
            "a": "type Query { counties(year: Int): [String!]! }",
            "b": "type Query { counties(year: String): [String!]! }",
        }
    )

    assert found == [
        "Query.counties is counties(year: Int): [String!]! in a "
        "but counties(year: String): [String!]! in b"
    ]


def test_a_field_no_key_can_reach_is_refused() -> None:
    found = problems(
        {
            "a": "type Query { thing: Thing } type Thing { id: ID! a: Int }",
            "b": "type Query { other: Int } type Thing { id: ID! b: Int }",
        }
    )

    assert "Thing.b (resolved by b) cannot be reached from a: no key a can provide" in found
    assert "Thing.a (resolved by a) cannot be reached from b: no key b can provide" in found


@pytest.mark.parametrize(
    ("sdls", "expected"),
    [
        (
            {
                "a": "type Query { x: X } type X { y: Int }",
                "b": "enum X { ONE } type Query { z: X }",
            },
            "X is a object in a but a enum in b",
        ),
        (
            {
                "a": "type Query { x(i: I): Int } input I { a: Int }",
                "b": "type Query { y(i: I): Int } input I { a: Int b: Int }",
            },
            "input I differs between a and b",
        ),
        (
            {
                "a": LINK + 'type Query { m: M } type M @key(fields: "id") { id: ID! n: Int }',
                "b": LINK
                + 'type M @key(fields: "id") { id: ID! n: Int @external '
                + 't: Int @requires(fields: "n") }',
            },
            "M.t in b: @requires is not supported",
        ),
        ({"a": "type Query { x: Nowhere }"}, "Unknown type 'Nowhere'."),
        (
            {"a": "type Query { x: Int"},
            "subgraph a: invalid SDL: Syntax Error: Expected Name, found <EOF>.",
        ),
        ({"a": "type Other { x: Int }"}, "no subgraph defines a Query field"),
    ],
    ids=["kinds", "inputs", "requires", "unknown-type", "bad-sdl", "no-query"],
)
def test_what_does_not_compose_is_named(sdls: dict[str, str], expected: str) -> None:
    assert expected in problems(sdls)


def test_external_fields_are_not_owned_and_override_moves_ownership() -> None:
    supergraph = compose(
        {
            "a": LINK
            + """type Query { m: M }
                type M @key(fields: "id") { id: ID! total: Int! legacy: String }""",
            "b": LINK
            + """type M @key(fields: "id") {
                id: ID! total: Int! @external legacy: String @override(from: "a") }""",
        }
    )

    assert supergraph.owners[("M", "total")] == ("a",)
    assert supergraph.owners[("M", "legacy")] == ("b",)


def test_extensions_merge_and_subscriptions_are_left_out() -> None:
    supergraph = compose(
        {
            "a": """schema { query: Query subscription: Changes }
                type Query { m: M } type M @key(fields: "id") { id: ID! }
                type Changes { m: M }""",
            "b": 'extend type M @key(fields: "id") { id: ID! @external extra: Int }',
        }
    )

    assert supergraph.schema.subscription_type is None
    assert supergraph.schema.get_type("Changes") is None
    assert "extra" in supergraph.schema.get_type("M").fields  # type: ignore[union-attr]
    assert supergraph.owners[("M", "id")] == ("a", "b")  # b's @external key field is b's too
