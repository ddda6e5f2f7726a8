"""The ACLs derived from the services' code: each writes only its own topics and the dead letters
of what it consumes (the broker's enforcement of them: test_kafka_security.py)."""

from __future__ import annotations

import pytest

from localinfra.acls import consumed_topics, definition, platform_acls
from shared.events import contracts, owner
from shared.messaging import DLQ_SUFFIX
from shared.topology import SERVICE_NAMES

ACLS = platform_acls()


def granted(service: str, operation: str, resource_type: str = "topic") -> set[str]:
    return {
        acl.name
        for acl in ACLS
        if acl.user == service
        and acl.resource_type == resource_type
        and operation in acl.operations
    }


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_a_service_writes_its_own_topics_and_the_dead_letters_of_what_it_consumes(
    service: str,
) -> None:
    consumed = consumed_topics(definition(service))
    written = granted(service, "Write")
    events = {name for name in written if not name.endswith(DLQ_SUFFIX)}
    assert events == set(definition(service).published)
    assert all(owner(topic) == service for topic in events)
    assert written - events == {topic + DLQ_SUFFIX for topic in consumed}


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_a_service_reads_in_its_own_group_only(service: str) -> None:
    assert granted(service, "Read", "group") == {service}


def test_grants_reads_what_it_consumes_and_no_other_topic() -> None:
    assert granted("grants", "Read") == {
        "education.enrolments.v1",
        "networks.plans.v1",
        "networks.projects.v1",
    }


def test_the_live_feeds_host_reads_every_event_topic_and_no_dead_letters() -> None:
    assert granted("guidance", "Read") == {info.topic for info in contracts()}
