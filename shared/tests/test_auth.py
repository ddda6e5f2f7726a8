from __future__ import annotations

import jwt
import pytest

from shared.auth import ANONYMOUS, issue_token, principal_from_header
from shared.errors import Unauthenticated
from shared.settings import AuthSettings

SETTINGS = AuthSettings()


def test_no_header_is_anonymous_and_a_valid_token_carries_roles() -> None:
    assert principal_from_header(None, SETTINGS) is ANONYMOUS
    token = issue_token(["county:56", "municipality:5601"], SETTINGS)
    principal = principal_from_header(f"Bearer {token}", SETTINGS)
    assert principal.counties == {"56"}
    assert principal.may_see_municipality("2012")  # Alta's old number, in county 56
    assert not principal.may_see_municipality("0301")


@pytest.mark.parametrize(
    "header",
    [
        "Bearer not-a-token",
        "Basic abc",
        "Bearer "
        + jwt.encode({"sub": "x", "roles": ["directorate"], "exp": 9999999999}, "forged", "HS256"),
        "Bearer "
        + jwt.encode(
            {"sub": "x", "roles": ["directorate"], "exp": 1}, SETTINGS.jwt_secret, "HS256"
        ),
        "Bearer "
        + jwt.encode(
            {"sub": "x", "roles": ["king"], "exp": 9999999999}, SETTINGS.jwt_secret, "HS256"
        ),
        "Bearer "
        + jwt.encode(
            {"sub": "x", "roles": ["governor:finnmark"], "exp": 9999999999},
            SETTINGS.jwt_secret,
            "HS256",
        ),
    ],
    ids=["garbage", "wrong-scheme", "forged", "expired", "unknown-role", "former-office"],
)
def test_bad_tokens_are_unauthenticated(header: str) -> None:
    with pytest.raises(Unauthenticated):
        principal_from_header(header, SETTINGS)


def test_a_governor_office_acts_for_every_county_it_serves() -> None:
    token = issue_token(["governor:troms-finnmark"], SETTINGS)
    principal = principal_from_header(f"Bearer {token}", SETTINGS)
    assert principal.counties == {"55", "56"}
    assert principal.may_see_municipality("5601")  # Alta, Finnmark
    assert principal.may_see_municipality("5501")  # Tromsø, Troms
    assert not principal.may_see_municipality("1103")  # Stavanger, Rogaland
