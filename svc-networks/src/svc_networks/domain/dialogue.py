"""The county governor's dialogue meetings and the municipalities' own risk assessments."""

from __future__ import annotations

from enum import StrEnum

from shared.errors import BadUserInput
from shared.inputs import text_list

MAX_PARTICIPANTS = 50
MAX_PARTICIPANT = 200  # a name and role, e.g. "Rådmann Kari Nordmann"
MAX_CONCERNS = 20
MAX_CONCERN = 1000


class DialogueTopic(StrEnum):
    PRACTICE = "PRACTICE"
    QUALITY = "QUALITY"
    ECONOMY = "ECONOMY"
    OWNERSHIP_LEADERSHIP = "OWNERSHIP_LEADERSHIP"
    INTERNAL_CONTROL = "INTERNAL_CONTROL"


class RiskLevel(StrEnum):
    LOW = "LOW"
    MODERATE = "MODERATE"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"


def topics(chosen: list[DialogueTopic]) -> list[DialogueTopic]:
    """At least one of the five; in the order of the five, once each."""
    if not chosen:
        raise BadUserInput("topics", "a dialogue meeting covers at least one topic")
    return [topic for topic in DialogueTopic if topic in chosen]


def participants(names: list[str]) -> list[str]:
    found = text_list(names, "participants", max_length=MAX_PARTICIPANT, max_items=MAX_PARTICIPANTS)
    if not found:
        raise BadUserInput("participants", "a dialogue meeting has at least one participant")
    return found


def concerns(texts: list[str]) -> list[str]:
    """What the municipality is concerned about; may be none (a low risk)."""
    return text_list(texts, "concerns", max_length=MAX_CONCERN, max_items=MAX_CONCERNS)
