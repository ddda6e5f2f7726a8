"""Subgraph errors at the client's paths, partial data when a subgraph fails, nothing leaked."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .conftest import Gateway
from .subgraphs import NUMBERS, county_of


def answering(status: int, body: Any) -> Starlette:
    """A broken subgraph that answers every call the same way."""

    async def graphql(_: Request) -> Response:
        return JSONResponse(body, status_code=status)

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


NETWORKS_QUERY = '{ municipalities(county: "01") { number learningNetwork { name } } }'


@pytest.mark.parametrize(
    "failure",
    [httpx.ConnectError("connection refused"), httpx.ReadTimeout("timed out")],
    ids=["stopped", "timing-out"],
)
async def test_an_unreachable_subgraph_nulls_only_its_fields(
    gateway: Gateway, failure: Exception
) -> None:
    gateway.subgraphs.failures["networks"] = failure
    body = await gateway.query(NETWORKS_QUERY)

    rows = body["data"]["municipalities"]
    assert rows and all(row["learningNetwork"] is None for row in rows)
    assert [row["number"] for row in rows] == [n for n in NUMBERS if county_of(n) == "01"]
    assert len(body["errors"]) == len(rows)
    for index, error in enumerate(body["errors"]):
        assert error["extensions"] == {"code": "UNAVAILABLE", "service": "networks"}
        assert error["path"] == ["municipalities", index, "learningNetwork"]
        assert "Traceback" not in error["message"]
    assert gateway.subgraphs.count() == {"education": 1, "networks": 1}


async def test_a_slow_subgraph_is_cut_off_at_the_deadline(gateway_with: Any) -> None:
    async with gateway_with(subgraph_timeout_seconds=0.2) as gateway:
        gateway.subgraphs.delays["networks"] = 5
        body = await gateway.query(NETWORKS_QUERY)

    assert all(row["learningNetwork"] is None for row in body["data"]["municipalities"])
    assert set(codes(body)) == {"UNAVAILABLE"}


@pytest.mark.parametrize(
    ("status", "answer"),
    [(500, {"error": "oops"}), (200, "<html>proxy error</html>"), (502, {"data": None})],
    ids=["http-500", "not-graphql", "http-502"],
)
async def test_a_subgraph_answering_nonsense_is_unavailable(
    gateway: Gateway, status: int, answer: Any
) -> None:
    gateway.subgraphs.apps["networks"] = answering(status, answer)
    body = await gateway.query(NETWORKS_QUERY)

    assert set(codes(body)) == {"UNAVAILABLE"}
    assert all(row["learningNetwork"] is None for row in body["data"]["municipalities"])


async def test_an_unpathed_subgraph_error_attaches_to_the_calling_field(gateway: Gateway) -> None:
    broken = {"data": None, "errors": [{"message": "boom", "extensions": {"code": "FORBIDDEN"}}]}
    gateway.subgraphs.apps["networks"] = answering(200, broken)
    body = await gateway.query(
        '{ m: municipality(number: "0003") { name net: learningNetwork { name } } }'
    )

    assert body["data"] == {"m": {"name": "Kommune 0003", "net": None}}
    assert body["errors"] == [
        {
            "message": "boom",
            "locations": [{"line": 1, "column": 42}],
            "path": ["m", "net"],
            "extensions": {"code": "FORBIDDEN"},
        }
    ]


async def test_null_propagates_to_the_nullable_parent_of_a_failed_non_null_field(
    gateway: Gateway,
) -> None:
    gateway.subgraphs.failures["grants"] = httpx.ConnectError("connection refused")
    body = await gateway.query(
        '{ m: municipality(number: "0001") { name grantLabel } counties { number } }'
    )

    assert body["data"]["m"] is None  # grantLabel is String!, so its nullable parent goes
    assert len(body["data"]["counties"]) == 15  # the rest of the data is intact
    (error,) = body["errors"]
    assert error["path"] == ["m", "grantLabel"]
    assert error["extensions"] == {"code": "UNAVAILABLE", "service": "grants"}


async def test_a_failed_non_null_root_field_nulls_the_data_as_the_schema_says(
    gateway: Gateway,
) -> None:
    gateway.subgraphs.failures["grants"] = httpx.ConnectError("connection refused")
    body = await gateway.query("{ grantSchemes { name } counties { number } }")

    assert body["data"] is None  # grantSchemes is [GrantScheme!]!: nothing above can be null
    assert codes(body) == ["UNAVAILABLE"]


async def test_a_failed_root_subgraph_leaves_other_root_fields(gateway: Gateway) -> None:
    gateway.subgraphs.failures["education"] = httpx.ConnectError("connection refused")
    body = await gateway.query(
        '{ m: municipality(number: "0001") { name } networks: learningNetworks { name } }'
    )

    assert body["data"] == {"m": None, "networks": [{"name": "Nettverk 01"}]}
    assert body["errors"][0]["path"] == ["m"]
    assert body["errors"][0]["extensions"] == {"code": "UNAVAILABLE", "service": "education"}


async def test_pathed_errors_of_an_entity_fetch_move_to_the_client_path_with_aliases(
    gateway: Gateway,
) -> None:
    body = await gateway.query('{ list: municipalities(county: "08") { n: number r: riskyGrant } }')

    rows = body["data"]["list"]
    failing = [i for i, row in enumerate(rows) if row["n"].endswith("7")]
    assert failing and all(rows[i]["r"] is None for i in failing)
    assert all(row["r"] == f"grant {row['n']}" for row in rows if not row["n"].endswith("7"))
    assert sorted(e["path"] for e in body["errors"]) == sorted(["list", i, "r"] for i in failing)
    for error in body["errors"]:
        index = error["path"][1]
        assert error["message"] == f"no grant for {rows[index]['n']}"
        assert error["extensions"] == {"code": "NOT_FOUND"}


async def test_errors_deep_inside_an_entity_field_keep_their_inner_path(gateway: Gateway) -> None:
    body = await gateway.query(
        '{ municipalities(county: "06") { number '
        "elig: grantEligibility { id: enrolmentId s: scheme { name } } } }"
    )

    rows = body["data"]["municipalities"]
    index = next(i for i, row in enumerate(rows) if row["number"] == "0005")
    assert rows[index]["elig"] == [{"id": "0005-0", "s": None}, {"id": "0005-1", "s": None}]
    assert sorted(e["path"] for e in body["errors"]) == [
        ["municipalities", index, "elig", 0, "s"],
        ["municipalities", index, "elig", 1, "s"],
    ]
    assert set(codes(body)) == {"NOT_FOUND"}


async def test_a_root_field_error_keeps_its_alias(gateway: Gateway) -> None:
    body = await gateway.query('{ m: municipality(number: "9999") { name } }')

    assert body["data"] == {"m": None}
    (error,) = body["errors"]
    assert (error["path"], error["extensions"]) == (["m"], {"code": "NOT_FOUND"})
    assert error["message"] == "no municipality 9999"


async def test_fields_below_a_null_parent_cost_no_call(gateway: Gateway) -> None:
    body = await gateway.query(
        '{ m: municipality(number: "9999") { name grantLabel learningNetwork { name } } }'
    )

    assert body["data"] == {"m": None}
    assert gateway.subgraphs.count() == {"education": 1}


async def test_bad_user_input_from_a_mutation_passes_through_with_its_field(
    gateway: Gateway,
) -> None:
    body = await gateway.query(
        """mutation { apply: submitGrantApplication(municipality: "0001", amountNok: "-5") {
             id } }"""
    )

    assert body["data"] is None  # the mutation field is non-null
    (error,) = body["errors"]
    assert error["path"] == ["apply"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "amountNok"}
    assert error["message"] == "amountNok: must be a positive amount"


async def test_variables_that_do_not_fit_are_bad_user_input_and_reach_no_subgraph(
    gateway: Gateway,
) -> None:
    body = await gateway.query(
        'mutation($m: String!) { submitGrantApplication(municipality: $m, amountNok: "1") { id } }',
        {"m": 5601},
    )

    assert "data" not in body
    assert codes(body) == ["BAD_USER_INPUT"]
    assert "$m" in body["errors"][0]["message"]
    assert gateway.subgraphs.calls == []


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ municipalities { ", "GRAPHQL_PARSE_FAILED"),
        ("{ municipalities { nonsense } }", "GRAPHQL_VALIDATION_FAILED"),
        ("{ _service { sdl } }", "GRAPHQL_VALIDATION_FAILED"),
        ("{ _entities(representations: []) { __typename } }", "GRAPHQL_VALIDATION_FAILED"),
        ("query A { counties { number } } query B { counties { name } }", "BAD_USER_INPUT"),
    ],
    ids=["parse", "unknown-field", "no-_service", "no-_entities", "which-operation"],
)
async def test_documents_the_gateway_refuses(gateway: Gateway, query: str, code: str) -> None:
    body = await gateway.query(query)

    assert "data" not in body
    assert codes(body)[0] == code
    assert gateway.subgraphs.calls == []


async def test_an_unexpected_gateway_failure_is_masked(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any) -> None:
        raise RuntimeError("secret internals at /srv/gateway")

    monkeypatch.setattr("gateway.delegation._representation", broken)
    response = await gateway.http.post(
        "/graphql", json={"query": '{ municipality(number: "0001") { name riskyGrant } }'}
    )

    body = response.json()
    assert body["data"] == {"municipality": {"name": "Kommune 0001", "riskyGrant": None}}
    assert body["errors"] == [
        {
            "message": "Internal server error",
            "locations": [{"line": 1, "column": 39}],
            "path": ["municipality", "riskyGrant"],
            "extensions": {"code": "INTERNAL_SERVER_ERROR"},
        }
    ]
    assert "secret" not in response.text and "Traceback" not in response.text
