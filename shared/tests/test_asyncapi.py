"""The AsyncAPI document is generated from the code: every published and consumed topic is in it."""

from __future__ import annotations

import json
from typing import Any

from starlette.testclient import TestClient

from shared.contracts.education import ENROLMENTS_TOPIC
from shared.web import ServiceDefinition


def channels(service: ServiceDefinition) -> dict[str, Any]:
    app = service.app()
    # No lifespan: the document needs neither Kafka nor the database.
    response = TestClient(app).get("/asyncapi.json")
    assert response.status_code == 200
    return json.loads(response.text)["channels"]


def test_education_documents_the_enrolment_topic_it_publishes() -> None:
    from svc_education.app import SERVICE

    documented = json.dumps(channels(SERVICE))
    assert ENROLMENTS_TOPIC in documented
    assert "EnrolmentRegistered" in documented


def test_grants_documents_the_enrolment_topic_it_consumes() -> None:
    from svc_grants.app import SERVICE

    assert ENROLMENTS_TOPIC in json.dumps(channels(SERVICE))
