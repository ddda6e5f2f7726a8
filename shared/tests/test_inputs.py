"""Free-text inputs: bounded, trimmed, and errors that name the client's field."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from shared.errors import BadUserInput
from shared.inputs import optional_text, required_text, text_list
from shared.provenance import Provenance, parse_provenance


def test_text_is_trimmed_and_bounded() -> None:
    assert required_text("  Plan  ", "title", 10) == "Plan"
    assert optional_text("   ", "contact", 10) is None
    assert text_list(["KS", " KS", "UiS"], "partners", max_length=5, max_items=3) == ["KS", "UiS"]


@pytest.mark.parametrize(
    ("call", "reason"),
    [
        (lambda: required_text(" ", "title", 10), "must not be empty"),
        (lambda: required_text("x" * 11, "title", 10), "at most 10 characters"),
        (lambda: required_text("a\x00b", "title", 10), "must not contain NUL characters"),
        (lambda: optional_text("x" * 11, "title", 10), "at most 10 characters"),
        (lambda: text_list(["a", "b"], "title", max_length=5, max_items=1), "at most 1 entries"),
        (lambda: text_list(["a", ""], "title", max_length=5, max_items=2), "must not be empty"),
    ],
)
def test_bad_text_names_the_field(call: Callable[[], object], reason: str) -> None:
    with pytest.raises(BadUserInput) as raised:
        call()
    assert (raised.value.field, raised.value.reason) == ("title", reason)


def test_provenance_of_a_demo_record_must_name_what_is_invented() -> None:
    assert parse_provenance(False, None) == Provenance()
    assert parse_provenance(False, "  Strategy 2018–2024: 280 places ") == Provenance(
        False, "Strategy 2018–2024: 280 places"
    )
    assert parse_provenance(True, "Invented") == Provenance(True, "Invented")
    for source in (None, "  ", "x" * 501):
        with pytest.raises(BadUserInput) as refused:
            parse_provenance(True, source)
        assert refused.value.field == "source"
