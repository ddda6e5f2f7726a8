from __future__ import annotations

import time

import jwt
import pytest

from shared.auth import ANONYMOUS, Principal, issue_token, principal_from_header
from shared.errors import Forbidden, Unauthenticated
from shared.settings import AuthSettings

SETTINGS = AuthSettings()


def test_no_header_is_anonymous_and_a_valid_token_carries_roles() -> None:
    assert principal_from_header(None, SETTINGS) is ANONYMOUS
    token = issue_token(["county:56", "municipality:5601"], SETTINGS)
    principal = principal_from_header(f"Bearer {token}", SETTINGS)
    assert principal.counties == {"56"}
    assert principal.may_see_municipality("2012")  # Alta's old number, in county 56
    assert not principal.may_see_municipality("0301")


def signed(claims: dict[str, object], key: str = SETTINGS.jwt_secret) -> str:
    """A bearer header for `claims`, valid for an hour unless they say otherwise."""
    now = int(time.time())
    return "Bearer " + jwt.encode({"sub": "x", "iat": now, "exp": now + 3600} | claims, key)


@pytest.mark.parametrize(
    "header",
    [
        "Bearer not-a-token",
        "Basic abc",
        signed({"roles": ["directorate"]}, key="forged-with-another-secret-of-32-bytes"),
        signed({"roles": ["directorate"], "exp": 1}),
        signed({"roles": ["king"]}),
        signed({"roles": ["governor:finnmark"]}),
        signed({"roles": ["directorate"], "exp": int(time.time()) + 30 * 24 * 3600}),
        signed({"roles": ["directorate"], "iat": 0, "exp": int(time.time()) + 60}),
    ],
    ids=[
        "garbage",
        "wrong-scheme",
        "forged",
        "expired",
        "unknown-role",
        "former-office",
        "lives-a-month",
        "issued-long-ago",
    ],
)
def test_bad_tokens_are_unauthenticated(header: str) -> None:
    with pytest.raises(Unauthenticated):
        principal_from_header(header, SETTINGS)


def test_a_state_or_private_employer_is_a_role_of_its_own() -> None:
    token = issue_token(["employer:986128433"], SETTINGS)
    principal = principal_from_header(f"Bearer {token}", SETTINGS)
    assert principal.employers == {"986128433"}
    assert not principal.may_see_municipality("5601")  # an employer reads no municipality
    with pytest.raises(ValueError):
        issue_token(["employer:12345"], SETTINGS)  # an organisation number has 9 digits


def test_a_governor_office_acts_for_every_county_it_serves() -> None:
    token = issue_token(["governor:troms-finnmark"], SETTINGS)
    principal = principal_from_header(f"Bearer {token}", SETTINGS)
    assert principal.counties == {"55", "56"}
    assert principal.may_see_municipality("5601")  # Alta, Finnmark
    assert principal.may_see_municipality("5501")  # Tromsø, Troms
    assert not principal.may_see_municipality("1103")  # Stavanger, Rogaland


def test_acting_as_county_governor_is_one_shared_rule() -> None:
    rogaland = Principal(subject="x", roles=frozenset({"governor:rogaland"}))
    assert rogaland.require_governor_of("11") == "governor:rogaland"
    assert Principal(subject="x", roles=frozenset({"county:11"})).require_governor_of("11") == (
        "county:11"
    )
    directorate = Principal(subject="x", roles=frozenset({"directorate"}))
    assert directorate.require_governor_of("11") == "directorate"
    with pytest.raises(Forbidden, match="county 11"):
        directorate.require_governor_of("11", or_directorate=False)
    with pytest.raises(Forbidden, match="county 11"):
        Principal(subject="x", roles=frozenset({"governor:troms-finnmark"})).require_governor_of(
            "11"
        )
    with pytest.raises(Unauthenticated):
        ANONYMOUS.require_governor_of("11")


def test_only_the_municipality_itself_acts_for_itself() -> None:
    Principal(subject="x", roles=frozenset({"municipality:1103"})).require_itself("1103")
    for roles in ({"municipality:1108"}, {"directorate"}, {"governor:rogaland"}):
        with pytest.raises(Forbidden, match="1103"):
            Principal(subject="x", roles=frozenset(roles)).require_itself("1103")


def test_an_issuer_when_configured_must_be_the_token_s() -> None:
    settings = AuthSettings(jwt_issuer="https://login.example.no")
    principal_from_header(signed({"iss": "https://login.example.no"}), settings)
    for header in (signed({}), signed({"iss": "https://elsewhere.example"})):
        with pytest.raises(Unauthenticated):
            principal_from_header(header, settings)


@pytest.mark.parametrize(
    ("secret", "reason"),
    [(None, "not the dev secret"), ("short-secret", "at least 32 bytes")],
)
def test_production_refuses_the_dev_secret_and_short_ones(
    secret: str | None, reason: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    if secret is not None:
        monkeypatch.setenv("JWT_SECRET", secret)
    with pytest.raises(ValueError, match=reason):
        AuthSettings()
    monkeypatch.setenv("JWT_SECRET", "x" * 32)
    assert AuthSettings().environment == "production"
