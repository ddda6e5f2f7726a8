"""A county's learning network: its members over time, their leadership contacts, partners."""

from __future__ import annotations

from datetime import date

from shared.errors import BadUserInput, Conflict
from shared.inputs import optional_text, parse_municipality, required_text, text_list

MAX_NAME = 200  # a network's name, a partner, a leadership contact
MAX_PARTNERS = 50
# Rogaland, the largest county by number of municipalities in 2018, had 26; room to spare.
MAX_MEMBERS = 100


def network_name(name: str) -> str:
    return required_text(name, "name", MAX_NAME)


def partners(names: list[str] | None) -> list[str]:
    """Universities, knowledge centres, KS: the network's partners, repeats dropped."""
    return text_list(names or [], "partners", max_length=MAX_NAME, max_items=MAX_PARTNERS)


def leadership_contact(contact: str | None) -> str | None:
    return optional_text(contact, "leadershipContact", MAX_NAME)


def founding_members(county: str, numbers: list[str]) -> list[str]:
    """Today's numbers of the founding members, in the order given: at least one, all of the
    network's county. The first is the network's lead municipality."""
    if not numbers:
        raise BadUserInput("members", "a learning network needs at least one municipality")
    if len(numbers) > MAX_MEMBERS:
        raise BadUserInput("members", f"at most {MAX_MEMBERS} entries")
    members = [member_of(county, number, "members") for number in numbers]
    return list(dict.fromkeys(members))


def member_of(county: str, number: str, field: str) -> str:
    """A municipality of the network's county (today's number)."""
    found = parse_municipality(number, field)
    if found.county != county:
        raise BadUserInput(field, f"municipality {found.number} is not in county {county}")
    return found.number


def check_not_after(day: date, today: date, field: str) -> date:
    """Memberships, meetings and assessments are records of what happened: never in the future."""
    if day > today:
        raise BadUserInput(field, f"must not be after today ({today.isoformat()})")
    return day


def check_free_to_join(municipality: str, current_network: str | None) -> None:
    """A municipality takes part in one learning network at a time."""
    if current_network is not None:
        raise Conflict(
            f"municipality {municipality} already takes part in the learning network "
            f"'{current_network}'"
        )


def not_a_member(municipality: str) -> Conflict:
    return Conflict(f"municipality {municipality} is not a member of the network")


def check_leaving(joined_on: date, left_on: date) -> None:
    if left_on < joined_on:
        raise BadUserInput("leftOn", f"must not be before it joined ({joined_on.isoformat()})")
