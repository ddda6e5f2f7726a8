"""Which failures a consumer retries for as long as it takes, and how long it waits between."""

from __future__ import annotations

import pytest
from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError, MessageSizeTooLargeError
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from shared.failures import is_transient
from shared.messaging import RETRY_MAX_SECONDS, retry_delay


def _validation_error() -> ValidationError:
    from pydantic import BaseModel

    class Amount(BaseModel):
        value: int

    try:
        Amount.model_validate({"value": "many"})
    except ValidationError as error:
        return error
    raise AssertionError("unreachable")


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("INSERT", {}, Exception("database is locked")),
        OperationalError("SELECT 1", {}, Exception("connection refused")),
        DBAPIError("SELECT 1", {}, Exception("terminated"), connection_invalidated=True),
        TimeoutError(),
        ConnectionRefusedError(),
        OSError("network unreachable"),
        KafkaConnectionError(),
        KafkaTimeoutError(),
    ],
    ids=repr,
)
def test_an_outage_is_transient(error: BaseException) -> None:
    assert is_transient(error)


@pytest.mark.parametrize(
    "error",
    [
        IntegrityError("INSERT", {}, Exception("duplicate key")),
        DBAPIError("INSERT", {}, Exception("invalid byte sequence")),
        MessageSizeTooLargeError(),
        RuntimeError("a bug"),
        KeyError("missing"),
        _validation_error(),
    ],
    ids=repr,
)
def test_a_bug_a_broken_rule_or_bad_data_is_permanent(error: BaseException) -> None:
    assert not is_transient(error)


def test_the_wait_doubles_from_a_fifth_of_a_second_up_to_its_cap() -> None:
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [0.2, 0.4, 0.8, 1.6]
    assert retry_delay(9) == RETRY_MAX_SECONDS
    assert retry_delay(10_000) == RETRY_MAX_SECONDS  # no overflow after days of outage
