"""Errors a client may see; each carries `extensions.code` (docs/architecture.md, Errors).

Anything else is masked.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """A failure the client caused or may act on; graphql-core copies `extensions` to the error."""

    code: ClassVar[str] = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    @property
    def extensions(self) -> dict[str, Any]:
        extensions: dict[str, Any] = {"code": self.code}
        if self.field is not None:
            extensions["field"] = self.field
        return extensions


class BadUserInput(DomainError):
    code = "BAD_USER_INPUT"

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}", field=field)
        self.reason = reason


class Unauthenticated(DomainError):
    code = "UNAUTHENTICATED"


class Forbidden(DomainError):
    code = "FORBIDDEN"


class NotFound(DomainError):
    code = "NOT_FOUND"


class Conflict(DomainError):
    code = "CONFLICT"


class Unavailable(DomainError):
    code = "UNAVAILABLE"
