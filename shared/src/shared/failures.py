"""Telling failures that pass with time from those that never will.

A consumer retries a transient failure for as long as it takes (the event is valid; the
database or broker is not there yet) and dead-letters only a permanent one.
"""

from __future__ import annotations

from aiokafka.errors import KafkaError, MessageSizeTooLargeError
from sqlalchemy.exc import DBAPIError, OperationalError


def is_transient(error: BaseException) -> bool:
    """True when the same work, unchanged, may succeed later: the database unavailable, locked
    or its connection lost, a timeout, a network or broker error."""
    if isinstance(error, DBAPIError):
        # OperationalError: connection refused or lost, SQLite's "database is locked", a
        # serialization failure. Other DBAPI errors (integrity, data) repeat on every attempt.
        return error.connection_invalidated or isinstance(error, OperationalError)
    if isinstance(error, MessageSizeTooLargeError):
        return False  # the same record is as large on every attempt
    return isinstance(error, TimeoutError | OSError | KafkaError)
