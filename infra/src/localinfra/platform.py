"""Runs the platform as separate processes: four services (each a uvicorn) and the router.

The router (Hive Gateway, node) starts once the services answer, over a supergraph composed
from their SDL just then. Used by `make run` (embedded default: SQLite files, local Kafka) and
by the end-to-end tests (PostgreSQL databases, a test broker), so both exercise the same
process layout. Each service's migrate step (`python -m svc_<name> migrate`) runs before the
services start, as a deployment's one-shot job does: services do not migrate themselves.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from gateway.router import compose_supergraph, router_command, router_environment
from shared import topology

SERVICES = {entry.name: entry.default_port for entry in topology.SERVICES}
GATEWAY_PORT = topology.GATEWAY_PORT
MIGRATE_TIMEOUT_SECONDS = 300


@dataclass
class Process:
    name: str
    command: list[str]
    port: int
    env: dict[str, str]
    log_path: Path
    popen: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.popen = subprocess.Popen(
            self.command,
            env={**os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C in the terminal reaches us, and we stop each cleanly
        )

    def migrate(self) -> subprocess.Popen[bytes]:
        """`python -m svc_<name> migrate`, the step a deployment runs before the service."""
        return subprocess.Popen(
            [*self.command, "migrate"],
            env={**os.environ, **self.env},
            stdout=self.log_path.open("ab"),
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.popen is not None and self.popen.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.name} not ready in {timeout} s:\n{self.log_tail()}")

    def exited(self) -> bool:
        return self.popen is not None and self.popen.poll() is not None

    def stop(self, timeout: float = 20) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class Platform:
    supergraph_path: Path
    processes: dict[str, Process] = field(default_factory=dict)

    @property
    def gateway_url(self) -> str:
        return f"{self.processes['gateway'].url}/graphql"

    def __getitem__(self, name: str) -> Process:
        return self.processes[name]

    @property
    def services(self) -> list[Process]:
        return [p for n, p in self.processes.items() if n != "gateway"]

    def start(self, timeout: float = 90, *, migrate: bool = True) -> None:
        """Migrates (unless the databases are known to be at head), then starts each process."""
        services = self.services
        if migrate:
            # Four Python processes importing their service at once take long on a busy
            # machine; the bound only stops a step that hangs.
            self.migrate(services, max(timeout, MIGRATE_TIMEOUT_SECONDS))
        for process in services:
            process.start()
        for process in services:
            process.wait_ready(timeout)
        if "gateway" in self.processes:
            self.compose()
            self.processes["gateway"].start()
            self.processes["gateway"].wait_ready(timeout)

    @staticmethod
    def migrate(services: list[Process], timeout: float) -> None:
        """Each service's migrate step, side by side, as a deployment's one-shot job runs it."""
        steps = [(process, process.migrate()) for process in services]
        for process, step in steps:
            if step.wait(timeout) != 0:
                raise RuntimeError(f"{process.name} migrate failed:\n{process.log_tail()}")

    def compose(self) -> None:
        """(Re)writes the supergraph from the running services; the router reloads it."""
        urls = {n: f"{p.url}/graphql" for n, p in self.processes.items() if n != "gateway"}
        compose_supergraph(urls, self.supergraph_path)

    def stop(self) -> None:
        for process in reversed(list(self.processes.values())):
            process.stop()


def run_router(supergraph: Path) -> None:
    """Composes the supergraph from the running services, then becomes the router (exec).

    For deployments (`python -m localinfra gateway`): each service is where `<SERVICE>_URL`
    says, by default on this host at its port from `shared.topology`.
    """
    urls = {
        entry.name: os.environ.get(
            f"{entry.name.upper()}_URL", f"http://127.0.0.1:{entry.default_port}/graphql"
        )
        for entry in topology.SERVICES
    }
    compose_supergraph(urls, supergraph, wait_seconds=120)
    port = int(os.environ.get("GATEWAY_PORT", GATEWAY_PORT))
    command = router_command()
    os.execvpe(command[0], command, {**os.environ, **router_environment(supergraph, port)})


def build_platform(
    *,
    kafka_bootstrap: str,
    database_urls: Mapping[str, str],
    log_dir: Path,
    ports: Mapping[str, int] | None = None,
    extra_env: Mapping[str, str] | None = None,
) -> Platform:
    """The five processes, configured through the same environment variables operators use.

    The router's supergraph is written to `log_dir/supergraph.graphql`.
    """
    ports = {**SERVICES, "gateway": GATEWAY_PORT, **(ports or {})}
    log_dir.mkdir(parents=True, exist_ok=True)
    common = {"KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, **(extra_env or {})}
    platform = Platform(supergraph_path=log_dir / "supergraph.graphql")
    for entry in topology.SERVICES:
        name = entry.name
        env = {
            **common,
            f"{name.upper()}_PORT": str(ports[name]),
            f"{name.upper()}_DATABASE_URL": database_urls[name],
        }
        command = [sys.executable, "-m", entry.module]
        platform.processes[name] = Process(name, command, ports[name], env, log_dir / f"{name}.log")
    gateway_env = {**common, **router_environment(platform.supergraph_path, ports["gateway"])}
    platform.processes["gateway"] = Process(
        "gateway", router_command(), ports["gateway"], gateway_env, log_dir / "gateway.log"
    )
    return platform
