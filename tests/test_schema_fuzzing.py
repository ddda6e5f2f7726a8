"""Schema-driven fuzzing of the router under every role (hypothesis-graphql).

Queries and mutations are generated from the composed schema the router serves, valid ones and
ones with one schema violation, with arbitrary strings (NUL included), numbers and dates as
arguments. Whatever comes in, the answer is never a server error: no HTTP 5xx, no "Internal
server error", every error has `extensions.code`, and BAD_USER_INPUT names the field.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import graphql
import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, nodes, queries

from shared.auth import issue_token
from shared.settings import AuthSettings
from tests.conftest import Client
from tests.roles import ROLES

pytestmark = pytest.mark.integration

# About a minute for all roles on a loaded 2-core machine; FUZZ_EXAMPLES=500 for a longer hunt.
EXAMPLES_PER_ROLE = int(os.environ.get("FUZZ_EXAMPLES", "25"))

# Dates as clients write them, and as they should not.
DATES = st.one_of(st.dates().map(lambda d: d.isoformat()), st.text(max_size=12)).map(nodes.String)
CUSTOM_SCALARS = {"Date": DATES, "DateTime": DATES}


@pytest.fixture(scope="module")
def schema(gateway: Client) -> graphql.GraphQLSchema:
    """The composed schema, as the router serves it."""
    body = gateway.call(graphql.get_introspection_query())
    return graphql.build_client_schema(body["data"])


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=60) as client:
        yield client


def documents(schema: graphql.GraphQLSchema) -> st.SearchStrategy[str]:
    return st.one_of(
        *(
            build(schema, custom_scalars=CUSTOM_SCALARS, mode=mode)
            for build in (queries, mutations)
            for mode in (Mode.POSITIVE, Mode.NEGATIVE)
        )
    )


def well_formed_errors(body: dict[str, Any]) -> list[str]:
    """What is wrong with the errors of one answer (nothing, ideally)."""
    wrong = []
    for error in body.get("errors") or []:
        extensions = error.get("extensions") or {}
        if "internal server error" in str(error.get("message", "")).lower():
            wrong.append(f"an internal error: {error}")
        if not extensions.get("code"):
            wrong.append(f"no extensions.code: {error}")
        if extensions.get("code") == "BAD_USER_INPUT" and not extensions.get("field"):
            wrong.append(f"BAD_USER_INPUT without extensions.field: {error}")
    return wrong


@pytest.mark.parametrize("alias", list(ROLES))
def test_no_generated_operation_gets_a_server_error(
    alias: str, platform: Any, schema: graphql.GraphQLSchema, http: httpx.Client
) -> None:
    role = ROLES[alias]
    headers = {"Authorization": f"Bearer {issue_token([role], AuthSettings())}"} if role else {}

    @settings(
        max_examples=EXAMPLES_PER_ROLE,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        # No shrinking: each step is an HTTP call; the failing document is reported as found.
        phases=[Phase.explicit, Phase.generate],
    )
    @given(document=documents(schema))
    def check(document: str) -> None:
        response = http.post(platform.gateway_url, json={"query": document}, headers=headers)
        assert response.status_code < 500, (document, response.text)
        body = response.json()
        assert not well_formed_errors(body), (document, well_formed_errors(body))

    check()
