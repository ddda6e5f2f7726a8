"""The deployment files agree with shared.topology, where the services and their ports live."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from shared.topology import SERVICES, ServiceEntry

INFRA = Path(__file__).resolve().parents[1]
# Any URL of a service, e.g. http://grants:8002/graphql in the router's settings.
SERVICE_URL = re.compile(r"http://(?P<name>[a-z]+):(?P<port>\d+)")


def manifest(entry: ServiceEntry) -> dict[str, dict[str, Any]]:
    """The service's Kubernetes documents by kind."""
    text = (INFRA / "k8s" / f"{entry.name}.yaml").read_text()
    return {doc["kind"]: doc for doc in yaml.safe_load_all(text)}


@pytest.mark.parametrize("entry", SERVICES, ids=lambda e: e.name)
def test_each_service_has_a_kubernetes_manifest_on_its_port(entry: ServiceEntry) -> None:
    documents = manifest(entry)
    [container] = documents["Deployment"]["spec"]["template"]["spec"]["containers"]
    assert container["command"] == ["python", "-m", entry.module]
    assert container["ports"] == [{"containerPort": entry.default_port}]
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["port"] == entry.default_port
    [port] = documents["Service"]["spec"]["ports"]
    assert (port["port"], port["targetPort"]) == (entry.default_port, entry.default_port)


def test_no_manifest_names_a_service_the_topology_does_not_know() -> None:
    # kafka-users.yaml: not a process but the services' Kafka users (`make contracts`).
    known = {entry.name for entry in SERVICES} | {"gateway", "kafka-users"}
    assert {path.stem for path in (INFRA / "k8s").glob("*.yaml")} <= known


@pytest.mark.parametrize("entry", SERVICES, ids=lambda e: e.name)
def test_each_service_runs_in_docker_compose_and_the_procfile(entry: ServiceEntry) -> None:
    compose = yaml.safe_load((INFRA / "docker-compose.yml").read_text())["services"]
    assert compose[entry.name]["command"] == f"python -m {entry.module}"
    procfile = (INFRA / "Procfile").read_text().splitlines()
    assert f"{entry.name}: python -m {entry.module}" in procfile


def test_every_service_url_uses_the_services_port() -> None:
    ports = {entry.name: entry.default_port for entry in SERVICES}
    files = [INFRA / "docker-compose.yml", *sorted((INFRA / "k8s").glob("*.yaml"))]
    urls = [match for path in files for match in SERVICE_URL.finditer(path.read_text())]
    for url in urls:
        if url["name"] in ports:
            assert int(url["port"]) == ports[url["name"]], url.group(0)


@pytest.mark.parametrize("entry", SERVICES, ids=lambda e: e.name)
def test_each_deployment_migrates_as_its_own_step_before_the_service(entry: ServiceEntry) -> None:
    migrate = ["python", "-m", entry.module, "migrate"]
    pod = manifest(entry)["Deployment"]["spec"]["template"]["spec"]
    [init] = pod["initContainers"]
    assert init["command"] == migrate
    database = f"{entry.name.upper()}_DATABASE_URL"
    assert database in {variable["name"] for variable in init["env"]}
    compose = yaml.safe_load((INFRA / "docker-compose.yml").read_text())["services"]
    step = compose[f"migrate-{entry.name}"]
    assert step["command"] == " ".join(migrate)
    assert step["environment"][database] == compose[entry.name]["environment"][database]
    assert compose[entry.name]["depends_on"][f"migrate-{entry.name}"] == {
        "condition": "service_completed_successfully"
    }
