"""Money is integer øre inside (storage, events) and a NOK decimal string outside ("12500.00")."""

from __future__ import annotations

import re
from decimal import Decimal

from shared.errors import BadUserInput

_NOK = re.compile(r"^[0-9]{1,13}(\.[0-9]{1,2})?$")


def parse_nok(value: str, field: str) -> int:
    """'12500' or '12500.5' or '12500.50' → 1250050 øre; negative or malformed is bad input."""
    text = value.strip()
    if not _NOK.match(text):
        raise BadUserInput(field, "must be an amount of NOK like 12500.00 (at most two decimals)")
    return int(Decimal(text) * 100)


def parse_optional_nok(value: str | None, field: str) -> int | None:
    return None if value is None else parse_nok(value, field)


def format_nok(ore: int) -> str:
    sign = "-" if ore < 0 else ""
    kroner, rest = divmod(abs(ore), 100)
    return f"{sign}{kroner}.{rest:02d}"


def format_optional_nok(ore: int | None) -> str | None:
    return None if ore is None else format_nok(ore)
