"""One client query costs at most one call per subgraph per nesting level, never one per row."""

from __future__ import annotations

from .conftest import Gateway
from .subgraphs import COUNT, INSTITUTIONS, NUMBERS, county_of, enrolment_count


def in_county(county: str) -> int:
    return sum(1 for number in NUMBERS if county_of(number) == county)


def calls_to(gateway: Gateway, subgraph: str) -> list:
    return [call for call in gateway.subgraphs.calls if call.subgraph == subgraph]


async def test_all_municipalities_with_fields_of_two_subgraphs_cost_one_call_each(
    gateway: Gateway,
) -> None:
    body = await gateway.query("{ municipalities { number name grantLabel } }")

    assert "errors" not in body, body
    rows = body["data"]["municipalities"]
    assert len(rows) == COUNT == 357
    assert rows[6] == {"number": "0007", "name": "Kommune 0007", "grantLabel": "grants for 0007"}
    assert all(row["grantLabel"] == f"grants for {row['number']}" for row in rows)
    assert gateway.subgraphs.count() == {"education": 1, "grants": 1}
    (grants,) = calls_to(gateway, "grants")
    assert len(grants.variables["representations0"]) == 357


async def test_repeated_entities_are_fetched_once(gateway: Gateway) -> None:
    body = await gateway.query(
        '{ municipalities(county: "01") { county { municipalities { grantLabel } } } }'
    )

    rows = body["data"]["municipalities"]
    size = in_county("01")
    assert len(rows) == size and all(len(r["county"]["municipalities"]) == size for r in rows)
    (grants,) = calls_to(gateway, "grants")
    assert len(grants.variables["representations0"]) == size  # size² objects, size keys


QUERY = """
query Overview($county: String, $withGrants: Boolean!, $skipNetwork: Boolean!) {
  list: municipalities(county: $county) {
    __typename
    id: number
    ...Names
    ... on Municipality @include(if: $withGrants) {
      label: grantLabel
      eligibility: grantEligibility { enrolmentId }
    }
    net: learningNetwork @skip(if: $skipNetwork) { name }
    enrolments {
      status
      offering { institution { __typename id title: name since: partnerSince } }
    }
  }
}
fragment Names on Municipality { title: name county { name } }
"""


async def test_aliases_fragments_directives_and_typename_across_three_levels(
    gateway: Gateway,
) -> None:
    variables = {"county": "02", "withGrants": True, "skipNetwork": False}
    body = await gateway.query(QUERY, variables)

    assert "errors" not in body, body
    rows = body["data"]["list"]
    assert len(rows) == in_county("02")
    for row in rows:
        number = row["id"]
        assert row["__typename"] == "Municipality"
        assert row["title"] == f"Kommune {number}"
        assert row["county"] == {"name": f"Fylke {county_of(number)}"}
        assert row["label"] == f"grants for {number}"
        assert len(row["eligibility"]) == len(row["enrolments"]) == enrolment_count(number)
        assert row["net"] == {"name": f"Nettverk {county_of(number)}"}
        for enrolment in row["enrolments"]:
            institution = enrolment["offering"]["institution"]
            assert institution["__typename"] == "Institution"
            assert institution["title"] == INSTITUTIONS[institution["id"]]
            assert institution["since"] == 2017 + len(institution["id"])
    # Municipality fields from networks (level 2) and Institution's (level 4) were both
    # known once education answered: one networks call carries both `_entities` batches.
    assert gateway.subgraphs.count() == {"education": 1, "grants": 1, "networks": 1}
    (networks,) = calls_to(gateway, "networks")
    assert "... on Municipality" in networks.query and "... on Institution" in networks.query


async def test_a_chain_through_three_subgraphs_costs_one_call_per_subgraph_per_level(
    gateway: Gateway,
) -> None:
    body = await gateway.query(
        """{ municipalities { number grantEligibility {
               enrolmentId municipality { name learningNetwork { name } } } } }"""
    )

    assert "errors" not in body, body
    for row in body["data"]["municipalities"]:
        for eligibility in row["grantEligibility"]:
            assert eligibility["municipality"]["name"] == f"Kommune {row['number']}"
    # Level 1 education; level 2 grants; level 3 education (name) and networks.
    assert gateway.subgraphs.count() == {"education": 2, "grants": 1, "networks": 1}


async def test_subgraphs_get_pruned_selections_with_only_the_variables_they_use(
    gateway: Gateway,
) -> None:
    await gateway.query(QUERY, {"county": "02", "withGrants": True, "skipNetwork": False})

    (education,) = calls_to(gateway, "education")
    assert education.variables == {"county": "02"}
    assert "grantLabel" not in education.query and "learningNetwork" not in education.query
    assert "...Names" not in education.query  # inlined, as fragments are per document
    assert "... on Municipality {\n      title: name" in education.query
    (grants,) = calls_to(gateway, "grants")
    # The @include lives in a fragment and is all grants needs the variable for.
    assert "@include(if: $withGrants)" in grants.query
    assert {k for k in grants.variables if not k.startswith("representations")} == {"withGrants"}
    assert "label: grantLabel" in grants.query and "title" not in grants.query
    (networks,) = calls_to(gateway, "networks")
    assert "net: learningNetwork @skip(if: $skipNetwork)" in networks.query


