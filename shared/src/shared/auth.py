"""Bearer JWTs and roles (docs/architecture.md, Identity and access).

The gateway authenticates and forwards the token; every service verifies it again and
authorizes against the data it owns.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from functools import cache

import jwt

from shared import reference
from shared.errors import Forbidden, Unauthenticated
from shared.reference import governors
from shared.settings import AuthSettings

_ROLE = re.compile(
    r"^(directorate|county:[0-9]{2}|municipality:[0-9]{4}|institution:[A-Za-z0-9_.-]+"
    r"|governor:[a-z-]+|employer:[0-9]{9})$"
)


def _known_role(role: str) -> bool:
    """Well-formed, and a governor role names one of today's offices."""
    if not _ROLE.match(role):
        return False
    kind, _, office_id = role.partition(":")
    return kind != "governor" or bool(governors.counties_served(office_id))


@dataclass(frozen=True, slots=True)
class Principal:
    subject: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def authenticated(self) -> bool:
        return self.subject is not None

    @property
    def is_directorate(self) -> bool:
        return "directorate" in self.roles

    def scoped(self, kind: str) -> frozenset[str]:
        """The ids of one kind of scoped role: `scoped("county")` → {"03", ...}."""
        prefix = f"{kind}:"
        return frozenset(r.removeprefix(prefix) for r in self.roles if r.startswith(prefix))

    @property
    def institutions(self) -> frozenset[str]:
        return self.scoped("institution")

    @property
    def employers(self) -> frozenset[str]:
        """Organisation numbers of the state or private employers this principal acts for."""
        return self.scoped("employer")

    @property
    def counties(self) -> frozenset[str]:
        """The counties this principal acts for as county governor: `county:<nr>` roles and
        every county of a `governor:<office>` role's office."""
        served = (governors.counties_served(o) for o in self.scoped("governor"))
        return self.scoped("county").union(*served)

    @property
    def municipalities(self) -> frozenset[str]:
        return self.scoped("municipality")

    def require_authenticated(self) -> None:
        if not self.authenticated:
            raise Unauthenticated("a bearer token is required")

    def require_institution(self) -> str:
        """The one institution this principal acts for."""
        self.require_authenticated()
        institutions = sorted(self.institutions)
        if len(institutions) != 1:
            raise Forbidden("this operation is for a partner institution's token")
        return institutions[0]

    def may_see_municipality(self, number: str) -> bool:
        """Directorate, the municipality itself, or its county governor."""
        found = reference.municipality(number)
        if found is None:
            return False
        return (
            self.is_directorate
            or found.number in self.municipalities
            or found.county in self.counties
        )

    def require_directorate(self) -> None:
        self.require_authenticated()
        if not self.is_directorate:
            raise Forbidden("this operation is for the directorate")

    def require_acting_for(self, municipality: str) -> None:
        """The municipality itself writes its own data; the directorate may do everything.

        A county governor sees its municipalities' data but does not write it.
        """
        self.require_authenticated()
        if not (self.is_directorate or municipality in self.municipalities):
            raise Forbidden(f"only municipality {municipality} itself may do this")

    def governor_role_for(self, county: str) -> str | None:
        """The role in which this principal acts as county governor for `county`, if any:
        `county:<nr>` itself, or the `governor:<office>` whose office serves the county."""
        if f"county:{county}" in self.roles:
            return f"county:{county}"
        offices = sorted(self.scoped("governor"))
        return next(
            (f"governor:{o}" for o in offices if county in governors.counties_served(o)), None
        )

    def require_governor_of(self, county: str, *, or_directorate: bool = True) -> str:
        """County-governor actions: that county's governor (or the directorate, unless the rule
        is the governor's alone). Returns the role acted in, for the audit trail."""
        self.require_authenticated()
        role = self.governor_role_for(county)
        if role is not None:
            return role
        if or_directorate and self.is_directorate:
            return "directorate"
        who = "the directorate or " if or_directorate else ""
        raise Forbidden(f"only {who}the governor of county {county} may do this")

    def require_itself(self, municipality: str) -> None:
        """What only the municipality itself may do (its own approval, its self-assessment):
        neither the directorate nor its county governor acts for it here."""
        self.require_authenticated()
        if municipality not in self.municipalities:
            raise Forbidden(f"only municipality {municipality} itself may do this")

    def require_municipality(self, number: str) -> None:
        self.require_authenticated()
        if not self.may_see_municipality(number):
            raise Forbidden(f"no access to municipality {number}")


ANONYMOUS = Principal()


def principal_from_header(authorization: str | None, settings: AuthSettings) -> Principal:
    """The principal of an `Authorization` header: anonymous without one, else a verified token."""
    if not authorization:
        return ANONYMOUS
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("the Authorization header must be 'Bearer <token>'")
    return verify_token(token.strip(), settings)


def verify_token(token: str, settings: AuthSettings) -> Principal:
    try:
        claims = jwt.decode(
            token,
            _verification_key(token, settings),
            algorithms=[settings.jwt_algorithm],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={
                "require": ["sub", "exp", *(["iss"] if settings.jwt_issuer else [])],
                "verify_aud": settings.jwt_audience is not None,
            },
        )
    except jwt.PyJWTError as error:
        raise Unauthenticated(f"invalid token: {error}") from error
    if _lifetime(claims) > settings.jwt_max_lifetime_seconds:
        raise Unauthenticated(
            f"invalid token: it may live at most {settings.jwt_max_lifetime_seconds} seconds"
        )
    roles = claims.get("roles", [])
    if not isinstance(roles, list) or not all(isinstance(r, str) and _known_role(r) for r in roles):
        raise Unauthenticated("invalid token: roles must be a list of known roles")
    return Principal(subject=str(claims["sub"]), roles=frozenset(roles))


def _lifetime(claims: dict[str, object]) -> float:
    """Seconds from the token's issue (or from now, when it does not say) to its expiry."""
    issued = claims.get("iat")
    start = issued if isinstance(issued, int | float) else time.time()
    expires = claims["exp"]
    return float(expires) - start if isinstance(expires, int | float) else float("inf")


def issue_token(
    roles: list[str],
    settings: AuthSettings,
    subject: str = "local-user",
    ttl_seconds: int = 8 * 3600,
) -> str:
    """An HS256 token for local use and tests (never how production tokens are made)."""
    for role in roles:
        if not _known_role(role):
            raise ValueError(f"unknown role {role!r}")
    now = int(time.time())
    claims = {"sub": subject, "roles": roles, "iat": now, "exp": now + ttl_seconds}
    if settings.jwt_audience:
        claims["aud"] = settings.jwt_audience
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")


def _verification_key(token: str, settings: AuthSettings) -> object:
    if settings.jwks_url:
        return _jwks_client(settings.jwks_url).get_signing_key_from_jwt(token).key
    return settings.jwt_secret


@cache
def _jwks_client(url: str) -> jwt.PyJWKClient:
    return jwt.PyJWKClient(url, cache_keys=True)
