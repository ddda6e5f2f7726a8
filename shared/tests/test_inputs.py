"""Free-text inputs: bounded, trimmed, and errors that name the client's field."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from shared.errors import BadUserInput
from shared.inputs import optional_text, parse_municipality, required_text, text_list
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


# 150575 43873 is a made-up birth number whose control digits are right; 12345678901 is not one.
@pytest.mark.parametrize(
    "text",
    [
        "15057543873",
        "150575 43873",
        "15.05.75-438 73",
        "fnr:15057543873",
        "Meeting with 150575-43873 about the plan",
        "55057543867",  # a D-number (day + 40)
        "150575-43873 (case cb5b1192-cf74-4800-9150-0f56eac379cc)",  # a UUID beside it
    ],
)
def test_an_identity_number_in_any_spelling_is_refused_in_free_text(text: str) -> None:
    with pytest.raises(BadUserInput) as raised:
        required_text(text, "summary", 200)
    assert raised.value.field == "summary"
    assert "national identity number" in raised.value.reason


@pytest.mark.parametrize(
    "text",
    [
        "12345678901",
        "15057543874",
        "150575438731",
        "Case 2018/1234, phone 55 55 55 55",
        # A UUID whose digits across its dashes (74-4800-9150-0) have right control digits:
        # 1 UUID in about 4,000 was refused as a partner's reference.
        "cb5b1192-cf74-4800-9150-0f56eac379cc",
    ],
)
def test_other_long_numbers_are_free_text(text: str) -> None:
    assert required_text(text, "summary", 200) == text


def test_a_historical_municipality_number_gives_today_s_municipality() -> None:
    assert parse_municipality("2012").name == "Alta"  # Alta before 2020


def test_a_split_municipality_s_old_number_is_refused_naming_today_s_municipalities() -> None:
    with pytest.raises(BadUserInput) as raised:
        parse_municipality("1850", "rows[0].municipality")  # Tysfjord, split in 2020
    assert raised.value.field == "rows[0].municipality"
    assert "1806 Narvik" in raised.value.reason
    assert "1875 Hábmer - Hamarøy" in raised.value.reason


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
