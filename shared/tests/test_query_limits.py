"""A subgraph reached directly refuses what the router would refuse: nested lists, deep
queries, alias floods; ordinary queries of the real services still run."""

from __future__ import annotations

import pytest

from svc_education.schema import schema as education


def errors_of(query: str) -> list[str]:
    result = education.execute_sync(query)
    return [error.message for error in result.errors or []]


def test_nesting_lists_of_municipalities_is_refused_before_anything_runs() -> None:
    result = education.execute_sync(
        "{ counties { municipalities { county { municipalities { name } } } } }"
    )
    assert result.data is None
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "COST_LIMIT_EXCEEDED"}


def test_the_router_s_entity_calls_for_all_municipalities_stay_within_the_bounds() -> None:
    query = """query($r: [_Any!]!) { _entities(representations: $r) {
        ... on Municipality { enrolments { id offering { term programme { name } } } } } }"""
    representations = [{"__typename": "Municipality", "number": "5601"}]
    result = education.execute_sync(query, variable_values={"r": representations})
    assert not [e for e in result.errors or [] if "limit" in e.message], result.errors


def test_the_router_s_entity_call_for_a_short_page_of_a_municipality_s_enrolments_runs() -> None:
    """A page is costed at its `first`, not always at the largest page."""
    query = """query($r: [_Any!]!) { _entities(representations: $r) {
        ... on Municipality { enrolmentsConnection(first: 10) { edges { node { id } } } } } }"""
    representations = [{"__typename": "Municipality", "number": "5601"}]
    result = education.execute_sync(query, variable_values={"r": representations})
    assert not [e for e in result.errors or [] if "limit" in e.message], result.errors


def test_a_page_a_variable_sizes_is_costed_as_the_largest() -> None:
    query = """query($r: [_Any!]!, $n: Int) { _entities(representations: $r) {
        ... on Municipality { enrolmentsConnection(first: $n) { edges { node { id } } } } } }"""
    result = education.execute_sync(query, variable_values={"r": [], "n": 1})
    assert [e.extensions for e in result.errors or []] == [{"code": "COST_LIMIT_EXCEEDED"}]


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        (
            "{ counties { " + "municipalities { county { " * 6 + "name" + " } }" * 6 + " } }",
            "depth",
        ),
        ("{ " + " ".join(f"a{i}: counties {{ name }}" for i in range(61)) + " }", "aliases"),
    ],
    ids=["depth", "aliases"],
)
def test_deep_or_alias_flooding_queries_are_refused(query: str, reason: str) -> None:
    assert any(reason in message.lower() for message in errors_of(query)), errors_of(query)


def test_a_refused_query_sent_again_is_refused_again_from_the_validation_cache() -> None:
    query = "{ counties { municipalities { county { municipalities { name } } } } }"
    first, second = education.execute_sync(query), education.execute_sync(query)
    assert second.data is None
    assert [e.extensions for e in second.errors or []] == [e.extensions for e in first.errors or []]
    assert (second.errors or [None])[0].extensions == {"code": "COST_LIMIT_EXCEEDED"}


def test_a_query_over_the_token_limit_is_refused_by_the_parser() -> None:
    query = "{ " + " ".join(["__typename"] * 4001) + " }"
    assert any("token" in message.lower() for message in errors_of(query)), errors_of(query)


def test_the_national_page_with_every_municipality_s_coverage_is_within_the_bounds() -> None:
    query = """{ nationalOverview(year: 2018) { municipalitiesReached
        counties { county { name municipalities { number name coverage(year: 2018) {
          furtherEducation employerGrant learningNetwork supportProgramme guidance } } } } }
      municipalities { number name county { name } coverage(year: 2018) { measures } } }"""
    assert not [e for e in errors_of(query) if "limit" in e], errors_of(query)
