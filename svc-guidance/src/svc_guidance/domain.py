"""Guidance's rules, pure Python: two-year engagements in yearly rounds (puljer)."""

from __future__ import annotations

from shared.errors import BadUserInput

FIRST_ROUND = 2018
ENGAGEMENT_YEARS = 2


def validate_round(round_year: int) -> int:
    if round_year < FIRST_ROUND:
        raise BadUserInput("round", f"rounds start in {FIRST_ROUND}")
    return round_year
