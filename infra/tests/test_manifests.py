"""docker-compose and the Kubernetes manifests hold together, checked offline with PyYAML.

No Docker engine or cluster is used: these are structural checks of what an engine or the API
server would refuse or silently misroute (a selector that matches no pod, a dependency on a
service that does not exist, a probe on a port the container does not open).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import certifi
import pytest
import yaml

from shared.settings import load_service_settings
from shared.topology import SERVICE_NAMES

INFRA = Path(__file__).resolve().parents[1]
K8S_FILES = sorted((INFRA / "k8s").glob("*.yaml"))
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
KNOWN_KINDS = {
    ("apps/v1", "Deployment"),
    ("v1", "Service"),
    ("autoscaling/v2", "HorizontalPodAutoscaler"),
    ("kafka.strimzi.io/v1beta2", "KafkaUser"),  # kafka-users.yaml, from `make contracts`
}


def documents() -> list[dict[str, Any]]:
    return [doc for path in K8S_FILES for doc in yaml.safe_load_all(path.read_text()) if doc]


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((INFRA / "docker-compose.yml").read_text())
    return loaded


@pytest.mark.parametrize(
    "document", documents(), ids=lambda d: f"{d['kind']}/{d['metadata']['name']}"
)
def test_every_kubernetes_document_is_a_known_kind_with_a_valid_name(
    document: dict[str, Any],
) -> None:
    assert (document["apiVersion"], document["kind"]) in KNOWN_KINDS
    assert DNS_LABEL.match(document["metadata"]["name"])
    assert isinstance(document["spec"], dict)


def test_deployments_services_and_autoscalers_point_at_each_other() -> None:
    by_kind: dict[str, dict[str, dict[str, Any]]] = {}
    for doc in documents():
        by_kind.setdefault(doc["kind"], {})[doc["metadata"]["name"]] = doc
    deployments = by_kind["Deployment"]
    for name, deployment in deployments.items():
        spec = deployment["spec"]
        labels = spec["template"]["metadata"]["labels"]
        assert spec["selector"]["matchLabels"].items() <= labels.items(), name
        pod = spec["template"]["spec"]
        for container in [*pod.get("initContainers", []), *pod["containers"]]:
            assert container["image"] and container["command"], (name, container["name"])
            names = [variable["name"] for variable in container.get("env", [])]
            assert len(names) == len(set(names)), (name, container["name"])
            for variable in container.get("env", []):
                assert ("value" in variable) != ("valueFrom" in variable), variable
        for container in pod["containers"]:
            opened = {port["containerPort"] for port in container["ports"]}
            for probe in ("readinessProbe", "livenessProbe"):
                assert container[probe]["httpGet"]["port"] in opened, (name, probe)
    for name, service in by_kind["Service"].items():
        selector = service["spec"]["selector"]
        matched = [
            d
            for d in deployments.values()
            if selector.items() <= d["spec"]["template"]["metadata"]["labels"].items()
        ]
        assert len(matched) == 1, f"Service {name} selects {len(matched)} deployments"
        [container] = matched[0]["spec"]["template"]["spec"]["containers"]
        opened = {port["containerPort"] for port in container["ports"]}
        assert {port["targetPort"] for port in service["spec"]["ports"]} <= opened, name
    for name, autoscaler in by_kind["HorizontalPodAutoscaler"].items():
        target = autoscaler["spec"]["scaleTargetRef"]
        assert (target["kind"], target["name"]) == ("Deployment", name)
        assert target["name"] in deployments
        assert 1 <= autoscaler["spec"]["minReplicas"] <= autoscaler["spec"]["maxReplicas"]


def test_compose_services_depend_only_on_services_it_defines() -> None:
    services = compose()["services"]
    for name, service in services.items():
        assert "image" in service or "build" in service, name
        depends = service.get("depends_on", [])
        targets = list(depends) if isinstance(depends, dict) else depends
        assert set(targets) <= set(services), (name, targets)
        if isinstance(depends, dict):
            for condition in depends.values():
                assert condition["condition"] in {
                    "service_started",
                    "service_healthy",
                    "service_completed_successfully",
                }
        for port in service.get("ports", []):
            assert re.fullmatch(r"\d+:\d+", port), (name, port)


def test_compose_builds_from_the_committed_dockerfile() -> None:
    for name, service in compose()["services"].items():
        if "build" in service:
            context = (INFRA / "docker-compose.yml").parent / service["build"]["context"]
            assert (context / service["build"]["dockerfile"]).is_file(), name


def service_containers() -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Each service's Deployment: its pod spec and its one container."""
    found = {}
    for doc in documents():
        if doc["kind"] == "Deployment" and doc["metadata"]["name"] in SERVICE_NAMES:
            pod = doc["spec"]["template"]["spec"]
            [container] = pod["containers"]
            found[doc["metadata"]["name"]] = (pod, container)
    return found


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_every_service_uses_kafka_as_its_own_scram_user_over_tls_in_production(
    service: str,
) -> None:
    pod, container = service_containers()[service]
    env = {variable["name"]: variable for variable in container["env"]}
    assert env["ENVIRONMENT"]["value"] == "production"
    assert env["KAFKA_SECURITY_PROTOCOL"]["value"] == "SASL_SSL"
    assert env["KAFKA_SASL_USERNAME"]["value"] == service
    # The Secret Strimzi's User Operator makes for the KafkaUser of the same name.
    password = env["KAFKA_SASL_PASSWORD"]["valueFrom"]["secretKeyRef"]
    assert password == {"name": service, "key": "password"}
    [user] = [
        d for d in documents() if d["kind"] == "KafkaUser" and d["metadata"]["name"] == service
    ]
    assert user["spec"]["authentication"]["type"] == "scram-sha-512"
    # The CA file is on a volume from a Secret, mounted where the variable says.
    cafile = Path(env["KAFKA_SSL_CAFILE"]["value"])
    [mount] = [m for m in container["volumeMounts"] if Path(m["mountPath"]) == cafile.parent]
    [volume] = [v for v in pod["volumes"] if v["name"] == mount["name"]]
    assert cafile.name in [item["path"] for item in volume["secret"]["items"]]


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_every_services_production_settings_are_accepted(
    service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the service's settings would say of its manifest, with its Secrets filled in."""
    _, container = service_containers()[service]
    for variable in container["env"]:
        monkeypatch.setenv(
            variable["name"], variable.get("value", "a-secret-of-at-least-32-bytes!!!")
        )
    monkeypatch.setenv("KAFKA_SSL_CAFILE", certifi.where())  # the mounted file, here
    settings = load_service_settings(service)
    assert settings.environment == "production"
    assert settings.kafka_security().uses_sasl and settings.kafka_security().uses_tls


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_every_compose_service_passes_on_the_kafka_security_settings(service: str) -> None:
    env = compose()["services"][service]["environment"]
    assert env["KAFKA_SECURITY_PROTOCOL"] == "${KAFKA_SECURITY_PROTOCOL:-PLAINTEXT}"
    assert env["KAFKA_SASL_USERNAME"] == service
    assert env["KAFKA_SASL_PASSWORD"] == f"${{{service.upper()}_KAFKA_PASSWORD:-}}"
