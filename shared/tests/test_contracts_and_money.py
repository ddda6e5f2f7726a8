from __future__ import annotations

import pytest

from shared.errors import BadUserInput
from shared.events import InvalidEvent, new_event, parse_event
from shared.money import format_nok, parse_nok
from shared.testing import enrolment_registered


def test_event_round_trips_through_its_contract() -> None:
    payload = enrolment_registered("5601")
    event = new_event(payload, municipality="5601", producer="education")
    received = parse_event(event.model_dump_json().encode())
    assert received.payload == payload
    assert received.envelope.type == "EnrolmentRegistered"
    assert received.envelope.correlation_id


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"not json", "not a valid envelope"),
        (b'{"event_id": "x"}', "not a valid envelope"),
        (
            b'{"event_id": "6f1c2a54-8d51-4e53-9d1c-0a8c5e5e7b11", "type": "Nope", "version": 1,'
            b' "occurred_at": "2018-09-01T00:00:00Z", "producer": "x", "municipality": "5601",'
            b' "payload": {}}',
            "unknown event type Nope",
        ),
        (
            b'{"event_id": "6f1c2a54-8d51-4e53-9d1c-0a8c5e5e7b11", "type": "EnrolmentRegistered",'
            b' "version": 1, "occurred_at": "2018-09-01T00:00:00Z", "producer": "education",'
            b' "municipality": "5601", "payload": {"term": "autumn"}}',
            "EnrolmentRegistered payload invalid",
        ),
    ],
)
def test_invalid_messages_say_why(raw: bytes, reason: str) -> None:
    with pytest.raises(InvalidEvent) as error:
        parse_event(raw)
    assert reason in str(error.value)


def test_money_is_ore_inside_and_nok_outside() -> None:
    assert parse_nok("12500", "amount") == 1_250_000
    assert parse_nok("12500.5", "amount") == 1_250_050
    assert format_nok(1_250_050) == "12500.50"
    assert format_nok(5) == "0.05"
    for bad in ("-1", "12,50", "1.234", "", "abc", "١٢٣", "１２３"):  # digits ASCII only
        with pytest.raises(BadUserInput) as error:
            parse_nok(bad, "amountNok")
        assert error.value.field == "amountNok"


def test_an_event_from_a_service_that_does_not_own_its_topic_is_invalid() -> None:
    forged = new_event(enrolment_registered(), municipality="5601", producer="grants")
    with pytest.raises(InvalidEvent, match="published by education only"):
        parse_event(forged.model_dump_json().encode())