async def test_skipped_and_excluded_fields_cost_no_call(gateway: Gateway) -> None:
    body = await gateway.query(QUERY, {"withGrants": False, "skipNetwork": True})

    row = body["data"]["list"][0]
    assert "label" not in row and "eligibility" not in row and "net" not in row
    assert gateway.subgraphs.count() == {"education": 1, "networks": 1}  # institutions only


async def test_same_alias_for_different_fields_in_sibling_inline_fragments(
    gateway: Gateway,
) -> None:
    body = await gateway.query(
        """{ search(term: "12") {
             __typename
             ... on Municipality { label: grantLabel extra: name }
             ... on County { label: name extra: number }
           } }"""
    )

    assert "errors" not in body, body
    assert body["data"]["search"] == [
        {"__typename": "Municipality", "label": "grants for 0012", "extra": "Kommune 0012"},
        {"__typename": "County", "label": "Fylke 12", "extra": "12"},
    ]
    assert gateway.subgraphs.count() == {"education": 1, "grants": 1}


async def test_interface_fields_and_fragments_on_its_implementations(gateway: Gateway) -> None:
    body = await gateway.query(
        """{ places { __typename number title: name
             ... on Municipality { label: grantLabel net: learningNetwork { name } }
             ... on County { municipalities { number } } } }"""
    )

    assert "errors" not in body, body
    municipality, county = body["data"]["places"]
    assert municipality == {
        "__typename": "Municipality",
        "number": "0010",
        "title": "Kommune 0010",
        "label": "grants for 0010",
        "net": {"name": "Nettverk 11"},
    }
    assert county["__typename"] == "County" and county["title"] == "Fylke 03"
    assert len(county["municipalities"]) == in_county("03")
    assert gateway.subgraphs.count() == {"education": 1, "grants": 1, "networks": 1}


async def test_aliases_through_batched_lists_with_different_selections(gateway: Gateway) -> None:
    body = await gateway.query(
        """{ a: municipalities(county: "01") { number x: grantLabel }
             b: municipalities(county: "02") { number x: riskyGrant y: grantLabel } }"""
    )

    a, b = body["data"]["a"], body["data"]["b"]
    assert all(row["x"] == f"grants for {row['number']}" for row in a)
    assert all(row["y"] == f"grants for {row['number']}" for row in b)
    assert {row["x"] for row in b if not row["number"].endswith("7")} == {
        f"grant {row['number']}" for row in b if not row["number"].endswith("7")
    }
    # Both root fields in one education call, both selections in one grants call.
    assert gateway.subgraphs.count() == {"education": 1, "grants": 1}


async def test_root_fields_of_different_subgraphs_run_side_by_side(gateway: Gateway) -> None:
    body = await gateway.query(
        "{ grantSchemes { name year } counties { number } learningNetworks { name } }"
    )

    assert body["data"]["grantSchemes"] == [{"name": "Arbeidsgivertilskudd", "year": 2019}]
    assert len(body["data"]["counties"]) == 15
    assert gateway.subgraphs.count() == {"education": 1, "grants": 1, "networks": 1}


async def test_mutation_fields_run_one_after_the_other_never_batched(gateway: Gateway) -> None:
    body = await gateway.query(
        """mutation { first: submitGrantApplication(municipality: "0001", amountNok: "1.00") { id }
                      second: submitGrantApplication(municipality: "0002", amountNok: "2.00") {
                        amountNok } }"""
    )

    assert body["data"] == {"first": {"id": "a1"}, "second": {"amountNok": "2.00"}}
    first, second = calls_to(gateway, "grants")
    assert "first: submitGrantApplication" in first.query and "second" not in first.query
    assert "second: submitGrantApplication" in second.query


async def test_a_mutation_result_gets_fields_of_another_subgraph(gateway: Gateway) -> None:
    body = await gateway.query(
        """mutation($m: String!) { submitGrantApplication(municipality: $m, amountNok: "10.00") {
             amountNok municipality { number name } } }""",
        {"m": "0042"},
    )

    assert body == {
        "data": {
            "submitGrantApplication": {
                "amountNok": "10.00",
                "municipality": {"number": "0042", "name": "Kommune 0042"},
            }
        }
    }
    assert gateway.subgraphs.count() == {"grants": 1, "education": 1}
    (grants,) = calls_to(gateway, "grants")
    assert grants.query.startswith("mutation") and grants.variables == {"m": "0042"}
