"""How every Kafka client of the project authenticates and encrypts: one place, for FastStream's
broker and for each raw aiokafka client (admin, producers, consumers, `kl-ops`).

Local development talks PLAINTEXT to the embedded broker; production talks SASL/SCRAM, over TLS
(docs/decisions/kafka-security.md). The settings are `KAFKA_SECURITY_PROTOCOL`,
`KAFKA_SASL_MECHANISM`, `KAFKA_SASL_USERNAME`, `KAFKA_SASL_PASSWORD`, `KAFKA_SSL_CAFILE` and, for
a broker that wants client certificates, `KAFKA_SSL_CERTFILE` with `KAFKA_SSL_KEYFILE`.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from faststream.kafka.security import parse_security
from faststream.security import BaseSecurity, SASLScram256, SASLScram512

Protocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
Mechanism = Literal["SCRAM-SHA-256", "SCRAM-SHA-512"]


@dataclass(frozen=True)
class KafkaSecurity:
    """Validated on construction: a refusal names the setting and the reason."""

    protocol: Protocol = "PLAINTEXT"
    mechanism: Mechanism = "SCRAM-SHA-512"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    cafile: Path | None = None  # None: the system's trusted CAs
    certfile: Path | None = None
    keyfile: Path | None = None

    def __post_init__(self) -> None:
        if self.uses_sasl and not (self.username and self.password):
            raise ValueError(
                f"KAFKA_SECURITY_PROTOCOL={self.protocol} needs KAFKA_SASL_USERNAME "
                "and KAFKA_SASL_PASSWORD"
            )
        if (self.certfile is None) != (self.keyfile is None):
            raise ValueError("KAFKA_SSL_CERTFILE and KAFKA_SSL_KEYFILE go together")
        tls_files = {
            "KAFKA_SSL_CAFILE": self.cafile,
            "KAFKA_SSL_CERTFILE": self.certfile,
            "KAFKA_SSL_KEYFILE": self.keyfile,
        }
        for setting, path in tls_files.items():
            if path is None:
                continue
            if not self.uses_tls:
                raise ValueError(f"{setting} is set but KAFKA_SECURITY_PROTOCOL={self.protocol}")
            if not path.is_file():
                raise ValueError(f"{setting}: no such file {path}")
        self.ssl_context()  # a file that is not what it should be is refused now, not at connect

    @property
    def uses_sasl(self) -> bool:
        return self.protocol.startswith("SASL_")

    @property
    def uses_tls(self) -> bool:
        return self.protocol.endswith("SSL")

    def ssl_context(self) -> ssl.SSLContext | None:
        """Verifies the broker's certificate and host name; None without TLS."""
        if not self.uses_tls:
            return None
        try:
            context = ssl.create_default_context(cafile=self.cafile)
        except ssl.SSLError as error:
            raise ValueError(f"KAFKA_SSL_CAFILE: no CA certificate in {self.cafile}") from error
        if self.certfile is not None:
            try:
                context.load_cert_chain(self.certfile, self.keyfile)
            except ssl.SSLError as error:
                raise ValueError(
                    "KAFKA_SSL_CERTFILE and KAFKA_SSL_KEYFILE: not a certificate and its key "
                    f"({error.reason})"
                ) from error
        return context

    def faststream(self) -> BaseSecurity | None:
        """For `KafkaBroker(security=...)`."""
        context = self.ssl_context()
        if not self.uses_sasl:
            return BaseSecurity(ssl_context=context) if context else None
        scram = SASLScram512 if self.mechanism == "SCRAM-SHA-512" else SASLScram256
        assert self.username and self.password  # checked on construction
        return scram(self.username, self.password, ssl_context=context)

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments for any aiokafka client: FastStream's own translation, so the raw
        clients and the broker cannot disagree."""
        return parse_security(self.faststream())


PLAINTEXT = KafkaSecurity()


@dataclass(frozen=True)
class KafkaConnection:
    """Where the brokers are and how to talk to them."""

    bootstrap_servers: str
    security: KafkaSecurity = PLAINTEXT

    def options(self) -> dict[str, Any]:
        return {"bootstrap_servers": self.bootstrap_servers, **self.security.client_options()}
