"""Who may act, beyond what `shared.auth.Principal` answers (DESIGN.md, Identity and access)."""

from __future__ import annotations

from shared.auth import Principal
from shared.errors import Forbidden


def require_directorate(principal: Principal) -> None:
    principal.require_authenticated()
    if not principal.is_directorate:
        raise Forbidden("this operation is for the directorate")


def require_acting_for(principal: Principal, municipality: str) -> None:
    """The municipality itself writes its own data; the directorate may do everything.

    A county governor sees its municipalities' data but does not write it.
    """
    principal.require_authenticated()
    if not (principal.is_directorate or municipality in principal.municipalities):
        raise Forbidden(f"only municipality {municipality} itself may do this")
