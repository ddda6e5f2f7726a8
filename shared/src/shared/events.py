"""The event envelope and the contract registry: the only thing services share about each other.

Every Kafka message is an `Envelope` as JSON; its `payload` is validated against the contract
registered for (`type`, `version`), and its producer must be the service that owns the
contract's topic. The message key is the municipality number.
"""

from __future__ import annotations

import builtins
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.observability import current_correlation_id


class Envelope(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: uuid.UUID
    type: str = Field(min_length=1)
    version: int = Field(ge=1)
    occurred_at: datetime
    producer: str = Field(min_length=1)
    municipality: str = Field(pattern=r"^[0-9]{4}$")
    correlation_id: str | None = None
    payload: dict[str, Any]


class Contract(BaseModel):
    """Base of every payload model; each subclass is registered with `@contract`."""

    model_config = ConfigDict(frozen=True, extra="forbid")


@dataclass(frozen=True, slots=True)
class ContractInfo:
    topic: str
    type: str
    version: int
    model: builtins.type[Contract]  # `type` alone is the field above, in here


_REGISTRY: dict[tuple[str, int], ContractInfo] = {}
C = TypeVar("C", bound=type[Contract])


def contract(topic: str, version: int = 1) -> Any:
    """Registers a payload model under its class name as the event type."""

    def register(model: C) -> C:
        info = ContractInfo(topic=topic, type=model.__name__, version=version, model=model)
        if (info.type, version) in _REGISTRY:
            raise ValueError(f"contract {info.type} v{version} registered twice")
        _REGISTRY[(info.type, version)] = info
        return model

    return register


def contract_of(model: type[Contract]) -> ContractInfo:
    for info in _REGISTRY.values():
        if info.model is model:
            return info
    raise KeyError(f"{model.__name__} is not a registered contract")


def contracts() -> list[ContractInfo]:
    return list(_REGISTRY.values())


def registered(type_: str, version: int) -> ContractInfo | None:
    """The contract of an event type and version, if there is one."""
    return _REGISTRY.get((type_, version))


def owner(topic: str) -> str:
    """The service that alone publishes on `topic`: topics are `<service>.<name>.v<version>`."""
    return topic.split(".", 1)[0]


def new_event(payload: Contract, *, municipality: str, producer: str) -> Envelope:
    info = contract_of(type(payload))
    return Envelope(
        event_id=uuid.uuid4(),
        type=info.type,
        version=info.version,
        occurred_at=datetime.now(UTC),
        producer=producer,
        municipality=municipality,
        correlation_id=current_correlation_id(),
        payload=payload.model_dump(mode="json"),
    )


class InvalidEvent(Exception):
    """A message that is not a valid event of a known contract; it goes to the dead-letter topic."""


@dataclass(frozen=True, slots=True)
class ReceivedEvent:
    envelope: Envelope
    payload: Contract


def parse_event(raw: bytes) -> ReceivedEvent:
    try:
        envelope = Envelope.model_validate_json(raw)
    except ValidationError as error:
        raise InvalidEvent(f"not a valid envelope: {_summary(error)}") from error
    info = registered(envelope.type, envelope.version)
    if info is None:
        raise InvalidEvent(f"unknown event type {envelope.type} v{envelope.version}")
    if envelope.producer != owner(info.topic):
        raise InvalidEvent(
            f"{envelope.type} is published by {owner(info.topic)} only, "
            f"not by {envelope.producer!r}"
        )
    try:
        payload = info.model.model_validate(envelope.payload)
    except ValidationError as error:
        raise InvalidEvent(f"{envelope.type} payload invalid: {_summary(error)}") from error
    return ReceivedEvent(envelope=envelope, payload=payload)


def _summary(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}" for e in error.errors()
    )
