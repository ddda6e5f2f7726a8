"""The AsyncAPI document is generated from the code: every published and consumed topic is in it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.testclient import TestClient

from shared.contracts.education import ENROLMENTS_TOPIC


def channels(create_app: Callable[[], Starlette]) -> dict[str, Any]:
    app = create_app()
    # No lifespan: the document needs neither Kafka nor the database.
    response = TestClient(app).get("/asyncapi.json")
    assert response.status_code == 200
    return json.loads(response.text)["channels"]


def test_education_documents_the_enrolment_topic_it_publishes() -> None:
    from svc_education.app import create_app

    documented = json.dumps(channels(create_app))
    assert ENROLMENTS_TOPIC in documented
    assert "EnrolmentRegistered" in documented


def test_grants_documents_the_enrolment_topic_it_consumes() -> None:
    from svc_grants.app import create_app

    assert ENROLMENTS_TOPIC in json.dumps(channels(create_app))
