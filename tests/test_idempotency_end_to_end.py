"""Idempotency-Key through the router: a client's retry of a mutation changes nothing again."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from shared.auth import issue_token
from shared.settings import AuthSettings
from tests.conftest import Client

pytestmark = pytest.mark.integration

CREATE_SCHEME = """mutation($i: GrantSchemeInput!) { createGrantScheme(input: $i) { id name } }"""
SCHEMES = "{ grantSchemes(year: 2019) { id name } }"


def create_scheme(gateway: Client, name: str, key: str) -> dict[str, Any]:
    token = issue_token(["directorate"], AuthSettings())
    variables = {
        "i": {
            "name": name,
            "year": 2019,
            "kind": "EMPLOYER_FURTHER_EDUCATION",
            "budgetNok": "100000",
        }
    }
    response = gateway.http.post(
        gateway.url,
        json={"query": CREATE_SCHEME, "variables": variables},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
    )
    return response.json()


def test_a_retried_mutation_through_the_router_is_applied_once(gateway: Client) -> None:
    name, key = f"Retried {uuid.uuid4().hex[:6]}", uuid.uuid4().hex
    first = create_scheme(gateway, name, key)
    again = create_scheme(gateway, name, key)
    assert "errors" not in first and again == first
    schemes = gateway.call(SCHEMES, role="directorate")["data"]["grantSchemes"]
    assert [s["name"] for s in schemes].count(name) == 1


def test_a_key_reused_for_another_request_names_the_header(gateway: Client) -> None:
    key = uuid.uuid4().hex
    create_scheme(gateway, f"First {key[:6]}", key)
    refused = create_scheme(gateway, f"Second {key[:6]}", key)
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert refused["errors"][0]["extensions"]["field"] == "Idempotency-Key"
