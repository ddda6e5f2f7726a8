"""The year's appropriation: set by the directorate, never exceeded by the year's schemes."""

from __future__ import annotations

import pytest

DIRECTORATE = ["directorate"]
APPROPRIATION = "query($year: Int!) { appropriation(year: $year) { year amountNok allocatedNok } }"
SET = """mutation($year: Int!, $amount: String!) {
  setAppropriation(year: $year, amountNok: $amount) { year amountNok allocatedNok } }"""


async def appropriation(grants, year: int = 2018) -> dict | None:
    return (await grants.call(APPROPRIATION, {"year": year}))["appropriation"]


async def test_a_year_without_appropriation_has_none_and_no_limit(grants) -> None:
    assert await appropriation(grants) is None
    await grants.scheme("90000000")  # above the NOK 80 million of 2018: no limit set yet
    assert await appropriation(grants) is None


async def test_schemes_never_exceed_the_appropriation(grants) -> None:
    data = await grants.call(SET, {"year": 2018, "amount": "80000000"}, DIRECTORATE)
    assert data["setAppropriation"] == {
        "year": 2018,
        "amountNok": "80000000.00",
        "allocatedNok": "0.00",
    }
    await grants.scheme("60000000")
    await grants.project_scheme("11", "15000000")
    refused = await grants.failure(
        grants.CREATE_SCHEME,
        {
            "input": {
                "name": "For mye",
                "year": 2018,
                "kind": "DEVELOPMENT_PROJECT",
                "county": "03",
                "budgetNok": "5000000.01",
            }
        },
        DIRECTORATE,
    )
    assert refused["extensions"]["code"] == "CONFLICT"
    assert "NOK 5000000.00 left" in refused["message"]
    assert await appropriation(grants) == {
        "year": 2018,
        "amountNok": "80000000.00",
        "allocatedNok": "75000000.00",
    }
    await grants.project_scheme("03", "5000000")  # exactly what is left
    other_year = await grants.scheme("1000000", year=2019)  # another year, another frame
    assert other_year
    assert (await appropriation(grants))["allocatedNok"] == "80000000.00"


async def test_an_appropriation_below_what_is_allocated_is_a_conflict(grants) -> None:
    await grants.scheme("60000000")
    refused = await grants.error(SET, {"year": 2018, "amount": "59999999.99"}, DIRECTORATE)
    assert refused["code"] == "CONFLICT"
    assert await appropriation(grants) is None
    changed = await grants.call(SET, {"year": 2018, "amount": "60000000"}, DIRECTORATE)
    assert changed["setAppropriation"]["allocatedNok"] == "60000000.00"


@pytest.mark.parametrize(
    ("variables", "roles", "code", "field"),
    [
        ({"year": 2018, "amount": "1"}, ["municipality:5601"], "FORBIDDEN", None),
        ({"year": 2018, "amount": "1"}, ["county:11"], "FORBIDDEN", None),
        ({"year": 2018, "amount": "1"}, None, "UNAUTHENTICATED", None),
        ({"year": 2018, "amount": "0"}, DIRECTORATE, "BAD_USER_INPUT", "amountNok"),
        ({"year": 2018, "amount": "-5"}, DIRECTORATE, "BAD_USER_INPUT", "amountNok"),
        ({"year": 2017, "amount": "1"}, DIRECTORATE, "BAD_USER_INPUT", "year"),
    ],
)
async def test_only_the_directorate_sets_a_valid_appropriation(
    grants, variables, roles, code, field
) -> None:
    refused = await grants.error(SET, variables, roles)
    assert (refused["code"], refused.get("field")) == (code, field)
    assert await appropriation(grants) is None
