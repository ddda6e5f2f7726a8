"""Networks' rules, pure Python: a county's learning network of its municipalities."""

from __future__ import annotations

from shared import reference
from shared.errors import BadUserInput


def network_county(county: str) -> str:
    """Today's county number for a network (a historical number maps to today's)."""
    found = reference.county(county)
    if found is None:
        raise BadUserInput("county", f"no county has number {county.strip()!r}")
    return found.number
