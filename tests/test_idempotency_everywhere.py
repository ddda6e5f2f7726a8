"""Every service keeps Idempotency-Key claims: without the table the header would be ignored."""

from __future__ import annotations

import importlib

import pytest

from shared.topology import SERVICE_NAMES


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_every_service_has_the_idempotency_table(service: str) -> None:
    definition = importlib.import_module(f"svc_{service}.app").SERVICE
    assert "idempotency_keys" in definition.metadata.tables
