"""Settings from the environment (pydantic-settings); defaults give the embedded local platform."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared import topology
from shared.kafka_security import KafkaConnection, KafkaSecurity, Mechanism, Protocol

# Local development only: tokens signed with this secret are worthless outside a laptop.
DEV_JWT_SECRET = "kompetanseloftet-local-development-secret-not-for-production"

# RFC 7518 §3.2: an HS256 key of fewer bytes than the hash's output can be guessed.
MIN_SECRET_BYTES = 32

DATA_DIR = Path(".data")


class AuthSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    environment: Literal["development", "production"] = "development"
    jwt_secret: str = DEV_JWT_SECRET
    jwt_algorithm: str = "HS256"
    jwt_audience: str | None = None
    jwt_issuer: str | None = None  # when set, tokens must name it in `iss`
    # A token meant to live longer than this (from its `iat`, or from now) is refused.
    jwt_max_lifetime_seconds: int = Field(default=24 * 3600, gt=0)
    jwks_url: str | None = None  # production: RS256 keys from the identity provider

    @model_validator(mode="after")
    def _production_has_a_real_secret(self) -> Self:
        if self.environment != "production" or self.jwks_url:
            return self
        if self.jwt_secret == DEV_JWT_SECRET:
            raise ValueError(
                "ENVIRONMENT=production needs JWT_SECRET or JWKS_URL, not the dev secret"
            )
        if len(self.jwt_secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes in production")
        return self


class ServiceSettings(AuthSettings):
    """One service's process settings. `<SERVICE>_DATABASE_URL` wins over `DATABASE_URL`."""

    service: str
    host: str = "127.0.0.1"
    port: int
    database_url: str = ""
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_partitions: int = 3
    # Production: SASL/SCRAM, over TLS unless a mesh encrypts (shared.kafka_security).
    kafka_security_protocol: Protocol = "PLAINTEXT"
    kafka_sasl_mechanism: Mechanism = "SCRAM-SHA-512"
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_cafile: Path | None = None
    kafka_ssl_certfile: Path | None = None
    kafka_ssl_keyfile: Path | None = None
    # GraphiQL and introspection: on in development, off in production unless switched on.
    graphiql: bool | None = None
    introspection: bool | None = None
    # Development only: production runs `python -m svc_<name> migrate` as its own step.
    migrate_on_start: bool = False
    outbox_poll_seconds: float = Field(default=0.5, gt=0)
    outbox_batch_size: int = Field(default=500, gt=0)
    # An envelope larger than this is set aside, not sent: keep it under the broker's limit.
    outbox_max_message_bytes: int = Field(default=900_000, gt=0)
    # Readiness turns false when the oldest pending outbox row is older (shared.health).
    outbox_stuck_seconds: float = Field(default=300, gt=0)
    consumer_batch_size: int = Field(default=1000, gt=0)  # events applied in one transaction
    # A request's work is cancelled after this: keep it below the router's subgraph timeout
    # (GATEWAY_SUBGRAPH_TIMEOUT_MS, 10 s by default).
    request_timeout_seconds: float = Field(default=8.0, gt=0)

    @model_validator(mode="after")
    def _development_tools_follow_the_environment(self) -> Self:
        development = self.environment == "development"
        if self.graphiql is None:
            self.graphiql = development
        if self.introspection is None:
            self.introspection = development
        return self

    @model_validator(mode="after")
    def _kafka_security_holds(self) -> Self:
        security = self.kafka_security()  # refuses incomplete settings, naming them
        if self.environment == "production" and not security.uses_sasl:
            raise ValueError(
                "ENVIRONMENT=production needs KAFKA_SECURITY_PROTOCOL=SASL_SSL "
                f"(or SASL_PLAINTEXT), not {security.protocol}: anyone on the network "
                "could otherwise publish events"
            )
        return self

    def kafka_security(self) -> KafkaSecurity:
        password = self.kafka_sasl_password
        return KafkaSecurity(
            protocol=self.kafka_security_protocol,
            mechanism=self.kafka_sasl_mechanism,
            username=self.kafka_sasl_username,
            password=password.get_secret_value() if password else None,
            cafile=self.kafka_ssl_cafile,
            certfile=self.kafka_ssl_certfile,
            keyfile=self.kafka_ssl_keyfile,
        )

    def kafka(self) -> KafkaConnection:
        return KafkaConnection(self.kafka_bootstrap_servers, self.kafka_security())


def load_service_settings(service: str) -> ServiceSettings:
    """Settings for `service`; `<SERVICE>_HOST`/`_PORT`/`_DATABASE_URL` win over plain names.

    The port defaults to the service's in `shared.topology`.
    """
    prefixed = _PrefixedServiceSettings.for_service(service)
    default_port = topology.service(service).default_port
    settings = ServiceSettings(service=service, port=prefixed.port or default_port)
    if prefixed.host:
        settings = settings.model_copy(update={"host": prefixed.host})
    url = prefixed.database_url or settings.database_url or sqlite_url(service)
    return settings.model_copy(update={"database_url": url})


def sqlite_url(service: str) -> str:
    DATA_DIR.mkdir(exist_ok=True)
    return f"sqlite+aiosqlite:///{DATA_DIR / f'{service}.db'}"


class _PrefixedServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    host: str | None = None
    port: int | None = None
    database_url: str | None = None

    @classmethod
    def for_service(cls, service: str) -> _PrefixedServiceSettings:
        return cls(_env_prefix=f"{service.upper()}_")
