"""A scheme says whether it is demo data and where its figures come from, and shows the county
by the name of its year."""

from __future__ import annotations

from typing import Any

DIRECTORATE = ["directorate"]

SCHEME = """mutation($input: GrantSchemeInput!) { createGrantScheme(input: $input) {
  county countyNameThen demo source } }"""


async def test_a_2018_scheme_for_hordaland_shows_that_name_beside_todays(grants: Any) -> None:
    scheme = {
        "name": "Stimuleringsmidler 2018 – Hordaland",
        "year": 2018,
        "kind": "DEVELOPMENT_PROJECT",
        "budgetNok": "1000000.00",
        "county": "12",
        "demo": True,
        "source": "Demo: the budget is invented",
    }
    data = await grants.call(SCHEME, {"input": scheme}, DIRECTORATE)
    assert data["createGrantScheme"] == {
        "county": "46",
        "countyNameThen": "Hordaland",
        "demo": True,
        "source": "Demo: the budget is invented",
    }


async def test_an_ordinary_scheme_has_no_label_and_no_county_name_without_a_county(
    grants: Any,
) -> None:
    scheme = {"name": "Tilskudd", "year": 2018, "kind": "EMPLOYER_FURTHER_EDUCATION"}
    data = await grants.call(SCHEME, {"input": scheme | {"budgetNok": "10.00"}}, DIRECTORATE)
    assert data["createGrantScheme"] == {
        "county": None,
        "countyNameThen": None,
        "demo": False,
        "source": None,
    }


async def test_a_demo_scheme_without_a_source_is_refused(grants: Any) -> None:
    scheme = {"name": "Tilskudd", "year": 2018, "kind": "EMPLOYER_FURTHER_EDUCATION"}
    scheme |= {"budgetNok": "10.00", "demo": True}
    error = await grants.error_or_data(SCHEME, {"input": scheme}, DIRECTORATE)
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "source")
    data = await grants.call("{ grantSchemes { id } }", {}, DIRECTORATE)
    assert data["grantSchemes"] == []
