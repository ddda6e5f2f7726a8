"""Guidance' test fixtures; `runtime` and `gql` come from shared.testing."""

from __future__ import annotations

import pytest

from shared.web import ServiceDefinition
from svc_guidance.app import SERVICE


@pytest.fixture
def service_definition() -> ServiceDefinition:
    return SERVICE
