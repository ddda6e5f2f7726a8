"""Which Kafka principal may do what, derived from the services' own code (one source).

Each service is the SCRAM user named like it, and may:

- WRITE only the topics it publishes (`<service>.<name>.v<n>`, `ServiceDefinition.published`);
- READ the topics it consumes (its `runtime.on_event` registrations), in its own consumer group
  (its name); the service that hosts the live feed (a `LiveEventsSubscription`) READs every
  event topic, without a group;
- WRITE the dead-letter topic (`<topic>.dlq`) of each topic it consumes: the consumer, not the
  producer, parks what it cannot apply, so grants writes `education.enrolments.v1.dlq`. A DLQ
  is never consumed by a service (only `kl-ops`, as the operator), so writing one forges nothing;
- DESCRIBE and CREATE every topic it touches and their DLQs: `shared.messaging.ensure_topics`
  creates whatever is missing at start, so the start order of the services does not matter.

`kl-ops` runs as the operator (the cluster's admin user): it re-publishes dead letters onto
their source topic and moves other groups' offsets, which no service may do.

`make contracts` writes `infra/k8s/kafka-users.yaml` from this (Strimzi `KafkaUser`s: a SCRAM
user, its password Secret and its ACLs); `--check` fails when the committed file drifted.
The local secured broker (`LocalKafka(secured=True)`) is given the same ACLs.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from aiokafka.client import AIOKafkaClient
from aiokafka.protocol.api import Request, RequestStruct, Response
from aiokafka.protocol.types import Array, Int8, Int16, Int32, Schema, String

from shared.events import contracts
from shared.kafka_security import KafkaConnection
from shared.live import LiveEventsSubscription
from shared.messaging import dead_letter_topic
from shared.settings import ServiceSettings
from shared.topology import SERVICE_NAMES
from shared.web import ServiceDefinition

ResourceType = Literal["topic", "group"]
# Strimzi's spelling, which is also AclCommand's (`--operation Write`).
Operation = Literal["Read", "Write", "Create", "Describe"]
CLUSTER = "kafka"  # the Strimzi Kafka cluster's name: its users carry `strimzi.io/cluster: kafka`


@dataclass(frozen=True, order=True)
class Acl:
    """ALLOW `operations` on one resource, for every host, named literally (no prefixes)."""

    user: str
    resource_type: ResourceType
    name: str
    operations: tuple[Operation, ...]


def definition(service: str) -> ServiceDefinition:
    found: ServiceDefinition = importlib.import_module(f"svc_{service}.app").SERVICE
    return found


def consumed_topics(service: ServiceDefinition) -> list[str]:
    # An in-memory database: only the handler registrations are read, nothing connects.
    settings = ServiceSettings(service=service.name, port=0, database_url="sqlite+aiosqlite://")
    return sorted(service.runtime(settings).effects)


def hosts_live_feed(service: ServiceDefinition) -> bool:
    subscription = service.schema.subscription
    return subscription is not None and issubclass(subscription, LiveEventsSubscription)


def service_acls(service: ServiceDefinition) -> list[Acl]:
    published = sorted(service.published)
    consumed = consumed_topics(service)
    read = sorted({c.topic for c in contracts()}) if hosts_live_feed(service) else consumed
    written = {*published, *(dead_letter_topic(t) for t in consumed)}
    touched = {t for topic in {*published, *consumed} for t in (topic, dead_letter_topic(topic))}
    acls = []
    for topic in sorted(touched | set(read)):
        operations: list[Operation] = []
        if topic in read:
            operations.append("Read")
        if topic in written:
            operations.append("Write")
        if topic in touched:
            operations.append("Create")
        operations.append("Describe")
        acls.append(Acl(service.name, "topic", topic, tuple(operations)))
    if consumed:
        acls.append(Acl(service.name, "group", service.name, ("Read", "Describe")))
    return acls


def platform_acls() -> list[Acl]:
    return [acl for name in SERVICE_NAMES for acl in service_acls(definition(name))]


def kafka_users_yaml(acls: Iterable[Acl]) -> str:
    """One Strimzi `KafkaUser` per service: SCRAM-SHA-512, the Secret `<service>` holding its
    `password`, and its ACLs."""
    by_user: dict[str, list[Acl]] = {}
    for acl in acls:
        by_user.setdefault(acl.user, []).append(acl)
    documents = []
    for user, granted in by_user.items():
        lines = [
            "apiVersion: kafka.strimzi.io/v1beta2",
            "kind: KafkaUser",
            f"metadata: {{name: {user}, labels: {{strimzi.io/cluster: {CLUSTER}}}}}",
            "spec:",
            "  authentication: {type: scram-sha-512}",
            "  authorization:",
            "    type: simple",
            "    acls:",
        ]
        for acl in granted:
            operations = ", ".join(acl.operations)
            lines.append(
                f"      - resource: {{type: {acl.resource_type}, name: {acl.name}, "
                f"patternType: literal}}"
            )
            lines.append(f"        operations: [{operations}]")
        documents.append("\n".join(lines) + "\n")
    header = (
        "# Kafka users and ACLs, one per service. Generated by `make contracts` from the\n"
        "# services' code (infra/src/localinfra/acls.py says what each may do); do not edit.\n"
        f"# For the Strimzi cluster `{CLUSTER}` (bootstrap `{CLUSTER}-kafka-bootstrap:9093`, TLS\n"
        "# with SCRAM-SHA-512; its CA in the Secret `kafka-cluster-ca-cert`): the User Operator\n"
        "# makes each user and its Secret `<service>` (key `password`), which the service's\n"
        "# Deployment reads. Without Strimzi, the same grants are `kafka-acls.sh --add\n"
        "# --allow-principal User:<service> --operation <op> --topic|--group <name>` per entry.\n"
    )
    return header + "---\n".join(documents)


# The CreateAcls request (API key 30, version 1), which aiokafka does not offer: the local
# broker is given the ACLs in one round trip instead of a JVM per `kafka-acls.sh` call.
_RESOURCE_TYPES = {"topic": 2, "group": 3}
_OPERATIONS = {"Read": 3, "Write": 4, "Create": 5, "Describe": 8}
_LITERAL, _ALLOW = 3, 3


class _CreateAclsResponseV1(Response):
    API_KEY = 30
    API_VERSION = 1
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        ("results", Array(("error_code", Int16), ("error_message", String("utf-8")))),
    )


class _CreateAclsRequestV1(RequestStruct):
    API_KEY = 30
    API_VERSION = 1
    RESPONSE_TYPE = _CreateAclsResponseV1
    SCHEMA = Schema(
        (
            "creations",
            Array(
                ("resource_type", Int8),
                ("resource_name", String("utf-8")),
                ("resource_pattern_type", Int8),
                ("principal", String("utf-8")),
                ("host", String("utf-8")),
                ("operation", Int8),
                ("permission_type", Int8),
            ),
        ),
    )


class _CreateAcls(Request[_CreateAclsRequestV1]):
    API_KEY: ClassVar[int] = 30

    def __init__(self, creations: list[tuple[Any, ...]]) -> None:
        self._creations = creations

    def build(self, request_struct_class: type[_CreateAclsRequestV1]) -> _CreateAclsRequestV1:
        return request_struct_class(self._creations)


async def apply_acls(kafka: KafkaConnection, acls: Iterable[Acl]) -> None:
    """Creates the ACLs as the connection's (admin) user; raises naming any that was refused."""
    creations = [
        (
            _RESOURCE_TYPES[acl.resource_type],
            acl.name,
            _LITERAL,
            f"User:{acl.user}",
            "*",
            _OPERATIONS[operation],
            _ALLOW,
        )
        for acl in acls
        for operation in acl.operations
    ]
    client = AIOKafkaClient(**kafka.options())
    await client.bootstrap()
    try:
        response = await client.send(client.get_random_node(), _CreateAcls(creations))
    finally:
        await client.close()
    refused = [
        f"{creation[3]} {creation[1]}: {message or code}"
        for creation, (code, message) in zip(creations, response.results, strict=True)
        if code
    ]
    if refused:
        raise RuntimeError("Kafka refused ACLs: " + "; ".join(refused))
