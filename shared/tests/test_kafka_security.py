"""Kafka security settings: what each client is given, and what is refused before any connect."""

from __future__ import annotations

import ssl

import certifi
import pytest
from faststream.kafka.security import parse_security

from shared.settings import ServiceSettings

PRODUCTION = {"ENVIRONMENT": "production", "JWT_SECRET": "a-production-secret-of-at-least-32-bytes"}
SCRAM = {
    "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
    "KAFKA_SASL_USERNAME": "grants",
    "KAFKA_SASL_PASSWORD": "grants-password",
    "KAFKA_SSL_CAFILE": certifi.where(),  # any real CA bundle
}


def settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> ServiceSettings:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return ServiceSettings(service="grants", port=0)


def test_development_talks_plaintext_without_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    security = settings(monkeypatch).kafka_security()
    assert security.protocol == "PLAINTEXT"
    assert security.faststream() is None
    assert security.client_options() == {}


def test_scram_over_tls_gives_every_client_the_same_verified_options(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    security = settings(monkeypatch, **SCRAM).kafka_security()
    options = security.client_options()
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (options["sasl_plain_username"], options["sasl_plain_password"]) == (
        "grants",
        "grants-password",
    )
    context = options["ssl_context"]
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    # The FastStream broker gets the same translation as the raw aiokafka clients.
    assert parse_security(security.faststream()).keys() == options.keys()


def test_the_password_is_not_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = settings(monkeypatch, **SCRAM)
    assert "grants-password" not in repr(loaded)
    assert "grants-password" not in repr(loaded.kafka_security())


def test_scram_sha_256_and_sasl_without_tls(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {
        **SCRAM,
        "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
        "KAFKA_SASL_MECHANISM": "SCRAM-SHA-256",
    }
    del env["KAFKA_SSL_CAFILE"]
    options = settings(monkeypatch, **env).kafka_security().client_options()
    assert options["security_protocol"] == "SASL_PLAINTEXT"
    assert options["sasl_mechanism"] == "SCRAM-SHA-256"
    assert options["ssl_context"] is None


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        ({"KAFKA_SASL_USERNAME": ""}, "needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD"),
        ({"KAFKA_SASL_PASSWORD": ""}, "needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD"),
        ({"KAFKA_SASL_MECHANISM": "PLAIN"}, "kafka_sasl_mechanism"),
        ({"KAFKA_SECURITY_PROTOCOL": "TLS"}, "kafka_security_protocol"),
        ({"KAFKA_SSL_CAFILE": "/nowhere/ca.pem"}, "KAFKA_SSL_CAFILE: no such file /nowhere"),
        ({"KAFKA_SSL_CERTFILE": certifi.where()}, "KAFKA_SSL_CERTFILE and KAFKA_SSL_KEYFILE go"),
        ({"KAFKA_SSL_CAFILE": __file__}, "KAFKA_SSL_CAFILE: no CA certificate in"),
        (
            {"KAFKA_SSL_CERTFILE": certifi.where(), "KAFKA_SSL_KEYFILE": certifi.where()},
            "KAFKA_SSL_CERTFILE and KAFKA_SSL_KEYFILE: not a certificate and its key",
        ),
        (
            {"KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT"},
            "KAFKA_SSL_CAFILE is set but KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT",
        ),
    ],
)
def test_incomplete_or_wrong_settings_are_refused_naming_the_setting(
    change: dict[str, str], refusal: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ValueError, match=refusal):
        settings(monkeypatch, **{**SCRAM, **change})


@pytest.mark.parametrize(
    "kafka",
    [{}, {"KAFKA_SECURITY_PROTOCOL": "SSL", "KAFKA_SSL_CAFILE": certifi.where()}],
    ids=["plaintext", "tls-without-sasl"],
)
def test_production_refuses_kafka_without_sasl(
    kafka: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ValueError, match="ENVIRONMENT=production needs KAFKA_SECURITY_PROTOCOL"):
        settings(monkeypatch, **PRODUCTION, **kafka)


def test_production_accepts_scram(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings(monkeypatch, **PRODUCTION, **SCRAM).kafka_security().uses_sasl
